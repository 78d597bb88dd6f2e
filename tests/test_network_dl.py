"""UCINET DL export: written, then read back by a small independent DL reader."""

from __future__ import annotations

import re
import shlex

import networkx as nx
import pytest
from network_fixtures import load

from kg import network as N


def read_dl(text: str) -> dict:
    """Parse the DL subset kg writes: header (n | nr, nc; format), quoted label lists, then a
    full matrix or an edge list. Returns {"rows", "cols", "format", "cells": {(row, col): value}}."""
    header, _, data = text.partition("\ndata:\n")
    lines = header.split("\n")
    fields = dict(re.findall(r"(\w+)\s*=\s*(\w+)", lines[0]))
    assert lines[0].startswith("dl ")
    sections: dict[str, list[str]] = {}
    current = None
    for line in lines[1:]:
        if line in ("labels:", "row labels:", "column labels:"):
            current = line[:-1]
            sections[current] = []
        else:
            (label,) = shlex.split(line)  # exactly one quoted label per line
            sections[current].append(label)
    rows = sections.get("labels") or sections["row labels"]
    cols = sections.get("labels") or sections["column labels"]
    n_rows, n_cols = (int(fields["n"]),) * 2 if "n" in fields else (int(fields["nr"]), int(fields["nc"]))
    assert (len(rows), len(cols)) == (n_rows, n_cols)
    cells = {}
    body = [line.split() for line in data.strip("\n").split("\n") if line]
    if fields["format"] == "fullmatrix":
        assert len(body) == n_rows and all(len(r) == n_cols for r in body)
        for i, values in enumerate(body):
            for j, v in enumerate(values):
                if float(v):
                    cells[(rows[i], cols[j])] = float(v)
    else:
        assert fields["format"] in ("edgelist1", "edgelist2")
        for i, j, v in body:
            cells[(rows[int(i) - 1], cols[int(j) - 1])] = float(v)
    return {"rows": rows, "cols": cols, "format": fields["format"], "cells": cells}


def expected_cells(G: nx.Graph) -> dict:
    label = lambda n: G.nodes[n]["label"]  # noqa: E731
    cells = {}
    for u, v, d in G.edges(data=True):
        cells[(label(u), label(v))] = pytest.approx(float(d["weight"]), abs=1e-6)
        if not G.is_directed():
            cells[(label(v), label(u))] = pytest.approx(float(d["weight"]), abs=1e-6)
    return cells


@pytest.fixture(scope="module")
def rows():
    return N.stance_rows(load("network_story.trig"))


@pytest.mark.parametrize("layout", ["fullmatrix", "edgelist"])
@pytest.mark.parametrize(
    "kind, options", [("actors", {}), ("congruence", {"normalization": "jaccard"}), ("subtract", {})]
)
def test_one_mode_round_trip(rows, tmp_path, kind, options, layout):
    G = N.VIEWS[kind](rows, **options)
    assert G.number_of_edges() > 0
    dl = read_dl(N.write_dl(G, tmp_path / "g.dl", layout=layout).read_text(encoding="utf-8"))
    assert dl["format"] == ("fullmatrix" if layout == "fullmatrix" else "edgelist1")
    assert sorted(dl["rows"]) == sorted(G.nodes[n]["label"] for n in G)
    assert dl["cells"] == expected_cells(G)


@pytest.mark.parametrize("layout", ["fullmatrix", "edgelist"])
def test_two_mode_round_trip(rows, tmp_path, layout):
    G = N.topic_network(rows, normalization="activity")
    dl = read_dl(
        N.write_network(G, tmp_path / "t.dl").read_text(encoding="utf-8")
        if layout == "fullmatrix"
        else N.write_dl(G, tmp_path / "t.dl", layout=layout).read_text(encoding="utf-8")
    )
    actors = [n for n in G if G.nodes[n]["kind"] == "actor"]
    targets = [n for n in G if G.nodes[n]["kind"] == "target"]
    assert (len(dl["rows"]), len(dl["cols"])) == (len(actors), len(targets))
    assert dl["format"] == ("fullmatrix" if layout == "fullmatrix" else "edgelist2")
    assert dl["cells"] == expected_cells(G)


def test_hostile_labels_stay_one_quoted_label_each(tmp_path):
    G = nx.Graph()
    names = {"a": 'The "Herald"', "b": "two\nlines\r\ndata:", "c": "", "d": "same", "e": "SAME", "f": "tab\there"}
    for n, label in names.items():
        G.add_node(n, label=label)
    G.add_edge("a", "b", weight=0.5)
    G.add_edge("d", "e", weight=-2)
    text = N.write_dl(G, tmp_path / "h.dl").read_text(encoding="utf-8")
    dl = read_dl(text)  # would fail on a stray quote or a label spilling over two lines
    assert set(dl["rows"]) == {"The 'Herald'", "two lines data:", "?", "same", "SAME (2)", "tab here"}
    assert dl["cells"][("The 'Herald'", "two lines data:")] == 0.5
    assert dl["cells"][("same", "SAME (2)")] == -2.0
    assert text.count("\ndata:\n") == 1


def test_big_networks_are_written_as_edge_lists(tmp_path):
    G = nx.path_graph(600)
    nx.set_node_attributes(G, {n: f"n{n}" for n in G}, "label")
    dl = read_dl(N.write_dl(G, tmp_path / "big.dl").read_text(encoding="utf-8"))
    assert dl["format"] == "edgelist1" and len(dl["cells"]) == 2 * 599
    with pytest.raises(ValueError):
        N.write_dl(G, tmp_path / "x.dl", layout="blockmatrix")
