"""The only place IRIs are minted.

Every IRI is a pure function of stable inputs (an article id, an actor's canonical name,
character offsets), so ingesting the same article twice mints the same IRIs and changes
nothing, and the same actor gets the same IRI in every article.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from kg.records import ActorType

BASE = "https://w3id.org/kg-stance/"
ONTOLOGY = BASE + "ontology#"
DATA = BASE + "id/"
GAZETTEER_GRAPH = DATA + "graph/gazetteer"
ONTOLOGY_GRAPH = DATA + "graph/ontology"
# each shared resource's resolved label, type and links, once for the whole corpus (kg.corpus)
CORPUS_GRAPH = DATA + "graph/corpus"
# writer leases on a remote store (kg.remote.WriterLease): outside DATA + "graph/", so no
# command that reads kg's graphs (export, stats, validate) meets them; vocabulary of its own
LEASE_GRAPH = DATA + "lease"
LEASE_TERMS = BASE + "lease#"
# the IRI prefixes of resources shared between articles (described in the corpus graph)
SHARED_PREFIXES = (DATA + "actor/", DATA + "role/", DATA + "topic/", DATA + "run/")


# An ampersand inside a word belongs to an abbreviation ("Q&A", "AT&T"), like the dots of "U.S.":
# it joins, so that "Q&A" and "QA" are one name; between words ("Johnson & Johnson") it separates.
_ABBREVIATION_AMPERSAND = re.compile(r"(?<=[^\W_])&(?=[^\W_])")


def _ascii_slug(text: str) -> str:
    norm = unicodedata.normalize("NFKD", text)
    ascii_text = norm.encode("ascii", "ignore").decode("ascii").lower()
    ascii_text = ascii_text.replace("'", "").replace(".", "")
    ascii_text = _ABBREVIATION_AMPERSAND.sub("", ascii_text)
    words = re.findall(r"[a-z0-9]+", ascii_text)
    return "-".join(words)[:80] or "x"


def _loses_letters(text: str) -> bool:
    """Would the ASCII slug drop a letter or digit of ``text`` (not just an accent)? True for
    names in other scripts ("王毅", "Алексей") and letters that do not fold ("ł", "ß", "ø")."""
    return any(ord(c) > 127 and unicodedata.category(c)[0] in "LN" for c in unicodedata.normalize("NFKD", text))


def _is_word_char(c: str) -> bool:
    return unicodedata.category(c)[0] in "LMN"


def slug(text: str) -> str:
    """Lower-case words joined by hyphens: ``"Khalifa Haftar"`` -> ``"khalifa-haftar"``.

    >>> slug("Khalifa Haftar"), slug("U.S."), slug("Q&A"), slug("QA"), slug("Johnson & Johnson")
    ('khalifa-haftar', 'us', 'qa', 'qa', 'johnson-johnson')

    Names whose letters are ASCII, or fold to ASCII by dropping accents ("Erdoğan" ->
    ``erdogan``), give ASCII words, as they always have (the gazetteer's and every stored
    graph's IRIs depend on it). A name with letters that do not fold ("Алексей Навальный",
    "王毅", "Wałęsa") keeps its letters, lower-cased (NFKC), as IRI characters
    (``алексей-навальный``), so that names in other scripts do not all become ``x``; only
    letters, marks and digits are kept, so the slug never holds a character an IRI forbids.
    """
    if not _loses_letters(text):
        return _ascii_slug(text)
    norm = unicodedata.normalize("NFKC", text).lower()
    norm = _ABBREVIATION_AMPERSAND.sub("", norm.replace("'", "").replace("\u2019", "").replace(".", ""))
    words, word = [], []
    for c in norm:
        if _is_word_char(c):
            word.append(c)
        elif word:
            words.append("".join(word))
            word = []
    if word:
        words.append("".join(word))
    out = "-".join(words)[:80].rstrip("-")
    if not out:
        return _ascii_slug(text)
    if unicodedata.category(out[0])[0] == "M":  # a word cannot start with a combining mark
        out = "x" + out
    return out


def _digest(*parts: object, n: int = 12) -> str:
    h = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return h[:n]


def article_key(article_id: str) -> str:
    """A short, IRI-safe key for an article id: readable slug plus a hash (ids may hold any characters)."""
    # the ASCII slug, always: the hash keeps keys apart, and stored articles keep their IRIs
    return f"{_ascii_slug(article_id)[:40]}-{_digest(article_id, n=8)}"


def article_iri(article_id: str) -> str:
    return f"{DATA}article/{article_key(article_id)}"


def article_graph_iri(article_id: str) -> str:
    """The named graph that holds everything read from one article."""
    return f"{DATA}graph/article/{article_key(article_id)}"


def actor_iri(label: str, actor_type: str | None = None) -> str:
    """The IRI of an actor from its canonical name; countries and governments of the same
    name are kept apart (``Libya`` the country, ``Libya`` the government)."""
    if actor_type == ActorType.Government:
        return f"{DATA}actor/{slug(label)}-government"
    return f"{DATA}actor/{slug(label)}"


def government_iri(place: str) -> str:
    """The IRI of the government of a country or other place, minted from the place's name
    whatever the government's label says: ``government_iri("Libya")`` is the IRI of the actor
    labelled "Government of Libya", the same as ``actor_iri("Libya", "Government")``."""
    return actor_iri(place, ActorType.Government)


def span_iri(article_id: str, start: int, end: int) -> str:
    """A piece of an article's text (a mention, a cue, a quote): the same offsets, the same IRI."""
    return f"{DATA}span/{article_key(article_id)}/{start}-{end}"


def statement_iri(article_id: str, start: int, end: int) -> str:
    """A statement is identified by its article and the offsets of its content."""
    return f"{DATA}statement/{article_key(article_id)}/{start}-{end}"


def stance_iri(
    article_id: str, holder_iri: str, target: str, polarity: str, cue_start: int | None, evidence_start: int | None
) -> str:
    key = _digest(holder_iri, target, polarity, cue_start, evidence_start)
    return f"{DATA}stance/{article_key(article_id)}/{key}"


def role_iri(title: str) -> str:
    """A post title as a SKOS concept (``Deputy Prime Minister``)."""
    return f"{DATA}role/{slug(title)}"


def membership_iri(actor: str, title: str, organization: str | None, *, article_id: str | None = None) -> str:
    """A post held by ``actor``: as one article states it (``article_id`` given: each article's
    claim is its own node) or as the gazetteer states it."""
    if article_id is None:
        return f"{DATA}membership/{_digest(actor, title, organization or '')}"
    return f"{DATA}membership/{article_key(article_id)}/{_digest(actor, slug(title), organization or '')}"


def tally_iri(subject: str, predicate: str, value: str) -> str:
    """The corpus graph's count of the articles that claim ``subject predicate value``."""
    return f"{DATA}tally/{_digest(subject, predicate, value, n=16)}"


def topic_iri(topic: str) -> str:
    return f"{DATA}topic/{slug(topic)}"


def run_iri(version: str, model: str) -> str:
    """The extraction activity (PROV) of one version of kg with one spaCy pipeline:
    ``run/kg-0-1-0/en-core-web-sm-3-8-0`` (dots become hyphens so 0.1.0 and 0.10 stay apart)."""
    return f"{DATA}run/kg-{slug(version.replace('.', '-'))}/{slug(model.replace('.', '-'))}"


def lease_iri(token: str) -> str:
    """One writer's lease on a remote store: ``lease/<token>`` (the token is random hex)."""
    return f"{DATA}lease/{slug(token)}"
