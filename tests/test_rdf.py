"""kg.rdf: records -> one article's named graph (compared with a golden file by isomorphism)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as rns
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from kg import ids
from kg.rdf import content_hash, extraction_graph
from kg.records import Actor, Article, Extraction, Role, Span, Stance, Statement
from kg.vocab import KG, NIF, PROV, SCHEMA

DATA = Path(__file__).resolve().parent / "data"
GOLDEN = DATA / "rdf_sample.ttl"

TEXT = (
    'Ruritanian Foreign Minister Jane Doe said on Monday that the Borduria government "cannot be '
    'trusted". Doe praised the ceasefire talks.'
)


def _span(text: str, piece: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(piece, start + 1)
    return Span.of(text, start, start + len(piece))


def sample_extraction(text: str = TEXT, *, article_id: str = "sample-1", stances: bool = True) -> Extraction:
    """A small extraction built by hand (offsets computed from ``text``)."""
    art = Article(
        id=article_id,
        text=text,
        date="2024-03-04",
        title="Doe criticises Borduria",
        url="https://example.org/news/1",
        source="Example Times",
    )
    doe = Actor(
        "a1",
        "Jane Doe",
        "Person",
        ids.actor_iri("Jane Doe", "Person"),
        roles=[Role("Foreign Minister", "a2")],
        mentions=[_span(text, "Jane Doe"), _span(text, "Doe", 1)],
        aliases=["Doe"],
    )
    rur_gov = Actor(
        "a2",
        "Ruritania",
        "Government",
        ids.actor_iri("Ruritania", "Government"),
        mentions=[_span(text, "Ruritanian")],
        part_of="a3",
    )
    rur = Actor(
        "a3",
        "Ruritania",
        "Country",
        ids.actor_iri("Ruritania", "Country"),
        same_as=["https://example.org/entity/ruritania", "javascript:alert(1)"],
    )
    bor = Actor(
        "a4",
        "Borduria",
        "Government",
        ids.actor_iri("Borduria", "Government"),
        mentions=[_span(text, "the Borduria government")],
    )
    s1 = Statement(
        "s1",
        content=_span(text, 'the Borduria government "cannot be trusted"'),
        speaker="a1",
        source_span=_span(text, "Jane Doe"),
        cue=_span(text, "said"),
        direct=False,
    )
    s2 = Statement("s2", content=_span(text, "cannot be trusted"), speaker="a1", direct=True)
    first = _span(text, text[: text.index(". ") + 1])
    second = _span(text, "Doe praised the ceasefire talks.")
    t1 = Stance(
        "t1",
        holder="a1",
        polarity="negative",
        target="a4",
        holder_span=_span(text, "Jane Doe"),
        target_span=_span(text, "the Borduria government"),
        cue=_span(text, "cannot be trusted"),
        evidence=first,
        statement="s2",
        confidence=0.8,
        extractor="phrase",
    )
    t2 = Stance(
        "t2",
        holder="a1",
        polarity="positive",
        topic="ceasefire talks",
        holder_span=_span(text, "Doe", 1),
        target_span=_span(text, "ceasefire talks"),
        cue=_span(text, "praised"),
        evidence=second,
        confidence=0.7,
        extractor="rule",
    )
    t3 = Stance(
        "t3",
        holder="a2",
        polarity="negative",
        target="a4",
        cue=_span(text, "trusted"),
        evidence=first,
        reported_by="a1",
        negated=True,
        confidence=1.0,
        extractor="model",
    )
    return Extraction(
        article=art, actors=[doe, rur_gov, rur, bor], statements=[s1, s2], stances=[t1, t2, t3] if stances else []
    )


def _graph(x: Extraction | None = None) -> Graph:
    return extraction_graph(x or sample_extraction(), model="test-model-1.0", version="0.1.0")


def _explain(expected: Graph, got: Graph) -> str:
    _both, only_expected, only_got = graph_diff(to_isomorphic(expected), to_isomorphic(got))
    lines = ["only in the golden file:"] + sorted(f"  {' '.join(t.n3() for t in tr)}" for tr in only_expected)
    lines += ["only in extraction_graph():"] + sorted(f"  {' '.join(t.n3() for t in tr)}" for tr in only_got)
    return "\n".join(lines)


def test_matches_golden_file():
    got = _graph()
    expected = Graph().parse(GOLDEN, format="turtle")
    assert isomorphic(expected, got), _explain(expected, got)


def test_deterministic_same_iris():
    a, b = _graph(), _graph()
    assert isomorphic(a, b)
    assert set(a) == set(b)  # no blank nodes: the very same triples
    assert a.identifier == b.identifier == URIRef(ids.article_graph_iri("sample-1"))


def test_article_metadata_and_provenance():
    g = _graph()
    art = URIRef(ids.article_iri("sample-1"))
    assert (art, rns.RDF.type, KG.Article) in g
    assert g.value(art, SCHEMA.datePublished) == Literal("2024-03-04", datatype=rns.XSD.date)
    assert str(g.value(art, KG.contentHash)) == content_hash(TEXT)
    assert str(g.value(art, NIF.isString)) == TEXT
    assert (URIRef(g.identifier), PROV.wasDerivedFrom, art) in g
    assert g.value(URIRef(g.identifier), PROV.wasGeneratedBy) == URIRef(ids.run_iri("0.1.0", "test-model-1.0"))
    assert str(g.value(URIRef(g.identifier), KG.model)) == "test-model-1.0"  # the run is described in the corpus graph


def test_spans_match_text():
    g = _graph()
    for span in g.subjects(NIF.anchorOf, None):
        begin, end = int(g.value(span, NIF.beginIndex)), int(g.value(span, NIF.endIndex))
        assert TEXT[begin:end] == str(g.value(span, NIF.anchorOf))


def test_unsafe_same_as_dropped_and_topics_are_named():
    g = _graph()
    objects = {str(o) for o in g.objects(None, KG.sameAsInArticle)}
    assert objects == {"https://example.org/entity/ruritania"}
    stance_topics = list(g.objects(None, KG.topic))
    assert len(stance_topics) == 1 and (stance_topics[0], KG.nameInArticle, Literal("ceasefire talks")) in g


def test_shared_resources_are_claimed_not_described():
    """An article graph gives an actor, role or topic no label and no type (the corpus graph
    does, once): a query over the union that joins labels cannot multiply rows."""
    g = _graph()
    shared = [s for s in set(g.subjects()) if str(s).startswith(ids.SHARED_PREFIXES)]
    assert shared
    for s in shared:
        for p in (rns.RDFS.label, rns.RDF.type, rns.SKOS.prefLabel, rns.SKOS.altLabel, rns.OWL.sameAs, KG.partOf):
            assert g.value(s, p) is None, (s, p)
    doe = URIRef(ids.actor_iri("Jane Doe", "Person"))
    assert g.value(doe, KG.nameInArticle) == Literal("Jane Doe") and g.value(doe, KG.typeInArticle) == KG.Person
    assert (
        URIRef(ids.actor_iri("Ruritania", "Government")),
        KG.partOfInArticle,
        URIRef(ids.actor_iri("Ruritania", "Country")),
    ) in g
    # the post the article names is its own (article-scoped) membership, derived from the article
    (m,) = g.subjects(rns.RDF.type, rns.ORG.Membership)
    assert "/membership/sample-1-" in str(m)
    assert g.value(m, PROV.wasDerivedFrom) == URIRef(ids.article_iri("sample-1"))


def test_bad_records_are_left_out_not_raised():
    x = sample_extraction()
    x.stances.append(Stance("t9", holder="a99", polarity="negative", target="a4"))  # unknown holder
    x.stances.append(Stance("t10", holder="a1", polarity="furious", target="a4"))  # unknown polarity
    x.stances.append(Stance("t11", holder="a1", polarity="negative"))  # neither target nor topic
    x.article = Article(id="sample-1", text=TEXT, date="last Tuesday")
    g = _graph(x)
    assert len(list(g.subjects(rns.RDF.type, KG.Stance))) == 3
    assert g.value(URIRef(ids.article_iri("sample-1")), SCHEMA.datePublished) is None


def test_only_declared_kg_terms():
    from test_ontology import declared_terms

    declared = declared_terms()
    used = {str(t) for tr in _graph() for t in tr if str(t).startswith(ids.ONTOLOGY)}
    assert used <= declared, used - declared


def test_text_enters_only_as_literals():
    nasty = 'He said "<script>alert(1)</script>" and "} ; DROP ALL ; #" plus \\u0022.'
    x = sample_extraction(nasty + " " + TEXT, stances=False)
    g = _graph(x)
    for s, p, o in g:
        for term in (s, p):
            assert "<" not in str(term) and " " not in str(term)
    assert str(g.value(URIRef(ids.article_iri("sample-1")), NIF.isString)).startswith(nasty)


@pytest.mark.parametrize("conf,lexical", [(0.8, "0.8"), (1.0, "1.0"), (0.33333, "0.3333"), (0, "0.0")])
def test_confidence_lexical(conf, lexical):
    from kg.rdf import decimal

    assert str(decimal(conf)) == lexical
