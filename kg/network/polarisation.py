"""Polarisation over time: how far the actors split into two opposed camps, per time window.

The measure is the signed modularity of Gómez, Jensen & Arenas (2009) for the best split of
the actors into two camps, rescaled to [0, 1]:

    S. Gómez, P. Jensen, A. Arenas (2009), "Analysis of community structure in networks of
    correlated data", Physical Review E 80, 016114, doi:10.1103/PhysRevE.80.016114.

On a signed network with positive ties w+ and negative ties w-,

    Q = 1 / (2w+ + 2w-) * sum_ij [ (w+_ij - k+_i k+_j / 2w+) - (w-_ij - k-_i k-_j / 2w-) ] * [c_i = c_j]

is high when positive ties fall inside camps and negative ties between them, beyond what the
actors' tie strengths alone would give. With two camps Q is at most 1/2, reached by two camps of
equal weight that agree inside and oppose each other across; ``polarisation = 2 * max(Q, 0)``.
A consensual group (positive ties only) is best left as one camp: Q = 0, polarisation 0. A big
consensus with a small dissenting group scores lower than two blocs of equal weight, which is
what "divided" means here.

The ties are those of DNA's polarisation (Leifeld's ``dna_polarization``, which scores a split
of the congruence and conflict networks): two actors' congruence counts as a positive tie and
their conflict as a negative one (``ties="agreement"``); kg adds the stances actors take
*towards each other* (``"direct"``: support positive, criticism negative); ``"both"`` (the default)
adds the two. DNA searches the split with a genetic or greedy algorithm and scores it by
absolute differences from expected congruence/conflict; kg uses the modularity above, split by
Newman's leading eigenvector (M. E. J. Newman 2006, PNAS 103(23): 8577-8582) refined by moving
single actors while Q grows (exact maximisation is NP-hard).

Modularity is also high on sparse networks whatever their signs (Guimerà, Sales-Pardo & Amaral
2004, "Modularity from fluctuations in random graphs", Phys. Rev. E 70, 025101): a month with few
ties can score 0.7 with no opposition in it. So each window also gets a ``baseline``, the mean
polarisation of the same ties with their weights (signs included) shuffled over the same pairs
(:func:`null_polarisation`), and ``excess = polarisation - baseline``, the division the signs
themselves make; compare windows of very different density by ``excess``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from datetime import date
from typing import Any

import networkx as nx

from kg.network.dna import check_duplicates, count_distinct
from kg.network.rows import POLARITY_SIGN, Rows, local_name, resolve_rows
from kg.network.views import affiliation_array, agreement_pairs, time_slices

TIES = ("both", "agreement", "direct")


def tie_network(
    store_or_rows: Any,
    *,
    ties: str = "both",
    duplicates: str = "none",
    date_from: Any = None,
    date_to: Any = None,
    actors: Iterable[str] | None = None,
    actor_types: Iterable[str] | None = None,
    min_confidence: float | None = None,
) -> nx.Graph:
    """The signed, undirected actor network polarisation is measured on.

    Parameters
    ----------
    ties : {"both", "agreement", "direct"}
        ``agreement``: congruence (+) and conflict (-) as in :func:`kg.network.congruence_network`;
        ``direct``: stances between the two actors, either way (+ support, - criticism);
        ``both``: their sum.
    duplicates : {"none", "article", "week", "month", "year", "range"}
        How repeated stances count (see :mod:`kg.network.dna`); ``"none"`` (every stance) as
        DNA's polarisation does.
    other parameters
        Filters as in :func:`kg.network.actor_network`.

    Returns
    -------
    networkx.Graph
        Nodes: ``label``, ``type``. Edges: ``positive`` and ``negative`` (tie mass), ``weight``
        (positive - negative), ``congruence``, ``conflict``, ``support``, ``opposition``.
        ``graph["stances"]`` is the number of stances read.

    Examples
    --------
    >>> def row(s, h, t, pol, kind="actor"):
    ...     return {"stance": s, "holder": h, "holder_label": h, "target": t, "target_label": t,
    ...             "target_kind": kind, "polarity": pol}
    >>> G = tie_network([row("1", "A", "B", "negative"), row("2", "A", "x", "positive", "topic"),
    ...                  row("3", "B", "x", "negative", "topic")])
    >>> G.edges["A", "B"]["weight"], G.edges["A", "B"]["opposition"], G.edges["A", "B"]["conflict"]
    (-2.0, 1, 1)
    """
    if ties not in TIES:
        raise ValueError(f"ties must be one of {', '.join(TIES)}, not {ties!r}")
    duplicates = check_duplicates(duplicates)
    filters = dict(
        date_from=date_from, date_to=date_to, actors=actors, actor_types=actor_types, min_confidence=min_confidence
    )
    rows = resolve_rows(store_or_rows, filters)
    parts: dict[tuple[str, str], dict[str, float]] = defaultdict(
        lambda: {"congruence": 0, "conflict": 0, "support": 0, "opposition": 0}
    )
    if ties in ("both", "agreement"):
        _, counts = affiliation_array(resolve_rows(rows, filters, actor_side="holder"), duplicates)
        for pair, p in agreement_pairs(counts).items():
            parts[pair]["congruence"] += p["congruence"]
            parts[pair]["conflict"] += p["conflict"]
    if ties in ("both", "direct"):
        _add_direct(parts, rows, duplicates)
    G = nx.Graph(kind="ties", ties=ties, duplicates=duplicates, stances=len(rows))
    about = _labels(rows)
    for (a, b), p in sorted(parts.items()):
        pos, neg = float(p["congruence"] + p["support"]), float(p["conflict"] + p["opposition"])
        if pos == 0 and neg == 0:
            continue
        for n in (a, b):
            if n not in G:
                G.add_node(n, **about[n])
        G.add_edge(a, b, positive=pos, negative=neg, weight=pos - neg, **p)
    return G


def _add_direct(parts: dict[tuple[str, str], dict[str, float]], rows: Rows, duplicates: str) -> None:
    """Stances between actors as ties, counted under ``duplicates``, both directions added."""
    groups: dict[tuple[str, str, int], list[dict]] = defaultdict(list)
    for r in rows:
        sign = POLARITY_SIGN.get(r.get("polarity") or "", 0)
        if r.get("target_kind") == "actor" and sign and r["holder"] != r["target"]:
            a, b = sorted((r["holder"], r["target"]))
            groups[(a, b, sign)].append(r)
    for (a, b, sign), rs in groups.items():
        parts[(a, b)]["support" if sign > 0 else "opposition"] += count_distinct(rs, duplicates)


def _labels(rows: Rows) -> dict[str, dict[str, str]]:
    about: dict[str, dict[str, str]] = {}
    for r in rows:
        for side in ("holder", "target"):
            if side == "target" and r.get("target_kind") != "actor":
                continue
            about.setdefault(
                r[side],
                {"label": r.get(f"{side}_label") or local_name(r[side]), "type": r.get(f"{side}_type") or "Actor"},
            )
    return about


# ------------------------------------------------------------------------------ the measure
class _Signed:
    """The modularity matrix B of a signed graph, kept implicit (sparse ties plus two rank-one
    terms) so that a 3,000-actor window needs no dense 3,000 x 3,000 matrix."""

    def __init__(self, nodes: list, pairs: list[tuple[int, int]], weights: Any) -> None:
        import numpy as np
        from scipy import sparse

        self.nodes = nodes
        n = len(nodes)
        i, j = (np.array(x, dtype=int) for x in zip(*pairs)) if pairs else (np.zeros(0, int), np.zeros(0, int))
        w = np.asarray(weights, dtype=float)
        A = sparse.csr_matrix((np.concatenate([w, w]), (np.concatenate([i, j]), np.concatenate([j, i]))), shape=(n, n))
        A.sum_duplicates()
        self.ties = A
        self.plus = A.maximum(0).tocsr()
        self.minus = (-A).maximum(0).tocsr()
        self.k_plus = np.asarray(self.plus.sum(axis=1)).ravel()
        self.k_minus = np.asarray(self.minus.sum(axis=1)).ravel()
        self.two_plus, self.two_minus = float(self.k_plus.sum()), float(self.k_minus.sum())
        self.total = self.two_plus + self.two_minus  # 2w+ + 2w-

    def times(self, s: Any) -> Any:
        """B @ s."""
        out = self.plus @ s - self.minus @ s
        if self.two_plus:
            out = out - self.k_plus * (self.k_plus @ s) / self.two_plus
        if self.two_minus:
            out = out + self.k_minus * (self.k_minus @ s) / self.two_minus
        return out

    def column(self, i: int) -> Any:
        """B[:, i]: the rank-one terms, plus row i of the ties (they are symmetric), read
        straight from the CSR arrays (scipy's row slicing costs more than the arithmetic)."""
        import numpy as np

        col = np.zeros(len(self.nodes))
        if self.two_plus:
            col -= self.k_plus * (self.k_plus[i] / self.two_plus)
        if self.two_minus:
            col += self.k_minus * (self.k_minus[i] / self.two_minus)
        lo, hi = self.ties.indptr[i], self.ties.indptr[i + 1]
        col[self.ties.indices[lo:hi]] += self.ties.data[lo:hi]
        return col

    def modularity(self, s: Any) -> float:
        """Q of the split s (+1/-1 per node)."""
        return float(s @ self.times(s)) / (2 * self.total) if self.total else 0.0


def _leading_sides(B: _Signed) -> Any:
    """Sides from the sign of B's leading eigenvector (Newman 2006)."""
    import numpy as np

    n = len(B.nodes)
    if n < 2:
        return np.ones(n)
    if n <= 400:
        dense = np.column_stack([B.times(e) for e in np.eye(n)])
        vec = np.linalg.eigh((dense + dense.T) / 2)[1][:, -1]
    else:  # Lanczos on the implicit matrix: B is never built
        from scipy.sparse.linalg import ArpackError, ArpackNoConvergence, LinearOperator, eigsh

        op = LinearOperator((n, n), matvec=B.times, dtype=float)
        try:
            vec = eigsh(op, k=1, which="LA", tol=1e-4, maxiter=20 * n, v0=np.linspace(1.0, 2.0, n))[1][:, 0]
        except (ArpackError, ArpackNoConvergence):
            vec = np.ones(n)
    return np.where(vec >= 0, 1.0, -1.0)


def _refine(B: _Signed, s: Any) -> Any:
    """Move single actors to the other camp while that raises Q (best move first)."""
    import numpy as np

    s = s.copy()
    field = B.times(s)
    diag = _diagonal(B)
    for _ in range(4 * len(s)):
        gains = -s * (field - diag * s)  # the change of s'Bs / 4 when node i switches camp
        i = int(np.argmax(gains))
        if gains[i] <= 1e-12:
            break
        field -= 2 * s[i] * B.column(i)
        s[i] = -s[i]
    return s


def _diagonal(B: _Signed) -> Any:
    """B's diagonal: the ties have no loops, so only the rank-one terms contribute."""
    import numpy as np

    d = np.zeros(len(B.nodes))
    if B.two_plus:
        d = d - B.k_plus**2 / B.two_plus
    if B.two_minus:
        d = d + B.k_minus**2 / B.two_minus
    return d


def _ties(G: nx.Graph, weight: str) -> tuple[list, list[tuple[int, int]], list[float]]:
    """Nodes (sorted, for results that do not change between runs), node-index pairs, weights."""
    nodes = sorted(G, key=str)
    index = {n: i for i, n in enumerate(nodes)}
    pairs, weights = [], []
    for u, v, d in G.edges(data=True):
        w = float(d.get(weight, 1.0) or 0.0)
        if u != v and w:
            pairs.append((index[u], index[v]))
            weights.append(w)
    return nodes, pairs, weights


def _best_split(B: _Signed) -> tuple[Any, float]:
    """Sides (+1/-1) and Q of the best two-camp split found (all +1 and 0 when none beats one camp)."""
    import numpy as np

    s = _refine(B, _leading_sides(B))
    q = B.modularity(s)
    if q <= 1e-12:  # one camp (Q = 0) is better than any split found
        s, q = np.ones(len(B.nodes)), 0.0
    return s, q


def two_camps(G: nx.Graph, weight: str = "weight") -> tuple[dict[Hashable, int], float]:
    """The split of ``G``'s nodes into two camps with the highest signed modularity found.

    Returns
    -------
    (dict, float)
        node -> camp (0 for the camp with more tie strength, 1 for the other; every node in
        camp 0 when no split beats keeping them together) and that split's Q.

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_weighted_edges_from([("a", "b", 1), ("c", "d", 1), ("a", "c", -1), ("b", "d", -1)])
    >>> camps, q = two_camps(G)
    >>> camps["a"] == camps["b"] != camps["c"] == camps["d"], q
    (True, 0.5)
    """
    B = _Signed(*_ties(G, weight))
    if not B.nodes:
        return {}, 0.0
    s, q = _best_split(B)
    strength = B.k_plus + B.k_minus
    if strength[s > 0].sum() < strength[s < 0].sum():
        s = -s
    return {n: int(s[i] < 0) for i, n in enumerate(B.nodes)}, round(q, 6)


def null_polarisation(G: nx.Graph, weight: str = "weight", *, shuffles: int = 10, seed: int = 0) -> float | None:
    """The polarisation the same ties would show with their weights (signs included) dealt out
    at random over the same pairs: the mean over ``shuffles`` shuffles.

    Modularity is high on sparse networks whatever their signs (a long chain of allies splits
    neatly in two), so a window with few ties can score high without any opposition. This
    baseline keeps who is tied to whom and how strongly, and drops only which tie is hostile:
    ``polarisation - baseline`` (``excess`` in :func:`measure_polarisation`) is the division the
    signs add. None without ties; for ties all alike, the baseline is the polarisation itself.

    Examples
    --------
    >>> ring = nx.cycle_graph(40); nx.set_edge_attributes(ring, 1, "weight")
    >>> p = measure_polarisation(ring, null=5)
    >>> p["polarisation"] > 0.5, p["excess"]   # a ring of allies splits in two, but not by its signs
    (True, 0.0)
    """
    import numpy as np

    nodes, pairs, weights = _ties(G, weight)
    if not pairs:
        return None
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(shuffles):
        _, q = _best_split(_Signed(nodes, pairs, rng.permutation(weights)))
        values.append(2 * q)
    return round(float(np.mean(values)), 6)


def measure_polarisation(
    G: nx.Graph, weight: str = "weight", top: int = 5, *, null: int = 0, seed: int = 0
) -> dict[str, Any]:
    """How divided the actors of a signed network are (see the module docstring).

    Parameters
    ----------
    null : int
        Shuffles for the ``baseline`` (see :func:`null_polarisation`); 0 computes none.
    seed : int
        Seed of the shuffles (the same seed, the same baseline).

    Returns
    -------
    dict
        ``polarisation`` (2 Q, in [0, 1]; None when there is no tie), ``baseline`` and ``excess``
        (``polarisation - baseline``; None unless ``null``), ``modularity`` (Q),
        ``actors``, ``ties``, ``positive`` and ``negative`` (tie mass), ``frustration`` (the
        share of tie mass the split leaves unbalanced: positive across or negative inside),
        ``camps`` (node -> 0/1), ``camp_sizes``, ``camp_0``/``camp_1`` (the labels of up to
        ``top`` actors with the most tie mass in each camp).

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_weighted_edges_from([("a", "b", 2), ("c", "d", 2), ("a", "c", -1), ("b", "d", -1)])
    >>> measure_polarisation(G)["polarisation"]
    1.0
    >>> H = nx.complete_graph(4); nx.set_edge_attributes(H, 1, "weight")
    >>> measure_polarisation(H)["polarisation"]
    0.0
    """
    camps, q = two_camps(G, weight)
    pos = sum(max(float(d.get(weight, 1.0) or 0.0), 0.0) for *_, d in G.edges(data=True))
    neg = sum(max(-float(d.get(weight, 1.0) or 0.0), 0.0) for *_, d in G.edges(data=True))
    unbalanced = 0.0
    strength: dict[Hashable, float] = defaultdict(float)
    for u, v, d in G.edges(data=True):
        w = float(d.get(weight, 1.0) or 0.0)
        strength[u] += abs(w)
        strength[v] += abs(w)
        if (w > 0) != (camps[u] == camps[v]) and w != 0:
            unbalanced += abs(w)
    members = {c: sorted((n for n in camps if camps[n] == c), key=lambda n: (-strength[n], str(n))) for c in (0, 1)}
    value = round(2 * q, 6) if pos + neg else None
    baseline = null_polarisation(G, weight, shuffles=null, seed=seed) if null and value is not None else None
    return {
        "polarisation": value,
        "baseline": baseline,
        "excess": round(value - baseline, 6) if baseline is not None and value is not None else None,
        "modularity": q,
        "actors": G.number_of_nodes(),
        "ties": G.number_of_edges(),
        "positive": pos,
        "negative": neg,
        "frustration": round(unbalanced / (pos + neg), 6) if pos + neg else None,
        "camps": camps,
        "camp_sizes": [len(members[0]), len(members[1])],
        "camp_0": [G.nodes[n].get("label", str(n)) for n in members[0][:top]],
        "camp_1": [G.nodes[n].get("label", str(n)) for n in members[1][:top]],
    }


SERIES_COLUMNS = (
    "start",
    "end",
    "stances",
    "actors",
    "ties",
    "positive",
    "negative",
    "polarisation",
    "baseline",
    "excess",
    "modularity",
    "frustration",
    "camp_0_size",
    "camp_1_size",
    "camp_0",
    "camp_1",
)


def polarisation_series(
    store_or_rows: Any,
    window: str | int = "month",
    *,
    ties: str = "both",
    duplicates: str = "none",
    date_from: Any = None,
    date_to: Any = None,
    actors: Iterable[str] | None = None,
    actor_types: Iterable[str] | None = None,
    min_confidence: float | None = None,
    null: int = 10,
    seed: int = 0,
) -> list[dict[str, Any]]:
    """:func:`measure_polarisation` of the :func:`tie_network` of each time window.

    Parameters
    ----------
    window : {"month", "week", "year"} or int
        Calendar months, ISO weeks, calendar years or a number of days (see
        :func:`kg.network.time_slices`); windows without a stance are kept, so the series
        has no gaps.
    ties, duplicates
        See :func:`tie_network`.
    null, seed
        Shuffles for each window's ``baseline`` and their seed (see :func:`null_polarisation`):
        compare windows by ``excess`` when their numbers of ties differ much.
    other parameters
        Filters as in :func:`kg.network.actor_network`.

    Returns
    -------
    list of dict
        One per window, keys :data:`SERIES_COLUMNS`; ``camp_0``/``camp_1`` are lists of labels.
        ``polarisation`` is None for a window without a tie.

    Examples
    --------
    >>> def row(s, h, t, pol, day):
    ...     return {"stance": s, "holder": h, "holder_label": h, "target": t, "target_label": t,
    ...             "target_kind": "actor", "polarity": pol, "date": day}
    >>> rows = [row("1", "A", "B", "positive", "2019-01-05"), row("2", "B", "C", "positive", "2019-01-09"),
    ...         row("3", "A", "B", "positive", "2019-03-02"), row("4", "A", "C", "negative", "2019-03-03"),
    ...         row("5", "B", "D", "negative", "2019-03-04"), row("6", "C", "D", "positive", "2019-03-05")]
    >>> [(s["start"], s["polarisation"]) for s in polarisation_series(rows, "month")]
    [('2019-01-01', 0.0), ('2019-02-01', None), ('2019-03-01', 1.0)]
    """
    out = []
    for start, end, G in time_slices(
        tie_network,
        store_or_rows,
        window,
        ties=ties,
        duplicates=duplicates,
        date_from=date_from,
        date_to=date_to,
        actors=actors,
        actor_types=actor_types,
        min_confidence=min_confidence,
    ):
        p = measure_polarisation(G, null=null, seed=seed)
        out.append(
            {
                "start": _iso(start),
                "end": _iso(end),
                "stances": G.graph.get("stances", 0),
                **{
                    k: p[k]
                    for k in (
                        "actors",
                        "ties",
                        "positive",
                        "negative",
                        "polarisation",
                        "baseline",
                        "excess",
                        "modularity",
                        "frustration",
                        "camp_0",
                        "camp_1",
                    )
                },
                "camp_0_size": p["camp_sizes"][0],
                "camp_1_size": p["camp_sizes"][1],
            }
        )
    return [{k: r[k] for k in SERIES_COLUMNS} for r in out]


def _iso(d: date | str) -> str:
    return d.isoformat() if isinstance(d, date) else str(d)
