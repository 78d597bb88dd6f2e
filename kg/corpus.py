"""The corpus graph: each shared resource described once, resolved from what every article claims.

An article graph (:mod:`kg.rdf`) never gives an actor, a role or a topic a label or a type; it
*claims* them (``kg:nameInArticle``, ``kg:typeInArticle``, ``kg:aliasInArticle``,
``kg:partOfInArticle``, ``kg:ledByInArticle``, ``kg:sameAsInArticle``). The corpus graph
(``kgr:graph/corpus``) holds, for every resource some article names:

- its description, resolved once: one type (the gazetteer's, else the one most articles
  give), one label (the gazetteer's, else the name most articles use, a readable casing
  before ALL CAPS), the other names as ``skos:altLabel``, and the links (``kg:partOf``,
  ``kg:ledBy``, ``owl:sameAs``) any article states; ``kg:articleCount`` = how many articles
  name it; for an actor, its ``kg:foldKey`` (:mod:`kg.identity`);
- one *tally* per claim: an ``rdf:Statement`` (``rdf:subject``, ``rdf:predicate``,
  ``rdf:object``) with the number of articles that make it (``kg:articleCount``).

Tallies make every change O(one article): adding an article adds one to each of its claims,
removing it takes one off, and the description of each resource it touches is worked out
again from that resource's tallies alone — never from the other articles. A resource no
article names any more leaves the corpus graph; a gazetteer actor keeps its gazetteer entry
(the gazetteer graph states its label and type, so the corpus graph does not repeat them:
each triple is in the union of graphs once).

This module is pure (no I/O): :mod:`kg.store` reads the current state and writes the result
in the same transaction as the article graph.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import cast

import pyoxigraph as ox

from kg import ids
from kg.identity import FOLD_KEY, fold_key
from kg.rdf import (
    ACTOR_CLASS,
    ALIAS_IN_ARTICLE,
    CLAIMS,
    LED_BY_IN_ARTICLE,
    MEMBER_OF_IN_ARTICLE,
    NAME_IN_ARTICLE,
    PART_OF_IN_ARTICLE,
    SAME_AS_IN_ARTICLE,
    TYPE_IN_ARTICLE,
)
from kg.records import ActorType
from kg.vocab import KG, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD

CORPUS = ox.NamedNode(ids.CORPUS_GRAPH)
GAZETTEER = ox.NamedNode(ids.GAZETTEER_GRAPH)

_N = ox.NamedNode
A = _N(str(RDF.type))
LABEL, PREF_LABEL, ALT_LABEL = _N(str(RDFS.label)), _N(str(SKOS.prefLabel)), _N(str(SKOS.altLabel))
IN_SCHEME, CONCEPT = _N(str(SKOS.inScheme)), _N(str(SKOS.Concept))
PART_OF, LED_BY, SAME_AS = _N(str(KG.partOf)), _N(str(KG.ledBy)), _N(str(OWL.sameAs))
MEMBER_OF = _N(str(ORG.memberOf))
# An organisation is kept as one an actor belongs to (org:memberOf) when the gazetteer says so or
# at least this share of the articles naming the actor do: one stray apposition among the
# hundreds of articles that name a president does not make him a reporter of some newspaper,
# while an actor named in three articles keeps the post one of them gives. The views use the
# same rule for the posts they show (kg.network.rows).
MIN_POST_SHARE = 0.1
ARTICLE_COUNT = _N(str(KG.articleCount))
ACTOR, TOPIC, TOPIC_SCHEME = _N(str(KG.Actor)), _N(str(KG.Topic)), _N(str(KG.TopicScheme))
ROLE, ROLE_SCHEME = _N(str(ORG.Role)), _N(str(KG.RoleScheme))
ACTIVITY = _N(str(PROV.Activity))
GENERATED_BY = _N(str(PROV.wasGeneratedBy))
VERSION, MODEL = _N(str(KG.softwareVersion)), _N(str(KG.model))
STATEMENT, SUBJECT, PREDICATE, OBJECT = (
    _N(str(RDF.Statement)),
    _N(str(RDF.subject)),
    _N(str(RDF.predicate)),
    _N(str(RDF.object)),
)
_INTEGER = _N(str(XSD.integer))
_CLAIMS = frozenset(CLAIMS)
_RUN_CLAIMS = (VERSION, MODEL)

# When articles disagree on an actor's type as often, the earlier type wins (a government
# that some articles call by its country's name is still a government).
TYPE_ORDER = (
    ActorType.Government,
    ActorType.Country,
    ActorType.InternationalOrganization,
    ActorType.Party,
    ActorType.Media,
    ActorType.Group,
    ActorType.Person,
    ActorType.Organization,
)
_TYPE_RANK = {ACTOR_CLASS[t]: i for i, t in enumerate(TYPE_ORDER)}

Term = ox.NamedNode | ox.Literal
Claim = tuple[ox.NamedNode, ox.NamedNode, Term]  # (resource, claim property, value)


@dataclass
class Claims:
    """What one article graph says of shared resources: the resources it names (each counts
    one article) and its claims about them."""

    resources: set[ox.NamedNode] = field(default_factory=set)
    claims: set[Claim] = field(default_factory=set)


def claims_of(quads: Iterable[ox.Quad]) -> Claims:
    """The claims in one article graph's quads (as :func:`kg.rdf.extraction_quads` writes them,
    or as they are read back from the store). The run that made the graph is a shared resource
    too, claimed by its version and model (stated on the graph's own node)."""
    out = Claims()
    graph_facts: dict[ox.NamedNode, Term] = {}
    for q in quads:
        p = q.predicate
        if p in _CLAIMS:
            out.claims.add(cast(Claim, (q.subject, p, q.object)))  # kg writes no RDF-star terms
            if p == NAME_IN_ARTICLE:
                out.resources.add(cast(ox.NamedNode, q.subject))
        elif q.subject == q.graph_name and p in (GENERATED_BY, VERSION, MODEL):
            graph_facts[p] = cast(Term, q.object)
    run = graph_facts.get(GENERATED_BY)
    if isinstance(run, ox.NamedNode):
        out.resources.add(run)
        for p in _RUN_CLAIMS:
            if p in graph_facts:
                out.claims.add((run, p, graph_facts[p]))
    return out


@dataclass
class State:
    """A shared resource as the store holds it: its article count, its tallies and every
    corpus quad about it (its description and its tallies), and what the gazetteer says of it."""

    count: int = 0
    tallies: Counter = field(default_factory=Counter)  # (property, value) -> articles
    quads: set[ox.Quad] = field(default_factory=set)
    gazetteer: set[tuple[ox.NamedNode, Term]] = field(default_factory=set)


def changes(old: Claims | None, new: Claims | None) -> tuple[Counter, Counter]:
    """How replacing ``old`` by ``new`` changes the counts: ``(resource deltas, claim deltas)``,
    each a Counter of +1/-1 (zero entries left out)."""
    old, new = old or Claims(), new or Claims()
    res: Counter = Counter()
    for r in new.resources - old.resources:
        res[r] += 1
    for r in old.resources - new.resources:
        res[r] -= 1
    cl: Counter = Counter()
    for c in new.claims - old.claims:
        cl[c] += 1
    for c in old.claims - new.claims:
        cl[c] -= 1
    return res, cl


def tally_node(resource: ox.NamedNode, prop: ox.NamedNode, value: Term) -> ox.NamedNode:
    return _N(ids.tally_iri(resource.value, prop.value, str(value)))


def _count(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=_INTEGER)


def _best_name(names: Mapping[str, int]) -> str | None:
    """The name most articles use; on a tie a readable casing before ALL CAPS, then the first in
    alphabetical order (so the result does not depend on the order articles came in)."""
    if not names:
        return None
    return min(names, key=lambda n: (-names[n], n.isupper() and len(n) > 3, n))


def _best_type(types: Mapping[ox.NamedNode, int]) -> ox.NamedNode | None:
    if not types:
        return None
    return min(types, key=lambda t: (-types[t], _TYPE_RANK.get(t, 99), t.value))


def kind(resource: ox.NamedNode) -> str:
    """``"actor"``, ``"role"``, ``"topic"`` or ``"run"`` from the resource's IRI (minted by kg.ids)."""
    tail = resource.value[len(ids.DATA) :] if resource.value.startswith(ids.DATA) else ""
    return tail.split("/", 1)[0] if tail else "actor"


def describe(
    resource: ox.NamedNode,
    count: int,
    tallies: Mapping[tuple[ox.NamedNode, Term], int],
    gazetteer: Collection[tuple[ox.NamedNode, Term]] = frozenset(),
) -> set[tuple[ox.NamedNode, Term]]:
    """The resolved description of ``resource`` as (property, value) pairs for the corpus graph,
    leaving out what the gazetteer graph already states of it. Empty when no article names it.

    >>> p = ox.NamedNode("https://w3id.org/kg-stance/id/actor/florida")
    >>> from kg.rdf import NAME_IN_ARTICLE as NAME, TYPE_IN_ARTICLE as TYPE, ACTOR_CLASS as C
    >>> t = {(NAME, ox.Literal("FLORIDA")): 3, (NAME, ox.Literal("Florida")): 3,
    ...      (TYPE, C["Government"]): 1, (TYPE, C["Organization"]): 2}
    >>> d = describe(p, 4, t)
    >>> sorted(v.value for k, v in d if k == LABEL), sorted(v.value for k, v in d if k == A)[-1]
    (['Florida'], 'https://w3id.org/kg-stance/ontology#Organization')
    """
    if count <= 0:
        return set()
    by_prop: dict[ox.NamedNode, Counter] = {}
    for (prop, value), n in tallies.items():
        if n > 0:
            by_prop.setdefault(prop, Counter())[value] += n
    gaz_props = {p for p, _ in gazetteer}
    gaz_values = {(p, o.value) for p, o in gazetteer}
    out: set[tuple[ox.NamedNode, Term]] = {(ARTICLE_COUNT, _count(count))}
    what = kind(resource)
    names = {v.value: n for v, n in by_prop.get(NAME_IN_ARTICLE, Counter()).items()}
    if what == "run":
        for prop in _RUN_CLAIMS:
            for value in by_prop.get(prop, ()):
                out.add((prop, value))
        version = next((v.value for p, v in out if p == VERSION), "?")
        model = next((v.value for p, v in out if p == MODEL), "?")
        out |= {(A, ACTIVITY), (LABEL, ox.Literal(f"kg {version} with {model}"))}
        return {pv for pv in out if (pv[0], pv[1].value) not in gaz_values}
    if what in ("role", "topic"):
        label_prop = PREF_LABEL
        cls, scheme = (ROLE, ROLE_SCHEME) if what == "role" else (TOPIC, TOPIC_SCHEME)
        out |= {(A, cls), (A, CONCEPT), (IN_SCHEME, scheme)}
    else:
        label_prop = LABEL
        out.add((A, ACTOR))
        key = fold_key(resource.value)
        if key:  # how the store finds this actor under another spelling (kg.identity)
            out.add((FOLD_KEY, ox.Literal(key)))
        if not any(p == A and o in _TYPE_RANK for p, o in gazetteer):
            best = _best_type(by_prop.get(TYPE_IN_ARTICLE, Counter()))
            if best is not None:
                out.add((A, best))
        for claim, prop in ((PART_OF_IN_ARTICLE, PART_OF), (LED_BY_IN_ARTICLE, LED_BY), (SAME_AS_IN_ARTICLE, SAME_AS)):
            for value in by_prop.get(claim, ()):
                if value != resource:
                    out.add((prop, value))
        for org, n in by_prop.get(MEMBER_OF_IN_ARTICLE, Counter()).items():
            if org != resource and n >= MIN_POST_SHARE * count:
                out.add((MEMBER_OF, org))
        for alias in by_prop.get(ALIAS_IN_ARTICLE, ()):
            names.setdefault(alias.value, 0)
    gaz_label = next((o.value for p, o in gazetteer if p in (LABEL, PREF_LABEL)), None)
    label = gaz_label or _best_name(names)
    if label is not None and label_prop not in gaz_props:
        out.add((label_prop, ox.Literal(label)))
    known = {o.value for p, o in gazetteer if p in (LABEL, PREF_LABEL, ALT_LABEL)} | {label}
    for name in names:
        if name not in known:
            out.add((ALT_LABEL, ox.Literal(name)))
    return {pv for pv in out if (pv[0], pv[1].value) not in gaz_values}


def tally_quads(resource: ox.NamedNode, tallies: Mapping[tuple[ox.NamedNode, Term], int]) -> set[ox.Quad]:
    """The tally statements of ``resource`` (those with a positive count)."""
    out = set()
    for (prop, value), n in tallies.items():
        if n <= 0:
            continue
        t = tally_node(resource, prop, value)
        out |= {
            ox.Quad(t, A, STATEMENT, CORPUS),
            ox.Quad(t, SUBJECT, resource, CORPUS),
            ox.Quad(t, PREDICATE, prop, CORPUS),
            ox.Quad(t, OBJECT, value, CORPUS),
            ox.Quad(t, ARTICLE_COUNT, _count(n), CORPUS),
        }
    return out


def corpus_quads(resource: ox.NamedNode, state: State) -> set[ox.Quad]:
    """Every corpus quad about ``resource`` for ``state``: its description and its tallies."""
    desc = describe(resource, state.count, state.tallies, state.gazetteer)
    out = {ox.Quad(resource, p, o, CORPUS) for p, o in desc}
    return out | (tally_quads(resource, state.tallies) if state.count > 0 else set())


def apply(
    state: State, resource: ox.NamedNode, res_delta: int, claim_deltas: Mapping[tuple[ox.NamedNode, Term], int]
) -> tuple[set[ox.Quad], set[ox.Quad]]:
    """Apply one article's change to a resource: ``(quads to delete, quads to insert)``."""
    tallies = Counter(state.tallies)
    for key, d in claim_deltas.items():
        tallies[key] += d
    tallies = Counter({k: v for k, v in tallies.items() if v > 0})
    new = State(count=max(0, state.count + res_delta), tallies=tallies, gazetteer=state.gazetteer)
    after = corpus_quads(resource, new)
    return state.quads - after, after - state.quads
