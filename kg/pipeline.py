"""Article -> Doc -> records: the one path every command and notebook takes.

:func:`extract_doc` runs the extractors on a parsed Doc; :func:`extract_articles` parses a
stream of articles with ``nlp.pipe`` (batched: the parse dominates the cost) and yields an
:class:`~kg.records.Extraction` per article, in input order. Read errors pass through in
place, and an article the extractors fail on becomes an :class:`ExtractError`, so one bad
article never stops a batch.
"""

from __future__ import annotations

import logging
import traceback
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import cast

from spacy.tokens import Doc
from threadpoolctl import threadpool_limits

from kg.articles import ReadError
from kg.encoder_process import start_worker
from kg.extract.actors import ActorIndex, extract_actors
from kg.extract.encoder import Encoder, default_encoder
from kg.extract.stances import PendingStances, finish_stances, run_encoder, start_stances
from kg.extract.statements import extract_statements
from kg.gazetteer import load_gazetteer
from kg.nlp import load_nlp
from kg.records import Article, Extraction, Statement
from kg.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExtractError:
    """An article that was read but could not be parsed or extracted. Unlike a
    :class:`~kg.articles.ReadError` (the input's fault), this is either spaCy refusing the
    text or a bug in a rule: ``stage`` names the step ("parse", "actors", "statements",
    "stances"), and ``reason`` the innermost function of kg that raised, and what it raised."""

    where: str
    reason: str
    stage: str = "extraction"

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


class StageFailed(Exception):
    """An extraction step raised (the exception is the ``__cause__``)."""

    def __init__(self, stage: str):
        super().__init__(stage)
        self.stage = stage


@contextmanager
def _stage(name: str) -> Iterator[None]:
    """Tag whatever the block raises with the step it belongs to, for the article's report."""
    try:
        yield
    except Exception as exc:
        raise StageFailed(name) from exc


def extract_doc(doc: Doc, article: Article, *, settings: Settings | None = None) -> Extraction:
    """Run the extractors on one parsed article (with the models and gazetteer ``settings``
    names; default :meth:`Settings.load`)."""
    pending = _start(doc, article, settings or Settings.load())
    return _finish(pending, run_encoder(pending.stances))


def extract_text(
    text: str, *, id: str = "text", date: str | None = None, nlp=None, settings: Settings | None = None
) -> Extraction:
    """Extract from one string (handy in notebooks and tests)."""
    settings = settings or Settings.load()
    nlp = nlp or load_nlp(settings.model)
    article = Article(id=id, text=text, date=date)
    return extract_doc(parse(nlp, text), article, settings=settings)


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


def extract_articles(
    items: Iterable[Article | ReadError],
    *,
    nlp=None,
    batch_size: int = 8,
    encoder_process: bool = True,
    settings: Settings | None = None,
) -> Generator[Extraction | ReadError | ExtractError, None, None]:
    """Parse and extract a stream of articles, yielding results in input order.

    The parse takes one core. When the stream holds more than one article (or one long one),
    the stance encoder runs in a process of its own (:mod:`kg.encoder_process`) that encodes
    the articles already parsed while the next batch is parsed, so on two cores much of its
    cost hides behind the parse; when this process has nothing else to do, it encodes the
    articles the worker has not begun (so both cores stay busy to the end). An article's
    encoder inputs go to the worker in jobs of at most 256, so a long article's are shared
    between the two processes. Small parse batches (``batch_size``) hand the worker its first
    jobs early; at most 64 articles are in flight. ``encoder_process=False`` keeps everything
    in this process. ``settings`` (default :meth:`Settings.load`, read once here) names the
    pipeline, the models, the gazetteer and the longest article accepted.
    """
    settings = settings or Settings.load()
    nlp = nlp or load_nlp(settings.model)
    limit = settings.max_article_chars
    encoder = default_encoder(settings)
    items = iter(items)
    first = list(islice(items, _SOLO + 1))
    window: deque[_InFlight] = deque()
    worker = blas = None
    try:
        # started now, the worker loads while the first batch is parsed; a single article gets
        # one only when it is long (its encoder inputs are then shared between the processes)
        long_first = any(isinstance(x, Article) and isinstance(x.text, str) and len(x.text) > _LONG for x in first)
        if encoder_process and encoder is not None and (len(first) > _SOLO or long_first):
            worker = start_worker(settings)
            if worker:  # this process now shares the machine with the worker: one BLAS thread each
                blas = threadpool_limits(1)
        for doc, item in _parsed(nlp, chain(first, items), batch_size, limit):
            window.append(_begin(doc, item, worker, settings))
            while window and (window[0].ready() or len(window) > _IN_FLIGHT):
                yield _next_out(window)
        while window:
            yield _next_out(window)
    finally:
        if worker:
            worker.close()
        if blas is not None:
            blas.restore_original_limits()


_SOLO = 1  # a one-article stream starts the encoder process only if the article is long
_JOB = 256  # encoder inputs per job sent to the worker (one article's fit one job as a rule)


def _unparseable(article: Article, limit: int) -> str | None:
    """Why ``article`` cannot be parsed at all (checked before spaCy sees it), or None."""
    text = article.text
    if not isinstance(text, str):
        return f"the text is not a string ({type(text).__name__})"
    if len(text) > limit:
        return (
            f"article too long ({len(text):,} characters; the limit is {limit:,}, "
            "set KG_MAX_ARTICLE_CHARS to change it)"
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return (
            f"the text holds a lone surrogate (\\u{ord(text[exc.start]):04x} at character {exc.start}), "
            "which is not valid Unicode"
        )
    return None


def _parsed(
    nlp, items: Iterable[Article | ReadError], batch_size: int, limit: int
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
            return None, ExtractError(_where(item), problem, stage="parse")
        try:
            if doc is None or len(item.text) > _LONG:
                doc = parse(nlp, item.text)
            return doc, item
        except Exception as exc:  # noqa: BLE001 - one article's failure is reported, not raised
            log.error("parsing failed on %s", item.id, exc_info=exc)
            return None, ExtractError(_where(item), f"parsing failed: {type(exc).__name__}: {exc}", stage="parse")

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
            log.warning("spaCy failed on a batch (%s: %s); parsing its articles one by one", type(exc).__name__, exc)
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


def _encode(encoder: Encoder, inputs: list) -> list | None:
    """The encoder's answers for ``inputs``, here; None when it fails (the article then keeps
    its other stances, as :func:`kg.extract.stances.run_encoder` does)."""
    try:
        return encoder.probabilities(inputs)
    except Exception:  # noqa: BLE001
        log.exception("stance encoder failed")
        return None


def _done(value) -> Future:
    job: Future = Future()
    job.set_result(value)
    return job


@dataclass
class _InFlight:
    """One item of the stream on its way out: done, or waiting for the encoder process (its
    encoder inputs in ``chunks``, one job each)."""

    done: Extraction | ReadError | ExtractError | None = None
    pending: _Pending | None = None
    jobs: list[Future] = field(default_factory=list)
    chunks: list[list] = field(default_factory=list)

    def ready(self) -> bool:
        return all(job.done() for job in self.jobs)

    def _encoder(self) -> Encoder:
        """The encoder of the pending stances (set whenever chunks were sent to the worker)."""
        return cast(Encoder, cast(_Pending, self.pending).stances.encoder)

    def take_back(self) -> bool:
        """Encode here the last chunk the worker has not begun; False if there is none."""
        for k in range(len(self.jobs) - 1, -1, -1):
            if self.jobs[k].cancel():
                self.jobs[k] = _done(_encode(self._encoder(), self.chunks[k]))
                return True
        return False

    def result(self) -> Extraction | ReadError | ExtractError:
        if self.done is not None:
            return self.done
        pending = cast(_Pending, self.pending)  # set whenever done is not
        encoded: list = []
        for job, chunk in zip(self.jobs, self.chunks):
            try:
                part = job.result()
            except Exception as exc:  # the worker died: encode here instead
                log.warning("encoder process failed (%s): encoding in this process", exc)
                part = _encode(self._encoder(), chunk)
            if part is None:
                return _settle(pending, None)
            encoded.extend(part)
        return _settle(pending, encoded)


def _next_out(window: deque[_InFlight]) -> Extraction | ReadError | ExtractError:
    """The oldest item's result. Rather than sit idle while the worker finishes it, this
    process encodes the newest jobs the worker has not begun (of later articles, or the last
    ones of this article)."""
    while not window[0].ready():
        if not any(x.take_back() for x in reversed(window)):
            break
    return window.popleft().result()


def _settle(pending: _Pending, encoded) -> Extraction | ExtractError:
    try:
        return _finish(pending, encoded)
    except Exception as exc:  # an extractor bug must not sink the batch
        return _failed(pending.article, exc)


def _begin(doc: Doc | None, item: Article | ReadError | ExtractError, worker, settings: Settings) -> _InFlight:
    if not isinstance(item, Article) or doc is None:  # a read or parse error keeps its place
        return _InFlight(done=cast("ReadError | ExtractError", item))  # doc is None only for errors
    try:
        pending = _start(doc, item, settings)
        inputs = pending.stances.encoder_inputs
        if worker and inputs:
            chunks = [inputs[k : k + _JOB] for k in range(0, len(inputs), _JOB)]
            return _InFlight(pending=pending, jobs=[worker.submit(c) for c in chunks], chunks=chunks)
        return _InFlight(done=_finish(pending, run_encoder(pending.stances)))
    except Exception as exc:  # an extractor bug must not sink the batch
        return _InFlight(done=_failed(item, exc))


def _start(doc: Doc, article: Article, settings: Settings) -> _Pending:
    with _stage("actors"):
        actors = extract_actors(doc, gazetteer=load_gazetteer(settings=settings))
    with _stage("statements"):
        statements = extract_statements(doc, actors)
    with _stage("stances"):
        stances = start_stances(doc, actors, statements, settings=settings)
    return _Pending(article, actors, statements, stances)


def _finish(pending: _Pending, encoded) -> Extraction:
    with _stage("stances"):
        found = finish_stances(pending.stances, encoded)
    return Extraction(
        article=pending.article, actors=found.actors, statements=pending.statements, stances=found.stances
    )


def _where(article: Article) -> str:
    """How to name an article in a message: its file, and its id when the file holds several."""
    if not article.path:
        return article.id
    if article.path.lower().endswith((".jsonl", ".json")) or article.path == "<stdin>":
        return f"{article.path} (id {article.id!r})"
    return article.path


def _failed(article: Article, exc: Exception) -> ExtractError:
    stage = exc.stage if isinstance(exc, StageFailed) else "extraction"
    cause = exc.__cause__ if isinstance(exc, StageFailed) and exc.__cause__ is not None else exc
    where = _raised_in(cause)
    log.error("%s failed on %s%s", stage, article.id, f" in {where}" if where else "", exc_info=cause)
    return ExtractError(
        _where(article),
        f"{stage} failed{f' in {where}' if where else ''}: {type(cause).__name__}: {cause}",
        stage=stage,
    )


_PACKAGE = Path(__file__).resolve().parent


def _raised_in(exc: BaseException) -> str:
    """The innermost function of this package on ``exc``'s traceback, as ``module.function``
    (the rule that failed), or "" when kg's code is not on it."""
    found = ""
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename).resolve()
        if path.is_relative_to(_PACKAGE) and path.name != "pipeline.py":
            module = ".".join(("kg",) + path.relative_to(_PACKAGE).with_suffix("").parts)
            found = f"{module}.{frame.name} (line {frame.lineno})"
    return found
