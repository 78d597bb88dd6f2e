"""Article -> Doc -> records: the one path every command and notebook takes.

:func:`extract_doc` runs the extractors on a parsed Doc; :func:`extract_articles` parses a
stream of articles with ``nlp.pipe`` (batched: the parse dominates the cost) and yields an
:class:`~kg.records.Extraction` per article, in input order. Read errors pass through in
place, and an article the extractors fail on becomes an :class:`ExtractError`, so one bad
article never stops a batch.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Iterable, Iterator

from spacy.tokens import Doc

from kg.articles import ReadError
from kg.extract.actors import extract_actors
from kg.extract.statements import extract_statements
from kg.extract.stances import extract_stances
from kg.nlp import load_nlp
from kg.records import Article, Extraction

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExtractError:
    """An article the extractors could not handle (a bug: reported, never silently dropped)."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


def extract_doc(doc: Doc, article: Article) -> Extraction:
    """Run the extractors on one parsed article."""
    actors = extract_actors(doc)
    statements = extract_statements(doc, actors)
    stances = extract_stances(doc, actors, statements)
    return Extraction(article=article, actors=actors.actors, statements=statements, stances=stances)


def extract_text(text: str, *, id: str = "text", date: str | None = None, nlp=None) -> Extraction:
    """Extract from one string (handy in notebooks and tests)."""
    nlp = nlp or load_nlp()
    article = Article(id=id, text=text, date=date)
    return extract_doc(nlp(text), article)


def extract_articles(items: Iterable[Article | ReadError], *, nlp=None, batch_size: int = 32
                     ) -> Iterator[Extraction | ReadError | ExtractError]:
    """Parse and extract a stream of articles, yielding results in input order."""
    nlp = nlp or load_nlp()
    pending: list[Article | ReadError] = []

    def flush() -> Iterator[Extraction | ReadError | ExtractError]:
        articles = [a for a in pending if isinstance(a, Article)]
        docs = iter(nlp.pipe((a.text for a in articles), batch_size=batch_size))
        for item in pending:
            if not isinstance(item, Article):
                yield item
                continue
            doc = next(docs)
            try:
                yield extract_doc(doc, item)
            except Exception as exc:  # an extractor bug must not sink the batch
                log.exception("extraction failed on %s", item.id)
                yield ExtractError(item.path or item.id, f"extraction failed: {type(exc).__name__}: {exc}")
        pending.clear()

    for item in items:
        pending.append(item)
        if len(pending) >= batch_size:
            yield from flush()
    yield from flush()
