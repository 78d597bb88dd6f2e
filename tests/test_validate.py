"""kg validate's two engines agree: the shapes compiled to SPARQL (run in the store) and pyshacl
(the reference), on a good graph and on each way of breaking it that test_ontology lists."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from test_ontology import (
    _break_actor_without_label,
    _break_actor_without_type,
    _break_anchor_not_string,
    _break_article_hash,
    _break_bad_polarity,
    _break_confidence,
    _break_holder_not_actor,
    _break_missing_holder,
    _break_negative_offset,
    _break_offsets_reversed,
    _break_statement_without_content,
    _break_target_and_topic,
    good_graph,
)

from kg import ids
from kg.shacl_sparql import UnsupportedShape, compile_shapes
from kg.store import to_quads
from kg.validate import validate_graph, validate_store
from kg.vocab import KG, RDF, ontology_file


def as_store(graph: Graph) -> ox.Store:
    """The graph in a store beside the ontology graph, as kg's stores hold them."""
    store = ox.Store()
    store.extend(to_quads(graph, ox.NamedNode(ids.DATA + "graph/article/test")))
    onto = Graph().parse(ontology_file("kg.ttl"), format="turtle")
    store.extend(to_quads(onto, ox.NamedNode(ids.ONTOLOGY_GRAPH)))
    return store


def _two_types(g):
    person = sorted(g.subjects(RDF.type, KG.Person))[0]
    g.add((person, RDF.type, KG.Organization))


def _span_without_anchor(g):
    """A cue span with no anchor: no longer a target of the span shape, still checked through sh:node."""
    from kg.vocab import NIF

    stance = sorted(g.subjects(RDF.type, KG.Stance))[0]
    cue = g.value(stance, KG.cue)
    g.remove((cue, NIF.anchorOf, None))


def _second_label_is_fine(g):
    actor = sorted(g.subjects(RDF.type, KG.Actor))[0]
    from rdflib import Literal

    g.add((actor, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("Another name")))


BREAKERS = [
    _break_missing_holder,
    _break_bad_polarity,
    _break_offsets_reversed,
    _break_negative_offset,
    _break_target_and_topic,
    _break_confidence,
    _break_holder_not_actor,
    _break_actor_without_label,
    _break_actor_without_type,
    _break_statement_without_content,
    _break_anchor_not_string,
    _break_article_hash,
    _two_types,
    _span_without_anchor,
]


def test_good_graph_conforms_in_both():
    g = good_graph()
    assert validate_graph(g)[0]
    ok, report = validate_store(as_store(g))
    assert ok, report


@pytest.mark.parametrize("breaker", BREAKERS + [_second_label_is_fine])
def test_engines_agree(breaker):
    g = good_graph()
    breaker(g)
    expected, _ = validate_graph(g)
    got, report = validate_store(as_store(g))
    assert got == expected, report
    if not got:
        assert "Conforms: False" in report and "Focus Node" in report


def test_pyshacl_engine_on_a_store():
    ok, report = validate_store(as_store(good_graph()), engine="pyshacl")
    assert ok, report


def test_unsupported_shape_features_are_refused():
    shapes = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
    ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:uniqueLang true ] ."""
    with pytest.raises(UnsupportedShape):
        compile_shapes(shapes)
