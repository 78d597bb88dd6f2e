"""kg: who says what about whom — a political-stance knowledge graph from news articles."""

__version__ = "0.1.0"
