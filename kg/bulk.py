"""The bulk path: article graphs from N-Quads or TriG files, loaded with Oxigraph's bulk loader.

``kg extract --format nquads`` writes each article's named graph (extraction can run anywhere,
on as many machines as you like); ``kg import FILE`` loads such files far faster than
``kg ingest`` writes article by article, then works the corpus graph out once
(:func:`kg.store.rebuild_corpus`). Only article graphs are taken from a file (so the output
of ``kg export`` imports too): the ontology and gazetteer graphs are the store's own, and the
corpus graph is derived. An article graph the store already holds is replaced, not merged.

Not one transaction: the file is loaded in pieces that end at an article graph's boundary
(the bulk loader writes each piece at once), and the corpus graph is rebuilt at the end. If
an import stops half way, run it again: it replaces the graphs it had loaded.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg import ids

log = logging.getLogger(__name__)

ARTICLE_GRAPHS = ids.DATA + "graph/article/"
FORMATS = {".nq": ox.RdfFormat.N_QUADS, ".nquads": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG}
PIECE = 200_000  # quads loaded at a time (ending at a graph boundary)


class BulkImportError(ValueError):
    """A file that cannot be imported (its name says which and why)."""


@dataclass
class ImportReport:
    files: int = 0
    articles: int = 0
    replaced: int = 0
    quads: int = 0
    skipped_quads: int = 0  # quads outside article graphs (ontology, gazetteer, corpus, default graph)
    seconds: float = 0.0  # the whole import: loading, then the corpus graph
    load_seconds: float = 0.0  # the bulk loader alone
    corpus_quads: int = 0

    @property
    def quads_per_second(self) -> float:
        """The bulk loader's rate (the corpus graph's rebuild is timed apart, in ``seconds``)."""
        return self.quads / self.load_seconds if self.load_seconds else 0.0


def format_of(path: Path) -> ox.RdfFormat:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise BulkImportError(f"{path}: cannot tell the format from the name; use .nq, .nquads or .trig")
    return fmt


def _pieces(quads: Iterable[ox.Quad], report: ImportReport) -> Iterator[tuple[list[ox.Quad], set[ox.NamedNode]]]:
    """Article-graph quads in pieces of about :data:`PIECE`, each ending where a graph ends
    (a file from ``kg extract --format nquads`` or ``kg export`` holds each graph's quads together)."""
    piece: list[ox.Quad] = []
    graphs: set[ox.NamedNode] = set()
    last = None
    for q in quads:
        g = q.graph_name
        if not (isinstance(g, ox.NamedNode) and g.value.startswith(ARTICLE_GRAPHS)):
            report.skipped_quads += 1
            continue
        if g != last and len(piece) >= PIECE:
            yield piece, graphs
            piece, graphs = [], set()
        piece.append(q)
        graphs.add(g)
        last = g
    if piece:
        yield piece, graphs


def article_graphs_of_nquads(path: Path) -> tuple[set[str], int] | None:
    """The article graphs of an N-Quads file and its number of quads, when every quad in it
    belongs to an article graph (a file from ``kg extract --format nquads``), found line by line
    without parsing the terms; None when a line is anything else (another graph, the default
    graph, or not a quad at all).

    A quad's graph is its last term, and IRIs hold no spaces, so the graph is the last word
    before the final dot. The one line this misreads is a triple of the default graph whose
    object is an article graph's IRI; :func:`import_files` takes such triples out after loading.

    Examples
    --------
    >>> import tempfile
    >>> g = ARTICLE_GRAPHS + "a1"
    >>> path = Path(tempfile.mkdtemp()) / "x.nq"
    >>> _ = path.write_text(f'<http://e/s> <http://e/p> "a b" <{g}> .\\n\\n', encoding="utf-8")
    >>> article_graphs_of_nquads(path) == ({g}, 1)
    True
    >>> _ = path.write_text('<http://e/s> <http://e/p> "a b" .\\n', encoding="utf-8")
    >>> article_graphs_of_nquads(path) is None
    True
    """
    prefix = ("<" + ARTICLE_GRAPHS).encode()
    graphs: set[bytes] = set()
    quads = 0
    with open(path, "rb") as fh:
        for raw in fh:
            line = raw.strip()
            if not line or line.startswith(b"#"):
                continue
            if not line.endswith(b"."):
                return None
            body = line[:-1].rstrip()
            term = body[body.rfind(b" ") + 1 :]
            if not (term.startswith(prefix) and term.endswith(b">")):
                return None
            graphs.add(term)
            quads += 1
    return {g[1:-1].decode("utf-8") for g in graphs}, quads


def _bulk_load_nquads(
    store: ox.Store, path: Path, graphs: set[str], quads: int, loaded: set[ox.NamedNode], report: ImportReport
) -> int:
    """Hand a file of article graphs only to Oxigraph's bulk loader as it is: parsing and
    loading in Rust, no Python object per quad. Returns the quads loaded."""
    names = {ox.NamedNode(g) for g in graphs}
    for g in names - loaded:
        if store.contains_named_graph(g):
            store.remove_graph(g)  # replaced, not merged
            report.replaced += 1
    default = ox.DefaultGraph()
    before = set(store.quads_for_pattern(None, None, None, default))  # empty in a kg store
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    strays = set(store.quads_for_pattern(None, None, None, default)) - before
    for q in strays:  # default-graph triples the line reading took for article quads
        store.remove(q)
    report.skipped_quads += len(strays)
    loaded |= names
    report.quads += quads - len(strays)
    return quads - len(strays)


def import_files(
    store: ox.Store, paths: Iterable[str | Path], *, progress: Callable[[int], None] | None = None
) -> ImportReport:
    """Load the article graphs of N-Quads / TriG files into ``store`` with the bulk loader,
    replacing any the store already holds, then rebuild the corpus graph."""
    from kg.store import StoreError, rebuild_corpus

    report = ImportReport()
    start = time.perf_counter()
    loaded: set[ox.NamedNode] = set()
    for raw in paths:
        path = Path(raw)
        if not path.is_file():
            raise BulkImportError(f"{path}: no such file")
        fmt = format_of(path)
        try:
            found = article_graphs_of_nquads(path) if fmt == ox.RdfFormat.N_QUADS else None
            if found is not None:
                done = _bulk_load_nquads(store, path, *found, loaded, report)
                if progress is not None:
                    progress(done)
                report.files += 1
                continue
            for piece, graphs in _pieces(ox.parse(path=str(path), format=fmt), report):
                for g in graphs - loaded:
                    if store.contains_named_graph(g):
                        store.remove_graph(g)  # replaced, not merged
                        report.replaced += 1
                store.bulk_extend(piece)
                loaded |= graphs
                report.quads += len(piece)
                if progress is not None:
                    progress(len(piece))
        except SyntaxError as exc:
            raise BulkImportError(f"{path}: not valid {fmt.name}: {exc}") from None
        except OSError as exc:
            raise StoreError(f"could not import {path}: {exc}") from None
        report.files += 1
    report.articles = len(loaded)
    report.load_seconds = time.perf_counter() - start
    report.corpus_quads = rebuild_corpus(store)
    report.seconds = time.perf_counter() - start
    try:
        store.optimize()  # compaction: the bulk loader's files merged (a third of the bytes, faster reads)
    except OSError as exc:
        log.warning("the store could not be compacted after the import: %s", exc)
    return report
