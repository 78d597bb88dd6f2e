"""The ontology's terms as Python names.

:class:`KG` is an rdflib ``DefinedNamespace``: ``KG.Stance`` is the IRI of ``kg:Stance`` and a
misspelt term (``KG.stance``) raises ``AttributeError`` instead of minting a new IRI silently.
``tests/test_ontology.py`` checks that these names and the terms ``ontology/kg.ttl`` declares
are exactly the same. The other vocabularies the graph reuses are plain namespaces here
(rdflib's own ``SDO`` is ``https://schema.org/``; the graph uses ``http://schema.org/``).
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

from kg import ids

__all__ = [
    "KG",
    "KGR",
    "SCHEMA",
    "NIF",
    "ORG",
    "PROV",
    "SKOS",
    "OWL",
    "RDF",
    "RDFS",
    "XSD",
    "DCTERMS",
    "PREFIXES",
    "ontology_file",
]

SCHEMA = Namespace("http://schema.org/")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
KGR = Namespace(ids.DATA)


class KG(DefinedNamespace):
    """Terms of ``ontology/kg.ttl`` (``https://w3id.org/kg-stance/ontology#``)."""

    _NS = Namespace(ids.ONTOLOGY)
    _fail = True

    # actors
    Actor: URIRef
    Person: URIRef
    Organization: URIRef
    Government: URIRef
    Country: URIRef
    Group: URIRef
    Media: URIRef
    InternationalOrganization: URIRef
    Party: URIRef
    mention: URIRef
    partOf: URIRef
    ledBy: URIRef
    # articles and text
    Article: URIRef
    contentHash: URIRef
    TextSpan: URIRef
    fragment: URIRef
    # statements
    Statement: URIRef
    DirectQuote: URIRef
    ReportedSpeech: URIRef
    speaker: URIRef
    sourceMention: URIRef
    cue: URIRef
    content: URIRef
    # stances
    Stance: URIRef
    holder: URIRef
    target: URIRef
    topic: URIRef
    polarity: URIRef
    confidence: URIRef
    evidence: URIRef
    holderMention: URIRef
    targetMention: URIRef
    fromStatement: URIRef
    reportedBy: URIRef
    negated: URIRef
    extractor: URIRef
    Topic: URIRef
    TopicScheme: URIRef
    # polarity
    Polarity: URIRef
    PolarityScheme: URIRef
    positive: URIRef
    negative: URIRef
    neutral: URIRef
    # roles
    RoleScheme: URIRef
    # provenance
    softwareVersion: URIRef
    model: URIRef
    # what one article claims of a shared resource; the corpus graph's counts
    nameInArticle: URIRef
    typeInArticle: URIRef
    aliasInArticle: URIRef
    partOfInArticle: URIRef
    ledByInArticle: URIRef
    sameAsInArticle: URIRef
    memberOfInArticle: URIRef
    articleCount: URIRef
    foldKey: URIRef


# Prefixes for SPARQL and serialisations (one table, used by kg.store).
PREFIXES: dict[str, str] = {
    "kg": ids.ONTOLOGY,
    "kgr": ids.DATA,
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "prov": str(PROV),
    "schema": str(SCHEMA),
    "org": str(ORG),
    "nif": str(NIF),
    "dcterms": str(DCTERMS),
}


def ontology_file(name: str) -> Path:
    """The path of ``ontology/<name>`` (``kg.ttl``, ``shapes.ttl``).

    Looked up as package data first (``kg/ontology/``, a link to the repository's
    ``ontology/`` folder that pyproject.toml ships with the package), then in the repository root,
    so it works from a checkout, an editable install and a wheel alike.
    """
    here = Path(__file__).resolve().parent
    for candidate in (here / "ontology" / name, here.parent / "ontology" / name):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"ontology file {name!r} not found in {here / 'ontology'} or {here.parent / 'ontology'}")
