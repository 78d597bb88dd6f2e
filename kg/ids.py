"""The only place IRIs are minted.

Every IRI is a pure function of stable inputs (an article id, an actor's canonical name,
character offsets), so ingesting the same article twice mints the same IRIs and changes
nothing, and the same actor gets the same IRI in every article.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

BASE = "https://w3id.org/kg-stance/"
ONTOLOGY = BASE + "ontology#"
DATA = BASE + "id/"
GAZETTEER_GRAPH = DATA + "graph/gazetteer"
ONTOLOGY_GRAPH = DATA + "graph/ontology"


def slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens: ``"Khalifa Haftar"`` -> ``"khalifa-haftar"``."""
    norm = unicodedata.normalize("NFKD", text)
    ascii_text = norm.encode("ascii", "ignore").decode("ascii").lower()
    ascii_text = ascii_text.replace("'", "").replace(".", "")
    words = re.findall(r"[a-z0-9]+", ascii_text)
    return "-".join(words)[:80] or "x"


def _digest(*parts: object, n: int = 12) -> str:
    h = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return h[:n]


def article_key(article_id: str) -> str:
    """A short, IRI-safe key for an article id: readable slug plus a hash (ids may hold any characters)."""
    return f"{slug(article_id)[:40]}-{_digest(article_id, n=8)}"


def article_iri(article_id: str) -> str:
    return f"{DATA}article/{article_key(article_id)}"


def article_graph_iri(article_id: str) -> str:
    """The named graph that holds everything read from one article."""
    return f"{DATA}graph/article/{article_key(article_id)}"


def actor_iri(label: str, actor_type: str | None = None) -> str:
    """The IRI of an actor from its canonical name; countries and governments of the same
    name are kept apart (``Libya`` the country, ``Libya`` the government)."""
    if actor_type == "Government":
        return f"{DATA}actor/{slug(label)}-government"
    return f"{DATA}actor/{slug(label)}"


def government_iri(place: str) -> str:
    """The IRI of the government of a country or other place, minted from the place's name
    whatever the government's label says: ``government_iri("Libya")`` is the IRI of the actor
    labelled "Government of Libya", the same as ``actor_iri("Libya", "Government")``."""
    return actor_iri(place, "Government")


def span_iri(article_id: str, start: int, end: int) -> str:
    """A piece of an article's text (a mention, a cue, a quote): the same offsets, the same IRI."""
    return f"{DATA}span/{article_key(article_id)}/{start}-{end}"


def statement_iri(article_id: str, start: int, end: int) -> str:
    """A statement is identified by its article and the offsets of its content."""
    return f"{DATA}statement/{article_key(article_id)}/{start}-{end}"


def stance_iri(article_id: str, holder_iri: str, target: str, polarity: str, cue_start: int | None,
               evidence_start: int | None) -> str:
    key = _digest(holder_iri, target, polarity, cue_start, evidence_start)
    return f"{DATA}stance/{article_key(article_id)}/{key}"


def role_iri(title: str) -> str:
    """A post title as a SKOS concept (``Deputy Prime Minister``)."""
    return f"{DATA}role/{slug(title)}"


def membership_iri(actor: str, title: str, organization: str | None) -> str:
    return f"{DATA}membership/{_digest(actor, title, organization or '')}"


def topic_iri(topic: str) -> str:
    return f"{DATA}topic/{slug(topic)}"


def run_iri(version: str, model: str) -> str:
    """The extraction activity (PROV) of one version of kg with one spaCy pipeline:
    ``run/kg-0-1-0/en-core-web-sm-3-8-0`` (dots become hyphens so 0.1.0 and 0.10 stay apart)."""
    return f"{DATA}run/kg-{slug(version.replace('.', '-'))}/{slug(model.replace('.', '-'))}"
