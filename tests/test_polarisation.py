"""Polarisation: high for two opposed camps, low for one consensual group; per window; files."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from itertools import combinations, permutations

import networkx as nx
import pytest

from kg import network as N


def row(n: int, holder: str, target: str, polarity: str, day: str, kind: str = "actor") -> dict:
    return {
        "stance": f"s{n}-{holder}-{target}-{day}",
        "holder": holder,
        "holder_label": holder,
        "holder_type": "Person",
        "target": target,
        "target_label": target,
        "target_type": "Topic" if kind == "topic" else "Person",
        "target_kind": kind,
        "polarity": polarity,
        "confidence": 0.9,
        "date": day,
        "article": f"art-{day}",
    }


LEFT, RIGHT = ["l1", "l2", "l3"], ["r1", "r2", "r3"]


def divided(day: str) -> list[dict]:
    """Two camps: each supports its own members and the reform or opposes it, and criticises
    the other camp."""
    rows = []
    for camp, other, pol in ((LEFT, RIGHT, "positive"), (RIGHT, LEFT, "negative")):
        for a, b in permutations(camp, 2):
            rows.append(row(len(rows), a, b, "positive", day))
        for a in camp:
            rows.append(row(len(rows), a, "reform", pol, day, "topic"))
            for b in other:
                rows.append(row(len(rows), a, b, "negative", day))
    return rows


def consensual(day: str) -> list[dict]:
    """Six actors who all support the reform and praise each other."""
    rows = []
    for a in LEFT + RIGHT:
        rows.append(row(len(rows), a, "reform", "positive", day, "topic"))
    for a, b in combinations(LEFT + RIGHT, 2):
        rows.append(row(len(rows), a, b, "positive", day))
    return rows


@pytest.mark.parametrize("ties", ["both", "agreement", "direct"])
def test_two_opposed_camps_are_polarised(ties):
    p = N.measure_polarisation(N.tie_network(divided("2019-03-01"), ties=ties))
    assert p["polarisation"] > 0.9
    camps = p["camps"]
    assert len({camps[a] for a in LEFT}) == 1 and len({camps[a] for a in RIGHT}) == 1
    assert camps["l1"] != camps["r1"] and p["frustration"] == 0.0
    assert sorted(p["camp_sizes"]) == [3, 3]


@pytest.mark.parametrize("ties", ["both", "agreement", "direct"])
def test_a_consensual_group_is_not(ties):
    p = N.measure_polarisation(N.tie_network(consensual("2019-01-01"), ties=ties))
    assert p["polarisation"] < 0.1
    assert p["camp_sizes"] == [6, 0]


def test_a_lone_dissenter_divides_less_than_two_blocs():
    rows = consensual("2019-01-01") + [row(999, "x", a, "negative", "2019-01-01") for a in LEFT + RIGHT]
    lone = N.measure_polarisation(N.tie_network(rows))["polarisation"]
    blocs = N.measure_polarisation(N.tie_network(divided("2019-01-01")))["polarisation"]
    assert 0 < lone < blocs


def test_the_baseline_takes_out_what_sparsity_alone_gives():
    # a long chain of allies splits neatly in two (high modularity) with no hostility at all
    chain = [row(i, f"a{i}", f"a{i + 1}", "positive", "2019-01-01") for i in range(40)]
    p = N.measure_polarisation(N.tie_network(chain, ties="direct"), null=5)
    assert p["polarisation"] > 0.9
    assert p["baseline"] == pytest.approx(p["polarisation"], abs=1e-5) and abs(p["excess"]) < 1e-5
    # two opposed camps: shuffling which ties are hostile destroys most of the division
    q = N.measure_polarisation(N.tie_network(divided("2019-01-01")), null=10)
    assert q["excess"] > 0.3 and q["baseline"] < q["polarisation"]
    assert (
        N.measure_polarisation(N.tie_network(divided("2019-01-01")), null=10, seed=3)["baseline"]
        == N.measure_polarisation(N.tie_network(divided("2019-01-01")), null=10, seed=3)["baseline"]
    )
    assert N.measure_polarisation(nx.Graph(), null=5)["baseline"] is None


def test_tie_network_counts():
    G = N.tie_network(divided("2019-03-01"))
    e = G.edges["l1", "r1"]
    # l1 and r1 criticise each other (2) and take opposite sides on the reform, on l2, l3, r2
    # and r3 (5 conflicts); they take no side in common
    assert (e["opposition"], e["conflict"], e["negative"], e["positive"]) == (2, 5, 7.0, 0.0)
    f = G.edges["l1", "l2"]
    # support each other (2); both support the reform and l3 and oppose r1, r2, r3 (5)
    assert (f["support"], f["congruence"]) == (2, 5)
    with pytest.raises(ValueError):
        N.tie_network([], ties="enemies")


def test_two_camps_on_a_big_sparse_network_is_quick_and_right():
    # 600 actors in two camps: positive ties inside, negative across, each actor with ~6 ties
    import random

    rng = random.Random(1)
    G = nx.Graph()
    nodes = list(range(600))
    for _ in range(1800):
        a, b = rng.sample(nodes, 2)
        G.add_edge(a, b, weight=1 if (a < 300) == (b < 300) else -1)
    camps, q = N.two_camps(G)
    assert q == pytest.approx(0.5, abs=0.05)
    assert len({camps[n] for n in G if n < 300}) == 1 and len({camps[n] for n in G if n >= 300}) == 1


def test_series_rises_when_the_actors_split(tmp_path):
    rows = consensual("2019-01-10") + divided("2019-03-10")
    series = N.polarisation_series(rows, "month")
    assert [s["start"] for s in series] == ["2019-01-01", "2019-02-01", "2019-03-01"]
    jan, feb, mar = (s["polarisation"] for s in series)
    assert jan < 0.1 and feb is None and mar > 0.9
    assert series[0]["stances"] == len(consensual("x")) and series[1]["ties"] == 0
    assert list(series[0]) == list(N.SERIES_COLUMNS)
    # 30-day windows from the first date
    assert [s["start"] for s in N.polarisation_series(rows, 30)][:2] == ["2019-01-10", "2019-02-09"]

    table = N.write_polarisation(series, tmp_path / "pol.csv")
    with open(table, newline="", encoding="utf-8") as fh:
        written = list(csv.DictReader(fh))
    assert [w["polarisation"] for w in written] == [str(jan), "", str(mar)]
    assert float(written[2]["excess"]) == pytest.approx(mar - float(written[2]["baseline"]), abs=1e-6)
    assert set(written[2]["camp_0"].split("; ")) in ({"l1", "l2", "l3"}, {"r1", "r2", "r3"})


def test_svg_chart_is_well_formed_and_escapes_labels(tmp_path):
    rows = divided("2019-03-10")
    for r in rows:  # a hostile actor name from an article
        if r["holder"] == "l1":
            r["holder_label"] = '<script>alert("x")</script> & co'
    series = N.polarisation_series(consensual("2019-01-10") + rows, "month")
    path = N.write_polarisation(series, tmp_path / "pol.svg")
    text = path.read_text(encoding="utf-8")
    root = ET.fromstring(text)  # well-formed XML, or this raises
    assert root.tag.endswith("svg") and "<script>" not in text
    tips = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
    assert any('<script>alert("x")</script> & co' in (t or "") for t in tips)  # readable, as text
    assert len(root.findall("{http://www.w3.org/2000/svg}circle")) == 2  # February has no point
    assert len(root.findall("{http://www.w3.org/2000/svg}polyline")) == 0  # no two windows in a row
    assert "baseline" in text
    with pytest.raises(ValueError):
        N.write_polarisation(series, tmp_path / "pol.png")
