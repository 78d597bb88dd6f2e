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


def test_actor_type_enumeration_matches_the_ontology():
    """kg.records.ActorType is the one list of actor types: exactly the subclasses of kg:Actor
    in kg.ttl, the sh:in list of the shapes, and the keys of every per-type table in the code."""
    from rdflib.namespace import SH

    from kg import store, viz
    from kg.records import ActorType

    names = {t.value for t in ActorType}
    g = ontology()
    subclasses = {str(s)[len(ids.ONTOLOGY) :] for s in g.subjects(rns.RDFS.subClassOf, KG.Actor)}
    assert subclasses == names
    shapes = Graph().parse(ontology_file("shapes.ttl"), format="turtle")
    listed = shapes.value(URIRef("https://w3id.org/kg-stance/shapes#ActorTypeShape"), SH["in"])
    assert {str(t)[len(ids.ONTOLOGY) :] for t in shapes.items(listed)} == names
    assert set(viz.NODE_STYLES) - {"Topic", "topic"} == names
    assert set(store._TYPE_KEYS) == names


def _python_terms(path: Path) -> set[str]:
    """The kg: terms a module names: ``KG.x`` attributes, ``KG["x"]`` lookups, and ``kg:x`` in
    its string constants (the SPARQL it builds)."""
    used: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "KG":
            used.add(ids.ONTOLOGY + node.attr)
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Name)
            and node.value.id == "KG"
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
        ):
            used.add(ids.ONTOLOGY + node.slice.value)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            used |= _kg_names(node.value)
    return used


def test_code_uses_only_declared_terms():
    """Every module of the package names only kg: terms that kg.ttl declares (the .rq files
    and the shapes are checked below)."""
    declared = declared_terms()
    for path in sorted((ROOT / "kg").rglob("*.py")):
        used = _python_terms(path)
        assert used <= declared, f"{path.relative_to(ROOT)} uses undeclared terms {sorted(used - declared)}"


def _kg_names(text: str) -> set[str]:
    return {ids.ONTOLOGY + m for m in re.findall(r"(?<![\w/#:-])kg:([A-Za-z_][\w]*)", text)}


def test_queries_and_shapes_use_only_declared_terms():
    declared = declared_terms()
    files = sorted((ROOT / "kg" / "queries").rglob("*.rq"))  # the plain twins too + [ontology_file("shapes.ttl")]
    gazetteer = ROOT / "kg" / "data" / "gazetteer.ttl"
    if gazetteer.exists():
        files.append(gazetteer)
    for path in files:
        text = "\n".join(
            line.split("#", 1)[0] if path.suffix == ".rq" else line
            for line in path.read_text(encoding="utf-8").splitlines()
        )
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


@pytest.mark.parametrize(
    "breaker",
    [
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
    ],
)
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
    """kg/ontology is a link to ontology/ so the files ship as package data (pyproject.toml)."""
    for name in ("kg.ttl", "shapes.ttl"):
        assert (ROOT / "kg" / "ontology" / name).read_bytes() == (ROOT / "ontology" / name).read_bytes()


def test_stance_without_article_is_rejected():
    from kg.validate import validate_graph

    g = good_graph()
    st = _first(g, KG.Stance)
    g.remove((st, rns.PROV.wasDerivedFrom, None))
    ok, _ = validate_graph(g)
    assert not ok


# Properties of the stance, statement and actor shapes that the golden extraction
# (tests/test_rdf.py::sample_extraction, stored as kg ingest stores it) does not produce, each
# with the reason: a property added to a shape is either written by the code or listed here.
OPTIONAL_PROPERTIES: dict[str, str] = {
    str(KG.ledBy): "written (kg.corpus) when an article or the gazetteer names an actor's leader "
    "(Actor.leader); the hand-built sample names none",
}


def _shape_paths(g: Graph, shape: URIRef) -> set[str]:
    """The sh:path of every property shape of ``shape``, those inside sh:or alternatives included."""
    from rdflib.namespace import SH

    props = list(g.objects(shape, SH.property))
    for alternatives in g.objects(shape, SH["or"]):
        for member in g.items(alternatives):
            props += list(g.objects(member, SH.property))
    return {str(p) for p in (g.value(prop, SH.path) for prop in props) if isinstance(p, URIRef)}


@pytest.mark.parametrize(
    "shape, cls", [("StanceShape", "Stance"), ("StatementShape", "Statement"), ("ActorShape", "Actor")]
)
def test_every_shape_property_is_produced_or_marked_optional(shape, cls):
    """The shapes promise nothing the code never writes: each property a shape declares is on
    some node of its class in the golden graph, or is listed in OPTIONAL_PROPERTIES."""
    shapes = Graph().parse(ontology_file("shapes.ttl"), format="turtle")
    declared = _shape_paths(shapes, URIRef("https://w3id.org/kg-stance/shapes#" + shape))
    assert declared, f"no properties read from {shape}"
    g = good_graph()
    produced = {str(p) for node in g.subjects(rns.RDF.type, KG[cls]) for _, p, _ in g.triples((node, None, None))}
    missing = declared - produced - set(OPTIONAL_PROPERTIES)
    assert not missing, f"{shape} declares properties the golden extraction never writes: {sorted(missing)}"
