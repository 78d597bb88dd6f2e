"""The store-facing CLI commands: ingest, query, validate, stats, export (click's CliRunner)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph

from kg.cli import cli

GOOD = (
    'date 2024-02-01 Foreign Minister Anna Berg said the plan "will fail". '
    "Berg criticised the United Nations on Tuesday."
)


def run(store, *args, input=None):
    result = CliRunner().invoke(cli, ["--store", str(store), *args], input=input, catch_exceptions=False)
    return result


@pytest.fixture(scope="module")
def ingested(tmp_path_factory, nlp):
    """A store holding one good article, ingested from a folder with three bad files beside it."""
    base = tmp_path_factory.mktemp("cli")
    folder = base / "articles"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00\xff" * 20)
    (folder / "latin1.txt").write_bytes("Le caf\xe9 du ministre a \xe9t\xe9 critiqu\xe9.".encode("latin-1"))
    store = base / "store"
    result = run(store, "ingest", "--no-progress", str(folder))
    return store, folder, result


def test_ingest_good_in_bad_named(ingested):
    store, _folder, result = ingested
    assert result.exit_code == 1
    assert "1 article(s) added" in result.stdout and "3 failed" in result.stdout
    for name in ("empty.txt", "binary.txt", "latin1.txt"):
        assert name in result.stderr
    assert "good.txt" not in result.stderr


def test_ingest_again_is_unchanged(ingested):
    store, folder, _ = ingested
    result = run(store, "ingest", "--no-progress", str(folder / "good.txt"))
    assert result.exit_code == 0, result.output
    assert "0 article(s) added, 0 replaced, 1 unchanged, 0 failed" in result.stdout


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_query_formats(ingested, fmt):
    store, _, _ = ingested
    result = run(store, "query", "--format", fmt, "SELECT ?id WHERE { ?a a kg:Article ; schema:identifier ?id }")
    assert result.exit_code == 0, result.output
    if fmt == "json":
        data = json.loads(result.stdout)
        assert [b["id"]["value"] for b in data["results"]["bindings"]] == ["good"]
    else:
        assert "good" in result.stdout.splitlines()[-2 if fmt == "table" else -1]


def test_query_from_file_and_bundled(ingested, tmp_path):
    store, _, _ = ingested
    q = tmp_path / "q.rq"
    q.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s a kg:Statement }", encoding="utf-8")
    result = run(store, "query", "--format", "csv", "--file", str(q))
    assert result.exit_code == 0 and int(result.stdout.splitlines()[1]) >= 1
    result = run(store, "query", "stances")
    assert result.exit_code == 0 and result.stdout.startswith("holder")


def test_unknown_bundled_query_is_named(ingested):
    store, _, _ = ingested
    result = run(store, "query", "stance")
    assert result.exit_code == 1 and "no bundled query named 'stance'" in result.stderr
    assert "stances" in result.stderr


def test_query_bind(ingested):
    store, _, _ = ingested
    result = run(
        store,
        "query",
        "--format",
        "csv",
        "--bind",
        'id="} ; DROP ALL ; #',
        "SELECT ?a ?id WHERE { ?a schema:identifier ?id }",
    )
    assert result.exit_code == 0 and result.stdout.strip() == "a,id"
    result = run(
        store, "query", "--format", "csv", "--bind", "id=good", "SELECT ?a ?id WHERE { ?a schema:identifier ?id }"
    )
    assert result.exit_code == 0 and "good" in result.stdout


def test_bad_sparql_is_a_clear_error(ingested):
    store, _, _ = ingested
    result = run(store, "query", "SELECT ?x WHERE { ?x ?p")
    assert result.exit_code != 0
    assert "SPARQL syntax error" in result.stderr and "Traceback" not in result.output


def test_query_on_missing_store(tmp_path):
    result = run(tmp_path / "none", "query", "ASK {}")
    assert result.exit_code != 0 and "run kg ingest first" in result.stderr


def test_validate_and_stats(ingested):
    store, _, _ = ingested
    result = run(store, "validate")
    assert result.exit_code == 0, result.output
    assert "Conforms: True" in result.stdout
    result = run(store, "stats", "--format", "json")
    figures = json.loads(result.stdout)
    assert figures["articles"] == 1 and figures["statements"] >= 1
    result = run(store, "stats")
    assert result.exit_code == 0 and result.stdout.split()[:2] == ["articles", "1"]


@pytest.mark.parametrize("fmt,parser", [("trig", "trig"), ("nq", "nquads"), ("ttl", "turtle")])
def test_export(ingested, tmp_path, fmt, parser):
    store, _, _ = ingested
    out = tmp_path / f"dump.{fmt}"
    result = run(store, "export", "--format", fmt, "--out", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    g = (Graph() if fmt == "ttl" else Dataset()).parse(data=text, format=parser)
    assert len(g) > 100 if fmt == "ttl" else len(list(g.quads((None, None, None, None)))) > 100
    stdout = run(store, "export", "--format", fmt)
    assert stdout.exit_code == 0 and len(stdout.stdout_bytes) == len(text.encode("utf-8"))


def test_remove_takes_one_article_out_and_leaves_the_other(tmp_path, nlp):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "berg.txt").write_text(GOOD, encoding="utf-8")
    (folder / "lund.txt").write_text("Senator Erik Lund praised the United Nations on Friday.", encoding="utf-8")
    store = tmp_path / "store"
    assert run(store, "ingest", "--no-progress", str(folder)).exit_code == 0
    ids_query = "SELECT ?id WHERE { ?a a schema:NewsArticle ; schema:identifier ?id } ORDER BY ?id"

    def values(query):
        result = run(store, "query", "--format", "json", query)
        assert result.exit_code == 0, result.output
        return [b[k]["value"] for b in json.loads(result.stdout)["results"]["bindings"] for k in b]

    assert values(ids_query) == ["berg", "lund"]
    assert values('SELECT ?a WHERE { ?a rdfs:label "Anna Berg" }')

    result = run(store, "remove", "berg", "nosuch")
    assert result.exit_code == 1
    assert "removed berg" in result.stdout and "nosuch" in result.stderr
    assert values(ids_query) == ["lund"]
    assert values('SELECT ?a WHERE { ?a rdfs:label "Anna Berg" }') == []
    assert values('SELECT ?a WHERE { ?a rdfs:label "Erik Lund" }')
    assert run(store, "validate").exit_code == 0
    again = run(store, "remove", "berg")
    assert again.exit_code == 1 and "no article 'berg'" in again.stderr


@pytest.mark.parametrize("command", ["ingest", "query", "validate", "stats", "export", "remove", "import"])
def test_help(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


def test_ingest_into_a_store_held_by_another_process(tmp_path, nlp):
    import subprocess
    import sys

    store = tmp_path / "held"
    article = tmp_path / "a.txt"
    article.write_text("Anna Berg said the plan will fail.", encoding="utf-8")
    hold = "import sys, pyoxigraph as ox; s = ox.Store(sys.argv[1]); print('ready', flush=True); sys.stdin.read()"
    proc = subprocess.Popen(
        [sys.executable, "-c", hold, str(store)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "ready"
        result = run(store, "ingest", "--no-progress", str(article))
        assert result.exit_code == 1
        assert "in use by another process" in result.stderr and "Traceback" not in result.output
    finally:
        proc.stdin.close()
        proc.wait(timeout=60)
