"""SHACL validation of what kg writes (``ontology/shapes.ttl``) with pyshacl.

The ontology (``ontology/kg.ttl``) is mixed into (a copy of) the data graph, so ``sh:targetClass kg:Actor`` reaches every ``kg:Person`` and ``sh:class kg:Actor``
accepts one, without running an RDFS/OWL reasoner (no inference: fast, and nothing is
inferred that kg did not write). We add it ourselves rather than through pyshacl's
``ont_graph``, whose node-by-node "inoculation" takes seconds on a single article.
"""
from __future__ import annotations

import functools

from rdflib import Dataset, Graph

from kg.vocab import ontology_file


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


def validate_store(store) -> tuple[bool, str]:
    """Check the whole store (all named graphs merged, as queries see it) against the shapes.

    Warnings (e.g. an actor typed differently by two sources) are listed in the report but do
    not make it fail.
    """
    import pyoxigraph as ox

    from kg import ids

    ontology = ox.NamedNode(ids.ONTOLOGY_GRAPH)  # mixed in from the file by validate_graph
    merged = ox.Store()  # in memory; merging the graphs also drops duplicate triples
    merged.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                  for q in store if q.graph_name != ontology)
    data = merged.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    graph = Graph()
    if data:
        graph.parse(data=data.decode("utf-8"), format="nt")
    return validate_graph(graph)
