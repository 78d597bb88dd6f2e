"""networkx views -> one self-contained, offline, interactive HTML page (vis-network, as pyvis bundles it).

This is the only module that imports pyvis. pyvis supplies the vis-network library it bundles,
inlined as its ``cdn_resources="in_line"`` mode does (the script is copied into the page, so
nothing is fetched from the network). Its stock template is *not* used: it links Bootstrap from
a CDN and inserts the heading and titles as raw HTML; and its ``Network`` records are not used
either (the page builds the vis records itself from compact columns, see below). Our own
template (``kg/data/viz_page.html``) renders instead, with:

* every piece of text from an article treated as untrusted: the heading and notices go through
  Jinja autoescaping; the network travels as JSON inside a ``<script type="application/json">``
  block with ``<``, ``>``, ``&``, U+2028 and U+2029 written as ``\\u`` escapes (so a quote holding
  ``</script>`` cannot close the block); labels, tooltips, the search list and the notice are
  put into the page with ``textContent`` or ``.value`` (``kg/data/viz_controls.js``), never as HTML;
* a legend, filters (date range, actor type, polarity, minimum weight), limits, an actor search
  and physics that is switched off once the layout has stabilised;
* the WHOLE network in the page (nodes and edges as short-keyed columns, see :func:`_payload`),
  of which at most ``max_nodes`` nodes and ``max_edges`` edges are drawn: the filters and the
  search select from the whole network, and the page draws the readable part of that selection
  (the best-connected nodes and the strongest edges among them: :func:`_rank`, the same rule as
  ``rank()`` in the script) and says what it left out;
* tooltips with quotes for every edge of the first drawing and for the strongest other edges
  while ``evidence_budget`` lasts (3 million characters by default, so a 30,000-edge network
  makes a page of about 5 MB instead of 12 MB or more); the page says when some are missing.

The graphs come from :mod:`kg.network`: actor networks (``DiGraph``, edges with ``positive``,
``negative``, ``neutral``, ``count``, ``mean_polarity``, ``evidence`` …), two-mode actor/topic
networks, and undirected congruence / conflict / subtract networks (``weight``, ``targets``).

Example (in a notebook)::

    from kg.viz import show
    show(actor_network(store))          # renders inline in an iframe
"""

from __future__ import annotations

import functools
import html
import json
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from kg.records import ActorType

DATA_DIR = Path(__file__).resolve().parent / "data"

DEFAULT_MAX_NODES = 300
DEFAULT_MAX_EDGES = 1000
MAX_QUOTES_PER_EDGE = 5  # tooltips stay readable; the count says how many more there are
MAX_QUOTE_CHARS = 300
MAX_LABEL_CHARS = 40
# Characters of edge tooltip text (quotes, sources) embedded beyond the first drawing's edges:
# a 30,000-edge network would otherwise carry every quote (see html_string).
EVIDENCE_BUDGET = 3_000_000

# Shape and colour per actor type; a glyph for the legend that looks like the vis shape.
NODE_STYLES: dict[str, tuple[str, str, str]] = {
    ActorType.Person: ("dot", "#4e79a7", "\u25cf"),
    ActorType.Organization: ("square", "#f28e2b", "\u25a0"),
    ActorType.Government: ("diamond", "#9c4dc7", "\u25c6"),
    ActorType.Country: ("triangle", "#59a14f", "\u25b2"),
    ActorType.Group: ("triangleDown", "#b07aa1", "\u25bc"),
    ActorType.Media: ("star", "#edc948", "\u2605"),
    ActorType.InternationalOrganization: ("hexagon", "#76b7b2", "\u2b22"),
    ActorType.Party: ("square", "#ff9da7", "\u25a0"),
    "Topic": ("box", "#d3d3d3", "\u25ad"),
}
NODE_STYLES["topic"] = NODE_STYLES["Topic"]
OTHER_STYLE = ("dot", "#bab0ac", "\u25cf")
TYPE_NAMES = {ActorType.InternationalOrganization: "International organisation", "topic": "Topic", "other": "Other"}

POLARITY_COLORS = {
    "positive": "#2e9d4a",
    "negative": "#d62728",
    "neutral": "#9e9e9e",
    "mixed": "#7f7f7f",
}
POLARITY_NAMES = {
    "positive": "positive (support, praise)",
    "negative": "negative (criticism, attack)",
    "neutral": "neutral",
    "mixed": "mixed (both positive and negative)",
}
# In undirected one-mode views (congruence, conflict, subtract) an edge links two actors by their
# shared or opposite positions, so the legend and tooltips speak of agreement instead.
UNDIRECTED_NAMES = {
    "positive": "agreement (same stance on the same targets)",
    "negative": "disagreement (opposite stances on the same targets)",
    "neutral": "balanced (as much agreement as disagreement)",
    "mixed": "mixed",
}
# Undirected one-mode views: what an edge means, by the graph's kind.
UNDIRECTED_KINDS = {
    "congruence": "positive",  # the two actors agree about the same targets
    "conflict": "negative",  # they take opposite stances on the same targets
}


# ------------------------------------------------------------------------------ public API
def html_string(
    G: nx.Graph,
    *,
    title: str = "Stance network",
    size_by: str = "degree",
    max_nodes: int = DEFAULT_MAX_NODES,
    max_edges: int = DEFAULT_MAX_EDGES,
    kind: str | None = None,
    height: str = "720px",
    evidence_budget: int = EVIDENCE_BUDGET,
) -> str:
    """The whole HTML page for ``G`` as a string (deterministic: same graph, same page).

    ``size_by`` is ``"degree"`` or ``"statements"`` (the node attribute). ``kind`` says how to
    colour an undirected graph's edges (``congruence`` green, ``conflict`` red, ``subtract`` by
    sign); it defaults to ``G.graph["kind"]`` (or ``"view"``).

    The page holds the whole network and draws at most ``max_nodes`` nodes and ``max_edges``
    edges of whatever its filters select (see :func:`_rank`), saying what it left out; the
    reader can raise both limits on the page. Edge tooltips with quotes and sources are embedded
    for every edge of the first drawing and then for the strongest other edges until about
    ``evidence_budget`` characters of tooltip text are spent; the other edges' tooltips give
    weight, polarity and dates only, and the page says so.
    """
    if size_by not in ("degree", "statements"):
        raise ValueError(f"size_by must be 'degree' or 'statements', not {size_by!r}")
    if max_nodes < 1 or max_edges < 0:
        raise ValueError("max_nodes must be >= 1 and max_edges >= 0")
    kind = kind or G.graph.get("kind") or G.graph.get("view")
    kind = str(kind).lower() if kind else None
    whole = _Whole(G)
    n, m = len(whole.nodes), len(whole.data)
    drawn_nodes, drawn_edges = _rank(range(n), range(m), whole.src, whole.dst, whole.w, max_nodes, max_edges)
    payload = _payload(
        G,
        whole,
        drawn_nodes,
        drawn_edges,
        size_by=size_by,
        kind=kind,
        max_nodes=max_nodes,
        max_edges=max_edges,
        evidence_budget=max(0, evidence_budget),
    )
    notice = _notice(payload["noun"], len(drawn_nodes), n, len(drawn_edges), m)
    tips_note = None
    if payload["tipsEmbedded"] < m:
        tips_note = (
            f"Quotes and sources are embedded for {payload['tipsEmbedded']:,} of {m:,} edges (those drawn "
            "first, then the strongest), to keep this page small; the tooltips of the others give "
            "weight, polarity and dates only. Draw a narrower network (kg network with --from/--to, "
            "--actor or --type) to read every quote."
        )
    size_text = "number of connections" if size_by == "degree" else "number of statements"
    return _render(
        payload,
        title=title,
        notice=notice,
        tips_note=tips_note,
        height=height,
        legend=_legend(payload),
        size_text=size_text,
    )


def write_html(
    G: nx.Graph,
    path: str | os.PathLike[str],
    *,
    title: str = "Stance network",
    size_by: str = "degree",
    max_nodes: int = DEFAULT_MAX_NODES,
    max_edges: int = DEFAULT_MAX_EDGES,
    kind: str | None = None,
    evidence_budget: int = EVIDENCE_BUDGET,
) -> Path:
    """Write the interactive page for ``G`` to ``path`` (and nothing else) and return the path."""
    page = html_string(
        G,
        title=title,
        size_by=size_by,
        max_nodes=max_nodes,
        max_edges=max_edges,
        kind=kind,
        evidence_budget=evidence_budget,
    )
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out


class NetworkView:
    """A page that shows itself inside a notebook cell (an ``<iframe srcdoc>``, escaped)."""

    def __init__(self, page: str, height: str = "760px") -> None:
        self.page = page
        self.height = height

    def _repr_html_(self) -> str:
        # srcdoc is an HTML attribute: quote=True escapes & < > " ' so the page cannot break out.
        return (
            f'<iframe srcdoc="{html.escape(self.page, quote=True)}" '
            f'style="width:100%;height:{html.escape(self.height)};border:0" '
            'sandbox="allow-scripts"></iframe>'
        )

    def save(self, path: str | os.PathLike[str]) -> Path:
        out = Path(path)
        out.write_text(self.page, encoding="utf-8")
        return out


def show(G: nx.Graph, *, height: str = "620px", **kwargs: Any) -> NetworkView:
    """Render ``G`` for a notebook cell: ``show(G)`` as the last expression of a cell draws it."""
    page = html_string(G, height=height, **kwargs)
    # the frame holds the heading and notice too; a height in vh/% cannot be added to, so use a fixed one
    frame = f"{int(height[:-2]) + 260}px" if height.endswith("px") and height[:-2].isdigit() else "900px"
    return NetworkView(page, height=frame)


# ------------------------------------------------------------------------------ the whole network, ranked
def _edge_strength(data: dict[str, Any]) -> float:
    """How much an edge matters (ranking, width, the weight filter): |weight|, else its count."""
    for key in ("weight", "count"):
        value = data.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            return abs(float(value))
    return 1.0


def _sort_key(node: Any) -> str:
    return str(node)


class _Whole:
    """The whole network as parallel lists, in the order the page embeds it.

    Nodes are numbered in ``str(node)`` order (ties: the graph's order), edges by (source number,
    target number) and then the graph's order; an undirected edge runs from the lower number.
    ``w[j]`` is edge ``j``'s strength rounded to 4 decimals, exactly as the page holds it, so that
    :func:`_rank` here and ``rank()`` in ``viz_controls.js`` see the same numbers.
    """

    def __init__(self, G: nx.Graph) -> None:
        self.directed = G.is_directed()
        self.nodes: list[Any] = sorted(G.nodes, key=_sort_key)
        self.index: dict[Any, int] = {v: i for i, v in enumerate(self.nodes)}
        raw = []
        for u, v, d in G.edges(data=True):
            a, b = self.index[u], self.index[v]
            if not self.directed and b < a:
                a, b = b, a
            raw.append((a, b, d))
        raw.sort(key=lambda e: (e[0], e[1]))  # stable: parallel edges keep the graph's order
        self.src = [a for a, _, _ in raw]
        self.dst = [b for _, b, _ in raw]
        self.data = [d for _, _, d in raw]
        self.w = [round(_edge_strength(d), 4) for d in self.data]


def _rank(
    nodes: Sequence[int],
    edges: Sequence[int],
    src: Sequence[int],
    dst: Sequence[int],
    w: Sequence[float],
    max_nodes: int,
    max_edges: int,
) -> tuple[list[int], list[int]]:
    """The readable part of a selection: THE ranking rule of the page.

    ``rank()`` in ``kg/data/viz_controls.js`` is the same function, line for line, applied in the
    browser to whatever the filters select; change both together (``tests/test_browser.py``
    checks that they agree). ``nodes`` and ``edges`` are the selected node and edge numbers of
    the whole network (see :class:`_Whole`), ascending.

    1. If at most ``max_nodes`` nodes and ``max_edges`` edges are selected, all are drawn.
    2. Otherwise the selected nodes are ranked by their degree among the selected edges (a
       self-loop counts twice), then by their strength (the sum of those edges' strengths, added
       in edge order), then by number; the first ``max_nodes`` are kept.
    3. Of the selected edges between kept nodes, the ``max_edges`` strongest are drawn (ties: by
       source number, target number, edge number).
    4. A kept node left without a drawn edge is dropped, unless it had no selected edge at all.

    Returns the drawn node numbers and edge numbers, ascending.
    """
    if len(nodes) <= max_nodes and len(edges) <= max_edges:
        return list(nodes), list(edges)
    degree = {v: 0 for v in nodes}
    strength = {v: 0.0 for v in nodes}
    for j in edges:
        a, b = src[j], dst[j]
        degree[a] += 1
        degree[b] += 1
        strength[a] += w[j]
        strength[b] += w[j]
    ranked = sorted(nodes, key=lambda v: (-degree[v], -strength[v], v))
    keep = set(ranked[:max_nodes])
    candidates = [j for j in edges if src[j] in keep and dst[j] in keep]
    candidates.sort(key=lambda j: (-w[j], src[j], dst[j], j))
    chosen = sorted(candidates[:max_edges])
    touched = {src[j] for j in chosen} | {dst[j] for j in chosen}
    drawn = sorted(v for v in keep if v in touched or degree[v] == 0)
    return drawn, chosen


def _notice(noun: str, shown_nodes: int, matching_nodes: int, shown_edges: int, matching_edges: int) -> str | None:
    """What the page says it left out (``noticeText()`` in viz_controls.js writes the same words)."""
    left = []
    if matching_nodes > shown_nodes:
        left.append(f"{matching_nodes - shown_nodes:,} {noun}")
    if matching_edges > shown_edges:
        left.append(f"{matching_edges - shown_edges:,} edges")
    if not left:
        return None
    return (
        f"Large network: showing {shown_nodes:,} of {matching_nodes:,} {noun} matching the filters and "
        f"{shown_edges:,} of {matching_edges:,} edges; {' and '.join(left)} left out \u2014 raise the limits "
        f"or narrow the filters (drawn: the best-connected {noun} and the strongest edges among them)."
    )


# ------------------------------------------------------------------------------ node and edge records
def _text(value: Any, limit: int | None = None) -> str:
    """A display string (plain text; escaping happens where it is embedded)."""
    s = "" if value is None else str(value)
    s = " ".join(s.split())
    if limit and len(s) > limit:
        s = s[: limit - 1].rstrip() + "\u2026"
    return s


def _num(value: Any, default: float = 0.0) -> float:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)) and math.isfinite(value):
        return float(value)
    return default


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.3g}"


def _edge_polarity(data: dict[str, Any], directed_counts: bool, kind: str | None) -> str:
    """positive / negative / neutral / mixed for an edge."""
    if directed_counts:
        pos, neg = _num(data.get("positive")), _num(data.get("negative"))
        if pos and neg:
            return "mixed"
        if pos:
            return "positive"
        if neg:
            return "negative"
        if "mean_polarity" in data and not any(k in data for k in ("positive", "negative")):
            mp = _num(data.get("mean_polarity"))
            return "positive" if mp > 0 else "negative" if mp < 0 else "neutral"
        return "neutral"
    if kind in UNDIRECTED_KINDS:
        return UNDIRECTED_KINDS[kind]
    w = _num(data.get("weight"), 1.0)
    # subtract (and unknown kinds): the sign says agreement (+) or conflict (-)
    return "positive" if w > 0 else "negative" if w < 0 else "neutral"


def _dates(data: dict[str, Any]) -> list[str]:
    raw = {e.get("date") for e in data.get("evidence") or () if isinstance(e, dict)}
    found = {str(d)[:10] for d in raw if d}
    for key in ("first_date", "last_date"):
        if data.get(key):
            found.add(str(data[key])[:10])
    return sorted(found)


def _node_tip(label: str, attrs: dict[str, Any], degree: int) -> list[list[str]]:
    tip = [["h", label]]
    kind = attrs.get("type") or "actor"
    tip.append(["t", TYPE_NAMES.get(kind, str(kind))])
    roles = [_text(r, 120) for r in attrs.get("roles") or [] if _text(r)]
    if roles:
        tip.append(["k", "Roles: " + "; ".join(roles[:8]) + (" \u2026" if len(roles) > 8 else "")])
    if attrs.get("statements") is not None:
        tip.append(["k", f"Statements: {_fmt(_num(attrs.get('statements')))}"])
    tip.append(["k", f"Connections: {degree}"])
    if attrs.get("iri"):
        tip.append(["s", _text(attrs["iri"], 200)])
    return tip


def _edge_tip(src: str, dst: str, data: dict[str, Any], directed: bool, polarity: str) -> list[list[str]]:
    arrow = " \u2192 " if directed else " \u2014 "
    tip = [["h", src + arrow + dst]]
    if any(k in data for k in ("positive", "negative", "neutral")):
        tip.append(
            [
                "k",
                "Stances: {} positive, {} negative, {} neutral".format(
                    *(_fmt(_num(data.get(k))) for k in ("positive", "negative", "neutral"))
                ),
            ]
        )
    else:
        names = POLARITY_NAMES if directed else UNDIRECTED_NAMES
        tip.append(
            ["k", f"{names[polarity].split(' (')[0].capitalize()}, weight {_fmt(_num(data.get('weight'), 1.0))}"]
        )
        parts = [
            f"{k} {_fmt(_num(data.get(k)))}" for k in ("count", "congruence", "conflict") if data.get(k) is not None
        ]
        if parts:
            tip.append(["k", "Shared positions: " + ", ".join(parts)])
    if data.get("mean_polarity") is not None:
        tip.append(["k", f"Mean polarity: {_num(data.get('mean_polarity')):+.2f}"])
    first, last = data.get("first_date"), data.get("last_date")
    if first or last:
        span = _text(first) if first == last or not last else f"{_text(first)} to {_text(last)}"
        tip.append(["k", f"Dates: {span}"])
    targets = [_text(t, 80) for t in data.get("targets") or []]
    if targets:
        tip.append(["k", "Shared targets: " + "; ".join(targets[:10]) + (" \u2026" if len(targets) > 10 else "")])
    evidence = [e for e in data.get("evidence") or [] if isinstance(e, dict)]
    evidence.sort(key=lambda e: (str(e.get("date") or ""), str(e.get("article") or ""), str(e.get("quote") or "")))
    for e in evidence[:MAX_QUOTES_PER_EDGE]:
        who = ""
        if not directed and (e.get("holder") or e.get("target")):
            who = f"{_text(e.get('holder'), 60) or '?'} \u2192 {_text(e.get('target'), 60) or '?'}"
        cue = _text(e.get("cue"), 40)
        reporter = _text(e.get("reported_by"), 60)
        head = " \u00b7 ".join(
            x
            for x in (
                _text(e.get("date")),
                who,
                _text(e.get("polarity")),
                cue and f"cue \u201c{cue}\u201d",
                reporter and f"reported by {reporter}",
            )
            if x
        )
        if head:
            tip.append(["m", head])
        quote = _text(e.get("quote"), MAX_QUOTE_CHARS)
        if quote:
            # a direct quote usually carries its own quotation marks
            tip.append(["q", quote if quote[0] in "\"\u201c\u2018'" else "\u201c" + quote + "\u201d"])
        article_id = _text(e.get("article_id"), 120)
        source = (
            _text(e.get("article_title"), 120)
            or (article_id and f"article {article_id}")
            or _text(e.get("article"), 120)
        )
        if source:
            tip.append(["s", "Source: " + source])
    if len(evidence) > MAX_QUOTES_PER_EDGE:
        tip.append(["m", f"\u2026 and {len(evidence) - MAX_QUOTES_PER_EDGE} more"])
    return tip


def _layout(H: nx.Graph, index: dict[Any, int]) -> dict[Any, tuple[float, float]]:
    """Deterministic starting positions, so the browser's physics settles in few iterations."""
    if H.number_of_nodes() == 0:
        return {}
    U = nx.Graph()
    U.add_nodes_from(sorted(H.nodes, key=lambda v: index[v]))
    U.add_edges_from((u, v) for u, v in H.edges())
    try:
        pos = nx.spring_layout(U, seed=7, iterations=40)
    except Exception:  # noqa: BLE001 - a layout failure must not cost the page
        pos = nx.circular_layout(U)
    scale = 40.0 * math.sqrt(U.number_of_nodes()) + 150.0
    return {v: (round(float(p[0]) * scale, 1), round(float(p[1]) * scale, 1)) for v, p in pos.items()}


def _tip_chars(tip: list[list[str]]) -> int:
    return sum(len(text) + 8 for _, text in tip)  # about what the lines cost in the page's JSON


def _payload(
    G: nx.Graph,
    whole: _Whole,
    drawn_nodes: list[int],
    drawn_edges: list[int],
    *,
    size_by: str,
    kind: str | None,
    max_nodes: int,
    max_edges: int,
    evidence_budget: int,
) -> dict[str, Any]:
    """The whole network in compact columns, plus the options and the first drawing's layout.

    Short keys, one list per column (``n`` nodes, ``e`` edges; ``viz_controls.js`` documents the
    same layout): ``n.l`` labels, ``n.t`` type (index into ``types``), ``n.z`` size in pixels,
    ``n.tip`` the node tooltip's lines after the name and type; ``e.s``/``e.t`` source and target
    node numbers, ``e.p`` polarity (index into ``polarities``), ``e.w`` strength, ``e.d`` dates
    (indices into ``days``), ``e.tip`` the edge tooltip's lines after its heading, or 0 when the
    tooltip was not embedded (see ``evidence_budget`` in :func:`html_string`). ``xy`` holds
    ``[node, x, y]`` starting positions of the first drawing.
    """
    directed = whole.directed
    nodes, n, m = whole.nodes, len(whole.nodes), len(whole.data)
    cols = _node_columns(G, whole, size_by)
    # Actor and two-mode networks count stances per polarity; one-mode views have a signed weight.
    directed_counts = any(k in d for d in whole.data for k in ("positive", "negative"))
    pols = [_edge_polarity(d, directed_counts, kind) for d in whole.data]
    pols_present = [p for p in POLARITY_COLORS if p in set(pols)]
    pol_no = {p: i for i, p in enumerate(pols_present)}
    edge_dates = [_dates(d) for d in whole.data]
    days = sorted({day for ds in edge_dates for day in ds})
    day_no = {day: i for i, day in enumerate(days)}
    strengths = whole.w
    integral = all(float(s).is_integer() for s in strengths)
    edge_tips, embedded = _edge_tips(whole, cols.labels, pols, drawn_edges, evidence_budget)

    # the first drawing: starting positions, and options sized for it
    H = nx.Graph()
    H.add_nodes_from(nodes[i] for i in drawn_nodes)
    H.add_edges_from((nodes[whole.src[j]], nodes[whole.dst[j]]) for j in drawn_edges)
    pos = _layout(H, whole.index)
    xy = [[i, *pos[nodes[i]]] for i in drawn_nodes]
    big = len(drawn_nodes) > 150 or len(drawn_edges) > 400
    names = POLARITY_NAMES if directed else UNDIRECTED_NAMES
    types_present = cols.types_present
    return {
        "directed": directed,
        "kind": kind,
        "options": _vis_options(directed, big),
        "types": types_present,
        "typeNames": {t: TYPE_NAMES.get(t, t) for t in types_present},
        "typeStyles": {t: list(NODE_STYLES.get(t, OTHER_STYLE)[:2]) for t in types_present},
        "polarities": pols_present,
        "polarityNames": {p: names[p].split(" (")[0] for p in pols_present},
        "polarityColors": {p: POLARITY_COLORS[p] for p in pols_present},
        "noun": "nodes" if any(t in ("Topic", "topic") for t in types_present) else "actors",
        "maxNodes": max_nodes,
        "maxEdges": max_edges,
        "maxLabel": MAX_LABEL_CHARS,
        "dateMin": days[0] if days else None,
        "dateMax": days[-1] if days else None,
        "weightMax": round(max(strengths, default=0.0), 4),
        "weightStep": 1 if integral else round(max(max(strengths, default=0.0) / 100.0, 0.001), 4),
        "totalNodes": n,
        "totalEdges": m,
        "tipsEmbedded": embedded,
        "days": days,
        "n": {"l": cols.labels, "t": cols.types, "z": cols.sizes, "tip": cols.tips},
        "e": {
            "s": whole.src,
            "t": whole.dst,
            "p": [pol_no[p] for p in pols],
            "w": strengths,
            "d": [[day_no[day] for day in ds] for ds in edge_dates],
            "tip": edge_tips,
        },
        "xy": xy,
    }


@dataclass
class _NodeColumns:
    labels: list[str]
    types: list[int]  # index into types_present
    types_present: list[str]
    sizes: list[float]  # pixels
    tips: list[list[list[str]]]  # the tooltip's lines after the name and type (the page adds those)


def _node_columns(G: nx.Graph, whole: _Whole, size_by: str) -> _NodeColumns:
    """Label, type, size and tooltip of every node of the whole network."""
    nodes = whole.nodes
    degree_full = dict(G.degree())

    def size_value(v: Any) -> float:
        if size_by == "statements":
            return max(_num(G.nodes[v].get("statements")), 0.0)
        return float(degree_full.get(v, 0))

    values = [size_value(v) for v in nodes]
    top = max(values, default=0.0) or 1.0
    ntypes = [str(G.nodes[v].get("type") or "") or "other" for v in nodes]
    types_present = sorted(set(ntypes), key=lambda t: (list(NODE_STYLES).index(t) if t in NODE_STYLES else 99, t))
    type_no = {t: i for i, t in enumerate(types_present)}
    labels, node_tips = [], []
    for v in nodes:
        attrs = G.nodes[v]
        label = _text(attrs.get("label") or v)
        labels.append(label)
        node_tips.append(_node_tip(label, attrs, degree_full.get(v, 0))[2:])  # the page adds name and type
    return _NodeColumns(
        labels,
        [type_no[t] for t in ntypes],
        types_present,
        [round(10 + 30 * math.sqrt(x / top), 1) for x in values],
        node_tips,
    )


def _edge_tips(
    whole: _Whole, labels: list[str], pols: list[str], drawn_edges: list[int], evidence_budget: int
) -> tuple[list[Any], int]:
    """Each edge's tooltip lines after its heading, or 0 when not embedded, and how many were:
    every drawn edge's, then the strongest others' while ``evidence_budget`` characters last."""
    m, strengths = len(whole.data), whole.w
    drawn_set = set(drawn_edges)
    order = drawn_edges + sorted(
        (j for j in range(m) if j not in drawn_set), key=lambda j: (-strengths[j], whole.src[j], whole.dst[j], j)
    )
    edge_tips: list[Any] = [0] * m
    spent, embedded = 0, 0
    for j in order:
        if spent >= evidence_budget and j not in drawn_set:
            break
        src, dst = labels[whole.src[j]], labels[whole.dst[j]]
        tip = _edge_tip(src, dst, whole.data[j], whole.directed, pols[j])[1:]  # the page adds the heading
        spent += _tip_chars(tip)
        edge_tips[j] = tip
        embedded += 1
    return edge_tips, embedded


def _vis_options(directed: bool, big: bool) -> dict[str, Any]:
    """vis-network's options for the first drawing (lighter on a big one)."""
    return {
        "autoResize": True,
        "nodes": {"font": {"size": 14, "face": "sans-serif"}, "borderWidth": 1},
        "edges": {
            "arrows": {"to": {"enabled": directed, "scaleFactor": 0.6}},
            "smooth": {"enabled": not big, "type": "curvedCW", "roundness": 0.12},
            "selectionWidth": 2,
        },
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": big, "navigationButtons": False},
        "physics": {
            "enabled": True,
            "solver": "barnesHut",
            "barnesHut": {
                "gravitationalConstant": -6000,
                "springLength": 140,
                "springConstant": 0.03,
                "damping": 0.2,
                "avoidOverlap": 0.1,
            },
            "stabilization": {"enabled": True, "iterations": 120 if big else 250, "updateInterval": 25, "fit": True},
            "minVelocity": 1.0,
        },
        "layout": {"randomSeed": 7, "improvedLayout": False},
    }


# ------------------------------------------------------------------------------ rendering
def script_json(data: Any) -> str:
    """JSON that is safe inside ``<script>``: no ``<``, ``>``, ``&`` or JS line separators."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    for ch, esc in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def _legend(payload: dict[str, Any]) -> list[dict[str, str]]:
    items = []
    for t in payload["types"]:
        _, color, glyph = NODE_STYLES.get(t, OTHER_STYLE)
        items.append({"kind": "node", "glyph": glyph, "color": color, "text": TYPE_NAMES.get(t, t)})
    names = POLARITY_NAMES if payload["directed"] else UNDIRECTED_NAMES
    for p in payload["polarities"]:
        items.append(
            {
                "kind": "edge",
                "glyph": "\u2501" if p != "mixed" else "\u254d",
                "color": POLARITY_COLORS[p],
                "text": names[p],
            }
        )
    return items


def _asset(name: str) -> str:
    return (DATA_DIR / name).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def _environment():  # compiling the template (vis-network is 0.5 MB of it) costs ~0.3 s: do it once
    import pyvis
    from jinja2 import ChoiceLoader, Environment, FileSystemLoader

    pyvis_templates = Path(pyvis.__file__).resolve().parent / "templates"
    return Environment(
        loader=ChoiceLoader([FileSystemLoader(str(DATA_DIR)), FileSystemLoader(str(pyvis_templates))]),
        autoescape=True,
        keep_trailing_newline=True,
    )


def _render(
    payload: dict[str, Any],
    *,
    title: str,
    notice: str | None,
    tips_note: str | None,
    height: str,
    legend: Iterable[dict],
    size_text: str,
) -> str:
    from markupsafe import Markup

    script = _asset("viz_controls.js")
    if "</script" in script.lower():  # our own code must not be able to close its block either
        raise RuntimeError("viz_controls.js must not contain '</script'")
    template = _environment().get_template("viz_page.html")
    return template.render(
        title=_text(title) or "Stance network",
        notice=notice,
        tips_note=tips_note,
        max_nodes=payload["maxNodes"],
        max_edges=payload["maxEdges"],
        height=height if _safe_css_length(height) else "720px",
        legend=list(legend),
        size_text=size_text,
        directed=payload["directed"],
        data_json=Markup(script_json(payload)),
        controls_js=Markup(script),
        page_css=Markup(_asset("viz_page.css")),
    )


def _safe_css_length(value: str) -> bool:
    import re

    return bool(re.fullmatch(r"\d{1,5}(px|vh|%)", value))
