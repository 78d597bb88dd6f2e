"""Analyses of the stance networks: centralities, camps (structural balance), mixed signals.

- :func:`centralities` — degree, in/out degree, betweenness, eigenvector and PageRank per node;
- :func:`camps` — signed community detection: actors split into camps so that as few positive
  ties as possible cross camps and as few negative ties as possible stay inside one
  (structural balance); :func:`frustration` scores a split, :func:`signed_balance` does both;
- :func:`mixed_signals` — organisations whose members or parts take stances that cannot all
  hold: opposite stances towards the same target ("direct"), or backing a target while also
  backing someone who attacks it ("third party"). ``kg/queries/mixed_signals.rq`` asks the
  store the same question in SPARQL.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import networkx as nx

from kg.network import POLARITY_SIGN, local_name, resolve_rows, stance_evidence

# ------------------------------------------------------------------------------ centralities
BETWEENNESS_EXACT_UP_TO = 500
BETWEENNESS_SAMPLE = 200


def _abs_weights(G: nx.Graph, weight: str = "weight") -> nx.Graph:
    """A copy with non-negative weights (|weight|, 1 when missing): PageRank and eigenvector
    centrality need them, and a subtract network's negative weights still mean a tie."""
    H = G.__class__()
    H.add_nodes_from(G.nodes)
    for u, v, d in G.edges(data=True):
        w = d.get(weight, 1)
        H.add_edge(u, v, weight=abs(float(w)) if w is not None else 1.0)
    return H


def centralities(G: nx.Graph, weight: str = "weight") -> dict[Hashable, dict[str, Any]]:
    """Centralities of every node, as plain dicts.

    Parameters
    ----------
    G : networkx.Graph or DiGraph
        A view from :mod:`kg.network`.
    weight : str
        Edge attribute used (as absolute value) by ``weighted_degree``, ``eigenvector`` and
        ``pagerank``; betweenness counts hops (a stronger tie is not a longer path) and is
        estimated from 200 sampled sources (seeded, so repeatable) above 500 nodes.

    Returns
    -------
    dict
        node -> ``{"label", "degree", "in_degree", "out_degree", "weighted_degree",
        "degree_centrality", "betweenness", "eigenvector", "pagerank"}``. In an undirected
        graph in/out degree equal the degree. ``eigenvector`` is computed on the undirected
        graph (directed stance networks are often acyclic, where it is undefined) and is None
        where it does not converge.

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("c", "b")])
    >>> c = centralities(G)
    >>> c["b"]["in_degree"], c["a"]["out_degree"], round(c["b"]["pagerank"], 2) > round(c["a"]["pagerank"], 2)
    (2, 1, True)
    """
    if G.number_of_nodes() == 0:
        return {}
    H = _abs_weights(G, weight)
    directed = G.is_directed()
    degree_c = nx.degree_centrality(G) if G.number_of_nodes() > 1 else {n: 0.0 for n in G}
    # exact betweenness costs O(nodes x edges) in pure Python: estimate it from a fixed
    # sample of sources on large graphs
    sample = None if G.number_of_nodes() <= BETWEENNESS_EXACT_UP_TO else BETWEENNESS_SAMPLE
    between = nx.betweenness_centrality(G, k=sample, seed=0)
    try:
        pagerank = nx.pagerank(H, weight="weight")
    except Exception:  # noqa: BLE001 - e.g. no convergence: report None rather than fail
        pagerank = {}
    U = H.to_undirected() if directed else H
    eigen: dict[Hashable, float] = {}
    if U.number_of_edges():
        try:
            eigen = nx.eigenvector_centrality(U, weight="weight", max_iter=1000, tol=1e-8)
        except (nx.PowerIterationFailedConvergence, nx.NetworkXException):
            eigen = {}
    out: dict[Hashable, dict[str, Any]] = {}
    for n in G:
        wdeg = H.degree(n, weight="weight")
        out[n] = {
            "label": G.nodes[n].get("label", n),
            "degree": G.degree(n),
            "in_degree": G.in_degree(n) if directed else G.degree(n),
            "out_degree": G.out_degree(n) if directed else G.degree(n),
            "weighted_degree": float(wdeg),
            "degree_centrality": degree_c.get(n, 0.0),
            "betweenness": between.get(n, 0.0),
            "eigenvector": eigen.get(n),
            "pagerank": pagerank.get(n),
        }
    return out


# ------------------------------------------------------------------------------ camps
def signed_weights(G: nx.Graph) -> dict[tuple[Hashable, Hashable], float]:
    """The undirected signed tie between each pair of nodes.

    For stance edges (with ``positive``/``negative`` counts) the tie is positive minus
    negative stances; otherwise ``sign`` x |``weight``| (so a conflict network's edges count as
    hostile), or ``weight`` as is. Both directions of a pair are added up; pairs are sorted
    tuples of nodes (by ``str``).
    """
    ties: dict[tuple[Hashable, Hashable], float] = defaultdict(float)
    for u, v, d in G.edges(data=True):
        if u == v:
            continue
        if "positive" in d and "negative" in d:
            w = float(d["positive"]) - float(d["negative"])
        elif "sign" in d and d.get("weight") is not None:
            w = float(d["sign"]) * abs(float(d["weight"]))
        else:
            w = float(d.get("weight", 1.0))
        key = (u, v) if str(u) <= str(v) else (v, u)
        ties[key] += w
    return {k: w for k, w in ties.items() if w != 0}


def frustration(G: nx.Graph, partition: Mapping[Hashable, int]) -> dict[str, Any]:
    """How far a split into camps is from structural balance.

    An edge is *frustrated* when it is positive between camps or negative inside one.

    Returns
    -------
    dict
        ``frustration`` (sum of |tie| over frustrated edges: the frustration index of this
        split), ``total`` (sum of all |tie|), ``ratio`` (frustration / total, 0 = balanced),
        ``frustrated_edges`` (list of (u, v, tie)).

    Examples
    --------
    >>> G = nx.Graph(); G.add_edge("a", "b", weight=1); G.add_edge("b", "c", weight=-1)
    >>> frustration(G, {"a": 0, "b": 0, "c": 1})["frustration"]
    0.0
    >>> frustration(G, {"a": 0, "b": 1, "c": 1})["frustration"]
    2.0
    """
    ties = signed_weights(G)
    bad = []
    total = 0.0
    for (u, v), w in sorted(ties.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1]))):
        total += abs(w)
        same = partition.get(u, -1) == partition.get(v, -2)
        if (w > 0 and not same) or (w < 0 and same):
            bad.append((u, v, w))
    value = float(sum(abs(w) for _, _, w in bad))
    return {"frustration": value, "total": total, "ratio": value / total if total else 0.0, "frustrated_edges": bad}


def _tree_sides(nodes: list[Hashable], ties: Mapping[tuple[Hashable, Hashable], float]) -> dict[Hashable, float]:
    """Sides read off the strongest ties: along a maximum spanning tree (by |tie|) a positive
    tie keeps the side and a negative one switches it. Exact for a balanced component."""
    T = nx.Graph()
    T.add_nodes_from(nodes)
    T.add_weighted_edges_from((u, v, abs(w)) for (u, v), w in ties.items())
    tree = nx.maximum_spanning_tree(T)
    sides = {nodes[0]: 1.0}
    for u, v in nx.bfs_edges(tree, nodes[0]):
        w = ties.get((u, v), ties.get((v, u), 0.0))
        sides[v] = sides[u] * (1.0 if w >= 0 else -1.0)
    return sides


def _split_component(nodes: list[Hashable], ties: Mapping[tuple[Hashable, Hashable], float]) -> dict[Hashable, int]:
    """Two camps (+1/-1) for one connected component.

    Two starts — the signed Laplacian's eigenvector of the smallest eigenvalue and the signs
    along a maximum spanning tree (both exact for a balanced component) — are each improved
    by single-node moves while they lower the frustration (the exact minimum is NP-hard);
    the less frustrated split wins.
    """
    import numpy as np
    from scipy import sparse

    n = len(nodes)
    index = {node: i for i, node in enumerate(nodes)}
    rows, cols, vals = [], [], []
    for (u, v), w in ties.items():
        if u in index and v in index:
            rows += [index[u], index[v]]
            cols += [index[v], index[u]]
            vals += [w, w]
    A = sparse.csr_matrix((vals, (rows, cols)), shape=(n, n))
    tree = _tree_sides(nodes, ties)
    starts = [np.array([tree[node] for node in nodes])]
    L = (sparse.diags(np.asarray(abs(A).sum(axis=1)).ravel()) - A).tocsr()
    vec = None
    if n > 200:  # Lanczos for the one eigenvector needed: fast on large sparse components
        from scipy.sparse.linalg import ArpackError, ArpackNoConvergence, eigsh

        try:
            vec = eigsh(L, k=1, which="SA", tol=1e-4, maxiter=50 * n)[1][:, 0]
        except (ArpackError, ArpackNoConvergence):
            vec = None
    elif n > 1:
        vec = np.linalg.eigh(L.toarray())[1][:, 0]
    if vec is not None:
        starts.append(np.where(vec >= -1e-9, 1.0, -1.0))
    best, best_cost = starts[0], math.inf
    for side in starts:
        side = side.copy()
        field = A @ side  # field[i] = sum_j A_ij s_j; node i is frustrated by field[i] * s_i < 0
        for _ in range(4 * n):
            gains = -field * side  # how much moving i to the other camp lowers the frustration (x2)
            i = int(np.argmax(gains))
            if gains[i] <= 1e-12:
                break
            side[i] = -side[i]
            column = A.getcol(i)
            field[column.indices] += 2 * side[i] * column.data
        cost = float(np.abs(A).sum() - side @ (A @ side))  # 4 x frustration
        if cost < best_cost - 1e-9:
            best, best_cost = side, cost
    if best[0] < 0:  # a deterministic orientation: the first node is on side +1
        best = -best
    return {node: int(best[index[node]]) for node in nodes}


def camps(G: nx.Graph) -> dict[Hashable, int]:
    """Split the actors of a signed network into camps (structural balance).

    Each connected component of the signed ties (see :func:`signed_weights`) is split in two
    so that positive ties fall inside camps and negative ties between them (as Heider's and
    Cartwright-Harary's balance theory expects); a component whose ties are all positive stays
    one camp. Components are never merged: actors with no tie between them are not known to be
    allies. Use :func:`frustration` to see how well the split fits.

    Returns
    -------
    dict
        node -> camp number (0, 1, 2, ... largest first); -1 for nodes with no signed tie
        (only neutral stances, or cancelled out).

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_edge("a", "b", weight=2); G.add_edge("c", "d", weight=1)
    >>> G.add_edge("a", "c", weight=-1); G.add_edge("b", "d", weight=-3)
    >>> c = camps(G)
    >>> c["a"] == c["b"] != c["c"] == c["d"]
    True
    """
    ties = signed_weights(G)
    T = nx.Graph()
    T.add_edges_from(ties)
    component_of = {}
    for i, comp in enumerate(nx.connected_components(T)):
        component_of.update(dict.fromkeys(comp, i))
    component_ties: dict[int, dict[tuple[Hashable, Hashable], float]] = defaultdict(dict)
    for (u, v), w in ties.items():
        component_ties[component_of[u]][(u, v)] = w
    groups: list[list[Hashable]] = []
    for comp in nx.connected_components(T):
        nodes = sorted(comp, key=str)
        sides = _split_component(nodes, component_ties[component_of[nodes[0]]])
        for s in (1, -1):
            group = [n for n in nodes if sides[n] == s]
            if group:
                groups.append(group)
    groups.sort(key=lambda g: (-len(g), str(g[0])))
    result: dict[Hashable, int] = {n: -1 for n in G}
    for i, group in enumerate(groups):
        for n in group:
            result[n] = i
    return result


def signed_balance(G: nx.Graph) -> dict[str, Any]:
    """:func:`camps` and the :func:`frustration` of that split in one dict
    (``camps``, ``frustration``, ``ratio``, ``total``, ``frustrated_edges``, ``balanced``)."""
    split = camps(G)
    score = frustration(G, split)
    return {"camps": split, **score, "balanced": score["frustration"] == 0}


# ------------------------------------------------------------------------------ mixed signals
def _families(rows: list[dict[str, Any]]) -> tuple[dict[str, set[str]], dict[str, str]]:
    """actor IRI -> {itself and its organisations} (from the rows' ``*_orgs``: posts well enough
    attested to show, then parts at any depth) and IRI -> label."""
    family: dict[str, set[str]] = {}
    labels: dict[str, str] = {}
    for r in rows:
        sides = ["holder"] + (["target"] if r.get("target_kind") == "actor" else [])
        for side in sides:
            iri = r[side]
            labels.setdefault(iri, r.get(f"{side}_label") or local_name(iri))
            family.setdefault(iri, {iri} | set(r.get(f"{side}_orgs") or []))
    return family, labels


def _stance_entry(row: Mapping[str, Any], part: str) -> dict[str, Any]:
    entry = stance_evidence(row)
    entry.update({"part": part, "holder_iri": row["holder"], "target_iri": row["target"]})
    return entry


def mixed_signals(
    store_or_rows: Any,
    *,
    date_from: Any = None,
    date_to: Any = None,
    actors: Iterable[str] | None = None,
    actor_types: Iterable[str] | None = None,
    min_confidence: float | None = None,
    min_count: int | None = None,
    third_party: bool = True,
    direct: bool = True,
) -> list[dict[str, Any]]:
    """Organisations that speak with more than one voice.

    An organisation's *voices* are the organisation itself and every actor that belongs to it
    (the rows' ``holder_orgs``: a post in it well enough attested to show, then ``kg:partOf``
    at any depth — a minister of a ministry of a government, a government of its country).

    Two kinds of finding:

    ``"direct"``
        Two different voices of one organisation take opposite stances (positive and
        negative) towards the same target or topic. (One actor changing its mind is not a
        mixed signal of this kind; :func:`kg.network.time_slices` shows such changes.)
    ``"third_party"``
        A voice of organisation O backs B, a third party C (not of O, and B not of O either)
        attacks B, and a voice of O backs C: O supports both sides of a fight.

    Each finding is reported once, for the most specific organisation (the one with the
    fewest voices) that explains it, with the others in ``organisations``. Stances are grouped
    per organisation, target and polarity before anything is matched, so the work grows with
    the number of stances, not with its square (``kg/queries/mixed_signals.rq`` does the same
    in SPARQL, one row per organisation that explains a finding).

    Parameters
    ----------
    store_or_rows : pyoxigraph.Store or list of dict
        A store, or rows from :func:`kg.network.stance_rows`.
    date_from, date_to, actors, actor_types, min_confidence
        Filters on the stances considered (see :func:`kg.network.stance_rows`).
    min_count : int, optional
        Keep findings resting on at least this many stances.
    third_party, direct : bool
        Which kinds to look for.

    Returns
    -------
    list of dict
        ``kind``, ``organisation`` (IRI), ``organisation_label``, ``organisations`` (labels of
        all that explain it), ``target``, ``target_label``, for third-party findings
        ``third_party`` and ``third_party_label``, ``stances`` (each with ``part`` — what it
        shows —, ``quote``, ``cue``, ``polarity``, ``confidence``, ``date``, ``article``,
        ``article_title``, ``holder``, ``target``, ``stance``), ``voices`` (direct: how many
        voices are for and against) and ``summary`` (one sentence).

    Examples
    --------
    >>> def row(s, h, t, pol, orgs=()):
    ...     return {"stance": s, "holder": h, "holder_label": h, "holder_orgs": list(orgs),
    ...             "holder_type": "Actor", "target": t, "target_label": t, "target_type": "Actor",
    ...             "target_kind": "actor", "polarity": pol}
    >>> rows = [row("s1", "US", "GNA", "positive"), row("s2", "Haftar", "GNA", "negative"),
    ...         row("s3", "Trump", "Haftar", "positive", orgs=["US"])]
    >>> [(f["kind"], f["organisation_label"]) for f in mixed_signals(rows)]
    [('third_party', 'US')]
    """
    filters = dict(
        date_from=date_from, date_to=date_to, actors=actors, actor_types=actor_types, min_confidence=min_confidence
    )
    rows = resolve_rows(store_or_rows, filters)
    voices = _Voices(rows)
    findings = _Findings()
    if direct:
        _find_direct(voices, findings)
    if third_party:
        _find_third_party(rows, voices, findings)
    return _report(findings, voices, min_count)


class _Voices:
    """Who speaks for whom in ``rows``: each actor's organisations (``family``, itself
    included), each organisation's voices (``members``), and the stances the voices of an
    organisation take, by (organisation, target, sign) (``said``)."""

    def __init__(self, rows: list[dict[str, Any]]):
        self.family, self.labels = _families(rows)
        self.members: dict[str, set[str]] = defaultdict(set)  # organisation -> its voices
        for actor, orgs in self.family.items():
            for o in orgs:
                self.members[o].add(actor)
        # (organisation, target, sign) -> the stances its voices take
        self.said: dict[tuple[str, str, int], list[dict]] = defaultdict(list)
        for r in rows:
            sign = POLARITY_SIGN.get(r.get("polarity") or "", 0)
            if sign:
                for o in self.family.get(r["holder"], {r["holder"]}):
                    self.said[(o, r["target"], sign)].append(r)

    def most_specific(self, candidates: Iterable[str]) -> str:
        """The organisation with the fewest voices (then by label) among ``candidates``."""
        return min(candidates, key=lambda o: (len(self.members.get(o, ())), self.labels.get(o, o), o))

    def label(self, iri: str) -> str:
        return self.labels.get(iri, local_name(iri))


class _Findings(dict):
    """Findings by (kind, target, third party, the stances they rest on), each with every
    organisation that explains it."""

    def add(
        self,
        kind: str,
        org: str,
        target: str,
        target_label: str,
        parts: list[tuple[dict, str]],
        third: str | None = None,
    ) -> None:
        key = (kind, target, third, frozenset(r["stance"] for r, _ in parts))
        f = self.setdefault(
            key,
            {
                "kind": kind,
                "orgs": set(),
                "target": target,
                "target_label": target_label,
                "third": third,
                "parts": parts,
            },
        )
        f["orgs"].add(org)


def _find_direct(voices: _Voices, findings: _Findings) -> None:
    """Two voices of one organisation for and against the same target."""
    for (org, target, sign), pros in list(voices.said.items()):
        if sign != 1:
            continue
        cons = voices.said.get((org, target, -1))
        if not cons:
            continue
        voices_for, voices_against = {r["holder"] for r in pros}, {r["holder"] for r in cons}
        if len(voices_for | voices_against) < 2:
            continue  # one actor changing its mind is not two voices (see time_slices)
        p0 = pros[0]
        findings.add(
            "direct",
            org,
            target,
            p0.get("target_label") or local_name(target),
            [(r, f"{r['holder_label']} for {r['target_label']}") for r in pros]
            + [(r, f"{r['holder_label']} against {r['target_label']}") for r in cons],
        )


def _find_third_party(rows: list[dict[str, Any]], voices: _Voices, findings: _Findings) -> None:
    """A voice of O backs B, C (not of O) attacks B, and a voice of O backs C."""
    family, said = voices.family, voices.said
    attacks: dict[str, list[dict]] = defaultdict(list)  # B -> stances of those who attack B
    for r in rows:
        if r.get("polarity") == "negative" and r.get("target_kind") == "actor" and r["holder"] != r["target"]:
            attacks[r["target"]].append(r)
    for (org, b, sign), backs in list(said.items()):
        if sign != 1 or b not in attacks or org in family.get(b, {b}):
            continue
        by_attacker: dict[str, list[dict]] = defaultdict(list)
        for attack in attacks[b]:
            by_attacker[attack["holder"]].append(attack)
        for c, c_attacks in by_attacker.items():
            praise = said.get((org, c, 1))
            if not praise or org in family.get(c, {c}):
                continue
            b_label = backs[0].get("target_label") or local_name(b)
            findings.add(
                "third_party",
                org,
                b,
                b_label,
                [(r, f"{r['holder_label']} backs {r['target_label']}") for r in backs]
                + [(r, f"{r['holder_label']} attacks {r['target_label']}") for r in c_attacks]
                + [(r, f"{r['holder_label']} backs {r['target_label']}") for r in praise],
                third=c,
            )


def _report(findings: _Findings, voices: _Voices, min_count: int | None) -> list[dict[str, Any]]:
    """One finding per (kind, most specific organisation, target, third party), with its
    stances, voices and summary, in a stable order."""
    merged: dict[tuple, dict[str, Any]] = {}
    for f in findings.values():
        org = voices.most_specific(f["orgs"])
        key = (f["kind"], org, f["target"], f["third"])
        m = merged.setdefault(
            key,
            {
                "kind": f["kind"],
                "organisation": org,
                "organisations": set(),
                "target": f["target"],
                "target_label": f["target_label"],
                "stances": {},
            },
        )
        m["organisations"] |= {voices.label(o) for o in f["orgs"]}
        if f["third"] is not None:
            m["third_party"], m["third_party_label"] = f["third"], voices.label(f["third"])
        for row, part in f["parts"]:
            m["stances"].setdefault(row["stance"], _stance_entry(row, part))
    out = []
    for m in merged.values():
        m["organisation_label"] = voices.label(m["organisation"])
        m["organisations"] = sorted(m["organisations"])
        m["stances"] = list(m["stances"].values())  # in the order of the story: backs, attacks, backs
        if m["kind"] == "direct":
            m["voices"] = {
                "for": len({e["holder_iri"] for e in m["stances"] if e["polarity"] == "positive"}),
                "against": len({e["holder_iri"] for e in m["stances"] if e["polarity"] == "negative"}),
            }
        if min_count and len(m["stances"]) < min_count:
            continue
        m["summary"] = _summary(m)
        out.append(m)
    out.sort(key=lambda f: (f["kind"], f["organisation_label"], f["target_label"], f.get("third_party_label", "")))
    return out


def _summary(m: dict[str, Any]) -> str:
    org = m["organisation_label"]
    parts = ("; ".join(dict.fromkeys(e["part"] for e in m["stances"]))) + "."
    if m["kind"] == "direct":
        return f"{org} speaks with two voices on {m['target_label']}: {parts}"
    return (
        f"{org} backs {m['target_label']}, which {m['third_party_label']} attacks, "
        f"and also backs {m['third_party_label']}: {parts}"
    )


__all__ = ["centralities", "camps", "frustration", "signed_balance", "signed_weights", "mixed_signals"]
