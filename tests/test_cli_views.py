"""The corpus views on the command line: kg network's new options, kg events, kg polarisation."""

from __future__ import annotations

import csv
import gc
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import cli

DATA = Path(__file__).parent / "data"
A = "https://w3id.org/kg-stance/id/actor/"
HAFTAR = A + "khalifa-haftar"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("views") / "store"
    store = ox.Store(str(path))
    store.bulk_load(path=str(DATA / "network_story.trig"), format=ox.RdfFormat.TRIG)
    store.flush()
    del store
    gc.collect()
    return path


def run(store_path: Path, *args: str):
    return CliRunner().invoke(cli, ["--store", str(store_path), *args])


# ------------------------------------------------------------------------------ --help
def test_network_help_lists_the_new_options():
    result = CliRunner().invoke(cli, ["network", "--help"])
    assert result.exit_code == 0, result.output
    for word in (
        "--duplicates",
        "article",
        "week",
        "month",
        "year",
        "range",
        "activity",
        "prominence",
        "--backbone",
        "--alpha",
        ".dl",
    ):
        assert word in result.output, word


def test_events_help():
    result = CliRunner().invoke(cli, ["events", "--help"])
    assert result.exit_code == 0, result.output
    for word in ("--out", "--duplicates", "--from", "--to", "--actor", "--type", "--min-confidence", "quote"):
        assert word in result.output, word


def test_polarisation_help():
    result = CliRunner().invoke(cli, ["polarisation", "--help"])
    assert result.exit_code == 0, result.output
    for word in ("--out", "--plot", "--window", "--ties", "--duplicates", "--null", "--from", "--min-confidence"):
        assert word in result.output, word


# ------------------------------------------------------------------------------ kg network
def test_dl_export(store_path, tmp_path):
    out = tmp_path / "a.dl"
    result = run(store_path, "network", "conflict", "--out", str(out), "--normalization", "average")
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("dl n = ") and "format = fullmatrix" in text and '"Khalifa Haftar"' in text


def test_topics_take_activity_and_prominence(store_path, tmp_path):
    for norm in ("activity", "prominence"):
        out = tmp_path / f"t-{norm}.graphml"
        result = run(
            store_path, "network", "topics", "--out", str(out), "--normalization", norm, "--min-confidence", "0"
        )
        assert result.exit_code == 0, result.output
        G = nx.read_graphml(out)
        assert G.graph["normalization"] == norm
        side = 0 if norm == "activity" else 1  # each actor's (each target's) weights add up to 1
        totals: dict[str, float] = {}
        for u, v, d in G.edges(data=True):
            key = (u, v)[side]
            totals[key] = totals.get(key, 0.0) + float(d["weight"])
        assert all(t == pytest.approx(1.0, abs=1e-5) for t in totals.values())


@pytest.mark.parametrize(
    "kind, norm", [("topics", "jaccard"), ("congruence", "activity"), ("actors", "average"), ("subtract", "prominence")]
)
def test_normalisation_that_does_not_apply_is_refused(store_path, tmp_path, kind, norm):
    out = tmp_path / "x.csv"
    result = run(store_path, "network", kind, "--out", str(out), "--normalization", norm)
    assert result.exit_code == 2 and "does not apply" in result.output and not out.exists()


def test_duplicates_option(store_path, tmp_path):
    counts = {}
    for dup in ("none", "range"):
        out = tmp_path / f"d-{dup}.graphml"
        result = run(store_path, "network", "actors", "--out", str(out), "--duplicates", dup)
        assert result.exit_code == 0, result.output
        G = nx.read_graphml(out)
        assert G.graph["duplicates"] == dup
        counts[dup] = sum(int(d["count"]) for *_, d in G.edges(data=True))
    assert counts["range"] < counts["none"]  # Maiteeq criticises Haftar twice
    assert (
        run(store_path, "network", "actors", "--out", str(tmp_path / "x.csv"), "--duplicates", "fortnight").exit_code
        == 2
    )


def test_backbone_option(store_path, tmp_path):
    out = tmp_path / "b.graphml"
    result = run(
        store_path, "network", "actors", "--out", str(out), "--min-confidence", "0", "--backbone", "--alpha", "0.3"
    )
    assert result.exit_code == 0, result.output
    assert "backbone: kept 1 of 9 edges" in result.output
    G = nx.read_graphml(out)
    # Maiteeq's two criticisms are 2 of the 5 stances aimed at Haftar, from 4 actors:
    # alpha = (1 - 2/5)^(4-1) = 0.216; on a network this small nothing else stands out
    assert G.graph["backbone"] == "disparity" and list(G.edges) == [(A + "ahmed-maiteeq", HAFTAR)]
    result = run(store_path, "network", "actors", "--out", str(tmp_path / "x.csv"), "--alpha", "0.1")
    assert result.exit_code == 2 and "--backbone" in result.output


# ------------------------------------------------------------------------------ kg events
def test_events_csv(store_path, tmp_path):
    out = tmp_path / "events.csv"
    result = run(store_path, "events", "--out", str(out), "--min-confidence", "0")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(out.resolve())
    with open(out, newline="", encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    assert table and [r["date"] for r in table] == sorted(r["date"] for r in table)
    assert {"date", "holder", "target", "polarity", "confidence", "article_id", "article_title", "quote"} <= set(
        table[0]
    )
    haftar = [r for r in table if r["holder"] == "Ahmed Maiteeq" and r["target"] == "Khalifa Haftar"]
    assert len(haftar) == 2 and all(r["quote"] and r["article_id"] for r in haftar)
    out2 = tmp_path / "events-range.csv"
    assert (
        run(store_path, "events", "--out", str(out2), "--min-confidence", "0", "--duplicates", "range").exit_code == 0
    )
    with open(out2, newline="", encoding="utf-8") as fh:
        fewer = list(csv.DictReader(fh))
    assert len(fewer) < len(table) and max(int(r["repeats"]) for r in fewer) >= 2
    bad = run(store_path, "events", "--out", str(tmp_path / "e.json"))
    assert bad.exit_code != 0 and "Traceback" not in bad.output


# ------------------------------------------------------------------------------ kg polarisation
def test_polarisation_table_and_plot(store_path, tmp_path):
    out, plot = tmp_path / "pol.csv", tmp_path / "pol.svg"
    result = run(
        store_path, "polarisation", "--window", "month", "--out", str(out), "--plot", str(plot), "--min-confidence", "0"
    )
    assert result.exit_code == 0, result.output
    assert result.output.split() == [str(out.resolve()), str(plot.resolve())]
    with open(out, newline="", encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    assert [r["start"] for r in table] == ["2019-04-01", "2019-05-01", "2019-06-01", "2019-07-01", "2019-08-01"]
    june = table[2]
    assert 0 < float(june["polarisation"]) <= 1 and int(june["actors"]) >= 4
    assert table[1]["polarisation"] == ""  # no stance in May
    assert float(june["excess"]) == pytest.approx(float(june["polarisation"]) - float(june["baseline"]), abs=1e-5)
    ET.parse(plot)  # well-formed SVG
    assert run(store_path, "polarisation", "--out", str(out), "--null", "0").exit_code == 0
    with open(out, newline="", encoding="utf-8") as fh:
        assert all(r["baseline"] == "" for r in csv.DictReader(fh))


@pytest.mark.parametrize(
    "args",
    [
        ["--window", "fortnight", "--out", "p.csv"],
        ["--window", "0", "--out", "p.csv"],
        ["--out", "p.txt"],
        ["--out", "p.csv", "--plot", "p.png"],
        ["--out", "p.csv", "--ties", "enemies"],
        ["--out", "p.csv", "--null", "-1"],
    ],
)
def test_polarisation_bad_arguments(store_path, tmp_path, args):
    args = [str(tmp_path / a) if a.startswith("p.") else a for a in args]
    result = run(store_path, "polarisation", *args)
    assert result.exit_code != 0 and "Traceback" not in result.output
