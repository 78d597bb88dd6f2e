"""Articles into the store, one at a time: the loop ``kg ingest`` and the notebooks share.

:func:`ingest` reads a stream of articles (as :func:`kg.articles.iter_articles` yields them,
read errors in place), extracts them in batches (:func:`kg.pipeline.extract_articles`) and
writes each article's graph as soon as it is extracted, so memory does not grow with the
corpus. It yields one :class:`Ingested` per article, in input order; :class:`IngestTotals`
adds them up.

Examples
--------
>>> import pyoxigraph as ox
>>> from kg.records import Article
>>> totals = IngestTotals()
>>> for done in ingest(ox.Store(), [Article("a", "The minister said the talks would resume.")],
...                    model="test", totals=totals):
...     print(done.article_id, done.outcome)
a added
>>> totals.added, totals.failures
(1, [])
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Generator, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, cast

from kg.articles import ReadError
from kg.pipeline import ExtractError, extract_articles
from kg.records import Article, Extraction
from kg.settings import Settings


@dataclass
class IngestTotals:
    """What an ingest did so far: articles by outcome, what they held, and the failures."""

    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    actors: int = 0
    statements: int = 0
    stances: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def stored(self) -> int:
        """Articles the store now holds as read (added, replaced or already there unchanged)."""
        return self.added + self.replaced + self.unchanged

    def count(self, done: Ingested) -> None:
        if done.failure is not None:
            self.failures.append(done.failure)
            return
        outcome = cast(str, done.outcome)  # set whenever failure is not
        setattr(self, outcome, getattr(self, outcome) + 1)
        if done.outcome != "unchanged" and done.extraction is not None:
            self.actors += len(done.extraction.actors)
            self.statements += len(done.extraction.statements)
            self.stances += len(done.extraction.stances)


@dataclass(frozen=True)
class Ingested:
    """One article's outcome: ``outcome`` is ``"added"``, ``"replaced"`` or ``"unchanged"``,
    or None with ``failure`` saying which article failed and why."""

    article_id: str | None
    outcome: str | None = None
    failure: str | None = None
    extraction: Extraction | None = None


def ingest(
    store: Any,
    articles: Iterable[Article | ReadError],
    *,
    nlp: Any = None,
    model: str | None = None,
    totals: IngestTotals | None = None,
    batch_size: int = 8,
    guard: Callable[[], AbstractContextManager[Any]] = contextlib.nullcontext,
    settings: Settings | None = None,
) -> Generator[Ingested, None, None]:
    """Extract ``articles`` and write each to ``store`` as soon as it is extracted.

    ``settings`` (default :meth:`Settings.load`) names the pipeline, the models and the
    gazetteer; ``nlp`` defaults to the settings' pipeline; ``model`` (the pipeline named in each graph's
    provenance) to that pipeline's label. A read error, an article the extractors fail on or
    one the store refuses is yielded as a failure and the stream goes on. Each write and its
    count in ``totals`` happen inside ``guard()`` (``kg ingest`` holds Ctrl-C back there, so
    its summary is exact). Closing the generator stops the extraction (and its encoder process).
    """
    from kg.nlp import load_nlp, pipeline_label
    from kg.store import StoreError, put_extraction

    settings = settings or Settings.load()
    nlp = nlp or load_nlp(settings.model)
    model = model or pipeline_label(nlp)
    totals = totals if totals is not None else IngestTotals()
    stream = extract_articles(articles, nlp=nlp, batch_size=batch_size, settings=settings)
    try:
        for item in stream:
            if isinstance(item, (ReadError, ExtractError)):
                done = Ingested(None, failure=str(item))
                totals.count(done)
                yield done
                continue
            with guard():
                try:
                    done = Ingested(item.article.id, outcome=put_extraction(store, item, model=model), extraction=item)
                except StoreError as exc:
                    done = Ingested(item.article.id, failure=f"{item.article.path or item.article.id}: {exc}")
                totals.count(done)
            yield done
    finally:
        stream.close()
