"""The persistent RDF store: pyoxigraph's own ``Store`` (RocksDB) on disk.

Not rdflib-over-oxigraph (oxrdflib): its ``commit()``/``rollback()`` do nothing, ``close()``
does not flush (a reopen then replays for tens of seconds) and prepared queries silently fall
back to rdflib's pure-Python engine. Here:

- :func:`open_store` opens a store for writing (one writer at a time: a second one gets
  :class:`StoreLocked`) or reading (beside a writer; a missing store gives :class:`StoreMissing`).
  The first write-open loads the ontology (``ontology/kg.ttl``) and the gazetteer (if
  ``kg.gazetteer`` offers ``gazetteer_graph()``) into their own named graphs, and reloads
  them whenever their content changes.
- :func:`put_extraction` writes one article's named graph: nothing if it is unchanged, else
  the old graph is dropped and the new one inserted in ONE SPARQL update, which Oxigraph runs
  as one transaction, so an article goes in whole or not at all.
- :func:`run_query` runs SPARQL with the union of all graphs as the default graph, the usual
  prefixes predeclared, and values bound through Oxigraph's substitutions (never pasted into
  the query text).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import logging
import re
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import BinaryIO, cast

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef

import kg
from kg import corpus, identity, ids
from kg.records import ACTOR_TYPES, ActorType, Extraction
from kg.remote import RemoteStore, is_remote
from kg.vocab import KG, ORG, PREFIXES, RDF, XSD, ontology_file

log = logging.getLogger(__name__)


class StoreError(RuntimeError):
    """The store cannot be opened, read or written."""


class StoreLocked(StoreError):
    """Another process holds the store for writing."""


class StoreMissing(StoreError):
    """There is no store at the given path (and it was opened read-only)."""


class StoreBusy(StoreError):
    """A reader met files that a writer in another process had just compacted away (RocksDB's
    "Corruption: ... .sst: No such file or directory"): the store is intact, and trying again
    (opening it anew) reads a consistent state."""


class QueryError(ValueError):
    """A SPARQL query that does not parse, or a bad binding, or one kg refuses to run."""


# What RocksDB says to a read-only opener (or reader) while another process writes the store:
# files it listed a moment ago were compacted or rolled over ("... 000542.sst: No such file or
# directory", "... 000054.log: ..."), or the store is still being created ("Column family not
# found"). The store is intact; opening it again reads a consistent state.
# A read-only open in the instant a writer is creating the store (its files there, its
# version key not yet) fails with the last message: Oxigraph would write the key itself.
_BUSY_MARKERS = (
    "No such file or directory",
    "Column family not found",
    "Inserts are only possible on read-write instances",
)


def is_busy_error(exc: BaseException) -> bool:
    """Is ``exc`` what reading a store that another process is writing raises now and then?"""
    message = str(exc)
    return any(m in message for m in _BUSY_MARKERS)


_READ_ATTEMPTS = 6  # open attempts of a read-only store beside a busy writer (1.6 s of waits in all)


def busy_message(path: str | Path, tries: int, last: BaseException | None) -> str:
    """What to tell a reader that met a busy writer ``tries`` times in a row (the storage
    engine's own words, "Corruption: ...", would be false: they go to the log, seen with -v)."""
    log.info("last error from the storage engine: %s", last)
    return (
        f"the store at {path} is being written by another process (a kg ingest?) and changed under "
        f"this read {tries} times in a row; try again when the writer has finished (the store is "
        "intact). If nothing is writing to it, run the command with -v to see the storage engine's error."
    )


_CONTENT_HASH = ox.NamedNode(str(KG.contentHash))


# ------------------------------------------------------------------------------ opening
def open_store(path: str | Path, *, read_only: bool = False) -> ox.Store:
    """Open (creating it if needed, unless ``read_only``) the store at ``path``.

    Raises :class:`StoreMissing` when ``read_only`` and there is no store, :class:`StoreLocked`
    when another process is writing to it, :class:`StoreError` for anything else.
    """
    from kg.remote import is_url

    if is_url(path):
        return _open_remote(str(path), read_only=read_only)
    path = Path(path)
    if read_only:
        if not (path / "CURRENT").is_file():
            raise StoreMissing(f"no store at {path} — run kg ingest first")
        last: BaseException | None = None
        for attempt in range(_READ_ATTEMPTS):
            try:
                return ox.Store.read_only(str(path))
            except (OSError, RuntimeError) as exc:
                if not is_busy_error(exc):
                    raise StoreError(f"cannot read the store at {path}: {exc}") from None
                last = exc
                time.sleep(0.025 * 2**attempt)
        raise StoreBusy(busy_message(path, _READ_ATTEMPTS, last))
    if path.exists() and not path.is_dir():
        raise StoreError(f"{path} is a file, not a store folder")
    if path.is_dir() and any(path.iterdir()) and not (path / "CURRENT").is_file():
        raise StoreError(f"{path} is a folder that holds something other than a kg store; choose another --store")
    try:
        store = ox.Store(str(path))
    except OSError as exc:
        if "lock" in str(exc).lower():
            raise StoreLocked(
                f"the store at {path} is in use by another process ({exc}); "
                f"wait for it to finish (or stop kg serve on it: a served folder is the "
                f"server's; write through a --writable server instead) or use another --store"
            ) from None
        raise StoreError(f"cannot open the store at {path}: {exc}") from None
    changed = sync_static_graphs(store)
    from kg.upgrade import needs_upgrade, upgrade_layout

    if needs_upgrade(store):
        upgrade_layout(store)  # a store written by an earlier kg: rewritten once, corpus rebuilt
    elif changed or _corpus_missing(store):
        rebuild_corpus(store)
    return store


def _open_remote(url: str, *, read_only: bool):
    """A SPARQL 1.1 server as the store (:mod:`kg.remote`). A write-open loads the ontology and
    the gazetteer as for a folder; the server's default graph must be the union of its graphs.
    (A store on a server is never in the layout of an earlier kg: there is nothing to upgrade.)"""
    from kg.remote import open_remote

    store = None
    try:
        store = open_remote(url)
        if not read_only:
            # one writer at a time (kg.remote.WriterLease): a write works out the corpus
            # graph's changes from what it read, so two at once could lose tallies
            store.take_lease()
            as_store = cast(ox.Store, store)  # a RemoteStore answers the ox.Store methods these use
            if sync_static_graphs(as_store) or _corpus_missing(as_store):
                rebuild_corpus(as_store)
        store.check_union()
    except (OSError, RuntimeError, LookupError, ValueError) as exc:
        if store is not None:
            store.close()
        raise StoreError(str(exc)) from None
    return store


def sync_static_graphs(store: ox.Store) -> bool:
    """Load the ontology and the gazetteer into their graphs if missing or changed; True if
    the gazetteer changed (the corpus graph, which leaves out what the gazetteer says, must then
    be worked out again)."""
    onto_path = ontology_file("kg.ttl")
    data = onto_path.read_bytes()
    _sync_graph(
        store, ids.ONTOLOGY_GRAPH, lambda: Graph().parse(data=data, format="turtle"), hashlib.sha256(data).hexdigest()
    )
    try:
        from kg.gazetteer import gazetteer_graph  # written by the actors' engineer; optional
    except ImportError:
        return False
    try:
        gaz = gazetteer_graph()
    except Exception as exc:  # a broken gazetteer must not stop ingestion
        log.warning("gazetteer not loaded: %s: %s", type(exc).__name__, exc)
        return False
    # the posts it lists, also as org:memberOf (what the corpus graph states for posts articles
    # name): "who belongs to what" is then one property path for every query
    for m in list(gaz.subjects(RDF.type, ORG.Membership)):
        member, organization = gaz.value(m, ORG.member), gaz.value(m, ORG.organization)
        if member is not None and organization is not None and member != organization:
            gaz.add((member, ORG.memberOf, organization))
    # each actor's fold key, so that a spelling an article uses ("Wal-Mart") finds the
    # gazetteer's IRI ("walmart") before any article has named it (kg.identity). A store
    # written before fold keys sees a changed gazetteer here, so its corpus graph is rebuilt
    # and its article graphs folded once.
    for subject in {s for s in gaz.subjects() if isinstance(s, URIRef)}:
        key = identity.fold_key(str(subject))
        if key:
            gaz.add((subject, KG.foldKey, Literal(key)))
    lines = sorted(" ".join(t.n3() for t in triple) for triple in gaz if not any(isinstance(t, BNode) for t in triple))
    digest = hashlib.sha256(("\n".join(lines) + f"\n{len(gaz)}").encode("utf-8")).hexdigest()
    return _sync_graph(store, ids.GAZETTEER_GRAPH, lambda: gaz, digest)


def _sync_graph(store: ox.Store, graph_iri: str, load, digest: str) -> bool:
    g = ox.NamedNode(graph_iri)
    current = [cast(ox.Literal, q.object).value for q in store.quads_for_pattern(g, _CONTENT_HASH, None, g)]
    if current == [digest]:
        return False
    quads = list(to_quads(load(), g))
    quads.append(ox.Quad(g, _CONTENT_HASH, ox.Literal(digest), g))
    _replace_graph(store, g, quads)
    log.info("loaded %d triples into %s", len(quads), graph_iri)
    return True


# ------------------------------------------------------------------------------ writing
def _term(t, bnodes: dict):
    """An rdflib term as a pyoxigraph term."""
    if isinstance(t, URIRef):
        return ox.NamedNode(str(t))
    if isinstance(t, BNode):
        if t not in bnodes:
            bnodes[t] = ox.BlankNode()
        return bnodes[t]
    if isinstance(t, Literal):
        if t.language:
            return ox.Literal(str(t), language=t.language)
        if t.datatype is not None:
            return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype)))
        return ox.Literal(str(t))
    raise TypeError(f"not an RDF term: {t!r}")


def to_quads(graph: Graph, graph_name: ox.NamedNode) -> Iterable[ox.Quad]:
    """The triples of an rdflib graph as pyoxigraph quads in ``graph_name``."""
    bnodes: dict = {}
    for s, p, o in graph:
        yield ox.Quad(_term(s, bnodes), _term(p, bnodes), _term(o, bnodes), graph_name)


def _data_block(verb: str, graph_name: ox.NamedNode, quads: Iterable[ox.Quad]) -> str | None:
    """``INSERT DATA`` / ``DELETE DATA`` of ``quads`` in ``graph_name``. Terms are written by
    pyoxigraph itself (``str(term)`` is their N-Triples form, escaped), so article text cannot
    break out of its literal."""
    quads = list(quads)
    body = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
    if not body:
        return None
    if verb == "INSERT" and any(isinstance(t, ox.BlankNode) for q in quads for t in (q.subject, q.object)):
        # the same insertion (fresh blank nodes) in the form every server takes: Virtuoso
        # refuses blank nodes in INSERT DATA (only the ontology and gazetteer graphs have any)
        return f"INSERT {{ GRAPH {graph_name} {{\n{body}\n}} }} WHERE {{}}"
    return f"{verb} DATA {{ GRAPH {graph_name} {{\n{body}\n}} }}"


def _write_update(
    graph_name: ox.NamedNode,
    quads: list[ox.Quad] | None,
    corpus_delete: Iterable[ox.Quad] = (),
    corpus_insert: Iterable[ox.Quad] = (),
    *,
    drop: bool = True,
) -> str:
    """One SPARQL update that replaces (or, with ``quads=None``, drops) an article's named graph
    and changes the corpus graph to match: Oxigraph runs one update request as one transaction,
    so the article and the corpus-level counts change together or not at all. ``drop=False``
    when the store holds no such graph (a quarter of the time of a new article's write)."""
    parts = [
        f"DROP SILENT GRAPH {graph_name}" if drop else None,
        _data_block("INSERT", graph_name, quads or ()),
        _data_block("DELETE", corpus.CORPUS, corpus_delete),
        _data_block("INSERT", corpus.CORPUS, corpus_insert),
    ]
    return " ;\n".join(p for p in parts if p)


def _run_update(store: ox.Store, update: str, what: str) -> None:
    try:
        store.update(update)
    except (OSError, RuntimeError, SyntaxError, ValueError) as exc:
        raise StoreError(f"could not write {what}: {exc}") from None


def _replace_graph(store: ox.Store, graph_name: ox.NamedNode, quads: list[ox.Quad]) -> None:
    """Replace a static named graph (ontology, gazetteer) atomically."""
    _run_update(store, _write_update(graph_name, quads), f"graph {graph_name.value}")


def _canonical(quads: Iterable[ox.Quad]) -> set[ox.Quad]:
    """The quads as the store would give them back (Oxigraph canonicalises typed literals:
    ``"1.0"^^xsd:decimal`` comes back as ``"1"``), for comparison with what is stored."""
    mem = ox.Store()
    mem.extend(quads)
    return set(mem)


def read_state(store: ox.Store, resource: ox.NamedNode) -> corpus.State:
    """What the corpus and gazetteer graphs hold about one shared resource (its tallies found
    through ``rdf:subject``: a few index lookups, whatever the size of the store)."""
    state = corpus.State()
    for q in store.quads_for_pattern(resource, None, None, corpus.CORPUS):
        state.quads.add(q)
        if q.predicate == corpus.ARTICLE_COUNT:
            state.count = int(cast(ox.Literal, q.object).value)
    for link in store.quads_for_pattern(None, corpus.SUBJECT, resource, corpus.CORPUS):
        prop = value = n = None
        for q in store.quads_for_pattern(link.subject, None, None, corpus.CORPUS):
            state.quads.add(q)
            if q.predicate == corpus.PREDICATE:
                prop = q.object
            elif q.predicate == corpus.OBJECT:
                value = q.object
            elif q.predicate == corpus.ARTICLE_COUNT:
                n = int(cast(ox.Literal, q.object).value)
        if prop is not None and value is not None and n:
            state.tallies[(prop, value)] = n
    state.gazetteer = {
        (q.predicate, cast(corpus.Term, q.object))
        for q in store.quads_for_pattern(resource, None, None, corpus.GAZETTEER)
    }
    return state


def corpus_changes(
    store: ox.Store, old: list[ox.Quad] | set[ox.Quad] | None, new: list[ox.Quad] | None
) -> tuple[set[ox.Quad], set[ox.Quad]]:
    """The corpus quads to delete and to insert when one article graph goes from ``old`` to
    ``new`` (either may be None): only the resources the article names are read and changed."""
    res_delta, claim_delta = corpus.changes(
        corpus.claims_of(old) if old else None, corpus.claims_of(new) if new else None
    )
    per_resource: dict[ox.NamedNode, dict] = defaultdict(dict)
    for (resource, prop, value), d in claim_delta.items():
        per_resource[resource][(prop, value)] = d
    deletes: set[ox.Quad] = set()
    inserts: set[ox.Quad] = set()
    resources = sorted(set(res_delta) | set(per_resource), key=lambda r: r.value)
    # a server is asked once for all of them, not a few times per resource
    view = cast(RemoteStore, store).corpus_view(resources) if is_remote(store) else store
    for resource in resources:
        gone, added = corpus.apply(
            read_state(view, resource), resource, res_delta.get(resource, 0), per_resource.get(resource, {})
        )
        deletes |= gone
        inserts |= added
    return deletes, inserts


def put_extraction(store: ox.Store, extraction: Extraction, *, model: str) -> str:
    """Write one article's named graph; ``"added"``, ``"replaced"`` or ``"unchanged"``.

    An article whose graph would be exactly what the store holds (same text, so same content
    hash, same kg version and model, same extraction) is not written at all. Otherwise the old
    graph is dropped, the new one inserted and the corpus graph's counts and descriptions of
    the resources either names are brought up to date, in one transaction.
    """
    from kg.rdf import extraction_quads

    try:
        new = extraction_quads(extraction, model=model, version=kg.__version__)
    except (AttributeError, TypeError, ValueError) as exc:  # ValueError includes UnicodeError
        # A malformed record (or text pyoxigraph refuses, e.g. a lone surrogate) fails this
        # article only; the caller reports it and goes on with the next.
        log.info("article %s could not be converted to RDF: %s", extraction.article.id, exc)
        raise StoreError(f"could not convert to RDF: {type(exc).__name__}: {exc}") from None
    return put_quads(store, extraction.article.id, new)


def put_quads(store: ox.Store, article_id: str, new: list[ox.Quad]) -> str:
    """Write the named graph of article ``article_id`` from its quads (as
    :func:`kg.rdf.extraction_quads` makes them, here or on another machine):
    ``"added"``, ``"replaced"`` or ``"unchanged"``, as :func:`put_extraction`."""
    try:
        name = ox.NamedNode(ids.article_graph_iri(article_id))
        actors = identity.named_actors(new)  # each under its spelling's one IRI in this store
        new = identity.rename(new, identity.canonical_map(actors, _fold_keys(store, actors)))
        new_set = _canonical(new) if store.contains_named_graph(name) else None
    except (TypeError, ValueError) as exc:
        raise StoreError(f"could not convert to RDF: {type(exc).__name__}: {exc}") from None
    except OSError as exc:
        raise StoreError(f"cannot read the store: {exc}") from None
    try:
        old = set(store.quads_for_pattern(None, None, None, name))
        if old and is_remote(store):
            old = _canonical(old)  # a server may write a typed literal otherwise ("1.0" for "1")
        if old and old == new_set:
            return "unchanged"
        gone, added = corpus_changes(store, old, new)
    except OSError as exc:
        raise StoreError(f"cannot read the store: {exc}") from None
    _run_update(store, _write_update(name, new, gone, added, drop=bool(old)), f"article {article_id}")
    return "replaced" if old else "added"


def _fold_keys(store: ox.Store, actors: Iterable[ox.NamedNode]) -> dict[str, ox.NamedNode]:
    """The IRI the gazetteer or the corpus graph holds for each fold key of ``actors``: one
    query, an index lookup per key (the keys are slugs; written as escaped literals all the same)."""
    keys = sorted({k for a in actors if (k := identity.fold_key(a.value))})
    if not keys:
        return {}
    # the two graphs as constants in a UNION: with VALUES ?g Oxigraph scans every key (50 ms
    # an article at 10,000 articles, against 0.1 ms)
    query = f"""SELECT ?k ?x ?g WHERE {{
      VALUES ?k {{ {" ".join(str(ox.Literal(k)) for k in keys)} }}
      {{ GRAPH {corpus.GAZETTEER} {{ ?x {identity.FOLD_KEY} ?k }} BIND({corpus.GAZETTEER} AS ?g) }}
      UNION {{ GRAPH {corpus.CORPUS} {{ ?x {identity.FOLD_KEY} ?k }} BIND({corpus.CORPUS} AS ?g) }} }}"""
    out: dict[str, ox.NamedNode] = {}
    for sol in sorted(cast(ox.QuerySolutions, store.query(query)), key=lambda sol: sol["g"] != corpus.GAZETTEER):
        out.setdefault(sol["k"].value, sol["x"])  # the gazetteer's first
    return out


_NAMED = """SELECT ?s (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s kg:nameInArticle ?o } } GROUP BY ?s"""


def _named_counts(store: ox.Store) -> dict[ox.NamedNode, int]:
    """How many article graphs name each resource (one grouped query over the whole store)."""
    return {sol["s"]: int(sol["n"].value) for sol in cast(ox.QuerySolutions, store.query(_NAMED, prefixes=PREFIXES))}


def fold_store(store: ox.Store, counts: dict[ox.NamedNode, int] | None = None) -> int:
    """Write every actor of the article graphs under one IRI per fold key
    (:func:`kg.identity.fold_groups`): after a bulk load, or in a store written before fold
    keys. The IRI kept is the gazetteer's, else the one the corpus graph held before (what
    ``kg ingest`` chose), else the one most articles name. Returns the number of IRIs renamed
    (each rename a few index lookups and one update). ``counts``: :func:`_named_counts`, if
    the caller has them."""
    counts = _named_counts(store) if counts is None else counts
    known: dict[str, ox.NamedNode] = {}
    for graph in (corpus.GAZETTEER, corpus.CORPUS):  # the gazetteer's IRI first, then the store's
        for q in store.quads_for_pattern(None, identity.FOLD_KEY, None, graph):
            known.setdefault(cast(ox.Literal, q.object).value, cast(ox.NamedNode, q.subject))
    renames = identity.fold_groups(counts, known)
    prefix = ids.DATA + "graph/article/"
    for old, new in sorted(renames.items(), key=lambda kv: kv[0].value):
        for pattern, replaced in ((f"{old} ?p ?o", f"{new} ?p ?o"), (f"?s ?p {old}", f"?s ?p {new}")):
            _run_update(
                store,
                f"""DELETE {{ GRAPH ?g {{ {pattern} }} }} INSERT {{ GRAPH ?g {{ {replaced} }} }}
                WHERE {{ GRAPH ?g {{ {pattern} }} FILTER(STRSTARTS(STR(?g), "{prefix}")) }}""",
                f"the actor {old.value}",
            )
    if renames:
        log.info("%d actor IRIs folded into another spelling's", len(renames))
    return len(renames)


def remove_article(store: ox.Store, article_id: str) -> bool:
    """Drop the named graph of article ``article_id`` (everything read from it) and take its
    claims off the corpus graph's counts; False if the store holds no such article. Actors
    named in other articles keep what those say of them."""
    name = ox.NamedNode(ids.article_graph_iri(article_id))
    try:
        old = set(store.quads_for_pattern(None, None, None, name))
        if not old:
            return False
        gone, added = corpus_changes(store, old, None)
    except OSError as exc:
        raise StoreError(f"cannot change the store: {exc}") from None
    _run_update(store, _write_update(name, None, gone, added), f"the removal of {article_id}")
    return True


_CLAIM_VALUES = " ".join(f"<{p.value}>" for p in corpus._CLAIMS)


def rebuild_corpus(store: ox.Store) -> int:
    """Work the corpus graph out again from every article graph (after a bulk load, or when
    the gazetteer changed): a few grouped queries over the claims, one pass. Returns the
    number of corpus quads written.

    Not one transaction: the corpus graph is dropped, then written in one ``extend``; if that
    fails, the next write-open finds it empty and rebuilds it again.
    """
    counts = _named_counts(store)
    if fold_store(store, counts):
        counts = _named_counts(store)  # some actors are now named under another IRI
    tallies: dict[ox.NamedNode, Counter] = defaultdict(Counter)
    claims = f"""SELECT ?s ?p ?o (COUNT(?g) AS ?n) WHERE {{
      VALUES ?p {{ {_CLAIM_VALUES} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?s ?p ?o"""
    for sol in cast(ox.QuerySolutions, store.query(claims)):
        tallies[sol["s"]][(sol["p"], sol["o"])] = int(sol["n"].value)
    runs = """SELECT ?s ?p ?o (COUNT(?g) AS ?n) WHERE {
      VALUES ?p { kg:softwareVersion kg:model } GRAPH ?g { ?g prov:wasGeneratedBy ?s ; ?p ?o } } GROUP BY ?s ?p ?o"""
    for sol in cast(ox.QuerySolutions, store.query(runs, prefixes=PREFIXES)):
        tallies[sol["s"]][(sol["p"], sol["o"])] = int(sol["n"].value)
    run_counts = """SELECT ?s (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?g prov:wasGeneratedBy ?s } } GROUP BY ?s"""
    for sol in cast(ox.QuerySolutions, store.query(run_counts, prefixes=PREFIXES)):
        counts[sol["s"]] = int(sol["n"].value)
    gazetteer: dict[ox.NamedNode, set] = defaultdict(set)
    for q in store.quads_for_pattern(None, None, None, corpus.GAZETTEER):
        gazetteer[cast(ox.NamedNode, q.subject)].add((q.predicate, q.object))
    quads: set[ox.Quad] = set()
    for resource, n in counts.items():
        state = corpus.State(
            count=n, tallies=tallies.get(resource, Counter()), gazetteer=gazetteer.get(resource, set())
        )
        quads |= corpus.corpus_quads(resource, state)
    try:
        store.update(f"DROP SILENT GRAPH {corpus.CORPUS}")
        store.extend(sorted(quads, key=str))
    except (OSError, RuntimeError, ValueError) as exc:
        raise StoreError(f"could not rebuild the corpus graph: {exc}") from None
    log.info("corpus graph rebuilt: %d quads for %d resources", len(quads), len(counts))
    return len(quads)


def _corpus_missing(store: ox.Store) -> bool:
    """True when article graphs exist but the corpus graph is empty (a bulk load or an
    interrupted rebuild): the corpus graph must be worked out again."""
    if bool(store.query(f"ASK {{ GRAPH {corpus.CORPUS} {{ ?s ?p ?o }} }}")):
        return False
    return bool(store.query(f"ASK {{ GRAPH ?g {{ ?s <{KG.nameInArticle}> ?o }} }}"))


# ------------------------------------------------------------------------------ querying
@dataclass
class QueryResult:
    """What a query returned: ``kind`` is ``"select"``, ``"ask"`` or ``"graph"``.

    ``terms`` are the solutions as pyoxigraph terms (for typed output); ``rows`` the same as
    plain strings (IRI, literal value, blank node id; None when unbound), made on first use
    (a corpus-sized answer is held once, not twice, by a command that prints it). A graph
    result (CONSTRUCT/DESCRIBE) has the variables ``subject``, ``predicate``, ``object``.
    """

    kind: str
    variables: list[str] = field(default_factory=list)
    boolean: bool | None = None
    terms: list[dict[str, object]] = field(default_factory=list)
    _rows: list[dict[str, str | None]] | None = field(default=None, repr=False)

    @property
    def rows(self) -> list[dict[str, str | None]]:
        if self._rows is None:
            self._rows = [{n: _value(t[n]) for n in self.variables} for t in self.terms]
        return self._rows

    @property
    def triples(self) -> list[tuple[str, str, str]]:
        # a graph result binds all three in every row
        return (
            [cast(tuple[str, str, str], (r["subject"], r["predicate"], r["object"])) for r in self.rows]
            if self.kind == "graph"
            else []
        )


def _value(term) -> str | None:
    if term is None:
        return None
    return term.value


def _binding(name: str, value: str):
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise QueryError(f"not a SPARQL variable name: {name!r}")
    if value.startswith("<") and value.endswith(">"):
        try:
            return ox.NamedNode(value[1:-1])
        except ValueError as exc:
            raise QueryError(f"--bind {name}: not a valid IRI {value!r} ({exc})") from None
    return ox.Literal(value)


def run_query(
    store: ox.Store, sparql: str, *, bindings: dict[str, str] | None = None, allow_service: Iterable[str] = ()
) -> QueryResult:
    """Run a SPARQL query over the union of all graphs.

    Updates are refused, and so are federated ``SERVICE`` calls (Oxigraph would send requests
    to any address a query names) except to the endpoints in ``allow_service``
    (:mod:`kg.sparql_guard`); both raise :class:`QueryError` before anything runs.

    ``bindings`` maps variable names to values: ``"<http://…>"`` is bound as an IRI, anything
    else as a string literal. Values are substituted by the engine (Oxigraph's ``substitutions``,
    SEP-0007), never pasted into the text; Oxigraph requires a bound variable to be one the
    query returns (in its SELECT, or ``SELECT *``), and a variable bound only inside an
    OPTIONAL does not filter (see ``queries/statements.rq`` for the pattern that does). Raises :class:`QueryError` for a query that
    does not parse or that the engine refuses.
    """
    from kg.sparql_guard import Refused, check_query

    try:
        check_query(sparql, allow_service)
    except Refused as exc:
        raise QueryError(str(exc)) from None
    subs = {}
    for name, value in (bindings or {}).items():
        term = _binding(name, value)  # checks the name before pyoxigraph sees it
        subs[ox.Variable(name)] = term
    try:
        res = store.query(sparql, prefixes=PREFIXES, use_default_graph_as_union=True, substitutions=subs or None)
        if isinstance(res, ox.QueryBoolean):
            return QueryResult("ask", boolean=bool(res))
        if not hasattr(res, "variables"):  # triples (a list of them from a remote store)
            names = ["subject", "predicate", "object"]
            terms = [dict(zip(names, (t.subject, t.predicate, t.object))) for t in res]
            kind = "graph"
        else:
            names = [v.value for v in res.variables]
            terms = [dict(zip(names, sol)) for sol in res]  # a solution iterates in SELECT order, None unbound
            kind = "select"
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {exc}") from None
    except OSError as exc:
        if is_busy_error(exc):
            raise StoreBusy(f"the store changed under the query: {exc}") from None
        raise StoreError(f"query failed: {exc}") from None
    except RuntimeError as exc:  # the engine refused to evaluate the query
        if is_busy_error(exc):
            raise StoreBusy(f"the store changed under the query: {exc}") from None
        message = str(exc)
        if subs and "projection" in message:
            message += " (a bound variable must be one the query returns: add it to SELECT, or use SELECT *)"
        raise QueryError(f"query failed: {message}") from None
    return QueryResult(kind, variables=names, terms=terms)


# ------------------------------------------------------------------------------ output
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_MAX_CELL = 80


def _compact(value: str) -> str:
    for prefix, ns in (("kgr", ids.DATA), ("kg", ids.ONTOLOGY)):
        if value.startswith(ns):
            return f"{prefix}:{value[len(ns) :]}"
    return value


@functools.cache
def _format_characters() -> re.Pattern:
    """Every character of Unicode category Cf (format: bidi overrides, zero widths, soft hyphen),
    as one character class: a quote is matched once, not character by character in Python."""
    chars = (chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf")
    return re.compile("[" + "".join(re.escape(c) for c in chars) + "]")


def _cell(term) -> str:
    """A table cell: IRIs shortened, no control characters (article text is untrusted and
    must not drive the terminal), long text cut."""
    if term is None:
        return ""
    text = _compact(term.value) if isinstance(term, ox.NamedNode) else term.value
    # cleaned as far as it can be shown (a quote is often a paragraph: checking every
    # character of it costs seconds over a corpus-sized answer)
    head = _CONTROL.sub(" ", text[: 2 * _MAX_CELL])
    if not head.isascii():  # format characters (bidi overrides, zero widths) are all beyond ASCII
        head = _format_characters().sub("", head)
    return head if len(head) <= _MAX_CELL and len(text) <= 2 * _MAX_CELL else head[: _MAX_CELL - 1] + "…"


def _json_term(term) -> dict | None:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != str(XSD.string):
            out["datatype"] = term.datatype.value
        return out
    return None


def format_result(result: QueryResult, fmt: str = "table") -> str:
    """``result`` as ``"table"`` (aligned text), ``"csv"`` or ``"json"`` (SPARQL 1.1 JSON results)."""
    if fmt == "json":
        if result.kind == "ask":
            return json.dumps({"head": {}, "boolean": result.boolean}) + "\n"
        bindings = [{k: _json_term(v) for k, v in row.items() if v is not None} for row in result.terms]
        return (
            json.dumps(
                {"head": {"vars": result.variables}, "results": {"bindings": bindings}}, ensure_ascii=False, indent=1
            )
            + "\n"
        )
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        if result.kind == "ask":
            writer.writerow(["boolean"])
            writer.writerow(["true" if result.boolean else "false"])
        else:
            writer.writerow(result.variables)
            for t in result.terms:
                writer.writerow([_value(t[v]) or "" for v in result.variables])
        return buf.getvalue()
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r} (table, csv, json)")
    if result.kind == "ask":
        return ("true" if result.boolean else "false") + "\n"
    cells = [[_cell(t[v]) for v in result.variables] for t in result.terms]
    widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(result.variables)]
    lines = [
        "  ".join(v.ljust(w) for v, w in zip(result.variables, widths)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------ bundled queries
_QUERY_NAME = re.compile(r"[A-Za-z0-9_-]+")


def bundled_queries() -> list[str]:
    """Names of the queries shipped in ``kg/queries/``."""
    folder = resources.files("kg") / "queries"
    return sorted(p.name[:-3] for p in folder.iterdir() if p.name.endswith(".rq"))


def bundled_query(name: str) -> str | None:
    """The text of ``kg/queries/<name>.rq`` if ``name`` is a bundled query, else None."""
    name = name.strip()
    if name.endswith(".rq"):
        name = name[:-3]
    if not _QUERY_NAME.fullmatch(name):
        return None
    path = resources.files("kg") / "queries" / f"{name}.rq"
    if not path.is_file():
        return None
    return path.read_text(encoding="utf-8")


# ------------------------------------------------------------------------------ stats / export
_TYPE_KEYS = {
    ActorType.Person: "persons",
    ActorType.Organization: "organizations",
    ActorType.Government: "governments",
    ActorType.Country: "countries",
    ActorType.Group: "groups",
    ActorType.Media: "media",
    ActorType.InternationalOrganization: "international_organizations",
    ActorType.Party: "parties",
}


def _count(store: ox.Store, where: str) -> int:
    q = f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}"
    (sol,) = list(cast(ox.QuerySolutions, store.query(q, prefixes=PREFIXES, use_default_graph_as_union=True)))
    return int(sol["n"].value)


def store_stats(store: ox.Store) -> dict[str, int]:
    """Counts: articles, actors (and per type), statements, stances (and per polarity),
    topics, quads and named graphs. Actors and topics are those some article names (the
    corpus graph describes exactly these; gazetteer entries no article names are left out).
    Each count is one pass over one index: nothing here joins across articles."""
    corpus_graph = f"<{ids.CORPUS_GRAPH}>"
    out: dict[str, int] = {
        "articles": _count(store, "?x a kg:Article"),
        "actors": _count(store, f"GRAPH {corpus_graph} {{ ?x a kg:Actor }}"),
    }
    for t in ACTOR_TYPES:
        # the type is in the corpus graph, or (for a gazetteer actor) in the gazetteer graph
        out[_TYPE_KEYS[ActorType(t)]] = _count(store, f"GRAPH {corpus_graph} {{ ?x a kg:Actor }} ?x a kg:{t}")
    out["statements"] = _count(store, "?x a kg:Statement")
    out["direct_quotes"] = _count(store, "?x a kg:DirectQuote")
    out["reported_speech"] = _count(store, "?x a kg:ReportedSpeech")
    out["stances"] = _count(store, "?x a kg:Stance")
    for pol in ("positive", "negative", "neutral"):
        out[f"stances_{pol}"] = _count(store, f"?x kg:polarity kg:{pol}")
    out["topics"] = _count(store, f"GRAPH {corpus_graph} {{ ?x a kg:Topic }}")
    out["quads"] = len(store)
    out["named_graphs"] = sum(1 for _ in store.named_graphs())
    return out


_FORMATS = {"trig": ox.RdfFormat.TRIG, "nq": ox.RdfFormat.N_QUADS, "ttl": ox.RdfFormat.TURTLE}
# Resource IRIs hold slashes ("kgr:actor/x" would be written "kgr:actor\/x"): no kgr: in files.
_EXPORT_PREFIXES = {k: v for k, v in PREFIXES.items() if k != "kgr"}


def export_store(store: ox.Store, fmt: str, out: BinaryIO) -> None:
    """Write the store to ``out``, streaming (the store is never held in memory): ``trig`` /
    ``nq`` keep the named graphs; ``ttl`` writes every graph's triples as one graph (a triple
    two article graphs share may appear twice in the file; a Turtle reader keeps it once)."""
    if fmt not in _FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (trig, nq, ttl)")
    if fmt == "nq":
        store.dump(out, ox.RdfFormat.N_QUADS)
    elif fmt == "trig":
        store.dump(out, ox.RdfFormat.TRIG, prefixes=_EXPORT_PREFIXES)
    else:
        first = True
        for graph in [ox.DefaultGraph(), *sorted(store.named_graphs(), key=lambda g: g.value)]:
            # the prefixes once, then each graph's triples (Turtle allows @prefix anywhere)
            store.dump(out, ox.RdfFormat.TURTLE, from_graph=graph, prefixes=_EXPORT_PREFIXES if first else None)
            first = False
    out.flush()


def to_dataset(store: ox.Store) -> Dataset:
    """The whole store as an rdflib ``Dataset`` (for SHACL and rdflib tools)."""
    ds = Dataset()
    data = store.dump(format=ox.RdfFormat.N_QUADS)
    if data:
        ds.parse(data=data.decode("utf-8"), format="nquads")
    return ds
