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
from typing import Any, Hashable, Iterable, Mapping

import networkx as nx

from kg.network import POLARITY_SIGN, affiliations, local_name, resolve_rows, stance_evidence

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
    return {"frustration": value, "total": total, "ratio": value / total if total else 0.0,
            "frustrated_edges": bad}


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


def _split_component(nodes: list[Hashable],
                     ties: Mapping[tuple[Hashable, Hashable], float]) -> dict[Hashable, int]:
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
def _families(rows: list[dict[str, Any]], affs: Mapping[str, list[dict[str, Any]]] | None) -> tuple[
        dict[str, list[str]], dict[str, str]]:
    """actor IRI -> [itself, its organisations...] and IRI -> label, from rows (and the store's
    affiliations when given)."""
    family: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    for r in rows:
        labels.setdefault(r["holder"], r.get("holder_label") or local_name(r["holder"]))
        family.setdefault(r["holder"], [r["holder"]] + list(r.get("holder_orgs") or []))
        if r.get("target_kind") == "actor":
            labels.setdefault(r["target"], r.get("target_label") or local_name(r["target"]))
            family.setdefault(r["target"], [r["target"]] + list(r.get("target_orgs") or []))
    for entries in (affs or {}).values():
        for a in entries:
            if a.get("org") and a.get("org_label"):
                labels.setdefault(a["org"], a["org_label"])
    return family, labels


def _org_keys(actor: str, family: Mapping[str, list[str]], labels: Mapping[str, str]) -> set[str]:
    """The organisations of an actor (itself included) by label: a country and its government
    share a name and so count as one organisation, as in mixed_signals.rq."""
    return {labels.get(o) or local_name(o) for o in family.get(actor, [actor])}


def _stance_entry(row: Mapping[str, Any], part: str) -> dict[str, Any]:
    entry = stance_evidence(row)
    entry.update({"part": part, "holder_iri": row["holder"], "target_iri": row["target"]})
    return entry


def mixed_signals(store_or_rows: Any, *, date_from: Any = None, date_to: Any = None,
                  actors: Iterable[str] | None = None, actor_types: Iterable[str] | None = None,
                  min_confidence: float | None = None, min_count: int | None = None,
                  third_party: bool = True, direct: bool = True) -> list[dict[str, Any]]:
    """Organisations that speak with more than one voice.

    An organisation's *voices* are the organisation itself and every actor that belongs to it
    through ``org:Membership``/``org:organization`` or ``kg:partOf``, transitively (a minister
    of a ministry of a government). Organisations are matched by label, so a country and its
    government (same name, different IRIs) count as one.

    Two kinds of finding:

    ``"direct"``
        Two different voices of one organisation take opposite stances (positive and
        negative) towards the same target or topic. (One actor changing its mind is not a
        mixed signal of this kind; :func:`kg.network.time_slices` shows such changes.)
    ``"third_party"``
        A voice of organisation O backs B, a third party C (not of O, and B not of O either)
        attacks B, and a voice of O backs C: O supports both sides of a fight.

    Each finding is reported once, for the most specific organisation (the one with the
    fewest voices) that explains it, with the others in ``organisations``.

    Parameters
    ----------
    store_or_rows : pyoxigraph.Store or list of dict
        A store, or rows from :func:`kg.network.stance_rows` (their ``holder_orgs`` /
        ``target_orgs`` give the affiliations).
    date_from, date_to, actors, actor_types, min_confidence
        Filters on the stances considered (see :func:`kg.network.stance_rows`).
    min_count : int, optional
        Keep findings resting on at least this many stances.
    third_party, direct : bool
        Which kinds to look for.

    Returns
    -------
    list of dict
        ``kind``, ``organisation`` (IRI), ``organisation_label``, ``organisations`` (all
        labels that explain it), ``target``, ``target_label``, for third-party findings
        ``third_party`` and ``third_party_label``, ``stances`` (each with ``part`` — what it
        shows —, ``quote``, ``cue``, ``polarity``, ``confidence``, ``date``, ``article``,
        ``article_title``, ``holder``, ``target``, ``stance``), ``pairs`` (direct: (positive
        stance, negative stance) IRIs) or ``triples`` (third party: (O backs B, C attacks B,
        O backs C)), and ``summary`` (one sentence).

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
    filters = dict(date_from=date_from, date_to=date_to, actors=actors, actor_types=actor_types,
                   min_confidence=min_confidence)
    is_rows = isinstance(store_or_rows, (list, tuple))
    rows = resolve_rows(store_or_rows, filters)
    affs = None if is_rows else affiliations(store_or_rows)
    family, labels = _families(rows, affs)
    keys = {a: _org_keys(a, family, labels) for a in family}
    members: dict[str, set[str]] = defaultdict(set)
    for a, ks in keys.items():
        for k in ks:
            members[k].add(a)
    # a representative IRI per organisation label (prefer one that is itself a voice)
    org_iri: dict[str, str] = {}
    for iri, label in sorted(labels.items()):
        org_iri.setdefault(label, iri)

    def most_specific(candidates: set[str]) -> str:
        return min(candidates, key=lambda k: (len(members.get(k, ())), k))

    signed = [r for r in rows if POLARITY_SIGN.get(r.get("polarity"), 0) != 0]
    findings: dict[tuple, dict[str, Any]] = {}

    def add(kind: str, org: str, cands: set[str], target_row: Mapping[str, Any], link: tuple,
            parts: list[tuple[Mapping[str, Any], str]], third: Mapping[str, Any] | None = None) -> None:
        key = (kind, org, target_row["target"], third["holder"] if third else None)
        f = findings.get(key)
        if f is None:
            f = findings[key] = {
                "kind": kind, "organisation": org_iri.get(org, org), "organisation_label": org,
                "organisations": set(), "target": target_row["target"],
                "target_label": target_row.get("target_label") or local_name(target_row["target"]),
                "stances": {}, "pairs" if kind == "direct" else "triples": [],
            }
            if third is not None:
                f["third_party"] = third["holder"]
                f["third_party_label"] = third.get("holder_label") or local_name(third["holder"])
        f["organisations"] |= cands
        f["pairs" if kind == "direct" else "triples"].append(link)
        for row, part in parts:
            f["stances"].setdefault(row["stance"], _stance_entry(row, part))

    if direct:
        by_target: dict[str, dict[int, list[dict]]] = defaultdict(lambda: defaultdict(list))
        for r in signed:
            by_target[r["target"]][POLARITY_SIGN[r["polarity"]]].append(r)
        for target, sides in by_target.items():
            for p in sides.get(1, ()):
                for n in sides.get(-1, ()):
                    if p["holder"] == n["holder"]:
                        continue  # one actor changing its mind is not two voices (see time_slices)
                    common = keys.get(p["holder"], set()) & keys.get(n["holder"], set())
                    if not common:
                        continue
                    org = most_specific(common)
                    add("direct", org, common, p, (p["stance"], n["stance"]),
                        [(p, f"{p['holder_label']} for {p['target_label']}"),
                         (n, f"{n['holder_label']} against {n['target_label']}")])

    if third_party:
        positive_to: dict[str, list[dict]] = defaultdict(list)
        for r in signed:
            if r["polarity"] == "positive" and r.get("target_kind") == "actor":
                positive_to[r["target"]].append(r)
        for attack in signed:  # C attacks B
            if attack["polarity"] != "negative" or attack.get("target_kind") != "actor":
                continue
            c, b = attack["holder"], attack["target"]
            if c == b:
                continue
            for back in positive_to.get(b, ()):  # a voice of O backs B
                if back["holder"] == c:
                    continue
                for praise in positive_to.get(c, ()):  # a voice of O backs C
                    common = keys.get(back["holder"], set()) & keys.get(praise["holder"], set())
                    # C and B must be outside O, or there is no third party
                    common = {o for o in common if o not in keys.get(c, set()) and o not in keys.get(b, set())}
                    if not common:
                        continue
                    org = most_specific(common)
                    add("third_party", org, common, back, (back["stance"], attack["stance"], praise["stance"]),
                        [(back, f"{back['holder_label']} backs {back['target_label']}"),
                         (attack, f"{attack['holder_label']} attacks {attack['target_label']}"),
                         (praise, f"{praise['holder_label']} backs {praise['target_label']}")],
                        third=attack)

    out = []
    for f in findings.values():
        f["organisations"] = sorted(f["organisations"])
        f["stances"] = list(f["stances"].values())  # in the order of the story: backs, attacks, backs
        links = f.get("pairs") or f.get("triples")
        links[:] = sorted(set(links))
        if min_count and len(f["stances"]) < min_count:
            continue
        org = f["organisation_label"]
        parts = ("; ".join(dict.fromkeys(e["part"] for e in f["stances"]))) + "."
        if f["kind"] == "direct":
            f["summary"] = f"{org} speaks with two voices on {f['target_label']}: {parts}"
        else:
            f["summary"] = (f"{org} backs {f['target_label']}, which {f['third_party_label']} attacks, "
                            f"and also backs {f['third_party_label']}: {parts}")
        out.append(f)
    out.sort(key=lambda f: (f["kind"], f["organisation_label"], f["target_label"], f.get("third_party_label", "")))
    return out


__all__ = ["centralities", "camps", "frustration", "signed_balance", "signed_weights", "mixed_signals"]
