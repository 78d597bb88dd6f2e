"""The disparity-filter backbone keeps a planted strong core and drops the noise around it."""

from __future__ import annotations

import random
from itertools import combinations

import networkx as nx
import pytest

from kg import network as N


def planted(directed: bool = False, seed: int = 7) -> tuple[nx.Graph, set, set]:
    """Five core actors tied strongly to each other (weight 20), each also tied weakly (1) to
    15 of 40 peripheral actors, who are tied weakly to each other at random."""
    rng = random.Random(seed)
    G = nx.DiGraph() if directed else nx.Graph()
    core = [f"core{i}" for i in range(5)]
    rim = [f"rim{i}" for i in range(40)]
    strong = set()
    for a, b in combinations(core, 2):
        for u, v in ((a, b), (b, a)) if directed else ((a, b),):
            G.add_edge(u, v, weight=20)
            strong.add((u, v))
    for c in core:
        for r in rng.sample(rim, 15):
            G.add_edge(c, r, weight=1)
            if directed:
                G.add_edge(r, c, weight=1)
    for _ in range(80):
        a, b = rng.sample(rim, 2)
        G.add_edge(a, b, weight=1)
    noise = {e for e in G.edges if e not in strong}
    return G, strong, noise


@pytest.mark.parametrize("directed", [False, True])
def test_keeps_the_planted_core_and_drops_the_noise(directed):
    G, strong, noise = planted(directed)
    B = N.disparity_backbone(G, alpha=0.05)
    kept = set(B.edges)
    assert strong <= kept
    assert not (noise & kept)
    assert set(B) == {u for e in strong for u in e}  # the periphery, left without edges, goes
    assert B.graph["backbone"] == "disparity" and B.graph["edges_before"] == G.number_of_edges()
    assert all(d["backbone_alpha"] < 0.05 for *_, d in B.edges(data=True))


def test_a_global_threshold_would_miss_a_small_actors_strong_tie():
    # a big hub with heavy ties everywhere, and a small pair whose only strong tie is weight 3
    G = nx.Graph()
    for i in range(20):
        G.add_edge("hub", f"h{i}", weight=10)
    G.add_edge("small", "partner", weight=3)
    for i in range(6):
        G.add_edge("small", f"s{i}", weight=0.1)
    B = N.disparity_backbone(G, alpha=0.05)
    assert B.has_edge("small", "partner")  # strong for "small", though lighter than any hub tie
    assert not any(B.has_edge("hub", f"h{i}") for i in range(20))  # the hub spreads evenly: no backbone


def test_signed_weights_count_by_their_size():
    G = nx.Graph()
    G.add_edge("a", "b", weight=-9)
    for i in range(5):
        G.add_edge("a", f"x{i}", weight=0.5)
    assert N.disparity_backbone(G, 0.05).has_edge("a", "b")


def test_attributes_survive_and_bad_alpha_is_refused():
    G, *_ = planted()
    nx.set_node_attributes(G, "Person", "type")
    B = N.disparity_backbone(G, 0.05)
    assert all(B.nodes[n]["type"] == "Person" for n in B)
    assert all(d["weight"] == 20 for *_, d in B.edges(data=True))
    assert N.disparity_backbone(G, 0.05, keep_isolates=True).number_of_nodes() == G.number_of_nodes()
    for alpha in (0, -1, 1.5):
        with pytest.raises(ValueError):
            N.disparity_backbone(G, alpha)
