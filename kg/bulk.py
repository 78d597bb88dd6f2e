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
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Callable, Iterable, Iterator

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
    seconds: float = 0.0
    corpus_quads: int = 0

    @property
    def quads_per_second(self) -> float:
        return self.quads / self.seconds if self.seconds else 0.0


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


def import_files(store: ox.Store, paths: Iterable[str | Path], *,
                 progress: Callable[[int], None] | None = None) -> ImportReport:
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
    report.corpus_quads = rebuild_corpus(store)
    report.seconds = time.perf_counter() - start
    try:
        store.optimize()  # compaction: the bulk loader's files merged (a third of the bytes, faster reads)
    except OSError as exc:
        log.warning("the store could not be compacted after the import: %s", exc)
    return report
