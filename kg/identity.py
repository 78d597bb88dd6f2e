"""Corpus-level identity: one actor IRI for the spellings of a name that differ only in where
they break it ("Walmart" / "Wal-Mart", "Al Qaeda" / "Al-Qaeda" / "Alqaeda").

An actor's IRI is minted from its name in one article (:func:`kg.ids.actor_iri`): spaces and
hyphens become one hyphen, so "Al Qaeda" and "Al-Qaeda" already share an IRI, but "Walmart"
and "Wal-Mart" do not, and no rule on one spelling can tell which other spellings the corpus
uses. The *fold key* of an actor IRI is its name part without hyphens (``wal-mart`` ->
``walmart``); the store keeps one IRI per key:

- the gazetteer's, when it lists an actor with that key;
- else the one the store already holds (the corpus graph states each actor's key as
  ``kg:foldKey``, so this is one index lookup per actor an article names);
- else, among the actors one article names with the same key, the first in IRI order.

An article graph is written with its actors renamed to those IRIs (:func:`rename`); a bulk
load, which writes article graphs as they come, is folded once afterwards with the same
preference, the IRI most articles name standing in for "the one the store already holds"
when the store held none (:func:`fold_groups`). So the IRI can depend on the path (``kg
ingest`` keeps the first spelling it met, ``kg import`` into an empty store the commonest);
the label does not: it is the name most articles use, the other spellings ``skos:altLabel``.

Pure functions, no I/O: :mod:`kg.store` reads the keys and writes the result.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

import pyoxigraph as ox

from kg import ids
from kg.rdf import NAME_IN_ARTICLE
from kg.vocab import KG

FOLD_KEY = ox.NamedNode(str(KG.foldKey))
_ACTORS = ids.DATA + "actor/"


def fold_key(iri: str) -> str | None:
    """The fold key of an actor IRI (None for anything else).

    >>> fold_key("https://w3id.org/kg-stance/id/actor/wal-mart"), fold_key("https://w3id.org/kg-stance/id/actor/walmart")
    ('walmart', 'walmart')
    >>> fold_key("https://w3id.org/kg-stance/id/role/press-secretary") is None
    True
    """
    if not iri.startswith(_ACTORS):
        return None
    return iri[len(_ACTORS) :].replace("-", "") or None


def named_actors(quads: Iterable[ox.Quad]) -> set[ox.NamedNode]:
    """The actors an article graph names (subjects of ``kg:nameInArticle`` with an actor IRI)."""
    return {
        q.subject
        for q in quads
        if q.predicate == NAME_IN_ARTICLE and isinstance(q.subject, ox.NamedNode) and fold_key(q.subject.value)
    }


def canonical_map(
    actors: Iterable[ox.NamedNode], known: Mapping[str, ox.NamedNode]
) -> dict[ox.NamedNode, ox.NamedNode]:
    """For the actors one article names: the IRI each is to be written under, where that is
    not its own. ``known`` maps fold keys to the IRI the gazetteer or the store holds; a key it
    lacks goes to the first of the article's spellings in IRI order (each counts one article)."""
    return fold_groups(dict.fromkeys(actors, 1), known)


def fold_groups(
    counts: Mapping[ox.NamedNode, int], known: Mapping[str, ox.NamedNode]
) -> dict[ox.NamedNode, ox.NamedNode]:
    """For a whole store (``counts``: the number of articles naming each resource): the actors
    to rename, each to the IRI of its fold group — the one ``known`` gives for its key (the
    gazetteer's, or the store's before a bulk load), else the one most articles name, else the
    first in IRI order (so the result does not depend on the order of loading).

    >>> n = lambda s: ox.NamedNode("https://w3id.org/kg-stance/id/actor/" + s)
    >>> m = fold_groups({n("walmart"): 5, n("wal-mart"): 2, n("al-qaeda"): 3}, {})
    >>> {k.value[-8:]: v.value[-7:] for k, v in m.items()}
    {'wal-mart': 'walmart'}
    """
    by_key: dict[str, list[ox.NamedNode]] = defaultdict(list)
    for resource in counts:
        key = fold_key(resource.value)
        if key:
            by_key[key].append(resource)
    out: dict[ox.NamedNode, ox.NamedNode] = {}
    for key, group in by_key.items():
        target = known.get(key) or min(group, key=lambda r: (-counts[r], r.value))
        out.update({r: target for r in group if r != target})
    return out


def rename(quads: Iterable[ox.Quad], mapping: Mapping[ox.NamedNode, ox.NamedNode]) -> list[ox.Quad]:
    """The quads with every subject and object in ``mapping`` replaced (a claim made twice
    under two spellings is kept once)."""
    if not mapping:
        return list(quads)

    def swap(term):
        return mapping.get(term, term) if isinstance(term, ox.NamedNode) else term

    out: dict[ox.Quad, None] = {}  # ordered, without repeats
    for q in quads:
        s, o = swap(q.subject), swap(q.object)
        out[ox.Quad(s, q.predicate, o, q.graph_name) if (s is not q.subject or o is not q.object) else q] = None
    return list(out)
