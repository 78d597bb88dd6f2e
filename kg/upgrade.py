"""Bring a store written by an earlier kg (labels and types in every article graph) to the
current layout (claims in article graphs, resolved descriptions once in the corpus graph).

Before this layout an article graph described every actor it named (``rdfs:label``, its type,
``skos:altLabel``, ``owl:sameAs``, ``kg:partOf``, ``kg:ledBy``), every role and topic
(``skos:prefLabel``), the run that made it, and the posts it named under IRIs shared by all
articles. :func:`upgrade_layout` rewrites each such graph the way :mod:`kg.rdf` writes it now
(each graph in its own transaction) and then works out the corpus graph once. It is run by
``kg.store.open_store`` when a write-open finds the old layout, and by the tests on their
hand-written fixtures.
"""

from __future__ import annotations

import logging
from typing import cast

import pyoxigraph as ox

from kg import corpus, ids
from kg.rdf import (
    ACTOR_CLASS,
    ALIAS_IN_ARTICLE,
    LED_BY_IN_ARTICLE,
    MEMBER_OF_IN_ARTICLE,
    NAME_IN_ARTICLE,
    PART_OF_IN_ARTICLE,
    SAME_AS_IN_ARTICLE,
    TYPE_IN_ARTICLE,
)
from kg.vocab import KG, ORG, OWL, PROV, RDF, RDFS, SKOS

log = logging.getLogger(__name__)

_N = ox.NamedNode
_ARTICLE_GRAPHS = ids.DATA + "graph/article/"
_MEMBERSHIPS = ids.DATA + "membership/"
_A = _N(str(RDF.type))
# old actor property -> the claim that says it now (None: dropped, the corpus graph says it)
_ACTOR = {
    _N(str(RDFS.label)): NAME_IN_ARTICLE,
    _N(str(SKOS.altLabel)): ALIAS_IN_ARTICLE,
    _N(str(OWL.sameAs)): SAME_AS_IN_ARTICLE,
    _N(str(KG.partOf)): PART_OF_IN_ARTICLE,
    _N(str(KG.ledBy)): LED_BY_IN_ARTICLE,
}
_CONCEPT_LABEL = _N(str(SKOS.prefLabel))
_ACTOR_TYPES = set(ACTOR_CLASS.values())
_MEMBERSHIP = _N(str(ORG.Membership))
_TEXT_SPAN = _N(str(KG.TextSpan))
_MEMBER, _ORGANIZATION = _N(str(ORG.member)), _N(str(ORG.organization))
_DERIVED, _GENERATED = _N(str(PROV.wasDerivedFrom)), _N(str(PROV.wasGeneratedBy))
_RUN_FACTS = (_N(str(KG.softwareVersion)), _N(str(KG.model)))


def needs_upgrade(store: ox.Store) -> bool:
    """True when some article graph still labels a shared resource (the first layout), or
    states a post without the ``kg:memberOfInArticle`` claim that goes with it (the layout
    before that claim). Reads the label quads (one per resource now) and the first posts."""
    for n, q in enumerate(store.quads_for_pattern(None, _ORGANIZATION, None)):
        g = q.graph_name
        if n >= 20:
            break
        if isinstance(g, ox.NamedNode) and g.value.startswith(_ARTICLE_GRAPHS):
            member = next(iter(store.quads_for_pattern(q.subject, _MEMBER, None, g)), None)
            if (
                member is not None
                and member.object != q.object
                and next(
                    iter(store.quads_for_pattern(cast(ox.NamedNode, member.object), MEMBER_OF_IN_ARTICLE, q.object, g)),
                    None,
                )
                is None
            ):
                return True
    for prop in (_N(str(RDFS.label)), _CONCEPT_LABEL):
        for q in store.quads_for_pattern(None, prop, None):
            g = q.graph_name
            if (
                isinstance(g, ox.NamedNode)
                and g.value.startswith(_ARTICLE_GRAPHS)
                and cast(ox.NamedNode, q.subject).value.startswith(ids.SHARED_PREFIXES)
            ):
                return True
    return False


def upgraded_graph(quads: list[ox.Quad]) -> list[ox.Quad]:
    """One article graph's quads in the current layout."""
    if not quads:
        return []
    graph = quads[0].graph_name
    key = cast(ox.NamedNode, graph).value[len(_ARTICLE_GRAPHS) :]  # an article graph is named
    article = next((q.object for q in quads if q.subject == graph and q.predicate == _DERIVED), None)
    runs = {q.object for q in quads if q.subject == graph and q.predicate == _GENERATED}
    memberships = {cast(ox.NamedNode, q.subject) for q in quads if q.predicate == _A and q.object == _MEMBERSHIP}
    renamed = {
        m: _N(f"{_MEMBERSHIPS}{key}/{m.value.rsplit('/', 1)[-1]}")
        for m in memberships
        if not m.value.startswith(f"{_MEMBERSHIPS}{key}/")
    }
    out: list[ox.Quad] = []

    def add(s, p, o) -> None:
        out.append(ox.Quad(renamed.get(s, s), p, renamed.get(o, o) if isinstance(o, ox.NamedNode) else o, graph))

    for q in quads:
        s, p, o = q.subject, q.predicate, q.object
        if s in runs:
            if p in _RUN_FACTS:
                add(graph, p, o)  # the run's version and model, stated on the graph itself
            continue
        shared = isinstance(s, ox.NamedNode) and s.value.startswith(ids.SHARED_PREFIXES)
        if not shared:
            if not (p == _A and o == _TEXT_SPAN):  # spans are found by their anchor now
                add(s, p, o)
            continue
        if corpus.kind(cast(ox.NamedNode, s)) == "actor":  # shared: a NamedNode
            if p == _A:
                if o in _ACTOR_TYPES:
                    add(s, TYPE_IN_ARTICLE, o)
            elif p in _ACTOR:
                add(s, _ACTOR[p], o)
            else:
                add(s, p, o)  # kg:mention and anything else the article says of the actor
        elif p == _CONCEPT_LABEL:  # a role's or a topic's label; type and scheme are the corpus graph's
            add(s, NAME_IN_ARTICLE, o)
        elif p == NAME_IN_ARTICLE:  # a claim already in the current layout stays
            add(s, p, o)
    for m in memberships:
        if article is not None:
            add(m, _DERIVED, article)
        member = next((q.object for q in quads if q.subject == m and q.predicate == _MEMBER), None)
        org = next((q.object for q in quads if q.subject == m and q.predicate == _ORGANIZATION), None)
        if member is not None and org is not None and member != org:
            add(member, MEMBER_OF_IN_ARTICLE, org)
    return list(dict.fromkeys(out))


def upgrade_layout(store: ox.Store) -> int:
    """Rewrite every article graph in the old layout and rebuild the corpus graph; the number
    of article graphs rewritten."""
    from kg.store import _run_update, _write_update, rebuild_corpus

    done = 0
    for graph in list(store.named_graphs()):
        if not (isinstance(graph, ox.NamedNode) and graph.value.startswith(_ARTICLE_GRAPHS)):
            continue
        old = list(store.quads_for_pattern(None, None, None, graph))
        new = upgraded_graph(old)
        if set(new) != set(old):
            _run_update(store, _write_update(graph, new), f"the upgrade of {graph.value}")
            done += 1
    rebuild_corpus(store)
    if done:
        log.warning("upgraded %d article graph(s) to the corpus-graph layout", done)
    return done
