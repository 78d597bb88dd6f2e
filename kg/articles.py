"""Read news articles from files, folders and standard input.

Formats:

* the seed format: ``" date YYYY-MM-DD <body>"`` — a leading ``date`` line or prefix sets the date;
* plain ``.txt`` (any other extension is read as text too when named explicitly);
* ``.jsonl`` (one article per line) and ``.json`` (one object or a list of objects), each
  ``{"id", "text", "date"?, "title"?, "url"?, "source"?}``;
* a folder, read recursively (``.txt``, ``.jsonl``, ``.json``; hidden files skipped; symbolic
  links to folders followed, each folder read once);
* ``-`` for standard input (JSON if the first character is ``[`` or the whole input is one
  object, JSON Lines if it starts with ``{``, else text).

Text files are UTF-8 (a BOM is allowed), or UTF-16 / UTF-32 with a BOM.

Ids are stable: the given ``id``; else a file's name without its extension; else (standard
input, JSON without an id) ``doc-`` and the first 16 hex digits of the text's SHA-256. Two
articles of one run with the same id are an error (the second is refused, naming the first),
never a silent replacement.

Dates follow one rule in every format: a date must be an ISO date (``YYYY-MM-DD``, optionally
followed by a time, ``2019-06-06T10:00Z``). A JSON ``"date"`` that is not, or a leading
``date`` line whose value looks like a date but is not one in that form (``date yesterday``,
``date 2019/06/06``, ``date 2019-13-45``), refuses the article with that reason; a text that
merely starts with the word ("Date palms ...") is body text.

Reading never raises for one bad article: :func:`iter_articles` yields a :class:`ReadError`
in its place (naming the file, line or folder and why), so a batch goes on and the caller
reports the failure by name.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date as _date
from pathlib import Path
from typing import IO

from kg.records import Article
from kg.settings import ENV, ConfigError, Settings  # noqa: F401 - ConfigError: raised by max_article_chars

# spaCy refuses texts longer than nlp.max_length (1,000,000 characters) by default; an article
# longer than that is almost always a mistake (a whole dump in one file), so we refuse it early.
# KG_MAX_ARTICLE_CHARS changes the limit (kg.pipeline parses long articles in pieces, so
# spaCy's own limit does not apply to them).
MAX_CHARS_ENV = ENV["max_article_chars"]
ARTICLE_SUFFIXES = (".txt", ".jsonl", ".json")

_DATE_LINE = re.compile(r"^\s*date[ \t:]+(\S+)(?:[ \t]+|[ \t]*\r?\n|$)", re.IGNORECASE)
_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:$|[Tt ]\d)")
# a value after a leading "date" that is meant as a date (so a wrong one is an error, not body text)
_DATE_WORDS = {
    "yesterday",
    "today",
    "tomorrow",
    "now",
    "unknown",
    "none",
    "null",
    "n/a",
    "na",
    "tbd",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
}
_READ_CAP_SLACK = 64  # bytes read beyond the longest article, to tell "too long" apart


@dataclass(frozen=True)
class ReadError:
    """An article that could not be read: ``where`` names the file (and line), ``reason`` says why.
    The input's fault (empty, binary, bad JSON…); an article read but not extracted is a
    :class:`kg.pipeline.ExtractError` instead."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


class ArticleError(ValueError):
    """Raised by :func:`article_from_text` and friends for an unreadable article."""


def max_article_chars() -> int:
    """The longest article accepted, in characters, as the settings say now
    (:attr:`kg.settings.Settings.max_article_chars`: ``$KG_MAX_ARTICLE_CHARS`` or 1,000,000)."""
    return Settings.load().max_article_chars


def content_id(text: str) -> str:
    """A stable id derived from the text: ``doc-`` + 16 hex digits of its SHA-256."""
    return "doc-" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def parse_date(value: object, what: str = "date") -> str:
    """``value`` as ``YYYY-MM-DD`` if it is an ISO date (optionally with a time after it), else
    :class:`ArticleError` saying so. The one date rule for every format."""
    text = value.strip() if isinstance(value, str) else value
    m = _ISO_DATE.match(text) if isinstance(text, str) else None
    if m:
        try:
            return _date.fromisoformat(m.group(1)).isoformat()
        except ValueError:
            pass
    shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=True, default=str)
    raise ArticleError(f"{what} is not an ISO date (YYYY-MM-DD): {shown!r}")


def _date_like(token: str) -> bool:
    return any(c.isdigit() for c in token) or token.lower().strip(".,;:") in _DATE_WORDS


def split_date_prefix(raw: str) -> tuple[str | None, str]:
    """Split the seed format's ``date YYYY-MM-DD`` prefix off the text: ``(date, body)``.

    A leading ``date`` followed by something meant as a date that is not an ISO date raises
    :class:`ArticleError` (the same rule as a JSON ``"date"``); "Date palms ..." is body text."""
    m = _DATE_LINE.match(raw)
    if not m:
        return None, raw
    token = m.group(1)
    if not _date_like(token):
        return None, raw
    return parse_date(token, "the leading date line"), raw[m.end() :]


def _surrogate(value: str) -> int | None:
    """Where ``value`` holds a lone surrogate (text no UTF-8 encoder accepts), else None."""
    try:
        value.encode("utf-8")
        return None
    except UnicodeEncodeError as exc:
        return exc.start


def check_text_field(value: str, field: str) -> None:
    """Refuse a string field that is not valid Unicode (a lone surrogate such as ``\\ud800``,
    which JSON can write but nothing downstream can store)."""
    at = _surrogate(value)
    if at is not None:
        raise ArticleError(
            f'"{field}" holds a lone surrogate (\\u{ord(value[at]):04x} at character {at}), '
            "which is not valid Unicode; fix the producer of this file"
        )


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes, where: str) -> str:
    """Decode an article's bytes: UTF-8 (BOM or not), or UTF-16 / UTF-32 with a BOM; binary
    data and other encodings are refused with a clear reason."""
    if not data.strip():
        raise ArticleError("empty article (no text)")
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    if encoding in ("utf-16", "utf-32"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ArticleError(
                f"starts with a {encoding.upper()} byte-order mark but is not {encoding.upper()} "
                f"text ({exc.reason} at offset {exc.start})"
            ) from None
        if "\x00" in text:
            raise ArticleError("binary file (contains NUL characters), not a text article")
        return text
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


def _check_body(text: str, limit: int) -> None:
    if not text.strip():
        raise ArticleError("empty article (no text)")
    if len(text) > limit:
        raise ArticleError(
            f"article too long ({len(text):,} characters; the limit is {limit:,}, set {MAX_CHARS_ENV} to change it)"
        )
    check_text_field(text, "text")
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if controls > 0.05 * min(len(text), 8192):
        raise ArticleError("looks binary (many control characters), not a text article")


def article_from_text(
    raw: str, *, id: str | None = None, path: str | None = None, max_chars: int | None = None
) -> Article:
    """An :class:`Article` from plain text in the seed or plain format, at most ``max_chars``
    characters long (default: the settings' limit)."""
    date, body = split_date_prefix(raw)
    _check_body(body, max_chars or max_article_chars())
    return Article(id=id or content_id(body), text=body, date=date, path=path)


def article_from_record(rec: object, *, where: str, path: str | None = None, max_chars: int | None = None) -> Article:
    """An :class:`Article` from one JSON object ``{"id", "text", "date"?, "title"?, "url"?, "source"?}``."""
    if not isinstance(rec, dict):
        raise ArticleError('expected a JSON object with a "text" field')
    text = rec.get("text")
    if not isinstance(text, str):
        raise ArticleError('missing or non-string "text" field')
    _check_body(text, max_chars or max_article_chars())
    given = rec.get("id")
    if given is not None and not isinstance(given, (str, int, float)) or isinstance(given, bool):
        raise ArticleError('"id" must be a string or a number')
    art_id = str(given) if given not in (None, "") else content_id(text)
    check_text_field(art_id, "id")
    date = rec.get("date")
    if date is not None:
        if isinstance(date, str):
            check_text_field(date, "date")
        date = parse_date(date, '"date"')

    def opt(key: str) -> str | None:
        value = rec.get(key)
        if value in (None, ""):
            return None
        value = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        check_text_field(value, key)
        return value

    return Article(id=art_id, text=text, date=date, title=opt("title"), url=opt("url"), source=opt("source"), path=path)


# ------------------------------------------------------------------------------ formats
# The readers below yield (where, Article | ReadError): ``where`` names the file, line or
# element an article came from, so a repeated id can name both places.


def _records(records: list, name: str, *, indexed: bool, limit: int) -> Iterator[tuple[str, Article | ReadError]]:
    if not records:
        yield name, ReadError(name, "holds an empty JSON list: no articles")
    for i, rec in enumerate(records):
        where = f"{name}[{i}]" if indexed else name
        try:
            yield where, article_from_record(rec, where=where, path=name, max_chars=limit)
        except ArticleError as exc:
            yield where, ReadError(where, str(exc))


def _iter_json_lines(lines: Iterable[str], name: str, limit: int) -> Iterator[tuple[str, Article | ReadError]]:
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{name}:{n}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            yield where, ReadError(where, f"not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        except RecursionError:
            yield where, ReadError(where, "not valid JSON (nested too deeply)")
            continue
        try:
            yield where, article_from_record(rec, where=where, path=name, max_chars=limit)
        except ArticleError as exc:
            yield where, ReadError(where, str(exc))


def _iter_json(text: str, name: str, limit: int) -> Iterator[tuple[str, Article | ReadError]]:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        yield name, ReadError(name, f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})")
        return
    except RecursionError:
        yield name, ReadError(name, "not valid JSON (nested too deeply)")
        return
    if isinstance(obj, list):
        yield from _records(obj, name, indexed=True, limit=limit)
    else:
        yield from _records([obj], name, indexed=False, limit=limit)


def _id_from_name(path: Path) -> str:
    """A file's id: its name without the extension, as text that can be stored and printed
    (bytes of a name that are not UTF-8 are written as ``\\xe9``)."""
    stem = path.stem
    if _surrogate(stem) is not None:
        stem = os.fsencode(stem).decode("utf-8", "backslashreplace")
    return stem


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), which could block the run forever"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "neither a file nor a folder"


def _read_capped(path: Path, cap: int) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(cap)


def _iter_file(path: Path, *, limit: int, explicit: bool = False) -> Iterator[tuple[str, Article | ReadError]]:
    """The articles of one file. Only regular files are read, except a pipe named explicitly
    (``kg ingest <(...)``); a FIFO found in a folder would block the run forever."""
    name = str(path)
    try:
        st = path.stat()
    except OSError as exc:
        reason = "broken symbolic link" if path.is_symlink() else f"cannot read file ({exc.strerror or exc})"
        yield name, ReadError(name, reason)
        return
    if stat.S_ISDIR(st.st_mode):
        yield name, ReadError(name, "is a folder")
        return
    if not stat.S_ISREG(st.st_mode) and not (explicit and stat.S_ISFIFO(st.st_mode)):
        yield name, ReadError(name, f"not a regular file: {_kind(st.st_mode)}")
        return
    suffix = path.suffix.lower()
    single = suffix not in (".jsonl", ".json")
    try:
        if single and stat.S_ISREG(st.st_mode) and st.st_size > 4 * limit + _READ_CAP_SLACK:
            yield (
                name,
                ReadError(
                    name,
                    f"article too long ({st.st_size:,} bytes; the limit is {limit:,} "
                    f"characters, set {MAX_CHARS_ENV} to change it)",
                ),
            )
            return
        data = _read_capped(path, 4 * limit + _READ_CAP_SLACK) if single else path.read_bytes()
    except OSError as exc:
        yield name, ReadError(name, f"cannot read file ({exc.strerror or exc})")
        return
    try:
        text = decode_text(data, name)
    except ArticleError as exc:
        yield name, ReadError(name, str(exc))
        return
    if suffix == ".jsonl":
        yield from _iter_json_lines(text.splitlines(), name, limit)
    elif suffix == ".json":
        yield from _iter_json(text, name, limit)
    else:
        try:
            yield name, article_from_text(text, id=_id_from_name(path), path=name, max_chars=limit)
        except ArticleError as exc:
            yield name, ReadError(name, str(exc))


def _iter_stdin(stream: IO[str] | None, limit: int) -> Iterator[tuple[str, Article | ReadError]]:
    stream = stream if stream is not None else sys.stdin
    name = "<stdin>"
    buffer = getattr(stream, "buffer", None)
    try:
        data = buffer.read() if buffer is not None else stream.read().encode("utf-8", "surrogatepass")
    except OSError as exc:
        yield name, ReadError(name, f"cannot read standard input ({exc.strerror or exc})")
        return
    try:
        text = decode_text(data, name)
    except ArticleError as exc:
        yield name, ReadError(name, str(exc))
        return
    start = text.lstrip()[:1]
    if start == "[":
        yield from _iter_json(text, name, limit)
    elif start == "{":
        try:  # one object over several lines (pretty-printed JSON), else JSON Lines
            obj = json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            obj = None
        if isinstance(obj, dict):
            yield from _records([obj], name, indexed=False, limit=limit)
        else:
            yield from _iter_json_lines(text.splitlines(), name, limit)
    else:
        try:
            yield name, article_from_text(text, path=name, max_chars=limit)
        except ArticleError as exc:
            yield name, ReadError(name, str(exc))


# ------------------------------------------------------------------------------ folders
def _walk(folder: Path, seen_dirs: set[tuple[int, int]]) -> Iterator[Path | ReadError]:
    """Article files under ``folder`` in a stable order (its files, then its sub-folders, each
    sorted by name), and a :class:`ReadError` for every folder that cannot be listed.

    Symbolic links to folders are followed; a folder reached a second time (a link back up,
    or two links to one place) is not read again."""
    try:
        st = folder.stat()
    except OSError as exc:
        yield ReadError(str(folder), f"cannot read folder ({exc.strerror or exc})")
        return
    key = (st.st_dev, st.st_ino)
    if key in seen_dirs:
        return
    seen_dirs.add(key)
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        yield ReadError(str(folder), f"cannot read folder ({exc.strerror or exc}); its articles were not read")
        return
    subdirs = []
    for e in entries:
        if e.name.startswith("."):
            continue
        try:
            is_dir = e.is_dir()  # follows symbolic links
        except OSError:
            is_dir = False
        if is_dir:
            subdirs.append(Path(e.path))
        elif e.name.lower().endswith(ARTICLE_SUFFIXES):
            yield Path(e.path)
    for d in subdirs:
        yield from _walk(d, seen_dirs)


def _iter_paths(
    paths: Iterable[str | os.PathLike[str]], stdin: IO[str] | None, limit: int
) -> Iterator[tuple[str, Article | ReadError]]:
    seen_files: set[tuple[int, int]] = set()
    seen_dirs: set[tuple[int, int]] = set()

    def once(path: Path) -> bool:
        """False for a file already read in this run (named twice, or through a link)."""
        try:
            st = path.stat()
        except OSError:
            return True  # reading it reports the problem
        if not stat.S_ISREG(st.st_mode):
            return True
        key = (st.st_dev, st.st_ino)
        if key in seen_files:
            return False
        seen_files.add(key)
        return True

    for p in paths:
        if str(p) == "-":
            yield from _iter_stdin(stdin, limit)
            continue
        path = Path(p)
        if path.is_dir():
            found = False
            for f in _walk(path, seen_dirs):
                found = True
                if isinstance(f, ReadError):
                    yield f.where, f
                elif once(f):
                    yield from _iter_file(f, limit=limit)
            if not found:
                yield str(path), ReadError(str(path), "folder holds no .txt, .jsonl or .json files")
        elif path.exists() or path.is_symlink():
            if once(path):
                yield from _iter_file(path, limit=limit, explicit=True)
        else:
            yield str(path), ReadError(str(path), "no such file or folder")


def iter_articles(
    paths: Iterable[str | os.PathLike[str]], *, stdin: IO[str] | None = None, max_chars: int | None = None
) -> Iterator[Article | ReadError]:
    """Articles from files, folders (recursive) and ``-`` (standard input), in order, each at
    most ``max_chars`` characters long (default: the settings' limit, read once here).

    Yields a :class:`ReadError` for each article that cannot be read instead of raising,
    including a second article with an id already read in this run (naming where the first
    came from): one run never lets one article silently replace another.
    """
    first: dict[str, str] = {}
    for where, item in _iter_paths(paths, stdin, max_chars or max_article_chars()):
        if isinstance(item, Article):
            if item.id in first:
                item = ReadError(
                    where,
                    f"article id {item.id!r} is also the id of {first[item.id]} in this run "
                    '(an id is the JSON "id", else the file name without its extension); '
                    "give one of them another id",
                )
            else:
                first[item.id] = where
        yield item
