"""networkx views -> one self-contained, offline, interactive HTML page (pyvis + vis-network).

This is the only module that imports pyvis. pyvis builds the node and edge records and supplies
the vis-network library it bundles (``cdn_resources="in_line"``: the script is copied into the
page, so nothing is fetched from the network). Its stock template is *not* used: it links
Bootstrap from a CDN and inserts the heading and titles as raw HTML. Our own template
(``kg/data/viz_page.html``) renders instead, with:

* every piece of text from an article treated as untrusted: the heading and notice go through
  Jinja autoescaping; the node and edge data travel as JSON inside a
  ``<script type="application/json">`` block with ``<``, ``>``, ``&``, U+2028 and U+2029 written
  as ``\\u`` escapes (so a quote holding ``</script>`` cannot close the block); tooltips are built
  in the browser with ``textContent`` (``kg/data/viz_controls.js``), never ``innerHTML``;
* a legend, filters (date range, actor type, polarity, minimum weight), an actor search and
  physics that is switched off once the layout has stabilised;
* big graphs pruned to the highest-degree nodes and strongest edges, with a notice on the page.

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
from pathlib import Path
from typing import Any, Iterable

import networkx as nx

DATA_DIR = Path(__file__).resolve().parent / "data"

DEFAULT_MAX_NODES = 300
DEFAULT_MAX_EDGES = 1000
MAX_QUOTES_PER_EDGE = 5  # tooltips stay readable; the count says how many more there are
MAX_QUOTE_CHARS = 300
MAX_LABEL_CHARS = 40

# Shape and colour per actor type; a glyph for the legend that looks like the vis shape.
NODE_STYLES: dict[str, tuple[str, str, str]] = {
    "Person": ("dot", "#4e79a7", "\u25cf"),
    "Organization": ("square", "#f28e2b", "\u25a0"),
    "Government": ("diamond", "#9c4dc7", "\u25c6"),
    "Country": ("triangle", "#59a14f", "\u25b2"),
    "Group": ("triangleDown", "#b07aa1", "\u25bc"),
    "Media": ("star", "#edc948", "\u2605"),
    "InternationalOrganization": ("hexagon", "#76b7b2", "\u2b22"),
    "Party": ("square", "#ff9da7", "\u25a0"),
    "Topic": ("box", "#d3d3d3", "\u25ad"),
}
NODE_STYLES["topic"] = NODE_STYLES["Topic"]
OTHER_STYLE = ("dot", "#bab0ac", "\u25cf")
TYPE_NAMES = {"InternationalOrganization": "International organisation", "topic": "Topic", "other": "Other"}

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
) -> str:
    """The whole HTML page for ``G`` as a string (deterministic: same graph, same page).

    ``size_by`` is ``"degree"`` or ``"statements"`` (the node attribute). ``kind`` says how to
    colour an undirected graph's edges (``congruence`` green, ``conflict`` red, ``subtract`` by
    sign); it defaults to ``G.graph["kind"]`` (or ``"view"``). Graphs with more than
    ``max_nodes`` nodes or ``max_edges`` edges are pruned and the page says so.
    """
    if size_by not in ("degree", "statements"):
        raise ValueError(f"size_by must be 'degree' or 'statements', not {size_by!r}")
    if max_nodes < 1 or max_edges < 0:
        raise ValueError("max_nodes must be >= 1 and max_edges >= 0")
    kind = kind or G.graph.get("kind") or G.graph.get("view")
    kind = str(kind).lower() if kind else None
    shown, notice = _prune(G, max_nodes, max_edges)
    payload = _payload(G, shown, size_by=size_by, kind=kind)
    size_text = "number of connections" if size_by == "degree" else "number of statements"
    return _render(payload, title=title, notice=notice, height=height, legend=_legend(payload), size_text=size_text)


def write_html(
    G: nx.Graph,
    path: str | os.PathLike[str],
    *,
    title: str = "Stance network",
    size_by: str = "degree",
    max_nodes: int = DEFAULT_MAX_NODES,
    max_edges: int = DEFAULT_MAX_EDGES,
    kind: str | None = None,
) -> Path:
    """Write the interactive page for ``G`` to ``path`` (and nothing else) and return the path."""
    page = html_string(G, title=title, size_by=size_by, max_nodes=max_nodes, max_edges=max_edges, kind=kind)
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


# ------------------------------------------------------------------------------ pruning
def _edge_strength(data: dict[str, Any]) -> float:
    """How much an edge matters (pruning, width, the weight filter): |weight|, else its count."""
    for key in ("weight", "count"):
        value = data.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            return abs(float(value))
    return 1.0


def _sort_key(node: Any) -> str:
    return str(node)


def _prune(G: nx.Graph, max_nodes: int, max_edges: int) -> tuple[nx.Graph, str | None]:
    """Keep the highest-degree nodes and the strongest edges among them; say what was dropped."""
    n, m = G.number_of_nodes(), G.number_of_edges()
    if n <= max_nodes and m <= max_edges:
        return G, None
    strength: dict[Any, float] = {v: 0.0 for v in G.nodes}
    for u, v, data in G.edges(data=True):
        s = _edge_strength(data)
        strength[u] += s
        strength[v] += s
    degree = dict(G.degree())
    ranked = sorted(G.nodes, key=lambda v: (-degree[v], -strength[v], _sort_key(v)))
    keep = set(ranked[:max_nodes])
    edges = [(u, v, d) for u, v, d in G.edges(data=True) if u in keep and v in keep]
    edges.sort(key=lambda e: (-_edge_strength(e[2]), _sort_key(e[0]), _sort_key(e[1])))
    edges = edges[:max_edges]
    H = G.__class__()
    H.graph.update(G.graph)
    touched = {u for u, _, _ in edges} | {v for _, v, _ in edges}
    # A node kept only for its degree but left without any drawn edge would float alone: drop it,
    # unless it had no edges in the first place.
    for v in sorted(keep, key=_sort_key):
        if v in touched or degree[v] == 0:
            H.add_node(v, **G.nodes[v])
    for u, v, d in edges:
        H.add_edge(u, v, **d)
    notice = (
        f"Large network: showing {H.number_of_nodes():,} of {n:,} nodes and "
        f"{H.number_of_edges():,} of {m:,} edges (the highest-degree nodes and the strongest edges "
        "among them). Filter the network before drawing it to see the rest."
    )
    return H, notice


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
    found = {str(e.get("date"))[:10] for e in data.get("evidence") or [] if isinstance(e, dict) and e.get("date")}
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
        tip.append(["k", "Stances: {} positive, {} negative, {} neutral".format(
            *(_fmt(_num(data.get(k))) for k in ("positive", "negative", "neutral")))])
    else:
        names = POLARITY_NAMES if directed else UNDIRECTED_NAMES
        tip.append(["k", f"{names[polarity].split(' (')[0].capitalize()}, weight {_fmt(_num(data.get('weight'), 1.0))}"])
        parts = [f"{k} {_fmt(_num(data.get(k)))}" for k in ("count", "congruence", "conflict") if data.get(k) is not None]
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
        head = " \u00b7 ".join(x for x in (
            _text(e.get("date")), who, _text(e.get("polarity")), cue and f"cue \u201c{cue}\u201d",
            reporter and f"reported by {reporter}") if x)
        if head:
            tip.append(["m", head])
        quote = _text(e.get("quote"), MAX_QUOTE_CHARS)
        if quote:
            # a direct quote usually carries its own quotation marks
            tip.append(["q", quote if quote[0] in "\"\u201c\u2018'" else "\u201c" + quote + "\u201d"])
        article_id = _text(e.get("article_id"), 120)
        source = (_text(e.get("article_title"), 120) or (article_id and f"article {article_id}")
                  or _text(e.get("article"), 120))
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


def _payload(G: nx.Graph, H: nx.Graph, *, size_by: str, kind: str | None) -> dict[str, Any]:
    """Nodes, edges, options and filter ranges as plain JSON-able data, built through pyvis."""
    from pyvis.network import Network  # the only pyvis import

    directed = H.is_directed()
    # directed=True even for undirected views: pyvis's undirected add_edge scans every edge
    # (quadratic); networkx already guarantees one edge per pair, and we set arrows ourselves.
    net = Network(cdn_resources="in_line", directed=True)
    order = sorted(H.nodes, key=_sort_key)
    index = {v: i for i, v in enumerate(order)}
    degree_full = dict(G.degree())
    pos = _layout(H, index)

    def size_value(v: Any) -> float:
        if size_by == "statements":
            return _num(G.nodes[v].get("statements"))
        return float(degree_full.get(v, 0))

    values = [size_value(v) for v in order]
    top = max(values, default=0.0) or 1.0
    for v in order:
        attrs = H.nodes[v]
        label = _text(attrs.get("label") or v)
        ntype = str(attrs.get("type") or "")
        shape, color, _ = NODE_STYLES.get(ntype, OTHER_STYLE)
        size = round(10 + 30 * math.sqrt(max(size_value(v), 0.0) / top), 1)
        x, y = pos.get(v, (0.0, 0.0))
        net.add_node(
            index[v],
            label=_text(label, MAX_LABEL_CHARS) or "?",
            shape=shape,
            color=color,
            size=size,
            x=x,
            y=y,
            ntype=ntype or "other",
            fullLabel=label,
            tip=_node_tip(label, attrs, degree_full.get(v, 0)),
        )

    # Actor and two-mode networks count stances per polarity; one-mode views have a signed weight.
    directed_counts = any(k in d for _, _, d in H.edges(data=True) for k in ("positive", "negative"))
    edges = sorted(H.edges(data=True), key=lambda e: (index[e[0]], index[e[1]]))
    strengths = [_edge_strength(d) for _, _, d in edges]
    top_w = max(strengths, default=0.0) or 1.0
    all_dates: set[str] = set()
    integral = all(float(s).is_integer() for s in strengths)
    for i, ((u, v, data), strength) in enumerate(zip(edges, strengths)):
        polarity = _edge_polarity(data, directed_counts, kind)
        dates = _dates(data)
        all_dates.update(dates)
        src, dst = _text(H.nodes[u].get("label") or u), _text(H.nodes[v].get("label") or v)
        width = round(1 + 7 * math.sqrt(strength / top_w), 2)
        options: dict[str, Any] = dict(
            id=i,
            color=POLARITY_COLORS[polarity],
            width=width,
            pol=polarity,
            w=round(strength, 4),
            dates=dates,
            tip=_edge_tip(src, dst, data, directed, polarity),
        )
        if polarity == "mixed":
            options["dashes"] = True
        options["arrows"] = "to" if directed else ""
        net.add_edge(index[u], index[v], **options)

    types_present = sorted({n["ntype"] for n in net.nodes}, key=lambda t: (list(NODE_STYLES).index(t) if t in NODE_STYLES else 99, t))
    pols_present = [p for p in POLARITY_COLORS if any(e["pol"] == p for e in net.edges)]
    n_nodes = len(net.nodes)
    big = n_nodes > 150 or len(net.edges) > 400
    options = {
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
            "barnesHut": {"gravitationalConstant": -6000, "springLength": 140, "springConstant": 0.03,
                          "damping": 0.2, "avoidOverlap": 0.1},
            "stabilization": {"enabled": True, "iterations": 120 if big else 250, "updateInterval": 25, "fit": True},
            "minVelocity": 1.0,
        },
        "layout": {"randomSeed": 7, "improvedLayout": False},
    }
    return {
        "directed": directed,
        "kind": kind,
        "nodes": net.nodes,
        "edges": net.edges,
        "options": options,
        "types": types_present,
        "typeNames": {t: TYPE_NAMES.get(t, t) for t in types_present},
        "polarities": pols_present,
        "polarityNames": {p: (POLARITY_NAMES if directed else UNDIRECTED_NAMES)[p].split(" (")[0] for p in pols_present},
        "dateMin": min(all_dates) if all_dates else None,
        "dateMax": max(all_dates) if all_dates else None,
        "weightMax": round(max(strengths, default=0.0), 4),
        "weightStep": 1 if integral else round(max(top_w / 100.0, 0.001), 4),
        "totalNodes": G.number_of_nodes(),
        "totalEdges": G.number_of_edges(),
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
        items.append({"kind": "edge", "glyph": "\u2501" if p != "mixed" else "\u254d", "color": POLARITY_COLORS[p],
                      "text": names[p]})
    return items


def _asset(name: str) -> str:
    return (DATA_DIR / name).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def _environment():  # compiling the template (vis-network is 0.5 MB of it) costs ~0.3 s: do it once
    from jinja2 import ChoiceLoader, Environment, FileSystemLoader
    import pyvis

    pyvis_templates = Path(pyvis.__file__).resolve().parent / "templates"
    return Environment(
        loader=ChoiceLoader([FileSystemLoader(str(DATA_DIR)), FileSystemLoader(str(pyvis_templates))]),
        autoescape=True,
        keep_trailing_newline=True,
    )


def _render(payload: dict[str, Any], *, title: str, notice: str | None, height: str, legend: Iterable[dict],
            size_text: str) -> str:
    from markupsafe import Markup

    script = _asset("viz_controls.js")
    if "</script" in script.lower():  # our own code must not be able to close its block either
        raise RuntimeError("viz_controls.js must not contain '</script'")
    template = _environment().get_template("viz_page.html")
    return template.render(
        title=_text(title) or "Stance network",
        notice=notice,
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
