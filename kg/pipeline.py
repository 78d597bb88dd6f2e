"""Article -> Doc -> records: the one path every command and notebook takes.

:func:`extract_doc` runs the extractors on a parsed Doc; :func:`extract_articles` parses a
stream of articles with ``nlp.pipe`` (batched: the parse dominates the cost) and yields an
:class:`~kg.records.Extraction` per article, in input order. Read errors pass through in
place, and an article the extractors fail on becomes an :class:`ExtractError`, so one bad
article never stops a batch.
"""
from __future__ import annotations

import logging
from collections import deque
from itertools import chain, islice
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Iterable, Iterator

from spacy.tokens import Doc
from threadpoolctl import threadpool_limits

from kg.articles import ReadError, max_article_chars
from kg.encoder_process import start_worker
from kg.extract.actors import ActorIndex, extract_actors
from kg.extract.stances import PendingStances, finish_stances, run_encoder, start_stances
from kg.extract.statements import extract_statements
from kg.nlp import load_nlp
from kg.records import Article, Extraction, Statement

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
    pending = _start(doc, article)
    return _finish(pending, run_encoder(pending.stances))


def extract_text(text: str, *, id: str = "text", date: str | None = None, nlp=None) -> Extraction:
    """Extract from one string (handy in notebooks and tests)."""
    nlp = nlp or load_nlp()
    article = Article(id=id, text=text, date=date)
    return extract_doc(parse(nlp, text), article)


# A text longer than this is parsed in pieces of at most _PIECE characters, cut at paragraph
# breaks (else line breaks, sentence ends, spaces) and joined into one Doc: spaCy's parser
# holds working arrays for the whole text at once (about 3.5 GB for 1 MB of text), and its
# own limit (nlp.max_length) then no longer applies. Shorter articles are parsed whole.
_LONG = 50_000
_PIECE = 20_000


def parse(nlp, text: str) -> Doc:
    """``text`` parsed by ``nlp`` into one Doc (whose ``text`` is exactly ``text``); long texts
    in pieces (see ``_LONG``), so that memory stays bounded and the cost per word stays that
    of a short article."""
    piece = max(1, min(_PIECE, nlp.max_length))
    if len(text) <= min(_LONG, nlp.max_length):
        return nlp(text)
    docs = list(nlp.pipe(split_text(text, piece), batch_size=2))
    doc = Doc.from_docs(docs, ensure_whitespace=False)
    if doc.text != text:  # never hand the extractors offsets that do not match the article
        raise ValueError("the pieces of a long text did not join back into the text")
    return doc


def split_text(text: str, size: int) -> list[str]:
    """``text`` in consecutive pieces of at most ``size`` characters that join back into it,
    each cut after a paragraph break if one lies in the second half of the piece, else after
    a line break, a sentence end or a space, else at ``size``."""
    pieces, i, n = [], 0, len(text)
    while n - i > size:
        lo, hi = i + size // 2, i + size
        cut = -1
        for sep in ("\n\n", "\n", ". ", " "):
            j = text.rfind(sep, lo, hi - len(sep) + 1)
            if j >= 0:
                cut = j + len(sep)
                break
        if cut <= i:
            cut = hi
        pieces.append(text[i:cut])
        i = cut
    pieces.append(text[i:])
    return pieces


def extract_articles(items: Iterable[Article | ReadError], *, nlp=None, batch_size: int = 8,
                     encoder_process: bool = True) -> Iterator[Extraction | ReadError | ExtractError]:
    """Parse and extract a stream of articles, yielding results in input order.

    The parse takes one core. When the stream holds more than one article, the stance encoder
    runs in a process of its own (:mod:`kg.encoder_process`) that encodes the articles already
    parsed while the next batch is parsed, so on two cores much of its cost hides behind the
    parse; when this process has nothing else to do, it encodes the articles the worker has
    not begun (so both cores stay busy to the end). Small parse batches (``batch_size``) hand
    the worker its first jobs early; at most 64 articles are in flight.
    ``encoder_process=False`` keeps everything in this process.
    """
    nlp = nlp or load_nlp()
    limit = max_article_chars()
    items = iter(items)
    first = list(islice(items, _SOLO + 1))
    window: deque[_InFlight] = deque()
    worker = blas = None
    try:
        if encoder_process and len(first) > _SOLO:  # started now, it loads while the first batch is parsed
            worker = start_worker()
            if worker:  # this process now shares the machine with the worker: one BLAS thread each
                blas = threadpool_limits(1)
        for doc, item in _parsed(nlp, chain(first, items), batch_size, limit):
            window.append(_begin(doc, item, worker))
            while window and (window[0].ready() or len(window) > _IN_FLIGHT):
                yield _next_out(window)
        while window:
            yield _next_out(window)
    finally:
        if worker:
            worker.close()
        if blas is not None:
            blas.restore_original_limits()


_SOLO = 1  # a one-article stream never starts the encoder process


def _unparseable(article: Article, limit: int) -> str | None:
    """Why ``article`` cannot be parsed at all (checked before spaCy sees it), or None."""
    text = article.text
    if not isinstance(text, str):
        return f"the text is not a string ({type(text).__name__})"
    if len(text) > limit:
        return (f"article too long ({len(text):,} characters; the limit is {limit:,}, "
                "set KG_MAX_ARTICLE_CHARS to change it)")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return (f"the text holds a lone surrogate (\\u{ord(text[exc.start]):04x} at character {exc.start}), "
                "which is not valid Unicode")
    return None


def _parsed(nlp, items: Iterable[Article | ReadError], batch_size: int, limit: int
            ) -> Iterator[tuple[Doc | None, Article | ReadError | ExtractError]]:
    """``(doc, item)`` for each item in order, ``(None, error)`` for a read error or an article
    that cannot be parsed. Short articles go through ``nlp.pipe`` in batches; long ones are
    parsed in pieces (:func:`parse`). Whatever spaCy raises costs only the article it raised on:
    the batch in hand is parsed again one article at a time, and the stream goes on."""
    handed: deque = deque()  # items given to nlp.pipe whose Doc has not come back yet

    def feed():
        for item in items:
            text = ""
            if isinstance(item, Article) and _unparseable(item, limit) is None and len(item.text) <= _LONG:
                text = item.text
            handed.append(item)
            yield text, item

    def alone(item, doc=None):
        if not isinstance(item, Article):
            return None, item
        problem = _unparseable(item, limit)
        if problem:
            return None, ExtractError(_where(item), problem)
        try:
            if doc is None or len(item.text) > _LONG:
                doc = parse(nlp, item.text)
            return doc, item
        except Exception as exc:  # noqa: BLE001 - one article's failure is reported, not raised
            log.error("parsing failed on %s", item.id, exc_info=exc)
            return None, ExtractError(_where(item), f"parsing failed: {type(exc).__name__}: {exc}")

    source = feed()
    while True:
        try:
            for doc, item in nlp.pipe(source, as_tuples=True, batch_size=batch_size):
                handed.popleft()
                yield alone(item, doc)
            return
        except Exception as exc:  # noqa: BLE001
            if not handed:
                raise
            log.warning("spaCy failed on a batch (%s: %s); parsing its articles one by one",
                        type(exc).__name__, exc)
            while handed:
                yield alone(handed.popleft())
_IN_FLIGHT = 64  # parsed articles held while the encoder catches up


@dataclass
class _Pending:
    """An article extracted up to the stance encoder's pass."""

    article: Article
    actors: ActorIndex
    statements: list[Statement]
    stances: PendingStances


@dataclass
class _InFlight:
    """One item of the stream on its way out: done, or waiting for the encoder process."""

    done: Extraction | ReadError | ExtractError | None = None
    pending: _Pending | None = None
    job: Future | None = None

    def ready(self) -> bool:
        return self.job is None or self.job.done()

    def result(self) -> Extraction | ReadError | ExtractError:
        if self.done is not None:
            return self.done
        try:
            encoded = self.job.result()
        except Exception as exc:  # the worker died: encode here instead
            log.warning("encoder process failed (%s): encoding in this process", exc)
            encoded = run_encoder(self.pending.stances)
        return _settle(self.pending, encoded)


def _next_out(window: deque[_InFlight]) -> Extraction | ReadError | ExtractError:
    """The oldest item's result. Rather than sit idle while the worker finishes it, this
    process encodes the newest articles the worker has not begun."""
    while not window[0].ready():
        spare = next((x for x in reversed(window) if x.job is not None and x.job.cancel()), None)
        if spare is None:
            break
        spare.done, spare.job = _settle(spare.pending, run_encoder(spare.pending.stances)), None
    return window.popleft().result()


def _settle(pending: _Pending, encoded) -> Extraction | ExtractError:
    try:
        return _finish(pending, encoded)
    except Exception as exc:  # an extractor bug must not sink the batch
        return _failed(pending.article, exc)


def _begin(doc: Doc | None, item: Article | ReadError | ExtractError, worker) -> _InFlight:
    if not isinstance(item, Article) or doc is None:  # a read or parse error keeps its place
        return _InFlight(done=item)
    try:
        pending = _start(doc, item)
        if worker and pending.stances.encoder_inputs:
            return _InFlight(pending=pending, job=worker.submit(pending.stances.encoder_inputs))
        return _InFlight(done=_finish(pending, run_encoder(pending.stances)))
    except Exception as exc:  # an extractor bug must not sink the batch
        return _InFlight(done=_failed(item, exc))


def _start(doc: Doc, article: Article) -> _Pending:
    actors = extract_actors(doc)
    statements = extract_statements(doc, actors)
    return _Pending(article, actors, statements, start_stances(doc, actors, statements))


def _finish(pending: _Pending, encoded) -> Extraction:
    stances = finish_stances(pending.stances, encoded)
    return Extraction(article=pending.article, actors=pending.actors.actors, statements=pending.statements,
                      stances=stances)


def _where(article: Article) -> str:
    """How to name an article in a message: its file, and its id when the file holds several."""
    if not article.path:
        return article.id
    if article.path.lower().endswith((".jsonl", ".json")) or article.path == "<stdin>":
        return f"{article.path} (id {article.id!r})"
    return article.path


def _failed(article: Article, exc: Exception) -> ExtractError:
    log.error("extraction failed on %s", article.id, exc_info=exc)
    return ExtractError(_where(article), f"extraction failed: {type(exc).__name__}: {exc}")
