"""Find quotations in raw text: straight, curly and doubled-apostrophe marks, never crashing.

One left-to-right pass over the quotation marks (linear in the text). Each mark is read as an
opener or a closer from its neighbours; a quotation still open at a paragraph break ends
there (the news convention for quotes that run over several paragraphs: no closing mark until
the last one) and is flagged ``open_ended`` so the caller can join it to what follows.
Odd marks (a closer with no opener, an opener never closed) are skipped and logged.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

log = logging.getLogger(__name__)

# '' (two straight apostrophes) is the New York Times' double quotation mark; a lone straight
# apostrophe is almost always an apostrophe, so it is not a mark here.
_MARK = re.compile(r"''|[\"\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e]")
_PARA = re.compile(r"\n[ \t\r\f\v]*\n")
_OPEN_BEFORE = set(" \t\n\r([{\u2014\u2013-/:;\u00a0")
_CLOSE_AFTER = set(" \t\n\r)]}.,;:!?\u2014\u2013-/\u00a0")


@dataclass(frozen=True)
class Quote:
    """A quotation ``text[start:end]`` including its marks (when present)."""

    start: int
    end: int
    open_ended: bool = False  # no closing mark: it ran to the end of its paragraph
    single: bool = False  # opened with a single curly mark used as a double one


def paragraph_breaks(text: str) -> list[int]:
    """Character offsets where a new paragraph starts (after a blank line).

    Texts with no blank line at all but several lines are read one paragraph per line.
    """
    starts = [m.end() for m in _PARA.finditer(text)]
    if not starts and "\n" in text.strip():
        starts = [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    return starts


def _role(text: str, i: int, j: int, mark: str) -> str:
    """'open', 'close' or '?' for the mark text[i:j]."""
    prev = text[i - 1] if i > 0 else " "
    nxt = text[j] if j < len(text) else " "
    if mark in ("\u201c", "\u00ab", "\u201e"):
        return "open"
    if mark in ("\u201d", "\u00bb"):
        return "close"
    if mark == "\u2018":
        return "sopen" if (prev in _OPEN_BEFORE or prev in '"\u201c') and not nxt.isspace() else "skip"
    if mark == "\u2019":
        # a closer has a word or punctuation before it and no letter after it (else: don't, Trump's)
        return "sclose" if not prev.isspace() and not nxt.isalnum() else "skip"
    # straight " or '': decide from the neighbours
    if prev in _OPEN_BEFORE and not nxt.isspace():
        return "open"
    if not prev.isspace() and (nxt in _CLOSE_AFTER or nxt in "\"'\u2019\u201d"):
        return "close"
    return "?"


def find_quotes(text: str, *, min_chars: int = 1) -> list[Quote]:
    """All quotations in ``text`` in order, each with its marks. Never raises on odd marks."""
    breaks = paragraph_breaks(text)
    quotes: list[Quote] = []
    bi = 0  # next paragraph break to pass
    open_at: int | None = None  # start of an open double quotation
    sopen_at: int | None = None  # start of an open single one (outside any double quotation)

    def close_paragraph(end: int) -> None:
        nonlocal open_at, sopen_at
        if open_at is not None:
            para_end = end
            while para_end > open_at and text[para_end - 1].isspace():
                para_end -= 1
            if para_end - open_at > min_chars:
                quotes.append(Quote(open_at, para_end, open_ended=True))
            open_at = None
        if sopen_at is not None:
            log.debug("unclosed single quotation mark at %d skipped", sopen_at)
            sopen_at = None

    for m in _MARK.finditer(text):
        i, j = m.start(), m.end()
        while bi < len(breaks) and breaks[bi] <= i:
            close_paragraph(breaks[bi])
            bi += 1
        role = _role(text, i, j, m.group())
        if role == "?":
            role = "close" if open_at is not None else "open"
        if role == "open":
            if open_at is not None:
                log.debug("quotation opened at %d re-opened at %d: first mark skipped", open_at, i)
            open_at, sopen_at = i, None
        elif role == "close":
            if open_at is not None:
                if j - open_at > min_chars + 1:
                    quotes.append(Quote(open_at, j))
                open_at = None
            elif sopen_at is not None:  # mismatched pair: ‘ ... ”
                quotes.append(Quote(sopen_at, j, single=True))
                sopen_at = None
            else:
                log.debug("closing quotation mark at %d with no opener skipped", i)
        elif role == "sopen":
            if open_at is None:
                sopen_at = i
        elif role == "sclose":
            if open_at is None and sopen_at is not None:
                if j - sopen_at > min_chars + 1:
                    quotes.append(Quote(sopen_at, j, single=True))
                sopen_at = None
    close_paragraph(len(text))
    return quotes
