"""The README's SPARQL is the SPARQL kg ships: every ```sparql block parses and is one of the
bundled queries (kg/queries/*.rq) word for word, comments and PREFIX lines aside."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from kg.store import bundled_queries, bundled_query
from kg.vocab import PREFIXES

ROOT = Path(__file__).resolve().parent.parent


def _blocks(text: str) -> list[str]:
    return re.findall(r"```sparql\n(.*?)```", text, flags=re.S)


def _normal(query: str) -> str:
    """The query without comments, PREFIX lines and layout."""
    lines = []
    for line in query.splitlines():
        line = re.sub(r"(^|\s)#(\s.*)?$", "", line)  # a comment ("#" at a line's start or after a space)
        if not re.match(r"\s*PREFIX\s", line, flags=re.I):
            lines.append(line)
    return " ".join(" ".join(lines).split())


def test_readme_sparql_parses_and_is_a_bundled_query():
    blocks = _blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    assert blocks, "the README shows no SPARQL"
    bundled = {_normal(bundled_query(name)): name for name in bundled_queries()}
    for block in blocks:
        list(ox.Store().query(block, prefixes=PREFIXES))  # raises SyntaxError if it does not parse
        assert _normal(block) in bundled, f"README query is not one of kg/queries/*.rq:\n{block}"


def test_notebooks_load_bundled_queries_rather_than_copy_them():
    bodies = [_normal(bundled_query(name)) for name in bundled_queries()]
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        text = " ".join(nb.read_text(encoding="utf-8").replace("\\n", " ").replace('\\"', '"').split())
        for body in bodies:
            assert body[:200] not in text, f"{nb.name} holds a copy of a bundled query: load it with bundled_query()"
