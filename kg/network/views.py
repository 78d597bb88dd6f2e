"""Network views built from stance rows: signed actor network, two-mode, DNA-style one-mode
networks (congruence, conflict, subtract) and time slices. Pure functions of rows (a store is
read through :func:`kg.network.rows.resolve_rows`)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from itertools import combinations
from typing import Any

import networkx as nx

from kg.network.dna import (
    ONE_MODE_NORMALIZATIONS,
    TWO_MODE_NORMALIZATIONS,
    check_duplicates,
    check_normalization,
    count_distinct,
    period_key,
    two_mode_weights,
)
from kg.network.rows import FILTER_KEYS, POLARITY_SIGN, Rows, local_name, resolve_rows

# What each view does with an actor's repeated stance unless told otherwise (see kg.network.dna):
# the stance-count views count every stance; the one-mode views, as DNA's default export and
# kg's before the option existed, ask only whether an actor ever held a position ("range").
DEFAULT_DUPLICATES = {
    "actors": "none",
    "topics": "none",
    "congruence": "range",
    "conflict": "range",
    "subtract": "range",
}


# ------------------------------------------------------------------------------ building blocks
def stance_evidence(row: Mapping[str, Any]) -> dict[str, Any]:
    """What a tooltip or an analyst needs to check one stance."""
    return {
        "stance": row.get("stance"),
        "holder": row.get("holder_label"),
        "target": row.get("target_label"),
        "quote": row.get("quote"),
        "cue": row.get("cue"),
        "polarity": row.get("polarity"),
        "confidence": row.get("confidence"),
        "date": row.get("date"),
        "article": row.get("article"),
        "article_title": row.get("article_title"),
        "article_id": row.get("article_id"),
        "reported_by": row.get("reported_by_label"),
    }


def _new_edge() -> dict[str, Any]:
    return {
        "positive": 0,
        "negative": 0,
        "neutral": 0,
        "count": 0,
        "weight": 0,
        "mean_polarity": 0.0,
        "sign": 0,
        "mean_confidence": None,
        "first_date": None,
        "last_date": None,
        "stances": [],
        "evidence": [],
        "_conf": [],
        "_seen": set(),
    }


def _add_to_edge(edge: dict[str, Any], row: Mapping[str, Any], duplicates: str = "none") -> None:
    # A repeat (same polarity in the same period) adds its evidence but is not counted again:
    # the counts follow the duplicates setting, the quotes stay all there to be read.
    pol = row.get("polarity")
    key = (pol, period_key(row, duplicates))
    if key not in edge["_seen"]:
        edge["_seen"].add(key)
        if pol in ("positive", "negative", "neutral"):
            edge[pol] += 1
        edge["count"] += 1
        edge["weight"] = edge["count"]
    edge["stances"].append(row.get("stance"))
    edge["evidence"].append(stance_evidence(row))
    if row.get("confidence") is not None:
        edge["_conf"].append(float(row["confidence"]))
    d = row.get("date")
    if d:
        edge["first_date"] = min(edge["first_date"] or d, d)
        edge["last_date"] = max(edge["last_date"] or d, d)


def _finish_edge(edge: dict[str, Any]) -> dict[str, Any]:
    edge["mean_polarity"] = (edge["positive"] - edge["negative"]) / edge["count"] if edge["count"] else 0.0
    edge["sign"] = (edge["mean_polarity"] > 0) - (edge["mean_polarity"] < 0)
    conf = edge.pop("_conf")
    edge.pop("_seen")
    edge["mean_confidence"] = round(sum(conf) / len(conf), 4) if conf else None
    edge["evidence"].sort(key=lambda e: (e.get("date") or "", e.get("stance") or ""))
    return edge


def _actor_nodes(rows: Rows) -> dict[str, dict[str, Any]]:
    """Node attributes of every actor in ``rows`` (as holder or as actor target)."""
    nodes: dict[str, dict[str, Any]] = {}
    said: dict[str, set[str | None]] = defaultdict(set)
    for row in rows:
        sides = ["holder"] + (["target"] if row.get("target_kind") == "actor" else [])
        for side in sides:
            iri = row[side]
            if iri not in nodes:
                nodes[iri] = {
                    "label": row.get(f"{side}_label") or local_name(iri),
                    "type": row.get(f"{side}_type") or "Actor",
                    "iri": iri,
                    "roles": list(row.get(f"{side}_roles") or []),
                    "statements": 0,
                    "stances_out": 0,
                    "stances_in": 0,
                }
        # a statement may carry several stances; without a statement each stance counts once
        said[row["holder"]].add(row.get("statement") or row.get("stance"))
    for iri, keys in said.items():
        nodes[iri]["statements"] = len(keys)
    return nodes


def _graph_meta(kind: str, filters: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {"kind": kind}
    for k in FILTER_KEYS + ("min_count",):
        v = filters.get(k)
        if v is not None and v != [] and v != ():
            meta[k] = list(v) if isinstance(v, (list, tuple, set)) else v
    meta.update(extra)
    return meta


# ------------------------------------------------------------------------------ views
def actor_network(
    store_or_rows: Any,
    *,
    date_from: Any = None,
    date_to: Any = None,
    actors: Iterable[str] | None = None,
    actor_types: Iterable[str] | None = None,
    min_confidence: float | None = None,
    min_count: int | None = None,
    duplicates: str = "none",
) -> nx.DiGraph:
    """The signed actor -> actor network: one edge per holder/target pair.

    Stances towards topics and an actor's stances towards itself are left out.

    Parameters
    ----------
    store_or_rows : pyoxigraph.Store or list of dict
        A store, or rows from :func:`stance_rows`.
    date_from, date_to, actors, actor_types, min_confidence
        See :func:`stance_rows`.
    min_count : int, optional
        Drop edges backed by fewer stances (as counted under ``duplicates``).
    duplicates : {"none", "article", "week", "month", "year", "range"}
        How often an actor's repeated stance (same target, same polarity) counts: every time
        (``"none"``, the default), once per article, ISO week, calendar month or year, or once
        at all (``"range"``); see :mod:`kg.network.dna`. The counts change, the ``stances`` and
        ``evidence`` of an edge still list every stance behind it.

    Returns
    -------
    networkx.DiGraph
        Nodes are actor IRIs with ``label``, ``type``, ``iri``, ``roles`` (list of str),
        ``statements`` (statements or stances behind the actor's stances), ``stances_out``,
        ``stances_in``. Edges carry ``positive``, ``negative``, ``neutral``, ``count``,
        ``weight`` (= count), ``mean_polarity`` in [-1, 1] (neutral counts as 0), ``sign``
        (-1, 0, 1), ``mean_confidence``, ``first_date``, ``last_date``, ``stances`` (IRIs) and
        ``evidence`` (list of dicts: ``quote``, ``cue``, ``polarity``, ``confidence``, ``date``,
        ``article``, ``article_title``, ``stance``, ``holder``, ``target``, ``reported_by``).

    Examples
    --------
    >>> rows = [{"stance": "s1", "holder": "ex:a", "holder_label": "A", "holder_type": "Person",
    ...          "target": "ex:b", "target_label": "B", "target_type": "Person",
    ...          "target_kind": "actor", "polarity": "negative", "confidence": 0.8,
    ...          "date": "2019-06-06", "quote": "A attacked B"}]
    >>> G = actor_network(rows)
    >>> G.edges["ex:a", "ex:b"]["negative"], G.edges["ex:a", "ex:b"]["mean_polarity"]
    (1, -1.0)
    """
    duplicates = check_duplicates(duplicates)
    filters = dict(
        date_from=date_from,
        date_to=date_to,
        actors=actors,
        actor_types=actor_types,
        min_confidence=min_confidence,
        min_count=min_count,
    )
    rows = [
        r
        for r in resolve_rows(store_or_rows, filters)
        if r.get("target_kind") == "actor" and r["holder"] != r["target"]
    ]
    edges: dict[tuple[str, str], dict[str, Any]] = defaultdict(_new_edge)
    for row in rows:
        _add_to_edge(edges[(row["holder"], row["target"])], row, duplicates)
    nodes = _actor_nodes(rows)
    G = nx.DiGraph(**_graph_meta("actors", filters, duplicates=duplicates))
    for (h, t), edge in sorted(edges.items()):
        if min_count and edge["count"] < min_count:
            continue
        _finish_edge(edge)
        for n in (h, t):
            if n not in G:
                G.add_node(n, **nodes[n])
        G.add_edge(h, t, **edge)
        G.nodes[h]["stances_out"] += edge["count"]
        G.nodes[t]["stances_in"] += edge["count"]
    return G


def topic_network(
    store_or_rows: Any,
    *,
    normalization: str = "none",
    date_from: Any = None,
    date_to: Any = None,
    actors: Iterable[str] | None = None,
    actor_types: Iterable[str] | None = None,
    min_confidence: float | None = None,
    min_count: int | None = None,
    duplicates: str = "none",
) -> nx.DiGraph:
    """The two-mode network: actors -> the targets and topics they take positions on.

    An actor that is also a target appears twice, once per mode, as in DNA's affiliation
    networks: actor nodes are their IRIs, target nodes are ``"target:" + IRI``.

    Parameters
    ----------
    normalization : {"none", "activity", "prominence"}
        DNA's two-mode normalisations of the edge ``weight`` (``count`` stays the raw count):
        ``activity`` divides by the actor's number of stances (its row sum), ``prominence`` by the
        target's (its column sum); both over all of the actor's or target's edges, before
        ``min_count`` drops any. See :func:`kg.network.dna.two_mode_weights`.
    duplicates : {"none", "article", "week", "month", "year", "range"}
        As in :func:`actor_network` (default ``"none"``: every stance counts).
    other parameters
        See :func:`actor_network`.

    Returns
    -------
    networkx.DiGraph
        Actor nodes: ``kind="actor"``, ``bipartite=0``, ``label``, ``type``, ``iri``, ``roles``,
        ``statements``, ``stances_out``. Target nodes: ``kind="target"``, ``bipartite=1``,
        ``label``, ``type`` (``"Topic"`` for topics), ``target_kind`` (``"actor"``/``"topic"``),
        ``iri``, ``stances_in``. Edges (actor -> target) carry the same attributes as
        :func:`actor_network`'s, ``weight`` normalised.

    Examples
    --------
    >>> rows = [{"stance": "s1", "holder": "ex:a", "holder_label": "A", "holder_type": "Person",
    ...          "target": "ex:ceasefire", "target_label": "ceasefire", "target_type": "Topic",
    ...          "target_kind": "topic", "polarity": "positive", "confidence": 0.8},
    ...         {"stance": "s2", "holder": "ex:a", "holder_label": "A", "holder_type": "Person",
    ...          "target": "ex:talks", "target_label": "talks", "target_type": "Topic",
    ...          "target_kind": "topic", "polarity": "negative", "confidence": 0.8}]
    >>> G = topic_network(rows)
    >>> sorted(G.nodes(data="kind"))
    [('ex:a', 'actor'), ('target:ex:ceasefire', 'target'), ('target:ex:talks', 'target')]
    >>> topic_network(rows, normalization="activity").edges["ex:a", "target:ex:talks"]["weight"]
    0.5
    """
    norm_name = check_normalization(normalization, TWO_MODE_NORMALIZATIONS)
    duplicates = check_duplicates(duplicates)
    filters = dict(
        date_from=date_from,
        date_to=date_to,
        actors=actors,
        actor_types=actor_types,
        min_confidence=min_confidence,
        min_count=min_count,
    )
    rows = resolve_rows(store_or_rows, filters)
    holders = _actor_nodes([dict(r, target_kind="topic") for r in rows])  # holders only
    edges: dict[tuple[str, str], dict[str, Any]] = defaultdict(_new_edge)
    targets: dict[str, dict[str, Any]] = {}
    for row in rows:
        tid = "target:" + row["target"]
        targets.setdefault(
            tid,
            {
                "label": row.get("target_label") or local_name(row["target"]),
                "type": row.get("target_type") or "Actor",
                "iri": row["target"],
                "target_kind": row.get("target_kind") or "actor",
                "kind": "target",
                "bipartite": 1,
                "stances_in": 0,
            },
        )
        _add_to_edge(edges[(row["holder"], tid)], row, duplicates)
    weights = two_mode_weights({k: e["count"] for k, e in edges.items()}, norm_name)
    G = nx.DiGraph(**_graph_meta("topics", filters, normalization=norm_name, duplicates=duplicates))
    for (h, t), edge in sorted(edges.items()):
        if min_count and edge["count"] < min_count:
            continue
        _finish_edge(edge)
        if norm_name != "none":
            edge["weight"] = round(weights[(h, t)], 6)
        if h not in G:
            G.add_node(h, kind="actor", bipartite=0, **holders[h])
        if t not in G:
            G.add_node(t, **targets[t])
        G.add_edge(h, t, **edge)
        G.nodes[h]["stances_out"] += edge["count"]
        G.nodes[t]["stances_in"] += edge["count"]
    return G


def affiliation_array(
    rows: Rows, duplicates: str
) -> tuple[dict[str, dict[tuple[str, int], list[dict]]], dict[str, dict[tuple[str, int], int]]]:
    """DNA's actor x (concept, qualifier) array: the rows behind each actor's (target, sign)
    and how many stances they count for under ``duplicates`` (1 each for ``"range"``: DNA's
    binary array). Neutral stances take no side and so neither agree nor disagree with anyone."""
    held: dict[str, dict[tuple[str, int], list[dict]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        sign = POLARITY_SIGN.get(row.get("polarity") or "", 0)
        if sign != 0 and row["holder"] != row["target"]:
            held[row["holder"]][(row["target"], sign)].append(row)
    counts = {a: {cell: count_distinct(rs, duplicates) for cell, rs in cells.items()} for a, cells in held.items()}
    return held, counts


def agreement_pairs(counts: Mapping[str, Mapping[tuple[str, int], int]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Congruence and conflict of every pair of actors that share a target, from the array.

    As in DNA (boolean qualifier): congruence = sum over targets and signs of n_a * n_b;
    conflict = sum over targets of n_a(+) * n_b(-) + n_a(-) * n_b(+). On a binary array these
    are the numbers of shared (target, sign) pairs and of targets the two take opposite sides on.

    Returns
    -------
    dict
        (a, b) with a < b -> ``{"congruence", "conflict", "targets"}`` (``targets``: the set of
        targets the two take a side on, the same or opposite).

    Examples
    --------
    >>> counts = {"A": {("x", 1): 2}, "B": {("x", 1): 1}, "C": {("x", -1): 3}}
    >>> p = agreement_pairs(counts)
    >>> p[("A", "B")]["congruence"], p[("A", "C")]["conflict"], p[("B", "C")]["conflict"]
    (2, 6, 3)
    """
    by_target: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for actor in sorted(counts):
        for target, sign in counts[actor]:
            by_target[target][sign].append(actor)
    # [congruence, conflict, targets] per pair: plain lists, as this loop runs once per pair of
    # actors per shared target (hundreds of thousands of times in a 3,000-actor corpus)
    pairs: dict[tuple[str, str], list] = {}
    for target, signs in by_target.items():
        for sign, group in signs.items():
            for a, b in combinations(group, 2):  # group is sorted: a < b
                p = pairs.get((a, b)) or pairs.setdefault((a, b), [0, 0, set()])
                p[0] += counts[a][(target, sign)] * counts[b][(target, sign)]
                p[2].add(target)
        for a in signs.get(1, ()):
            for b in signs.get(-1, ()):
                if a != b:
                    key = (a, b) if a < b else (b, a)
                    p = pairs.get(key) or pairs.setdefault(key, [0, 0, set()])
                    p[1] += counts[a][(target, 1)] * counts[b][(target, -1)]
                    p[2].add(target)
    return {k: {"congruence": c, "conflict": f, "targets": t} for k, (c, f, t) in pairs.items()}


def _time_order(row: Mapping[str, Any]) -> tuple[str, str]:
    return (row.get("date") or "", str(row.get("stance") or ""))


def _norm(name: str, a: Mapping[tuple[str, int], int], b: Mapping[tuple[str, int], int]) -> float:
    """DNA's one-mode normalisation denominators on a count array (see :func:`congruence_network`)."""
    if name == "none":
        return 1.0
    if name == "average":
        return (sum(a.values()) + sum(b.values())) / 2
    if name == "cosine":
        return math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    m11 = sum(v * b[k] for k, v in a.items() if k in b)
    m10 = sum(v for k, v in a.items() if k not in b)
    m01 = sum(v for k, v in b.items() if k not in a)
    return m10 + m01 + m11  # jaccard


# A one-mode view links every two actors who hold a position on the same target: a target
# with k holders makes k(k-1)/2 pairs, so on a corpus the pairs, not the stances, set the cost
# (10,000 articles, 118,000 actors: 254 s and 10 GB, a 213 MB page). The view keeps the actors
# who take the most (signed) stances, this many, and says how many it left out
# (``graph.graph["actors_left_out"]``); filter by date, actor or type to see others.
MAX_ONE_MODE_ACTORS = 1000


def _most_active(rows: list, limit: int) -> tuple[list, int]:
    """The rows of the ``limit`` holders with the most signed stances (ties by IRI), and how
    many holders were left out."""
    active: dict[str, int] = defaultdict(int)
    for r in rows:
        if POLARITY_SIGN.get(r.get("polarity"), 0):
            active[r["holder"]] += 1
    if len(active) <= limit:
        return rows, 0
    keep = set(sorted(active, key=lambda h: (-active[h], h))[:limit])
    return [r for r in rows if r["holder"] in keep], len(active) - limit


def _one_mode(
    store_or_rows: Any, mode: str, normalization: str, filters: Mapping[str, Any], duplicates: str = "range"
) -> nx.Graph:
    """Congruence / conflict / subtract networks (see :func:`congruence_network`)."""
    norm_name = check_normalization(normalization, ONE_MODE_NORMALIZATIONS)
    duplicates = check_duplicates(duplicates)
    rows, left_out = _most_active(resolve_rows(store_or_rows, filters, actor_side="holder"), MAX_ONE_MODE_ACTORS)
    held, counts = affiliation_array(rows, duplicates)
    labels = {r["target"]: r.get("target_label") or local_name(r["target"]) for r in rows}
    pairs = agreement_pairs(counts)
    nodes = _actor_nodes([dict(r, target_kind="topic") for r in rows])  # holders only
    G = nx.Graph(**_graph_meta(mode, filters, normalization=norm_name, duplicates=duplicates))
    if left_out:
        G.graph["actors_left_out"] = left_out
    min_count = filters.get("min_count")
    # Each stance gets its place in time once, and one evidence dict shared by every edge it
    # backs (a stance backs many pairs here): per edge, the evidence is then a merge of small
    # integer lists (an actor's stances on each shared target), not a sort of dicts. A copy of
    # the dicts per edge would cost most of the time and memory on a large corpus.
    in_time = sorted((r for cells in held.values() for rs in cells.values() for r in rs), key=_time_order)
    stance_at = [r["stance"] for r in in_time]
    evidence_at: list[dict[str, Any] | None] = [None] * len(in_time)
    rank = {id(r): i for i, r in enumerate(in_time)}
    on_target: dict[str, dict[str, list[int]]] = {}
    for n, cells in held.items():
        mine: dict[str, list[int]] = defaultdict(list)
        for (t, _sign), rs in cells.items():
            mine[t].extend(rank[id(r)] for r in rs)
        on_target[n] = mine

    def evidence(i: int) -> dict[str, Any]:
        found = evidence_at[i]
        if found is None:
            found = evidence_at[i] = stance_evidence(in_time[i])
        return found

    for (a, b), p in sorted(pairs.items()):
        cong, conf = p["congruence"], p["conflict"]
        raw = {"congruence": cong, "conflict": conf, "subtract": cong + conf}[mode]
        numerator = {"congruence": cong, "conflict": conf, "subtract": cong - conf}[mode]
        if raw == 0 or (mode == "subtract" and numerator == 0):
            continue
        if min_count and raw < min_count:
            continue
        norm = _norm(norm_name, counts[a], counts[b])
        weight = numerator / norm if norm else 0.0
        # the evidence: both actors' stances (either sign) on the targets they share (a stance
        # has one holder and one target, so these lists never overlap)
        ranks = sorted(i for t in p["targets"] for n in (a, b) for i in on_target[n].get(t, ()))
        for n in (a, b):
            if n not in G:
                G.add_node(n, concepts=len(counts[n]), **nodes[n])
        # conflict weights are positive (how much two actors disagree) but the tie is hostile
        sign = -1 if mode == "conflict" else (weight > 0) - (weight < 0)
        G.add_edge(
            a,
            b,
            weight=round(weight, 6),
            count=raw,
            congruence=cong,
            conflict=conf,
            sign=sign,
            targets=sorted(labels[t] for t in p["targets"]),
            target_iris=sorted(p["targets"]),
            stances=[stance_at[i] for i in ranks],
            evidence=[evidence(i) for i in ranks],
        )
    for n in G:
        G.nodes[n]["stances_out"] = sum(len(v) for v in held[n].values())
    return G


def congruence_network(
    store_or_rows: Any,
    *,
    normalization: str = "none",
    date_from: Any = None,
    date_to: Any = None,
    actors: Iterable[str] | None = None,
    actor_types: Iterable[str] | None = None,
    min_confidence: float | None = None,
    min_count: int | None = None,
    duplicates: str = "range",
) -> nx.Graph:
    """Actors linked by how often they take the *same* polarity towards the same target or topic.

    This is DNA's one-mode network with qualifier aggregation "congruence" on the actor x
    (concept, polarity) array, whose cells n_a(t, s) count actor a's stances of sign s towards
    t under ``duplicates``. By default (``"range"``) the array is binary — did the actor ever
    take that side? — and the raw weight of a pair is the number of (target, polarity) pairs
    both actors hold; otherwise it is the sum over (t, s) of n_a(t, s) * n_b(t, s), as DNA
    computes it. Neutral stances take no side and are left out; ``actors`` filters holders
    only (they are the nodes).

    Parameters
    ----------
    normalization : {"none", "average", "jaccard", "cosine"}
        As in DNA, with n_i the sum of actor i's cells (on a binary array: the number of
        (target, polarity) pairs it holds) and m11 the sum of n_i * n_j over the cells both
        hold: ``average`` divides by (n_i + n_j) / 2, ``jaccard`` by m10 + m01 + m11 (m10: the
        sum of i's cells that j lacks; binary: n_i + n_j - m11), ``cosine`` by the product of
        the two rows' Euclidean norms (binary: sqrt(n_i * n_j), the cosine of two binary
        vectors; DNA's code divides by n_i * n_j, which equals it only when both are 1).
    duplicates : {"range", "none", "article", "week", "month", "year"}
        How the array counts an actor's repeated stance: once at all (``"range"``, the
        default: DNA's "acrossrange"), every time (``"none"``), or once per article, ISO week,
        calendar month or year (see :mod:`kg.network.dna`).
    other parameters
        See :func:`actor_network`; ``min_count`` applies to the raw (unnormalised) count.

    Returns
    -------
    networkx.Graph
        Nodes as in :func:`actor_network` plus ``concepts`` (n_i). Edges: ``weight``
        (normalised), ``count`` (raw), ``congruence``, ``conflict`` (raw counts), ``sign`` (-1 for
        conflict edges and negative subtract weights, else 1),
        ``targets`` (labels), ``target_iris``, ``stances``, ``evidence`` (both actors' stances on
        the targets they share; a stance's evidence dict is one object shared by every edge it
        backs: read it, do not change it).

    Examples
    --------
    >>> def row(s, h, t, pol):
    ...     return {"stance": s, "holder": h, "holder_label": h, "holder_type": "Country",
    ...             "target": t, "target_label": t, "target_type": "Topic",
    ...             "target_kind": "topic", "polarity": pol}
    >>> rows = [row("1", "A", "x", "positive"), row("2", "B", "x", "positive"),
    ...         row("3", "B", "y", "negative")]
    >>> congruence_network(rows).edges["A", "B"]["weight"]
    1.0
    >>> congruence_network(rows, normalization="average").edges["A", "B"]["weight"]
    0.666667
    >>> rows.append(row("4", "A", "x", "positive"))   # A says it again
    >>> [congruence_network(rows, duplicates=d).edges["A", "B"]["weight"] for d in ("range", "none")]
    [1.0, 2.0]
    """
    filters = dict(
        date_from=date_from,
        date_to=date_to,
        actors=actors,
        actor_types=actor_types,
        min_confidence=min_confidence,
        min_count=min_count,
    )
    return _one_mode(store_or_rows, "congruence", normalization, filters, duplicates)


def conflict_network(
    store_or_rows: Any,
    *,
    normalization: str = "none",
    date_from: Any = None,
    date_to: Any = None,
    actors: Iterable[str] | None = None,
    actor_types: Iterable[str] | None = None,
    min_confidence: float | None = None,
    min_count: int | None = None,
    duplicates: str = "range",
) -> nx.Graph:
    """Actors linked by how often they take *opposite* polarities towards the same target or topic.

    The raw weight of a pair is the number of targets one actor supports and the other opposes
    (counted for each direction; with counts, n_a(t, +) * n_b(t, -) + n_a(t, -) * n_b(t, +)).
    Normalisations, ``duplicates`` and attributes as in :func:`congruence_network`.

    Examples
    --------
    >>> def row(s, h, t, pol):
    ...     return {"stance": s, "holder": h, "holder_label": h, "holder_type": "Country",
    ...             "target": t, "target_label": t, "target_type": "Topic",
    ...             "target_kind": "topic", "polarity": pol}
    >>> G = conflict_network([row("1", "A", "x", "positive"), row("2", "B", "x", "negative")])
    >>> G.edges["A", "B"]["weight"], G.edges["A", "B"]["targets"]
    (1.0, ['x'])
    """
    filters = dict(
        date_from=date_from,
        date_to=date_to,
        actors=actors,
        actor_types=actor_types,
        min_confidence=min_confidence,
        min_count=min_count,
    )
    return _one_mode(store_or_rows, "conflict", normalization, filters, duplicates)


def subtract_network(
    store_or_rows: Any,
    *,
    normalization: str = "none",
    date_from: Any = None,
    date_to: Any = None,
    actors: Iterable[str] | None = None,
    actor_types: Iterable[str] | None = None,
    min_confidence: float | None = None,
    min_count: int | None = None,
    duplicates: str = "range",
) -> nx.Graph:
    """Congruence minus conflict (DNA's "subtract"): positive weights join allies, negative
    weights opponents; pairs whose agreements and disagreements cancel out get no edge.

    ``count`` (and ``min_count``) is congruence + conflict; both raw counts stay on the edge.

    Examples
    --------
    >>> def row(s, h, t, pol):
    ...     return {"stance": s, "holder": h, "holder_label": h, "holder_type": "Country",
    ...             "target": t, "target_label": t, "target_type": "Topic",
    ...             "target_kind": "topic", "polarity": pol}
    >>> rows = [row("1", "A", "x", "positive"), row("2", "B", "x", "negative"),
    ...         row("3", "A", "y", "negative"), row("4", "B", "y", "negative"),
    ...         row("5", "A", "z", "negative"), row("6", "B", "z", "positive")]
    >>> subtract_network(rows).edges["A", "B"]["weight"]
    -1.0
    """
    filters = dict(
        date_from=date_from,
        date_to=date_to,
        actors=actors,
        actor_types=actor_types,
        min_confidence=min_confidence,
        min_count=min_count,
    )
    return _one_mode(store_or_rows, "subtract", normalization, filters, duplicates)


VIEWS: dict[str, Callable[..., nx.Graph]] = {
    "actors": actor_network,
    "topics": topic_network,
    "congruence": congruence_network,
    "conflict": conflict_network,
    "subtract": subtract_network,
}


# ------------------------------------------------------------------------------ time
def _to_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _window_start(d: date, window: str | int, origin: date) -> date:
    if window == "year":
        return date(d.year, 1, 1)
    if window == "month":
        return date(d.year, d.month, 1)
    if window == "week":
        return d - timedelta(days=d.weekday())
    return origin + timedelta(days=((d - origin).days // int(window)) * int(window))


def _next_start(start: date, window: str | int) -> date:
    if window == "year":
        return date(start.year + 1, 1, 1)
    if window == "month":
        return date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    if window == "week":
        return start + timedelta(days=7)
    return start + timedelta(days=int(window))


def time_slices(
    view_fn: Callable[..., nx.Graph],
    store_or_rows: Any,
    window: str | int = "month",
    *,
    date_from: Any = None,
    date_to: Any = None,
    **kwargs: Any,
) -> list[tuple[date, date, nx.Graph]]:
    """The same view per time window, to see stances change.

    Parameters
    ----------
    view_fn : callable
        One of the views (e.g. :func:`actor_network`).
    store_or_rows : pyoxigraph.Store or list of dict
    window : {"month", "year", "week"} or int
        Calendar months, calendar years, ISO weeks (from Monday), or a number of days counted
        from the first date.
    date_from, date_to : optional
        Bound the range; by default it runs from the first to the last dated stance.
    **kwargs
        The other filters and the view's own options (e.g. ``normalization``).

    Returns
    -------
    list of (start, end, graph)
        ``start`` and ``end`` are inclusive ``datetime.date``s; windows with no stance are kept
        (with an empty graph) so a series has no gaps. Each graph records ``start`` and ``end``
        in ``graph.graph``. Stances without a date are left out.

    Examples
    --------
    >>> rows = [{"stance": "s1", "holder": "a", "holder_label": "A", "holder_type": "Person",
    ...          "target": "b", "target_label": "B", "target_type": "Person", "target_kind": "actor",
    ...          "polarity": "positive", "date": "2019-04-19"},
    ...         {"stance": "s2", "holder": "b", "holder_label": "B", "holder_type": "Person",
    ...          "target": "a", "target_label": "A", "target_type": "Person", "target_kind": "actor",
    ...          "polarity": "negative", "date": "2019-06-06"}]
    >>> [(str(s), g.number_of_edges()) for s, e, g in time_slices(actor_network, rows)]
    [('2019-04-01', 1), ('2019-05-01', 0), ('2019-06-01', 1)]
    """
    if isinstance(window, str) and window.isdigit():
        window = int(window)
    if not (window in ("month", "year", "week") or (isinstance(window, int) and window > 0)):
        raise ValueError(f"window must be 'month', 'year', 'week' or a positive number of days, not {window!r}")
    filters = {k: kwargs.get(k) for k in FILTER_KEYS if k not in ("date_from", "date_to")}
    rows = resolve_rows(store_or_rows, dict(filters, date_from=date_from, date_to=date_to), actor_side="either")
    dated = [r for r in rows if r.get("date")]
    if not dated:
        return []
    first = _to_date(date_from) if date_from else min(_to_date(r["date"]) for r in dated)
    last = _to_date(date_to) if date_to else max(_to_date(r["date"]) for r in dated)
    slices = []
    start = _window_start(first, window, first)
    while start <= last:
        nxt = _next_start(start, window)
        end = nxt - timedelta(days=1)
        lo, hi = start.isoformat(), end.isoformat()
        part = [r for r in dated if lo <= r["date"] <= hi]
        graph = view_fn(part, date_from=lo, date_to=hi, **kwargs)
        graph.graph["start"], graph.graph["end"] = lo, hi
        slices.append((start, end, graph))
        start = nxt
    return slices
