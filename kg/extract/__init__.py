"""Extractors: each a plain function from a spaCy Doc (and what earlier extractors found) to records."""
