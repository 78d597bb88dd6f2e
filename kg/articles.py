"""Read news articles from files, folders and standard input.

Formats:

* the seed format: ``" date YYYY-MM-DD <body>"`` — a leading ``date`` line or prefix sets the date;
* plain ``.txt`` (any other extension is read as text too when named explicitly);
* ``.jsonl`` (one article per line) and ``.json`` (one object or a list of objects), each
  ``{"id", "text", "date"?, "title"?, "url"?, "source"?}``;
* a folder, read recursively (``.txt``, ``.jsonl``, ``.json``; hidden files skipped);
* ``-`` for standard input (JSON Lines if the first character is ``{``, else text).

Ids are stable: the given ``id``; else a file's name without its extension; else (standard
input, JSON without an id) ``doc-`` and the first 16 hex digits of the text's SHA-256.

Reading never raises for one bad article: :func:`iter_articles` yields a :class:`ReadError`
in its place, so a batch goes on and the caller reports the failure by name.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterable, Iterator

from kg.records import Article

# spaCy refuses texts longer than nlp.max_length (1,000,000 characters) by default; an article
# longer than that is almost always a mistake (a whole dump in one file), so we refuse it early.
MAX_ARTICLE_CHARS = int(os.environ.get("KG_MAX_ARTICLE_CHARS", "1000000"))
ARTICLE_SUFFIXES = (".txt", ".jsonl", ".json")

_DATE_PREFIX = re.compile(r"^\s*date[ \t:]+(\d{4}-\d{2}-\d{2})(?:[ \t]+|[ \t]*\r?\n)", re.IGNORECASE)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class ReadError:
    """An article that could not be read: ``where`` names the file (and line), ``reason`` says why."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


class ArticleError(ValueError):
    """Raised by :func:`read_article_text` and friends for an unreadable article."""


def content_id(text: str) -> str:
    """A stable id derived from the text: ``doc-`` + 16 hex digits of its SHA-256."""
    return "doc-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def split_date_prefix(raw: str) -> tuple[str | None, str]:
    """Split the seed format's ``date YYYY-MM-DD`` prefix off the text: ``(date, body)``."""
    m = _DATE_PREFIX.match(raw)
    if not m:
        return None, raw
    return m.group(1), raw[m.end():]


def decode_text(data: bytes, where: str) -> str:
    """Decode an article's bytes as UTF-8, refusing binary data with a clear reason."""
    if not data.strip():
        raise ArticleError("empty article (no text)")
    if b"\x00" in data[:8192]:
        raise ArticleError("binary file (contains NUL bytes), not a text article")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError(
            f"not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "convert it first, e.g. iconv -f latin1 -t utf-8"
        ) from None
    return text


def _check_body(text: str) -> None:
    if not text.strip():
        raise ArticleError("empty article (no text)")
    if len(text) > MAX_ARTICLE_CHARS:
        raise ArticleError(
            f"article too long ({len(text):,} characters; the limit is {MAX_ARTICLE_CHARS:,}, "
            "set KG_MAX_ARTICLE_CHARS to change it)"
        )
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if controls > 0.05 * min(len(text), 8192):
        raise ArticleError("looks binary (many control characters), not a text article")


def article_from_text(raw: str, *, id: str | None = None, path: str | None = None) -> Article:
    """An :class:`Article` from plain text in the seed or plain format."""
    date, body = split_date_prefix(raw)
    _check_body(body)
    return Article(id=id or content_id(body), text=body, date=date, path=path)


def article_from_record(rec: object, *, where: str, path: str | None = None) -> Article:
    """An :class:`Article` from one JSON object ``{"id", "text", "date"?, "title"?, "url"?, "source"?}``."""
    if not isinstance(rec, dict):
        raise ArticleError("expected a JSON object with a \"text\" field")
    text = rec.get("text")
    if not isinstance(text, str):
        raise ArticleError("missing or non-string \"text\" field")
    _check_body(text)
    given = rec.get("id")
    art_id = str(given) if given not in (None, "") else content_id(text)
    date = rec.get("date")
    if date is not None:
        date = str(date)
        if not _ISO_DATE.match(date):
            raise ArticleError(f"\"date\" is not an ISO date (YYYY-MM-DD): {date!r}")
        date = date[:10]

    def opt(key: str) -> str | None:
        value = rec.get(key)
        return str(value) if value not in (None, "") else None

    return Article(id=art_id, text=text, date=date, title=opt("title"), url=opt("url"),
                   source=opt("source"), path=path)


def _iter_json_lines(lines: Iterable[str], name: str) -> Iterator[Article | ReadError]:
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{name}:{n}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ReadError(where, f"not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        try:
            yield article_from_record(rec, where=where, path=name)
        except ArticleError as exc:
            yield ReadError(where, str(exc))


def _iter_file(path: Path) -> Iterator[Article | ReadError]:
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield ReadError(name, f"cannot read file ({exc.strerror or exc})")
        return
    try:
        text = decode_text(data, name)
    except ArticleError as exc:
        yield ReadError(name, str(exc))
        return
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from _iter_json_lines(text.splitlines(), name)
    elif suffix == ".json":
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            yield ReadError(name, f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})")
            return
        records = obj if isinstance(obj, list) else [obj]
        for i, rec in enumerate(records):
            where = f"{name}[{i}]" if isinstance(obj, list) else name
            try:
                yield article_from_record(rec, where=where, path=name)
            except ArticleError as exc:
                yield ReadError(where, str(exc))
    else:
        try:
            yield article_from_text(text, id=path.stem, path=name)
        except ArticleError as exc:
            yield ReadError(name, str(exc))


def _iter_stdin(stream: IO[str] | None) -> Iterator[Article | ReadError]:
    stream = stream if stream is not None else sys.stdin
    buffer = getattr(stream, "buffer", None)
    data = buffer.read() if buffer is not None else stream.read().encode("utf-8")
    try:
        text = decode_text(data, "<stdin>")
    except ArticleError as exc:
        yield ReadError("<stdin>", str(exc))
        return
    if text.lstrip().startswith("{"):
        yield from _iter_json_lines(text.splitlines(), "<stdin>")
    else:
        try:
            yield article_from_text(text, path="<stdin>")
        except ArticleError as exc:
            yield ReadError("<stdin>", str(exc))


def iter_article_files(folder: Path) -> list[Path]:
    """The article files under ``folder``, recursively, in a stable order; hidden files skipped."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for f in sorted(files):
            if not f.startswith(".") and f.lower().endswith(ARTICLE_SUFFIXES):
                found.append(Path(root) / f)
    return found


def iter_articles(paths: Iterable[str | os.PathLike[str]], *, stdin: IO[str] | None = None
                  ) -> Iterator[Article | ReadError]:
    """Articles from files, folders (recursive) and ``-`` (standard input), in order.

    Yields a :class:`ReadError` for each article that cannot be read instead of raising.
    """
    for p in paths:
        if str(p) == "-":
            yield from _iter_stdin(stdin)
            continue
        path = Path(p)
        if path.is_dir():
            files = iter_article_files(path)
            if not files:
                yield ReadError(str(path), "folder holds no .txt, .jsonl or .json files")
            for f in files:
                yield from _iter_file(f)
        elif path.exists():
            yield from _iter_file(path)
        else:
            yield ReadError(str(path), "no such file or folder")
