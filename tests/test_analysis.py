"""Analyses (kg.analysis): centralities, camps, mixed signals, and mixed_signals.rq.

Fixtures are short illustrative articles written for these tests (tests/data/network_*.trig).
"""

from __future__ import annotations

import doctest
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from network_fixtures import DATA, EGYPT, GNA, HAFTAR, MAITEEQ, POMPEO, TRUMP, TURKEY, UN, US, A, S, load  # noqa: F401

import kg.analysis
import kg.corpus
import kg.extract.calibration
import kg.identity
import kg.ids
import kg.network.backbone
import kg.network.chart
import kg.network.dna
import kg.network.polarisation
import kg.network.rows
import kg.network.views
import kg.network.write
from kg import analysis as An
from kg import network as N

QUERY = Path(kg.__file__).parent / "queries" / "mixed_signals.rq"


@pytest.fixture(scope="module")
def story() -> ox.Store:
    return load("network_story.trig")


@pytest.fixture(scope="module")
def consistent() -> ox.Store:
    return load("network_consistent.trig")


@pytest.mark.parametrize(
    "module",
    [
        kg.ids,
        kg.identity,
        kg.corpus,
        kg.extract.calibration,
        kg.network.rows,
        kg.network.views,
        kg.network.write,
        kg.network.dna,
        kg.network.backbone,
        kg.network.polarisation,
        kg.network.chart,
        kg.analysis,
    ],
)
def test_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


# ------------------------------------------------------------------------------ centralities
def test_centralities_of_the_actor_network(story):
    G = N.actor_network(story)
    c = An.centralities(G)
    assert set(c) == set(G)
    assert set(c[HAFTAR]) >= {
        "label",
        "degree",
        "in_degree",
        "out_degree",
        "betweenness",
        "eigenvector",
        "pagerank",
        "degree_centrality",
        "weighted_degree",
    }
    # Haftar is the most targeted actor (Trump, Maiteeq, Pompeo, Egypt)
    assert c[HAFTAR]["in_degree"] == 4 == max(v["in_degree"] for v in c.values())
    assert c[MAITEEQ]["out_degree"] == 2 and c[MAITEEQ]["in_degree"] == 0
    assert c[HAFTAR]["betweenness"] > 0  # Trump/Maiteeq/... -> Haftar -> GNA
    assert sum(v["pagerank"] for v in c.values()) == pytest.approx(1.0)
    assert all(v["eigenvector"] is None or v["eigenvector"] >= 0 for v in c.values())


def test_centralities_of_undirected_and_signed_graphs(story):
    G = N.subtract_network(N.stance_rows(story))  # negative weights
    c = An.centralities(G)
    assert all(v["in_degree"] == v["out_degree"] == v["degree"] for v in c.values())
    assert all(v["pagerank"] is not None and v["pagerank"] > 0 for v in c.values())
    assert An.centralities(nx.Graph()) == {}


# ------------------------------------------------------------------------------ camps
def balanced_graph() -> nx.Graph:
    """Two camps {a, b, c} and {d, e}: friends inside, enemies across."""
    G = nx.Graph()
    for u, v in [("a", "b"), ("b", "c"), ("a", "c"), ("d", "e")]:
        G.add_edge(u, v, weight=1.0)
    for u, v in [("a", "d"), ("c", "e"), ("b", "e")]:
        G.add_edge(u, v, weight=-2.0)
    G.add_node("loner")
    return G


def test_camps_on_a_balanced_signed_graph():
    G = balanced_graph()
    c = An.camps(G)
    assert c["a"] == c["b"] == c["c"] == 0  # the larger camp first
    assert c["d"] == c["e"] == 1
    assert c["loner"] == -1
    score = An.frustration(G, c)
    assert score["frustration"] == 0 and score["ratio"] == 0 and score["frustrated_edges"] == []
    assert An.signed_balance(G)["balanced"] is True


def test_camps_on_an_unbalanced_triangle():
    # friend of my friend is my enemy: at least one tie must be frustrated
    G = nx.Graph()
    G.add_edge("a", "b", weight=3)
    G.add_edge("b", "c", weight=2)
    G.add_edge("a", "c", weight=-1)
    result = An.signed_balance(G)
    assert result["balanced"] is False
    assert result["frustration"] == 1.0  # the cheapest tie to break is the weakest
    assert result["total"] == 6.0
    assert len(set(result["camps"].values())) == 1


def test_camps_recover_two_planted_camps():
    # 300 actors in two camps, a sparse random web of ties: friendly inside, hostile across
    import random

    rnd = random.Random(7)
    camp_of = {i: int(rnd.random() < 0.4) for i in range(300)}
    G = nx.Graph()
    while G.number_of_edges() < 900:
        u, v = rnd.randrange(300), rnd.randrange(300)
        if u != v:
            G.add_edge(u, v, weight=1.0 if camp_of[u] == camp_of[v] else -1.0)
    G = G.subgraph(max(nx.connected_components(G), key=len)).copy()
    result = An.signed_balance(G)
    assert result["balanced"]
    found = result["camps"]
    assert all((found[u] == found[v]) == (camp_of[u] == camp_of[v]) for u in G for v in (0, 1, 2) if v in G)
    assert set(found.values()) == {0, 1}


def test_camps_read_stance_counts_and_conflict_signs(story):
    G = N.actor_network(story)
    c = An.camps(G)
    # Trump and Egypt back Haftar, who attacks the GNA, backed by the US and Turkey
    assert c[TRUMP] == c[HAFTAR] == c[EGYPT]
    assert c[US] == c[GNA] == c[TURKEY] == c[MAITEEQ] == c[POMPEO] != c[HAFTAR]
    assert An.frustration(G, c)["frustration"] == 0
    # a conflict network's positive weights are hostile ties
    K = N.conflict_network(N.stance_rows(story))
    k = An.camps(K)
    assert k[HAFTAR] != k[UN] and k[HAFTAR] != k[US]


def test_signed_weights_combine_both_directions():
    G = nx.DiGraph()
    G.add_edge("a", "b", positive=2, negative=0, weight=2)
    G.add_edge("b", "a", positive=0, negative=1, weight=1)
    assert An.signed_weights(G) == {("a", "b"): 1.0}


# ------------------------------------------------------------------------------ mixed signals
def test_mixed_signals_third_party(story):
    found = An.mixed_signals(story)
    third = [f for f in found if f["kind"] == "third_party"]
    assert len(third) == 1
    f = third[0]
    assert (f["organisation"], f["organisation_label"]) == (US, "United States")
    assert (f["target"], f["third_party"]) == (GNA, HAFTAR)
    assert [s["stance"] for s in f["stances"]] == [S + "a2-s2", S + "a2-s3", S + "a1-s1"]
    parts = [(s["holder"], s["polarity"], s["target"]) for s in f["stances"]]
    assert parts == [
        ("United States", "positive", "Government of National Accord"),
        ("Khalifa Haftar", "negative", "Government of National Accord"),
        ("Donald Trump", "positive", "Khalifa Haftar"),
    ]
    assert all(s["quote"] for s in f["stances"])
    assert f["stances"][2]["quote"].startswith("Mr. Trump praised")
    assert "United States" in f["summary"] and "Khalifa Haftar" in f["summary"]


def test_mixed_signals_direct(story):
    direct = {f["organisation_label"]: f for f in An.mixed_signals(story) if f["kind"] == "direct"}
    # Trump (President of the US) for Haftar; Pompeo (of the State Department, part of the US) against
    us = direct["United States"]
    assert us["target"] == HAFTAR and [s["stance"] for s in us["stances"]] == [S + "a1-s1", S + "a3-s6"]
    assert us["voices"] == {"for": 1, "against": 1}
    assert {s["holder"] for s in us["stances"]} == {"Donald Trump", "Mike Pompeo"}
    # Turkey against Egypt in July and for it in August changed its mind: one voice, not two
    assert set(direct) == {"United States"}


def test_mixed_signals_respect_filters(story):
    kinds = [(f["kind"], f["organisation_label"]) for f in An.mixed_signals(story, min_confidence=0.5)]
    assert kinds == [("direct", "United States"), ("third_party", "United States")]
    assert An.mixed_signals(story, date_from="2019-05-01", direct=False) == []  # Trump's praise was in April
    assert [f["kind"] for f in An.mixed_signals(story, third_party=False)] == ["direct"]
    assert An.mixed_signals(story, min_count=4) == []


def test_no_mixed_signals_in_a_consistent_story(consistent):
    assert An.mixed_signals(consistent) == []


def test_rows_give_the_same_findings_as_the_store(story):
    from_store = An.mixed_signals(story)
    from_rows = An.mixed_signals(N.stance_rows(story))
    assert [(f["kind"], f["organisation_label"], f["stances"]) for f in from_store] == [
        (f["kind"], f["organisation_label"], f["stances"]) for f in from_rows
    ]


def test_a_government_speaks_for_its_country():
    """A government is part of its country (kg:partOf, as the store gives it in holder_orgs), so
    a voice of the government and a voice of the country are voices of one organisation."""

    def row(s, h, hl, t, tl, pol, orgs=()):
        return {
            "stance": s,
            "holder": h,
            "holder_label": hl,
            "holder_type": "Actor",
            "holder_orgs": list(orgs),
            "target": t,
            "target_label": tl,
            "target_type": "Actor",
            "target_kind": "actor",
            "polarity": pol,
            "quote": s,
        }

    rows = [
        row("s1", "ex:usa-government", "Government of the United States", "ex:gna", "GNA", "positive", orgs=["ex:usa"]),
        row("s2", "ex:haftar", "Haftar", "ex:gna", "GNA", "negative"),
        row("s3", "ex:trump", "Trump", "ex:haftar", "Haftar", "positive", orgs=["ex:usa"]),
        row("s4", "ex:usa", "United States", "ex:libya", "Libya", "neutral"),
    ]
    (f,) = An.mixed_signals(rows)
    assert f["kind"] == "third_party" and f["organisation"] == "ex:usa"


def test_many_voices_grow_the_work_linearly_not_by_pairs():
    """1,000 voices for and 1,000 against one target: one finding with every stance, found
    without enumerating the million pairs (this took seconds when pairs were listed)."""

    def row(s, h, pol):
        return {
            "stance": s,
            "holder": h,
            "holder_label": h,
            "holder_type": "Person",
            "holder_orgs": ["ex:org"],
            "target": "ex:t",
            "target_label": "T",
            "target_type": "Person",
            "target_kind": "actor",
            "polarity": pol,
            "quote": s,
        }

    rows = [row(f"p{i}", f"ex:a{i}", "positive") for i in range(1000)]
    rows += [row(f"n{i}", f"ex:b{i}", "negative") for i in range(1000)]
    (f,) = An.mixed_signals(rows, third_party=False)
    assert f["organisation"] == "ex:org" and f["voices"] == {"for": 1000, "against": 1000}
    assert len(f["stances"]) == 2000


# ------------------------------------------------------------------------------ the SPARQL twin
def run_rq(store: ox.Store, min_confidence: float | None = None) -> list[dict]:
    """The query file's rows; with ``min_confidence``, its threshold (the views') replaced."""
    from kg.extract.calibration import VIEW_MIN_CONFIDENCE

    text = QUERY.read_text(encoding="utf-8")
    if min_confidence is not None:
        lowered = text.replace(f">= {VIEW_MIN_CONFIDENCE})", f">= {min_confidence})")
        assert lowered != text
        text = lowered
    result = store.query(text, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    return [{n: (sol[n].value if sol[n] is not None else None) for n in names} for sol in result]


def _python_keys(findings: list[dict]) -> set[tuple]:
    return {(f["kind"], f["organisation"], f["target"], f.get("third_party")) for f in findings}


def test_query_file_finds_the_same_mixed_signals(story):
    rows = run_rq(story)
    # the query gives a row per organisation that explains a finding; Python names the most
    # specific one: every Python finding is a row, every row's organisation explains one
    sparql = {(r["kind"], r["organisation"], r["target"], r["thirdParty"]) for r in rows}
    assert _python_keys(An.mixed_signals(story)) <= sparql
    third = next(r for r in rows if r["kind"] == "third_party")
    assert third["organisationLabel"] == "United States"
    assert (third["targetLabel"], third["thirdPartyLabel"]) == ("Government of National Accord", "Khalifa Haftar")
    assert (third["holder1Label"], third["holder2Label"], third["holder3Label"]) == (
        "United States",
        "Khalifa Haftar",
        "Donald Trump",
    )
    assert third["quote3"].startswith("Mr. Trump praised")
    direct = [r for r in rows if r["kind"] == "direct" and r["organisationLabel"] == "United States"]
    assert [(r["holder1Label"], r["holder2Label"]) for r in direct] == [("Donald Trump", "Mike Pompeo")]
    assert (direct[0]["forVoices"], direct[0]["againstVoices"]) == ("1", "1")


def test_query_file_is_quiet_on_a_consistent_story(consistent):
    assert run_rq(consistent) == []


# ------------------------------------------------------------------------------ the seed, end to end
@pytest.fixture(scope="module")
def seed_store(seed_extraction, tmp_path_factory):
    from kg.store import open_store, put_extraction

    store = open_store(tmp_path_factory.mktemp("seed") / "store")  # with the gazetteer's graph
    put_extraction(store, seed_extraction, model="test")
    return store


def test_seed_python_and_sparql_agree(seed_store):
    # both asked for the stances of confidence 0.5 or more (the query file's own threshold, the
    # views', leaves out the seed story's attack, a rule stance calibrated at about 0.5)
    findings = An.mixed_signals(seed_store, min_confidence=0.5)
    assert findings
    sparql = {
        (r["kind"], r["organisation"], r["target"], r["thirdParty"]) for r in run_rq(seed_store, min_confidence=0.5)
    }
    assert _python_keys(findings) <= sparql
    assert all(s["quote"] for f in findings for s in f["stances"])


def test_seed_mixed_signals_find_the_us_case(seed_store):
    """The mixed-signals query finds the U.S. case on the seed."""
    findings = An.mixed_signals(seed_store)
    us = [f for f in findings if f["organisation_label"] == "Government of the United States"]
    assert us, [f["summary"] for f in findings]
    # the story: the U.S. backs the Tripoli government, Haftar attacks it, the U.S. President praises Haftar
    assert any(f["kind"] == "third_party" for f in us), [f["summary"] for f in us]
    # the query counts the stances the views draw (VIEW_MIN_CONFIDENCE): the attack in this story
    # is a rule stance calibrated at about 0.5, below it, so the query is asked at 0.5 here
    assert any(
        r["organisationLabel"] in ("United States", "Government of the United States")
        for r in run_rq(seed_store, min_confidence=0.5)
    )
