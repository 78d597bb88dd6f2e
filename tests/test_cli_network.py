"""`kg network KIND --out FILE` on a store built from a fixture written for these tests."""

from __future__ import annotations

import csv
import gc
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import cli

DATA = Path(__file__).parent / "data"
A = "https://w3id.org/kg-stance/id/actor/"
HAFTAR, UN, US, TRUMP = A + "khalifa-haftar", A + "united-nations", A + "united-states", A + "donald-trump"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory) -> Path:
    """An on-disk store holding the fixture's graphs, closed again before the CLI opens it."""
    path = tmp_path_factory.mktemp("net") / "store"
    store = ox.Store(str(path))
    store.bulk_load(path=str(DATA / "network_story.trig"), format=ox.RdfFormat.TRIG)
    store.flush()
    del store
    gc.collect()
    return path


def run(store_path: Path, *args: str):
    return CliRunner().invoke(cli, ["--store", str(store_path), "network", *args])


def test_network_help():
    result = CliRunner().invoke(cli, ["network", "--help"])
    assert result.exit_code == 0, result.output
    for word in (
        "actors",
        "topics",
        "congruence",
        "conflict",
        "subtract",
        "--out",
        "--from",
        "--to",
        "--actor",
        "--type",
        "--min-confidence",
        "--min-count",
        "--normalization",
    ):
        assert word in result.output


def test_actors_graphml(store_path, tmp_path):
    out = tmp_path / "a.graphml"
    result = run(store_path, "actors", "--out", str(out), "--min-confidence", "0")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(out.resolve())
    G = nx.read_graphml(out)
    assert G.number_of_edges() == 9
    assert G.edges[TRUMP, HAFTAR]["positive"] == 1


def test_default_hides_unsure_stances(store_path, tmp_path):
    """By default the views show stances of confidence VIEW_MIN_CONFIDENCE (0.56) or more: a wrong edge misleads."""
    out = tmp_path / "d.graphml"
    assert run(store_path, "actors", "--out", str(out)).exit_code == 0
    assert nx.read_graphml(out).number_of_edges() == 8  # the fixture's 0.4 neutral stance is left out


def test_conflict_gexf_with_normalisation(store_path, tmp_path):
    out = tmp_path / "c.gexf"
    result = run(store_path, "conflict", "--out", str(out), "--normalization", "average")
    assert result.exit_code == 0, result.output
    G = nx.read_gexf(out)
    weights = {frozenset((u, v)): float(d["weight"]) for u, v, d in G.edges(data=True)}
    assert weights[frozenset((HAFTAR, UN))] == pytest.approx(2 / 3, abs=1e-5)


def test_filters_as_options(store_path, tmp_path):
    out = tmp_path / "e.csv"
    result = run(
        store_path,
        "actors",
        "--out",
        str(out),
        "--from",
        "2019-06-01",
        "--to",
        "2019-07-31",
        "--type",
        "Person",
        "--type",
        "Government",
        "--min-confidence",
        "0.5",
    )
    assert result.exit_code == 0, result.output
    with open(out, newline="", encoding="utf-8") as fh:
        pairs = {(r["source_label"], r["target_label"]) for r in csv.DictReader(fh)}
    # June-July, persons and governments, confident: not Trump's April praise, not the 0.4 neutral
    assert pairs == {
        ("Khalifa Haftar", "Government of National Accord"),
        ("Ahmed Maiteeq", "Khalifa Haftar"),
        ("Mike Pompeo", "Khalifa Haftar"),
    }
    result = run(
        store_path,
        "subtract",
        "--out",
        str(tmp_path / "s.graphml"),
        "--actor",
        "Khalifa Haftar",
        "--actor",
        "United States",
        "--min-count",
        "1",
    )
    assert result.exit_code == 0, result.output
    G = nx.read_graphml(tmp_path / "s.graphml")
    assert sorted(G.nodes) == sorted([HAFTAR, US]) and G.edges[HAFTAR, US]["weight"] == -1.0


def test_topics_and_congruence_kinds(store_path, tmp_path):
    for kind, edges in (("topics", 13), ("congruence", 6)):
        out = tmp_path / f"{kind}.graphml"
        assert run(store_path, kind, "--out", str(out), "--min-confidence", "0").exit_code == 0
        assert nx.read_graphml(out).number_of_edges() == edges


def test_html(store_path, tmp_path):
    out = tmp_path / "a.html"
    result = run(store_path, "actors", "--out", str(out))
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "Ahmed Maiteeq" in page and "<img src=x onerror" not in page


def test_empty_result_warns_but_writes(store_path, tmp_path):
    out = tmp_path / "none.graphml"
    result = run(store_path, "actors", "--out", str(out), "--actor", "Nobody At All")
    assert result.exit_code == 0
    assert out.exists() and nx.read_graphml(out).number_of_nodes() == 0


@pytest.mark.parametrize(
    "args",
    [
        ["actors", "--out", "x.pdf"],  # unknown format
        ["actors", "--out", "x.csv", "--from", "June"],  # not a date
        ["pie", "--out", "x.csv"],  # unknown kind
        ["congruence", "--out", "x.csv", "--normalization", "max"],
        ["actors"],  # --out is required
    ],
)
def test_bad_arguments_fail_clearly(store_path, tmp_path, args):
    args = [str(tmp_path / a) if a.startswith("x.") else a for a in args]
    result = run(store_path, *args)
    assert result.exit_code != 0
    assert "Traceback" not in result.output


def test_missing_store(tmp_path):
    result = CliRunner().invoke(
        cli, ["--store", str(tmp_path / "nothing"), "network", "actors", "--out", str(tmp_path / "a.csv")]
    )
    assert result.exit_code != 0 and not (tmp_path / "a.csv").exists()
