"""kg ingest --workers 2: extraction on a local Dask cluster gives the same store, graph for
graph, as the sequential ingest; a re-run skips the unchanged articles; errors are per article."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from conftest import SEED
from rdflib.compare import isomorphic

from kg import ids
from kg.cli import cli
from kg.validate import quads_graph

pytest.importorskip("distributed")

ARTICLES = {
    "a1": 'date 2024-02-01 Foreign Minister Anna Berg said the plan "will fail". '
    "Berg criticised the United Nations on Tuesday.",
    "a2": "date 2024-03-05 The United Nations praised Norway. Anna Berg, the foreign minister of Norway, "
    "said she supports the agreement. Prime Minister Erik Lund criticised Anna Berg.",
    "a3": 'date 2024-04-10 President Joe Biden praised Anna Berg. "We back Norway," Biden said. '
    "Erik Lund rejected the United Nations and condemned Joe Biden.",
}


def run(store, *args):
    return CliRunner().invoke(cli, ["--store", str(store), *args], catch_exceptions=False)


def graphs(path) -> dict[str, set]:
    from kg.store import open_store

    store = open_store(path, read_only=True)
    return {g.value: set(store.quads_for_pattern(None, None, None, g)) for g in store.named_graphs()}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    base = tmp_path_factory.mktemp("articles")
    for name, text in ARTICLES.items():
        (base / f"{name}.txt").write_text(text, encoding="utf-8")
    (base / "seed.txt").write_bytes(SEED.read_bytes())
    (base / "empty.txt").write_bytes(b"")  # a read error, reported by name
    return base


def test_workers_2_gives_the_sequential_store(folder, tmp_path, nlp):
    sequential = run(tmp_path / "seq", "ingest", "--no-progress", str(folder))
    assert sequential.exit_code == 1 and "4 article(s) added" in sequential.output
    parallel = run(tmp_path / "dask", "ingest", "--no-progress", "--workers", "2", str(folder))
    assert parallel.exit_code == 1, parallel.output  # the empty file
    assert "4 article(s) added, 0 replaced, 0 unchanged, 1 failed" in parallel.output
    assert "on 2 Dask worker(s)" in parallel.output
    assert "empty.txt" in parallel.stderr
    expected, got = graphs(tmp_path / "seq"), graphs(tmp_path / "dask")
    assert sorted(got) == sorted(expected)
    for name in expected:
        if got[name] != expected[name]:  # the ontology's blank nodes are new in every store
            assert isomorphic(quads_graph(got[name]), quads_graph(expected[name])), name
            assert "/graph/article/" not in name and name != ids.CORPUS_GRAPH  # these are equal, quad for quad
    # a re-run extracts nothing: every article is skipped as unchanged
    again = run(
        tmp_path / "dask", "ingest", "--no-progress", "--workers", "2", str(folder / "a1.txt"), str(folder / "seed.txt")
    )
    assert again.exit_code == 0 and "0 article(s) added, 0 replaced, 2 unchanged, 0 failed" in again.output
    assert " 0 words extracted" in again.output


def test_extract_graphs_is_a_plain_function(nlp):
    from kg import ids
    from kg.cluster import extract_graphs
    from kg.records import Article

    (good, empty) = extract_graphs(
        [Article(id="a1", text=ARTICLES["a1"][16:], date="2024-02-01"), Article(id="blank", text=" ")]
    )
    assert good.error is None and good.words == len(ARTICLES["a1"][16:].split()) and good.stances >= 1
    quads = good.quads()
    assert {q.graph_name for q in quads} == {ox.NamedNode(ids.article_graph_iri("a1"))}
    assert empty.error is None or empty.nquads is None


def test_workers_and_scheduler_exclude_each_other(tmp_path):
    result = run(tmp_path / "s", "ingest", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1", str(tmp_path))
    assert result.exit_code == 1 and "not both" in result.stderr
