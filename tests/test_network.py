"""Network views (kg.network) on short illustrative articles written for these tests.

The fixture (tests/data/network_story.trig) holds four articles; the expected numbers below
are worked out by hand from it (see the comments).
"""

from __future__ import annotations

import csv
import json
import math
from datetime import date
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from network_fixtures import DATA, EGYPT, GNA, HAFTAR, MAITEEQ, POMPEO, TRUMP, TURKEY, UN, US, A, S, load  # noqa: F401

from kg import network as N

CEASEFIRE = "https://w3id.org/kg-stance/id/topic/ceasefire"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return load("network_story.trig")


@pytest.fixture(scope="module")
def rows(store) -> list[dict]:
    return N.stance_rows(store)


def by_stance(rows: list[dict]) -> dict[str, dict]:
    return {r["stance"]: r for r in rows}


def edge_weights(G: nx.Graph) -> dict[frozenset, float]:
    return {frozenset((u, v)): d["weight"] for u, v, d in G.edges(data=True)}


# ------------------------------------------------------------------------------ rows
def test_stance_rows_read_every_stance_with_its_context(rows):
    assert len(rows) == 15
    r = by_stance(rows)
    us_gna = r[S + "a2-s2"]
    assert (us_gna["holder_label"], us_gna["holder_type"]) == ("United States", "Country")
    assert (us_gna["target_label"], us_gna["target_type"], us_gna["target_kind"]) == (
        "Government of National Accord",
        "Government",
        "actor",
    )
    assert us_gna["polarity"] == "positive" and us_gna["confidence"] == pytest.approx(0.8)
    assert us_gna["date"] == "2019-06-06" and us_gna["article_id"] == "a2"
    assert us_gna["article_title"] == "Libyan official questions U.S. policy"
    assert us_gna["reported_by_label"] == "Ahmed Maiteeq" and us_gna["cue"] == "supports"
    assert us_gna["quote"].startswith("the U.S. still supports")
    # no evidence span: the quote falls back to the statement's content
    assert r[S + "a2-s4"]["quote"] == "Haftar cannot be trusted."
    assert r[S + "a2-s4"]["statement"].endswith("a2-q1")
    topic = r[S + "a3-s10"]
    keys = ("target", "topic", "target_label", "target_type", "target_kind")
    assert tuple(topic[k] for k in keys) == (CEASEFIRE, CEASEFIRE, "ceasefire", "Topic", "topic")


def test_rows_carry_roles_and_organisations_transitively(rows):
    r = by_stance(rows)
    pompeo = r[S + "a3-s6"]
    assert pompeo["holder_roles"] == ["Secretary of State (State Department)"]
    # a member of the State Department, which is part of the United States
    assert pompeo["holder_orgs"] == [A + "state-department", US]
    assert r[S + "a1-s1"]["holder_roles"] == ["President (United States)"]
    assert r[S + "a2-s4"]["holder_roles"] == ["Deputy Prime Minister (Government of National Accord)"]
    # a post with no organisation is a role, and ties the holder to nothing
    assert r[S + "a2-s3"]["holder_roles"] == ["Field Marshal"]
    assert r[S + "a2-s3"]["holder_orgs"] == [] and r[S + "a1-s1"]["target_orgs"] == []


def test_rows_of_an_empty_store():
    assert N.stance_rows(ox.Store()) == []
    assert N.actor_network(ox.Store()).number_of_nodes() == 0


# ------------------------------------------------------------------------------ actor network
def test_actor_network_edges_and_colours(store):
    G = N.actor_network(store)
    assert isinstance(G, nx.DiGraph)
    # 9 holder/target pairs between actors; the 4 stances on the ceasefire topic are left out
    assert G.number_of_edges() == 9
    assert CEASEFIRE not in G and UN not in G
    e = G.edges[TRUMP, HAFTAR]
    assert (e["positive"], e["negative"], e["neutral"], e["count"], e["weight"]) == (1, 0, 0, 1, 1)
    assert e["mean_polarity"] == 1.0 and e["sign"] == 1
    assert e["evidence"][0]["quote"].startswith("Mr. Trump praised")
    assert e["evidence"][0]["article_title"] == "White House readout of the call"
    e = G.edges[MAITEEQ, HAFTAR]  # two negative stances in one article
    assert (e["negative"], e["count"], e["weight"], e["mean_polarity"]) == (2, 2, 2, -1.0)
    assert sorted(e["stances"]) == [S + "a2-s4", S + "a2-s4b"]
    assert {ev["quote"] for ev in e["evidence"]} == {
        "Haftar cannot be trusted.",
        "Talking with Haftar is out of the question.",
    }
    e = G.edges[TURKEY, EGYPT]  # one negative, then one positive a month later
    assert (e["positive"], e["negative"], e["mean_polarity"], e["sign"]) == (1, 1, 0.0, 0)
    assert (e["first_date"], e["last_date"]) == ("2019-07-10", "2019-08-02")
    assert G.edges[MAITEEQ, TRUMP]["neutral"] == 1
    assert G.edges[US, GNA]["evidence"][0]["reported_by"] == "Ahmed Maiteeq"


def test_actor_network_nodes(store):
    G = N.actor_network(store)
    m = G.nodes[MAITEEQ]
    assert (m["label"], m["type"], m["iri"]) == ("Ahmed Maiteeq", "Person", MAITEEQ)
    assert m["roles"] == ["Deputy Prime Minister (Government of National Accord)"]
    assert m["statements"] == 3  # one quote (a2-q1) and two stances without a statement
    assert (m["stances_out"], m["stances_in"]) == (3, 0)
    h = G.nodes[HAFTAR]
    assert (h["stances_out"], h["stances_in"]) == (1, 5)
    assert G.nodes[GNA]["type"] == "Government" and G.nodes[US]["type"] == "Country"


@pytest.mark.parametrize(
    "filters, expected",
    [
        # A1 (April) drops out
        ({"date_from": "2019-06-01"}, 8),
        ({"date_from": date(2019, 6, 1), "date_to": "2019-06-30"}, 4),
        # persons only: Trump->Haftar, Maiteeq->Haftar, Maiteeq->Trump, Pompeo->Haftar
        ({"actor_types": ["Person"]}, 4),
        ({"actor_types": ["person", "government"]}, 5),  # + Haftar->GNA
        # the neutral 0.4 stance goes; Turkey->Egypt keeps its positive stance only
        ({"min_confidence": 0.5}, 8),
        ({"min_count": 2}, 2),
        # everything that touches Haftar, by label or by IRI
        ({"actors": ["Khalifa Haftar"]}, 5),
        ({"actors": [HAFTAR]}, 5),
        ({"actors": ["khalifa haftar", "Turkey"]}, 7),
    ],
)
def test_actor_network_filters(store, filters, expected):
    assert N.actor_network(store, **filters).number_of_edges() == expected


def test_filters_change_counts_not_only_edges(store):
    G = N.actor_network(store, min_confidence=0.5)
    e = G.edges[TURKEY, EGYPT]
    assert (e["positive"], e["negative"], e["mean_polarity"]) == (1, 0, 1.0)
    assert MAITEEQ not in N.actor_network(store, min_count=2, actor_types=["Country"])


def test_views_accept_rows_as_well_as_a_store(store, rows):
    a, b = N.actor_network(store), N.actor_network(rows)
    assert sorted(a.edges) == sorted(b.edges)
    assert dict(a.nodes(data=True)) == dict(b.nodes(data=True))


# ------------------------------------------------------------------------------ two-mode
def test_topic_network_is_two_mode(store):
    G = N.topic_network(store)
    assert G.number_of_edges() == 13  # 9 actor targets + 4 ceasefire stances
    for u, v in G.edges:
        assert G.nodes[u]["bipartite"] == 0 and G.nodes[u]["kind"] == "actor"
        assert G.nodes[v]["bipartite"] == 1 and G.nodes[v]["kind"] == "target"
    cease = G.nodes["target:" + CEASEFIRE]
    assert (cease["label"], cease["type"], cease["target_kind"], cease["stances_in"]) == (
        "ceasefire",
        "Topic",
        "topic",
        4,
    )
    assert sorted(G.predecessors("target:" + CEASEFIRE)) == sorted([UN, MAITEEQ, HAFTAR, EGYPT])
    assert G.edges[HAFTAR, "target:" + CEASEFIRE]["negative"] == 1
    # Haftar is both a holder and a target: one node per mode
    assert HAFTAR in G and "target:" + HAFTAR in G
    assert G.nodes["target:" + HAFTAR]["iri"] == HAFTAR
    assert N.topic_network(store, actor_types=["InternationalOrganization"]).number_of_edges() == 1


# ------------------------------------------------------------------------------ DNA one-mode views
# Binary (target, polarity) sets, neutral left out:
#   Trump {(Haftar,+)}  US {(GNA,+)}  Pompeo {(Haftar,-)}  UN {(ceasefire,+)}
#   Haftar {(GNA,-), (ceasefire,-)}  Maiteeq {(Haftar,-), (ceasefire,+)}
#   Egypt {(Haftar,+), (ceasefire,+)}  Turkey {(GNA,+), (Egypt,-), (Egypt,+)}
def test_congruence_counts_and_normalisations(rows):
    none = N.congruence_network(rows)
    pairs = {frozenset((none.nodes[u]["label"], none.nodes[v]["label"])) for u, v in none.edges}
    assert pairs == {
        frozenset(p)
        for p in [
            ("Donald Trump", "Egypt"),
            ("United States", "Turkey"),
            ("Ahmed Maiteeq", "Mike Pompeo"),
            ("Ahmed Maiteeq", "Egypt"),
            ("Ahmed Maiteeq", "United Nations"),
            ("Egypt", "United Nations"),
        ]
    }
    assert set(edge_weights(none).values()) == {1.0}
    expected = {
        # Maiteeq & Egypt share (ceasefire,+); n=2 and 2; m10=1, m01=1, m11=1
        frozenset((MAITEEQ, EGYPT)): {"average": 1 / 2, "jaccard": 1 / 3, "cosine": 1 / 2},
        # Trump & Egypt share (Haftar,+); n=1 and 2; m10=0, m01=1
        frozenset((TRUMP, EGYPT)): {"average": 1 / 1.5, "jaccard": 1 / 2, "cosine": 1 / math.sqrt(2)},
        # US & Turkey share (GNA,+); n=1 and 3; m01=2
        frozenset((US, TURKEY)): {"average": 1 / 2, "jaccard": 1 / 3, "cosine": 1 / math.sqrt(3)},
    }
    for norm in ("average", "jaccard", "cosine"):
        w = edge_weights(N.congruence_network(rows, normalization=norm))
        for pair, values in expected.items():
            assert w[pair] == pytest.approx(values[norm], abs=1e-6), (norm, pair)
    e = none.edges[TRUMP, EGYPT]
    assert e["targets"] == ["Khalifa Haftar"] and e["count"] == 1 and e["sign"] == 1
    assert sorted(e["stances"]) == [S + "a1-s1", S + "a3-s7"]
    assert {ev["holder"] for ev in e["evidence"]} == {"Donald Trump", "Egypt"}
    assert none.nodes[MAITEEQ]["concepts"] == 2  # the neutral stance towards Trump takes no side


def test_conflict_counts_and_normalisations(rows):
    G = N.conflict_network(rows)
    assert G.number_of_edges() == 9
    assert G.edges[HAFTAR, UN]["targets"] == ["ceasefire"]
    assert G.edges[HAFTAR, UN]["sign"] == -1 and G.edges[HAFTAR, UN]["weight"] == 1.0
    assert G.edges[TRUMP, POMPEO]["targets"] == ["Khalifa Haftar"]
    # Haftar (n=2) against the UN (n=1) on the ceasefire; nothing shared (m11=0)
    for norm, value in {"average": 1 / 1.5, "jaccard": 1 / 3, "cosine": 1 / math.sqrt(2)}.items():
        H = N.conflict_network(rows, normalization=norm)
        assert H.edges[HAFTAR, UN]["weight"] == pytest.approx(value, abs=1e-6)
    assert G.graph["kind"] == "conflict" and G.graph["normalization"] == "none"


def test_subtract_is_congruence_minus_conflict(rows):
    for norm in ("none", "average", "jaccard", "cosine"):
        cong = edge_weights(N.congruence_network(rows, normalization=norm))
        conf = edge_weights(N.conflict_network(rows, normalization=norm))
        sub = edge_weights(N.subtract_network(rows, normalization=norm))
        for pair in set(cong) | set(conf):
            diff = cong.get(pair, 0.0) - conf.get(pair, 0.0)
            if abs(diff) < 1e-9:
                assert pair not in sub  # agreement and disagreement cancel out
            else:
                assert sub[pair] == pytest.approx(diff, abs=1e-5)
    G = N.subtract_network(rows)
    assert G.number_of_edges() == 13
    assert not G.has_edge(MAITEEQ, EGYPT)  # agree on the ceasefire, disagree on Haftar
    assert G.edges[HAFTAR, US]["weight"] == -1.0 and G.edges[HAFTAR, US]["sign"] == -1
    assert G.edges[MAITEEQ, POMPEO]["weight"] == 1.0


def test_one_mode_filters_and_bad_normalisation(rows):
    assert N.congruence_network(rows, min_count=2).number_of_edges() == 0
    G = N.conflict_network(rows, actors=["Khalifa Haftar", "United Nations"])
    assert sorted(G.nodes) == sorted([HAFTAR, UN])
    with pytest.raises(ValueError):
        N.congruence_network(rows, normalization="bogus")


# ------------------------------------------------------------------------------ time slices
def test_monthly_slices(store):
    slices = N.time_slices(N.actor_network, store, "month")
    assert [(str(s), str(e)) for s, e, _ in slices] == [
        ("2019-04-01", "2019-04-30"),
        ("2019-05-01", "2019-05-31"),
        ("2019-06-01", "2019-06-30"),
        ("2019-07-01", "2019-07-31"),
        ("2019-08-01", "2019-08-31"),
    ]
    assert [g.number_of_edges() for *_, g in slices] == [1, 0, 4, 4, 1]
    july = slices[3][2]
    assert july.edges[TURKEY, EGYPT]["negative"] == 1 and july.edges[TURKEY, EGYPT]["positive"] == 0
    assert july.graph["start"] == "2019-07-01" and july.graph["end"] == "2019-07-31"


def test_other_windows_and_options(rows):
    assert len(N.time_slices(N.actor_network, rows, "year")) == 1
    weeks = N.time_slices(N.actor_network, rows, "week")
    assert weeks[0][0] == date(2019, 4, 15) and weeks[0][0].weekday() == 0
    assert sum(g.number_of_edges() for *_, g in weeks) == 10  # Turkey->Egypt twice, in two weeks
    days = N.time_slices(N.actor_network, rows, 60)
    assert days[0][:2] == (date(2019, 4, 19), date(2019, 6, 17))
    cong = N.time_slices(N.congruence_network, rows, "month", normalization="jaccard", min_confidence=0.5)
    assert all(g.graph["normalization"] == "jaccard" for *_, g in cong)
    assert (
        N.time_slices(N.actor_network, rows, "month", date_from="2019-06-01", date_to="2019-06-30")[0][
            2
        ].number_of_edges()
        == 4
    )
    with pytest.raises(ValueError):
        N.time_slices(N.actor_network, rows, "fortnight")


# ------------------------------------------------------------------------------ writing
def test_graphml_round_trip(store, tmp_path):
    G = N.actor_network(store)
    path = N.write_network(G, tmp_path / "a.graphml")
    H = nx.read_graphml(path)
    assert H.number_of_edges() == 9 and H.is_directed()
    e = H.edges[MAITEEQ, HAFTAR]
    assert e["negative"] == 2 and json.loads(e["stances"]) == G.edges[MAITEEQ, HAFTAR]["stances"]
    assert json.loads(e["evidence"])[0]["quote"]
    assert json.loads(H.nodes[MAITEEQ]["roles"]) == ["Deputy Prime Minister (Government of National Accord)"]
    assert H.nodes[MAITEEQ]["label"] == "Ahmed Maiteeq"


def test_graphml_written_as_networkx_writes_it(rows, tmp_path):
    """The streamed writer gives what networkx's own writer gives, types included, for every kind
    of view (awkward values too: a control character, markup, a bool, mixed int/float)."""
    from kg.network.write import flat_copy

    for G in (N.actor_network(rows), N.topic_network(rows), N.subtract_network(rows)):
        G.graph["note"] = "<b>x</b>\x01"
        first = next(iter(G.edges))
        G.edges[first]["flag"] = True
        ours = nx.read_graphml(N.write_network(G, tmp_path / "ours.graphml"))
        theirs_path = tmp_path / "theirs.graphml"
        nx.write_graphml(flat_copy(G, xml=True), theirs_path, encoding="utf-8")
        theirs = nx.read_graphml(theirs_path)
        assert ours.graph == theirs.graph and ours.is_directed() == theirs.is_directed()
        assert dict(ours.nodes(data=True)) == dict(theirs.nodes(data=True))
        assert {(u, v): d for u, v, d in ours.edges(data=True)} == {(u, v): d for u, v, d in theirs.edges(data=True)}


def test_one_mode_files_list_targets_not_stances(rows, tmp_path):
    """A one-mode edge cites its shared targets and how many stances back it; the stances are
    the event list's rows (one stance backs many one-mode edges)."""
    G = N.congruence_network(rows, min_confidence=0)
    assert G.number_of_edges()
    H = nx.read_graphml(N.write_network(G, tmp_path / "c.graphml"))
    with open(N.write_network(G, tmp_path / "c.csv"), newline="", encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    assert len(table) == G.number_of_edges()
    for u, v, d in G.edges(data=True):
        e = H.edges[u, v]
        assert "evidence" not in e and "stances" not in e
        assert e["stance_count"] == len(d["stances"]) > 0
        assert json.loads(e["target_iris"]) == d["target_iris"]
    assert "evidence" not in table[0] and int(table[0]["stance_count"]) > 0


def test_gexf_round_trip(rows, tmp_path):
    G = N.conflict_network(rows, normalization="jaccard")
    H = nx.read_gexf(N.write_network(G, tmp_path / "c.gexf"))
    assert H.number_of_edges() == G.number_of_edges()
    assert H.nodes[HAFTAR]["label"] == "Khalifa Haftar"
    weights = {frozenset((u, v)): float(d["weight"]) for u, v, d in H.edges(data=True)}
    assert weights[frozenset((HAFTAR, UN))] == pytest.approx(1 / 3, abs=1e-5)


def test_csv_edge_list_round_trip(store, tmp_path):
    G = N.actor_network(store)
    path = N.write_network(G, tmp_path / "e.csv")
    with open(path, newline="", encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    H = nx.DiGraph((r["source"], r["target"], {"negative": int(r["negative"])}) for r in table)
    assert sorted(H.edges) == sorted(G.edges)
    row = next(r for r in table if r["source_label"] == "Ahmed Maiteeq" and r["target_label"] == "Khalifa Haftar")
    assert row["negative"] == "2" and len(json.loads(row["stances"])) == 2
    assert list(table[0])[:4] == ["source", "target", "source_label", "target_label"]


def test_csv_cells_cannot_become_spreadsheet_formulas(tmp_path):
    G = nx.DiGraph()
    G.add_edge("a", "b", weight=1, quote='=HYPERLINK("http://x")')
    with open(N.write_network(G, tmp_path / "x.csv"), newline="", encoding="utf-8") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["quote"].startswith("'=")


def test_html_goes_through_kg_viz(store, tmp_path):
    path = N.write_network(N.actor_network(store), tmp_path / "a.html", title="Actors")
    page = Path(path).read_text(encoding="utf-8")
    assert "Khalifa Haftar" in page
    assert "<img src=x onerror" not in page  # the quote holding it is escaped


def test_unknown_format(store, tmp_path):
    with pytest.raises(ValueError):
        N.write_network(N.actor_network(store), tmp_path / "a.pdf")
