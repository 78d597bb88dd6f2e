"""What a SPARQL text asks for, read without running it: federated ``SERVICE`` calls (which
make Oxigraph send HTTP requests to any address the query names) and updates.

pyoxigraph 0.5 has no switch to turn federation off and does not expose the parsed algebra,
so the query text is scanned: comments, strings and IRIs are masked out first (a ``SERVICE``
inside them does nothing), and every ``SERVICE`` keyword left is a call. The scan errs on the
side of refusing: the keyword is looked for case-insensitively, in the text as written and
with ``\\uXXXX`` / ``\\UXXXXXXXX`` escapes decoded (SPARQL allows them anywhere; Oxigraph
decodes them in IRIs), and a call whose endpoint is not written as a full IRI (a prefixed
name, a relative IRI, a variable) can never be allowed. A false alarm is possible only for
odd prefixed names (``ex:a.SERVICE``); a missed call is not.

>>> service_calls('SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }')
['http://example.org/sparql']
>>> service_calls('SELECT * { ?s rdfs:label "SERVICE <http://x>" } # SERVICE <http://y>')
[]
>>> service_calls('SELECT * { SERVICE SILENT ?endpoint { ?s ?p ?o } }')
[None]
>>> update_keyword('PREFIX ex: <http://e/> INSERT DATA { ex:a ex:b ex:c }')
'INSERT'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_IRIREF = re.compile(r'<((?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*)>')
_UESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# the keyword, not part of a longer name, variable or prefixed name
_WORD_BEFORE = r"(?<![\w:?$\\\-\u00b7])"
_WORD_AFTER = r"(?![\w:\-\u00b7])"
_SERVICE = re.compile(_WORD_BEFORE + r"SERVICE" + _WORD_AFTER, re.IGNORECASE)
_SILENT = re.compile(r"\s*SILENT" + _WORD_AFTER, re.IGNORECASE)
_PROLOGUE = re.compile(r"\s*(?:(?:BASE\s*<[^>]*>|PREFIX\s*[^\s:]*:\s*<[^>]*>)\s*)*", re.IGNORECASE)
_FIRST_WORD = re.compile(r"\s*([A-Za-z]+)")
UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}


class Refused(ValueError):
    """A query kg will not run, with the reason."""


def _unescape(text: str) -> str:
    def one(m: re.Match) -> str:
        code = int(m.group(1) or m.group(2), 16)
        try:
            return chr(code)
        except (ValueError, OverflowError):
            return m.group(0)

    return _UESCAPE.sub(one, text)


def mask(text: str) -> str:
    """``text`` with comments, string literals and IRIs blanked (same length, so positions
    still match): what is left is the query's keywords, names, variables and punctuation."""
    out = list(text)
    i, n = 0, len(text)

    def blank(a: int, b: int) -> None:
        for k in range(a, min(b, n)):
            if out[k] not in "\r\n":
                out[k] = " "

    while i < n:
        c = text[i]
        if c == "#":
            j = i
            while j < n and text[j] not in "\r\n":
                j += 1
            blank(i, j)
            i = j
        elif c in "'\"":
            delim = c * 3 if text.startswith(c * 3, i) else c
            j = i + len(delim)
            while j < n and not text.startswith(delim, j):
                j += 2 if text[j] == "\\" else 1
            j = min(n, j + len(delim))
            blank(i, j)
            i = j
        elif c == "<":
            m = _IRIREF.match(text, i)
            if m:
                blank(i, m.end())
                i = m.end()
            else:
                i += 1
        elif c == "\\":  # an escaped character in a prefixed name (ex:a\#b, ex:a\'b)
            blank(i, i + 2)
            i += 2
        else:
            i += 1
    return "".join(out)


def _calls(text: str) -> list[str | None]:
    code = mask(text)
    found: list[str | None] = []
    for m in _SERVICE.finditer(code):
        k = m.end()
        silent = _SILENT.match(code, k)
        if silent:
            k = silent.end()
        while k < len(code) and code[k].isspace() and text[k] != "<":  # blanks and comments, up to an IRI
            k += 1
        iri = _IRIREF.match(text, k)
        value = _unescape(iri.group(1)) if iri else None
        # only a full IRI can name an allowed endpoint (not relative to a BASE, not a prefixed name)
        found.append(value if value and re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:", value) else None)
    return found


def service_calls(text: str) -> list[str | None]:
    """The endpoints of the ``SERVICE`` calls in ``text`` (None for one not written as a full
    IRI), read in the text as written and with its ``\\u`` escapes decoded."""
    found = _calls(text)
    decoded = _unescape(text)
    if decoded != text:
        found += [e for e in _calls(decoded) if e not in found or e is None]
    return found


def update_keyword(text: str) -> str | None:
    """The keyword that starts ``text`` if it is a SPARQL update (INSERT, DELETE, LOAD, ...)."""
    code = mask(text)
    for candidate in (code, mask(_unescape(text))):
        prologue = _PROLOGUE.match(_blank_prologue(text, candidate))
        assert prologue is not None  # the pattern matches the empty string
        rest = candidate[prologue.end() :]
        m = _FIRST_WORD.match(rest)
        if m and m.group(1).upper() in UPDATE_KEYWORDS:
            return m.group(1).upper()
    return None


def _blank_prologue(text: str, code: str) -> str:
    # the prologue's IRIs were blanked by mask(); put "<>" back so the prologue pattern matches
    out = list(code)
    for m in _IRIREF.finditer(text):
        if code[m.start() : m.end()].strip() == "":
            out[m.start()], out[m.end() - 1] = "<", ">"
    return "".join(out)


def check_query(text: str, allow_service: Iterable[str] = ()) -> None:
    """Raise :class:`Refused` if ``text`` is an update or calls a ``SERVICE`` that is not in
    ``allow_service`` (full endpoint IRIs, compared exactly)."""
    keyword = update_keyword(text)
    if keyword:
        raise Refused(f"kg query does not change the store; updates ({keyword} ...) are not allowed")
    allowed = set(allow_service)
    for endpoint in service_calls(text):
        if endpoint is None:
            raise Refused(
                "the query calls a SERVICE whose endpoint is not a full IRI (a variable, prefixed "
                "name or relative IRI); federated queries reach other machines, so kg runs them "
                "only for endpoints named with --allow-service URL"
            )
        if endpoint not in allowed:
            raise Refused(
                f"the query calls SERVICE <{endpoint}>: federated queries send requests to other "
                "machines and are off; allow this endpoint with --allow-service "
                f"{endpoint}"
            )
