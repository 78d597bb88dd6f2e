"""The bulk path: `kg extract --format nquads` then `kg import` gives the store `kg ingest` gives."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg import ids
from kg.cli import cli

ARTICLES = [
    '{"id": "berg-1", "date": "2024-02-01", "text": "Foreign Minister Anna Berg said the plan \\"will fail\\". Berg criticised the United Nations on Tuesday."}',
    '{"id": "berg-2", "date": "2024-02-03", "text": "Anna Berg praised the United Nations. The United Nations rejected the plan, a spokesman said."}',
]


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


@pytest.fixture(scope="module")
def files(tmp_path_factory, nlp):
    base = tmp_path_factory.mktemp("bulk")
    src = base / "articles.jsonl"
    src.write_text("\n".join(ARTICLES) + "\n", encoding="utf-8")
    nq = base / "articles.nq"
    result = run("extract", "--format", "nquads", str(src))
    assert result.exit_code == 0
    nq.write_text(result.stdout, encoding="utf-8")
    ingested = base / "ingested"
    assert run("--store", str(ingested), "ingest", "--no-progress", str(src)).exit_code == 0
    return base, src, nq, ingested


def _article_and_corpus_quads(path) -> set:
    store = ox.Store.read_only(str(path))
    keep = (ids.DATA + "graph/article/", ids.CORPUS_GRAPH)
    return {q for q in store if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value.startswith(keep)}


def test_import_gives_the_store_ingest_gives(files):
    base, _src, nq, ingested = files
    imported = base / "imported"
    result = run("--store", str(imported), "import", str(nq))
    assert result.exit_code == 0, result.output
    assert "2 article graph(s) loaded" in result.output
    assert _article_and_corpus_quads(imported) == _article_and_corpus_quads(ingested)


def test_import_again_replaces_and_an_export_imports(files):
    base, _src, nq, ingested = files
    store = base / "again"
    run("--store", str(store), "import", str(nq))
    result = run("--store", str(store), "import", str(nq))
    assert "(2 replaced)" in result.output
    assert _article_and_corpus_quads(store) == _article_and_corpus_quads(ingested)
    trig = base / "export.trig"
    assert run("--store", str(ingested), "export", "--format", "trig", "--out", str(trig)).exit_code == 0
    from_export = base / "from-export"
    result = run("--store", str(from_export), "import", str(trig))
    assert result.exit_code == 0 and "quads outside article graphs left out" in result.output
    assert _article_and_corpus_quads(from_export) == _article_and_corpus_quads(ingested)


def test_bad_files_are_named(files, tmp_path):
    bad = tmp_path / "bad.nq"
    bad.write_text("<a> <b> this is not n-quads .\n", encoding="utf-8")
    result = run("--store", str(tmp_path / "s"), "import", str(bad))
    assert result.exit_code == 1 and "bad.nq" in result.stderr and "not valid" in result.stderr
    result = run("--store", str(tmp_path / "s"), "import", str(tmp_path / "x.ttl"))
    assert result.exit_code != 0


def test_a_default_graph_triple_is_not_taken_for_an_article_quad(files, tmp_path):
    """The fast path reads each line's graph as its last word: a default-graph triple whose
    object is an article graph's IRI looks the same, and must still be left out."""
    base, _src, nq, ingested = files
    graph = next(q.graph_name.value for q in ox.parse(path=str(nq), format=ox.RdfFormat.N_QUADS))
    odd = tmp_path / "odd.nq"
    odd.write_text(
        nq.read_text(encoding="utf-8") + f"<http://example.org/s> <http://example.org/p> <{graph}> .\n",
        encoding="utf-8",
    )
    store = tmp_path / "odd-store"
    result = run("--store", str(store), "import", str(odd))
    assert result.exit_code == 0, result.output
    assert "1 quads outside article graphs left out" in result.output
    assert _article_and_corpus_quads(store) == _article_and_corpus_quads(ingested)
    assert not list(ox.Store.read_only(str(store)).quads_for_pattern(None, None, None, ox.DefaultGraph()))
