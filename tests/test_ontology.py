"""The ontology (ontology/kg.ttl), its Python namespace (kg.vocab) and the SHACL shapes."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib import namespace as rns

from kg import ids
from kg.vocab import KG, NIF, ontology_file

ROOT = Path(__file__).resolve().parent.parent


def ontology() -> Graph:
    return Graph().parse(ontology_file("kg.ttl"), format="turtle")


def declared_terms() -> set[str]:
    """The kg: terms ontology/kg.ttl declares (subjects with an rdf:type in the kg namespace)."""
    g = ontology()
    return {str(s) for s in g.subjects(rns.RDF.type, None) if str(s).startswith(ids.ONTOLOGY)}


def test_vocab_and_ttl_declare_the_same_terms():
    in_python = {str(KG[name]) for name in KG.__annotations__}
    in_ttl = declared_terms()
    assert in_python - in_ttl == set(), f"in kg/vocab.py but not kg.ttl: {sorted(in_python - in_ttl)}"
    assert in_ttl - in_python == set(), f"in kg.ttl but not kg/vocab.py: {sorted(in_ttl - in_python)}"


def test_unknown_term_raises():
    with pytest.raises(AttributeError):
        KG.stance  # noqa: B018  (lower-case: not a term)


def test_every_term_has_label_and_comment():
    g = ontology()
    for term in declared_terms():
        labels = list(g.objects(URIRef(term), rns.RDFS.label))
        comments = list(g.objects(URIRef(term), rns.RDFS.comment))
        assert labels and all(str(x).strip() for x in labels), f"{term} has no rdfs:label"
        assert comments and all(len(str(x)) > 10 for x in comments), f"{term} has no rdfs:comment"


def test_every_kg_term_mentioned_in_the_ontology_is_declared():
    """A kg: IRI used anywhere in kg.ttl (as a superclass, range, …) must be declared there."""
    g = ontology()
    used = {str(t) for tr in g for t in tr if isinstance(t, URIRef) and str(t).startswith(ids.ONTOLOGY)}
    assert used <= declared_terms(), sorted(used - declared_terms())


def test_actor_types_are_subclasses_of_actor():
    from kg.records import ACTOR_TYPES

    g = ontology()
    for name in ACTOR_TYPES:
        assert (KG[name], rns.RDFS.subClassOf, KG.Actor) in g


def test_code_uses_only_declared_terms():
    """kg/rdf.py (and kg/store.py) name kg: terms as KG.x: each must be declared."""
    declared = declared_terms()
    for path in (ROOT / "kg" / "rdf.py", ROOT / "kg" / "store.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "KG":
                assert ids.ONTOLOGY + node.attr in declared, f"{path.name}: KG.{node.attr} is not in kg.ttl"


def _kg_names(text: str) -> set[str]:
    return {ids.ONTOLOGY + m for m in re.findall(r"(?<![\w/#:-])kg:([A-Za-z_][\w]*)", text)}


def test_queries_and_shapes_use_only_declared_terms():
    declared = declared_terms()
    files = sorted((ROOT / "kg" / "queries").rglob("*.rq"))  # the plain twins too + [ontology_file("shapes.ttl")]
    gazetteer = ROOT / "kg" / "data" / "gazetteer.ttl"
    if gazetteer.exists():
        files.append(gazetteer)
    for path in files:
        text = "\n".join(line.split("#", 1)[0] if path.suffix == ".rq" else line
                         for line in path.read_text(encoding="utf-8").splitlines())
        if path.suffix == ".ttl":
            g = Graph().parse(path, format="turtle")
            used = {str(t) for tr in g for t in tr if isinstance(t, URIRef) and str(t).startswith(ids.ONTOLOGY)}
        else:
            used = _kg_names(text)
        assert used <= declared, f"{path.name} uses undeclared terms {sorted(used - declared)}"


# ------------------------------------------------------------------------------ SHACL
def good_graph() -> Graph:
    """A valid graph: a hand-built extraction's article graph and the corpus graph the store
    derives from it (the union, as queries and the shapes see it)."""
    import pyoxigraph as ox
    from test_rdf import sample_extraction

    from kg.store import put_extraction
    from kg.validate import quads_graph

    store = ox.Store()
    put_extraction(store, sample_extraction(), model="m")
    return quads_graph(store)


def _first(g: Graph, cls) -> URIRef:
    return sorted(g.subjects(rns.RDF.type, cls))[0]


def test_shapes_accept_a_good_graph():
    from kg.validate import validate_graph

    ok, report = validate_graph(good_graph())
    assert ok, report


def _break_missing_holder(g):
    st = _first(g, KG.Stance)
    g.remove((st, KG.holder, None))


def _break_bad_polarity(g):
    st = _first(g, KG.Stance)
    g.set((st, KG.polarity, KG.Actor))


def _break_offsets_reversed(g):
    sp = sorted(g.subjects(NIF.anchorOf, None))[0]
    g.set((sp, NIF.beginIndex, Literal(50, datatype=rns.XSD.integer)))
    g.set((sp, NIF.endIndex, Literal(40, datatype=rns.XSD.integer)))


def _break_negative_offset(g):
    sp = sorted(g.subjects(NIF.anchorOf, None))[0]
    g.set((sp, NIF.beginIndex, Literal(-1, datatype=rns.XSD.integer)))


def _break_target_and_topic(g):
    st = next(s for s in g.subjects(rns.RDF.type, KG.Stance) if g.value(s, KG.target) is not None)
    g.add((st, KG.topic, URIRef(ids.topic_iri("ceasefire talks"))))


def _break_confidence(g):
    st = _first(g, KG.Stance)
    g.set((st, KG.confidence, Literal("1.5", datatype=rns.XSD.decimal)))


def _break_holder_not_actor(g):
    st = _first(g, KG.Stance)
    g.set((st, KG.holder, BNode()))


def _break_actor_without_label(g):
    actor = _first(g, KG.Actor)
    g.remove((actor, rns.RDFS.label, None))


def _break_actor_without_type(g):
    actor = _first(g, KG.Person)
    g.remove((actor, rns.RDF.type, KG.Person))


def _break_statement_without_content(g):
    st = _first(g, KG.Statement)
    g.remove((st, KG.content, None))


def _break_anchor_not_string(g):
    sp = sorted(g.subjects(NIF.anchorOf, None))[0]
    g.set((sp, NIF.anchorOf, Literal(3)))


def _break_article_hash(g):
    art = _first(g, KG.Article)
    g.set((art, KG.contentHash, Literal("not-a-hash")))


@pytest.mark.parametrize("breaker", [
    _break_missing_holder, _break_bad_polarity, _break_offsets_reversed, _break_negative_offset,
    _break_target_and_topic, _break_confidence, _break_holder_not_actor, _break_actor_without_label,
    _break_actor_without_type, _break_statement_without_content, _break_anchor_not_string, _break_article_hash,
])
def test_shapes_reject_broken_graphs(breaker):
    from kg.validate import validate_graph

    g = good_graph()
    breaker(g)
    ok, report = validate_graph(g)
    assert not ok, f"{breaker.__name__} was accepted"
    assert "Violation" in report


def test_two_types_for_one_actor_is_a_violation():
    """The corpus graph types each actor once: two types mean something wrote around it."""
    from kg.validate import validate_graph

    g = good_graph()
    g.add((_first(g, KG.Person), rns.RDF.type, KG.Organization))
    ok, report = validate_graph(g)
    assert not ok and "exactly one kg actor type" in report


def test_package_copy_is_the_repository_file():
    """kg/ontology is a link to ontology/ so the files ship as package data (setup.cfg)."""
    for name in ("kg.ttl", "shapes.ttl"):
        assert (ROOT / "kg" / "ontology" / name).read_bytes() == (ROOT / "ontology" / name).read_bytes()


def test_stance_without_article_is_rejected():
    from kg.validate import validate_graph

    g = good_graph()
    st = _first(g, KG.Stance)
    g.remove((st, rns.PROV.wasDerivedFrom, None))
    ok, _ = validate_graph(g)
    assert not ok
