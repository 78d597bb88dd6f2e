"""A hostile corpus, generated here (no binary junk in the repository), through every command
that reads articles or writes pages and files: `kg ingest`, `kg extract`, every `kg network`
kind in every format and `kg viz`. Whatever the corpus holds: no traceback, every valid article
stored, every bad one named with its reason, exit codes as documented (1 when any article
failed, 0 otherwise)."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from kg.cli import cli

MARKUP = "<img src=x onerror=alert(1)>"
LIMIT = 20_000  # KG_MAX_ARTICLE_CHARS for this corpus


def build(root: Path) -> tuple[set[str], dict[str, str]]:
    """Write the corpus under ``root``; return (ids of the valid articles, {name: reason} of the bad)."""
    c = root / "corpus"
    (c / "2019" / "a").mkdir(parents=True)
    (c / "2020" / "b").mkdir(parents=True)
    (c / "other").mkdir()
    valid: set[str] = set()
    bad: dict[str, str] = {}

    def good(rel: str, text: str, article_id: str | None = None, encoding: str = "utf-8") -> None:
        p = c / rel
        p.write_bytes(text.encode(encoding))
        valid.add(article_id or Path(rel).stem)

    def broken(rel: str, data: bytes | str, reason: str) -> None:
        p = c / rel
        p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        bad[Path(rel).name] = reason

    good("plain.txt", "Senator Anna Berg criticised Governor Tom Reyes on Monday.")
    good("seed.txt", " date 2019-06-06 Foreign Minister Erik Lund praised the United Nations.")
    good("palms.txt", "Date palms grow here, Mayor Ann Bolt said, praising the farmers.")
    good("cyrillic.txt", "Алексей Навальный criticised Joe Biden on Monday.")
    good("greek.txt", "Γιάννης Παπαδόπουλος criticised Joe Biden on Monday.")
    good("control.txt", "Senator John\x01Smith criticised Joe Biden. Governor Ann\ufffeBolt praised him.")
    good("markup.txt", f"Mayor Ann Bolt criticised Governor Tom Reyes. \u201c{MARKUP} He lied,\u201d Bolt said.")
    good("utf16.txt", "Senator Mara Quill praised President Daniel Okafor.", encoding="utf-16")
    good("2019/a/article.txt", "Chancellor Petra Holm praised the European Union on Friday.")
    good("other/far.txt", "General Victor Sandoval condemned the Red Cross on Sunday.")
    os.symlink("../other", c / "2019" / "linked")  # a symlinked folder is read (once)
    os.symlink("..", c / "other" / "loop")  # and a loop ends
    rows = [
        {"id": "j-good", "text": "Representative James Whitfield criticised NATO.", "date": "2021-02-03"},
        {"id": "j-bad", "text": "x \ud800 y"},
        {"id": "j-good", "text": "A second article with a used id."},
        {"id": "j-date", "text": "Anna Berg spoke.", "date": "yesterday"},
        {"id": "j-title", "text": "Anna Berg spoke again.", "title": "t\udc00"},
    ]
    (c / "rows.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n{not json\n", encoding="utf-8")
    valid.add("j-good")
    bad.update(
        {
            "rows.jsonl:2": "lone surrogate",
            "rows.jsonl:3": "also the id of",
            "rows.jsonl:4": "not an ISO date",
            "rows.jsonl:5": "lone surrogate",
            "rows.jsonl:6": "not valid JSON",
        }
    )
    (c / "list.json").write_text(json.dumps([{"id": "l1", "text": "Senator Paul Hendricks praised Japan."}]))
    valid.add("l1")

    broken("2020/b/article.txt", "Interior Minister Jonas Weber rejected the plan.", "also the id of")
    broken("empty.txt", b"   \n", "empty article")
    broken("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10, "binary")
    broken("latin1.txt", "Le ministre a d\xe9clar\xe9.".encode("latin-1"), "not UTF-8")
    broken("baddate.txt", " date yesterday The minister said it was over.", "not an ISO date")
    broken("emptylist.json", "[]", "no articles")
    broken("notjson.json", "{oops", "not valid JSON")
    broken("long.txt", "Anna Berg spoke. " * (LIMIT // 10), "article too long")
    broken("\x1b[31mred\x1b[0m.txt", b"", "empty article")
    os.mkfifo(c / "pipe.txt")
    bad["pipe.txt"] = "not a regular file"
    os.symlink(c / "nowhere.txt", c / "dangling.txt")
    bad["dangling.txt"] = "broken symbolic link"
    return valid, bad


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, nlp):
    root = tmp_path_factory.mktemp("hostile-corpus")
    valid, bad = build(root)
    store = root / "store"
    env = {"KG_MAX_ARTICLE_CHARS": str(LIMIT)}
    ingest = CliRunner().invoke(cli, ["--store", str(store), "ingest", "--no-progress", str(root / "corpus")], env=env)
    extract = CliRunner().invoke(cli, ["extract", str(root / "corpus")], env=env)
    return root, store, valid, bad, ingest, extract


def _named(stderr: str, name: str, reason: str) -> bool:
    shown = name.encode("unicode_escape").decode("ascii") if "\x1b" in name else name
    return any(shown in line and reason in line for line in stderr.splitlines() if line.startswith("skipped "))


def test_ingest_stores_every_valid_article_and_names_every_bad_one(corpus):
    root, store, valid, bad, ingest, _ = corpus
    assert ingest.exception is None or isinstance(ingest.exception, SystemExit), ingest.exception
    assert "Traceback" not in ingest.output
    assert ingest.exit_code == 1
    for name, reason in bad.items():
        assert _named(ingest.stderr, name, reason), (name, reason, ingest.stderr)
    assert f"{len(valid)} article(s) added" in ingest.stdout and f"{len(bad)} failed" in ingest.stdout, ingest.stdout
    r = CliRunner().invoke(
        cli,
        [
            "--store",
            str(store),
            "query",
            "--format",
            "json",
            "SELECT ?id WHERE { ?a a kg:Article ; schema:identifier ?id }",
        ],
    )
    stored = {b["id"]["value"] for b in json.loads(r.stdout)["results"]["bindings"]}
    assert stored == valid
    assert "\x1b" not in ingest.stderr


def test_extract_prints_every_valid_article_and_names_every_bad_one(corpus):
    _, _, valid, bad, _, extract = corpus
    assert extract.exception is None or isinstance(extract.exception, SystemExit), extract.exception
    assert extract.exit_code == 1 and "Traceback" not in extract.output
    printed = {json.loads(line)["id"] for line in extract.stdout.splitlines()}
    assert printed == valid
    for name, reason in bad.items():
        assert _named(extract.stderr, name, reason), (name, reason, extract.stderr)


def test_a_clean_run_exits_zero(corpus, tmp_path):
    root, store, *_ = corpus
    r = CliRunner().invoke(cli, ["--store", str(store), "ingest", "--no-progress", str(root / "corpus" / "plain.txt")])
    assert r.exit_code == 0 and "1 unchanged" in r.stdout


@pytest.mark.parametrize("kind", ["actors", "topics", "congruence", "conflict", "subtract"])
@pytest.mark.parametrize("ext", [".html", ".graphml", ".gexf", ".csv"])
def test_every_network_in_every_format(corpus, tmp_path, kind, ext):
    _, store, *_ = corpus
    out = tmp_path / f"{kind}{ext}"
    r = CliRunner().invoke(cli, ["--store", str(store), "network", kind, "--min-confidence", "0", "--out", str(out)])
    assert r.exit_code == 0 and r.exception is None, r.output
    if ext == ".graphml":
        nx.read_graphml(out)
    elif ext == ".gexf":
        nx.read_gexf(out)
    elif ext == ".csv":
        with open(out, newline="", encoding="utf-8") as fh:
            list(csv.DictReader(fh))
    else:
        page = out.read_text(encoding="utf-8")
        assert MARKUP not in page and "<img" not in page.lower()


def test_viz(corpus, tmp_path):
    _, store, *_ = corpus
    out = tmp_path / "viz.html"
    r = CliRunner().invoke(cli, ["--store", str(store), "viz", "--min-confidence", "0", "--out", str(out)])
    assert r.exit_code == 0 and r.exception is None, r.output
    page = out.read_text(encoding="utf-8")
    assert MARKUP not in page and "<img" not in page.lower()
    assert "Навальный" in page or "\\u041d" in page  # names in other scripts reach the page


def test_validate_and_stats_after_the_hostile_corpus(corpus):
    _, store, valid, *_ = corpus
    r = CliRunner().invoke(cli, ["--store", str(store), "stats", "--format", "json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["articles"] == len(valid)
    r = CliRunner().invoke(cli, ["--store", str(store), "validate"])
    assert r.exit_code == 0, r.output
