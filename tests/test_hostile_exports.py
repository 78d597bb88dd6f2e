"""Exports parse back whatever characters the articles held."""

from __future__ import annotations

import csv

import networkx as nx
import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.network import write_network

NASTY = "John\x01Smith \ufffe\uffff \x0b\x1f\x7f \ud800 tab\there\nnewline é 王毅 \U0001f600"


def _graph() -> nx.DiGraph:
    g = nx.DiGraph(kind="actors", title=f"net {NASTY}")
    g.add_node("kgr:actor/a\x02b", label=NASTY, roles=[NASTY], type="Person")
    g.add_node("kgr:actor/b", label="Joe Biden", type="Person")
    g.add_edge("kgr:actor/a\x02b", "kgr:actor/b", weight=1, quotes=[NASTY], evidence={"q": NASTY})
    return g


@pytest.mark.parametrize("ext", [".graphml", ".gexf"])
def test_xml_exports_drop_characters_xml_forbids(tmp_path, ext):
    path = write_network(_graph(), tmp_path / f"g{ext}")
    read = nx.read_graphml if ext == ".graphml" else nx.read_gexf
    g = read(path)
    labels = {d.get("label") for _, d in g.nodes(data=True)}
    label = next(x for x in labels if x and x.startswith("John"))
    for bad in ("\x01", "\ufffe", "\uffff", "\x0b", "\x1f", "\ud800"):
        assert bad not in label
    # what XML allows stays: tab, newline (GraphML keeps them), letters in any script, emoji
    for good in ("é", "王毅", "\U0001f600", "Smith"):
        assert good in label
    assert g.number_of_edges() == 1


def test_csv_keeps_text_and_parses(tmp_path):
    path = write_network(_graph(), tmp_path / "g.csv")
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 1 and "王毅" in rows[0]["source_label"]


@pytest.fixture(scope="module")
def control_store(tmp_path_factory, nlp):
    root = tmp_path_factory.mktemp("ctl")
    (root / "ctl.txt").write_text(
        "Senator John\x01Smith criticised Joe Biden on Monday. Governor Ann\ufffeBolt praised Joe Biden.",
        encoding="utf-8",
    )
    store = root / "store"
    r = CliRunner().invoke(cli, ["--store", str(store), "ingest", "--no-progress", str(root / "ctl.txt")])
    assert r.exit_code == 0, r.output
    return store


@pytest.mark.parametrize("kind", ["actors", "topics", "congruence", "conflict", "subtract"])
@pytest.mark.parametrize("ext", [".graphml", ".gexf"])
def test_network_files_from_an_article_with_control_characters_parse(control_store, tmp_path, kind, ext):
    out = tmp_path / f"{kind}{ext}"
    r = CliRunner().invoke(
        cli, ["--store", str(control_store), "network", kind, "--min-confidence", "0", "--out", str(out)]
    )
    assert r.exit_code == 0, r.output
    g = (nx.read_graphml if ext == ".graphml" else nx.read_gexf)(out)
    if kind == "actors":
        assert g.number_of_nodes() >= 2
