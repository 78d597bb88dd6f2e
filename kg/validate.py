"""SHACL validation of what kg writes (``ontology/shapes.ttl``) with pyshacl.

The ontology (``ontology/kg.ttl``) is mixed into (a copy of) the data graph, so ``sh:targetClass kg:Actor`` reaches every ``kg:Person`` and ``sh:class kg:Actor``
accepts one, without running an RDFS/OWL reasoner (no inference: fast, and nothing is
inferred that kg did not write). We add it ourselves rather than through pyshacl's
``ont_graph``, whose node-by-node "inoculation" takes seconds on a single article.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator

from rdflib import Dataset, Graph

from kg.vocab import ontology_file

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    """The SHACL shapes (parsed once)."""
    return Graph().parse(ontology_file("shapes.ttl"), format="turtle")


@functools.lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    """The OWL ontology (parsed once)."""
    return Graph().parse(ontology_file("kg.ttl"), format="turtle")


def validate_graph(graph: Graph | Dataset) -> tuple[bool, str]:
    """Check ``graph`` against the shapes: ``(conforms, report text)``.

    A :class:`~rdflib.Dataset` is validated as the union of its graphs (the way queries see it).
    """
    from pyshacl import validate

    data = Graph()
    if isinstance(graph, Dataset):
        for s, p, o, _g in graph.quads((None, None, None, None)):
            data.add((s, p, o))
    else:
        for triple in graph:
            data.add(triple)
    for triple in ontology_graph():
        data.add(triple)
    conforms, _report_graph, text = validate(
        data,
        shacl_graph=shapes_graph(),
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        advanced=False,
    )
    return bool(conforms), str(text)


def quads_graph(quads) -> Graph:
    """Quads (their graph names dropped) as one rdflib Graph: the union, as queries see it."""
    graph = Graph()
    for q in quads:
        graph.add((to_rdflib_term(q.subject), to_rdflib_term(q.predicate), to_rdflib_term(q.object)))
    return graph


def to_rdflib_term(term):
    """A pyoxigraph term (blank nodes included) as an rdflib term."""
    import pyoxigraph as ox
    from rdflib import BNode

    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    from kg.rdf import to_rdflib

    return to_rdflib(term)


def _described(store, resources) -> list:
    """The corpus and gazetteer graphs' quads about ``resources`` (what the shapes need to see
    of the actors, roles and topics an article names)."""
    import pyoxigraph as ox

    from kg import ids

    graphs = [ox.NamedNode(ids.CORPUS_GRAPH), ox.NamedNode(ids.GAZETTEER_GRAPH)]
    out, seen, todo = [], set(), list(resources)
    for _hop in range(2):  # what they link to (a government's country) must be typed too
        nxt = []
        for r in todo:
            if r in seen:
                continue
            seen.add(r)
            for g in graphs:
                for q in store.quads_for_pattern(r, None, None, g):
                    out.append(q)
                    if isinstance(q.object, ox.NamedNode) and q.object.value.startswith(ids.SHARED_PREFIXES):
                        nxt.append(q.object)
        todo = nxt
    return out


def article_batches(store, size: int = 100) -> Iterator[list]:
    """The store's article graphs, ``size`` at a time, each batch with the corpus-level
    descriptions of the shared resources its articles name: what :func:`validate_store`
    checks in one go. Memory holds one batch, never the store."""
    import pyoxigraph as ox

    from kg import ids

    prefix = ids.DATA + "graph/article/"
    names = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode) and g.value.startswith(prefix))
    for i in range(0, len(names), size):
        quads, shared = [], set()
        for name in names[i : i + size]:
            for q in store.quads_for_pattern(None, None, None, ox.NamedNode(name)):
                quads.append(q)
                for term in (q.subject, q.object):
                    if isinstance(term, ox.NamedNode) and term.value.startswith(ids.SHARED_PREFIXES):
                        shared.add(term)
        yield quads + _described(store, sorted(shared, key=lambda t: t.value))


def validate_store(
    store, *, engine: str = "sparql", batch: int = 100, progress: Callable[[int], None] | None = None
) -> tuple[bool, str]:
    """Check the store against the shapes; ``(conforms, report text)``.

    ``engine="sparql"`` (the default) runs every constraint as a query in the store
    (:mod:`kg.shacl_sparql`): one pass per constraint, nothing loaded into Python, seconds to
    minutes for a corpus. ``engine="pyshacl"`` validates article graph by article graph with
    pyshacl, the reference implementation (``batch`` graphs at a time, each with the corpus
    graph's descriptions of what it names, so memory holds one batch, never the store);
    it is exact but takes minutes per thousand articles.
    """
    if engine == "sparql" and not getattr(store, "supports", lambda feature: True)("shacl_sparql"):
        log.warning("this SPARQL server evaluates the shape checks wrongly: validating with pyshacl instead")
        engine = "pyshacl"
    if engine == "sparql":
        from kg.shacl_sparql import compile_shapes, report, run_checks

        checks = compile_shapes(ontology_file("shapes.ttl").read_text(encoding="utf-8"))
        violations = run_checks(store, checks)
        return not violations, report(violations, len(checks))
    if engine != "pyshacl":
        raise ValueError(f"unknown validation engine {engine!r} (sparql, pyshacl)")
    conforms, reports, checked = True, [], 0
    for quads in article_batches(store, batch):
        ok, text = validate_graph(quads_graph(quads))
        checked += 1
        if progress is not None:
            progress(checked)
        if not ok:
            conforms = False
            reports.append(text)
    if conforms:
        return True, f"Validation Report\nConforms: True ({checked} batch(es) of up to {batch} article graphs)\n"
    return False, "\n".join(reports)
