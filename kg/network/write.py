"""Writing a network view to a file: GraphML, GEXF, CSV edge list, UCINET DL, or the interactive
page (:mod:`kg.viz`, imported only when an ``.html`` file is asked for); and the tables and
chart of :mod:`kg.network.dna` and :mod:`kg.network.polarisation` (event list, polarisation)."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import networkx as nx


# ------------------------------------------------------------------------------ writing
def _flat(value: Any) -> Any:
    """A value GraphML/GEXF can hold: lists and dicts become JSON text, dates ISO strings."""
    if isinstance(value, (list, tuple, set, dict)):
        return json.dumps(sorted(value) if isinstance(value, set) else value, ensure_ascii=False, default=str)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float, str)):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return str(value)


# What XML 1.0 cannot hold at all, even escaped: C0 controls but tab, newline and carriage
# return; U+FFFE and U+FFFF; lone surrogates. One of them in an article's name (it happens:
# "Senator John\x01Smith") made the whole .graphml / .gexf unreadable for networkx and Gephi.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def xml_safe(value: Any) -> Any:
    r"""``value`` with every character XML 1.0 forbids replaced by U+FFFD (other values as they are).

    >>> xml_safe("John\x01Smith") == "John\ufffdSmith"
    True
    """
    return _XML_ILLEGAL.sub(REPLACEMENT, value) if isinstance(value, str) else value


# A one-mode edge (congruence, conflict, subtract) stands on every stance either actor took on
# the targets they share, so one stance backs many edges: the 211,000 edges of a subtract view
# of 10,000 articles cite 8.6 M stances, and a .graphml that wrote them out per edge was 667 MB
# already at 1,000 articles (8.9 GB of memory at 10,000). In files these edges keep their shared
# targets (``targets``, ``target_iris``) and how many stances back them (``stance_count``); the
# stances themselves are the event list (``kg network events``), one row each, where an edge's
# evidence is the rows whose holder is one of its actors and whose target is one of its targets.
ONE_MODE_KINDS = frozenset({"congruence", "conflict", "subtract"})
_LISTED_IN_EVENTS = ("stances", "evidence")


def export_edge_data(graph: nx.Graph, data: Mapping[str, Any]) -> dict[str, Any]:
    """The attributes a file export writes for one edge of ``graph`` (see ``ONE_MODE_KINDS``).

    Examples
    --------
    >>> G = nx.Graph(kind="congruence")
    >>> export_edge_data(G, {"weight": 1.0, "stances": ["s1", "s2"], "evidence": [{}, {}]})
    {'weight': 1.0, 'stance_count': 2}
    >>> export_edge_data(nx.DiGraph(kind="actors"), {"weight": 1.0, "stances": ["s1"]})
    {'weight': 1.0, 'stances': ['s1']}
    """
    if graph.graph.get("kind") not in ONE_MODE_KINDS:
        return dict(data)
    out = {k: v for k, v in data.items() if k not in _LISTED_IN_EVENTS}
    if "stances" in data:
        out["stance_count"] = len(data["stances"])
    return out


def _node_ids(graph: nx.Graph, clean: Any) -> dict[Any, Any]:
    """node -> its id in a file (distinct even if cleaning made two alike)."""
    names: dict[Any, Any] = {}
    taken: set[Any] = set()
    for n in graph.nodes:
        new = clean(n)
        k = 1
        while new in taken:
            k += 1
            new = f"{clean(n)}#{k}"
        names[n] = new
        taken.add(new)
    return names


def flat_copy(graph: nx.Graph, *, xml: bool = False) -> nx.Graph:
    """A copy of ``graph`` whose attributes are all scalars (lists/dicts as JSON), Nones dropped.

    ``xml=True`` also replaces the characters XML cannot hold (:func:`xml_safe`) in node ids,
    attribute names and every string value, for GraphML and GEXF."""
    clean = xml_safe if xml else (lambda v: v)
    names = _node_ids(graph, clean)

    def attrs(data: dict) -> dict:
        return {clean(str(k)) if xml else k: clean(_flat(v)) for k, v in data.items() if v is not None}

    H = graph.__class__()
    H.graph.update(attrs(graph.graph))
    for n, data in graph.nodes(data=True):
        H.add_node(names[n], **attrs(data))
    for u, v, data in graph.edges(data=True):
        H.add_edge(names[u], names[v], **attrs(export_edge_data(graph, data)))
    return H


# ------------------------------------------------------------------------------ GraphML, streamed
_GRAPHML_HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
)


def _graphml_type(kinds: set[type]) -> str:
    """The one GraphML type that holds values of all these Python types (``string`` when they mix)."""
    if kinds == {bool}:
        return "boolean"
    if kinds and kinds <= {int}:
        return "long"
    if kinds and kinds <= {int, float}:
        return "double"
    return "string"


def write_graphml(graph: nx.Graph, path: str | Path) -> Path:
    """Write ``graph`` as GraphML one element at a time, as networkx reads it back.

    ``networkx.write_graphml`` builds the whole document as a tree first; a one-mode view of a
    large corpus (200,000 edges) then took gigabytes. Here only the attribute types are gathered
    first (one pass over the attributes), then nodes and edges are written as they come.
    Lists and dicts are JSON text; characters XML cannot hold become U+FFFD.

    Examples
    --------
    >>> import tempfile, os
    >>> G = nx.DiGraph(kind="actors"); G.add_edge("a", "b", weight=1.5, count=2, stances=["s<1>"])
    >>> H = nx.read_graphml(write_graphml(G, os.path.join(tempfile.mkdtemp(), "g.graphml")))
    >>> H.edges["a", "b"]["weight"], H.edges["a", "b"]["count"], H.edges["a", "b"]["stances"]
    (1.5, 2, '["s<1>"]')
    """
    from xml.sax.saxutils import escape, quoteattr

    def value(v: Any) -> Any:
        return xml_safe(_flat(v))

    def edges() -> Iterable[tuple[Any, Any, dict[str, Any]]]:
        for u, v, data in graph.edges(data=True):
            yield u, v, {k: val for k, val in export_edge_data(graph, data).items() if val is not None}

    scopes: dict[str, dict[str, set[type]]] = {"graph": {}, "node": {}, "edge": {}}

    def gather(scope: str, data: Mapping[str, Any]) -> None:
        seen = scopes[scope]
        for k, v in data.items():
            if v is not None:
                seen.setdefault(xml_safe(str(k)), set()).add(type(_flat(v)))

    gather("graph", graph.graph)
    for _, data in graph.nodes(data=True):
        gather("node", data)
    for _, _, data in edges():
        gather("edge", data)
    keys: dict[tuple[str, str], tuple[str, str]] = {}  # (scope, name) -> (key id, type)
    path = Path(path)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(_GRAPHML_HEAD)
        for scope, names in scopes.items():
            for name, kinds in names.items():
                key = f"d{len(keys)}"
                keys[(scope, name)] = (key, _graphml_type(kinds))
                fh.write(
                    f'  <key id="{key}" for="{scope}" attr.name={quoteattr(name)} '
                    f'attr.type="{keys[(scope, name)][1]}" />\n'
                )

        def data_lines(scope: str, data: Mapping[str, Any], indent: str) -> str:
            out = []
            for k, v in data.items():
                if v is None:
                    continue
                key, kind = keys[(scope, xml_safe(str(k)))]
                v = value(v)
                text = (
                    ("true" if v else "false") if kind == "boolean" else repr(float(v)) if kind == "double" else str(v)
                )
                out.append(f'{indent}<data key="{key}">{escape(text)}</data>\n')
            return "".join(out)

        directed = "directed" if graph.is_directed() else "undirected"
        fh.write(f'  <graph edgedefault="{directed}">\n')
        fh.write(data_lines("graph", graph.graph, "    "))
        ids = _node_ids(graph, xml_safe)
        for n, data in graph.nodes(data=True):
            fh.write(f"    <node id={quoteattr(str(ids[n]))}>\n{data_lines('node', data, '      ')}    </node>\n")
        for u, v, data in edges():
            fh.write(
                f"    <edge source={quoteattr(str(ids[u]))} target={quoteattr(str(ids[v]))}>\n"
                f"{data_lines('edge', data, '      ')}    </edge>\n"
            )
        fh.write("  </graph>\n</graphml>\n")
    return path


_CSV_FIRST = [
    "source",
    "target",
    "source_label",
    "target_label",
    "weight",
    "count",
    "positive",
    "negative",
    "neutral",
    "mean_polarity",
    "congruence",
    "conflict",
    "first_date",
    "last_date",
]


def _csv_cell(value: Any) -> Any:
    value = _flat(value)
    if isinstance(value, str):  # a lone surrogate cannot be written as UTF-8 at all
        value = re.sub("[\ud800-\udfff]", REPLACEMENT, value)
    # Keep spreadsheets from running article text as a formula (CSV injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_csv(graph: nx.Graph, path: str | Path) -> Path:
    """Write the edge list: ``source``, ``target``, their labels, then every edge attribute
    (lists and dicts as JSON)."""
    path = Path(path)
    keys: list[str] = []
    for _, _, data in graph.edges(data=True):
        for k in export_edge_data(graph, data):
            if k not in keys:
                keys.append(k)
    columns = [c for c in _CSV_FIRST if c in ("source", "target", "source_label", "target_label") or c in keys]
    columns += [k for k in keys if k not in columns]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        for u, v, data in graph.edges(data=True):
            row = {
                "source": u,
                "target": v,
                "source_label": graph.nodes[u].get("label", u),
                "target_label": graph.nodes[v].get("label", v),
            }
            row.update(export_edge_data(graph, data))
            writer.writerow({k: _csv_cell(row.get(k)) for k in columns})
    return path


# ------------------------------------------------------------------------------ UCINET DL
DL_FULLMATRIX_MAX_CELLS = 250_000  # beyond about 500 x 500 a full matrix is mostly zeros: list edges
_DL_UNSAFE = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")


def dl_label(text: Any) -> str:
    r"""A label DL can hold inside double quotes: one line, no double quote (DL has no escape for
    it, so it becomes a single quote, as DNA does), no control characters, never empty.

    Examples
    --------
    >>> dl_label('Le "Monde"\ndata:')
    "Le 'Monde' data:"
    """
    value = " ".join(_DL_UNSAFE.sub(" ", str(text)).replace('"', "'").split())
    return value or "?"


def _unique_labels(labels: Sequence[str]) -> list[str]:
    """Labels made unique (UCINET matches labels without regard to case): "X", "X (2)", ..."""
    seen: set[str] = set()
    out = []
    for label in labels:
        candidate, k = label, 1
        while candidate.casefold() in seen:
            k += 1
            candidate = f"{label} ({k})"
        seen.add(candidate.casefold())
        out.append(candidate)
    return out


def _dl_number(value: Any) -> str:
    if value is None:
        return "0"
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:.10g}"


def _dl_modes(graph: nx.Graph) -> tuple[list, list, bool]:
    """Row nodes, column nodes and whether the network is two-mode (nodes marked ``bipartite``,
    as :func:`kg.network.topic_network` marks them); nodes sorted by label as DNA sorts them."""

    def order(nodes: Iterable) -> list:
        return sorted(nodes, key=lambda n: (str(graph.nodes[n].get("label", n)).casefold(), str(n)))

    marks = {graph.nodes[n].get("bipartite") for n in graph}
    if graph.number_of_nodes() and marks <= {0, 1} and 1 in marks:
        rows = order(n for n in graph if graph.nodes[n]["bipartite"] == 0)
        return rows, order(n for n in graph if graph.nodes[n]["bipartite"] == 1), True
    nodes = order(graph)
    return nodes, nodes, False


def write_dl(graph: nx.Graph, path: str | Path, *, weight: str = "weight", layout: str = "auto") -> Path:
    """Write ``graph`` as a UCINET DL file (also read by Gephi, visone, Pajek's converters).

    One-mode networks become an n x n matrix, two-mode ones (:func:`kg.network.topic_network`)
    an actors x targets matrix. Cells hold ``weight`` (1 when missing); an undirected edge fills
    both of its cells.

    Parameters
    ----------
    layout : {"auto", "fullmatrix", "edgelist"}
        ``fullmatrix`` writes every cell (what DNA writes); ``edgelist`` one line per non-zero
        cell (DL's ``edgelist1``, or ``edgelist2`` for two-mode), with 1-based row and column
        numbers; ``auto`` picks the full matrix up to :data:`DL_FULLMATRIX_MAX_CELLS` cells.

    Labels are double-quoted and made safe by :func:`dl_label` and unique.

    Examples
    --------
    >>> import tempfile, os
    >>> G = nx.Graph(); G.add_node("a", label='Say "no"'); G.add_edge("a", "b", weight=2)
    >>> print(open(write_dl(G, os.path.join(tempfile.mkdtemp(), "g.dl"))).read())
    dl n = 2, format = fullmatrix
    labels:
    "b"
    "Say 'no'"
    data:
    0 2
    2 0
    <BLANKLINE>
    """
    rows, cols, two_mode = _dl_modes(graph)
    if layout == "auto":
        layout = "fullmatrix" if len(rows) * len(cols) <= DL_FULLMATRIX_MAX_CELLS else "edgelist"
    if layout not in ("fullmatrix", "edgelist"):
        raise ValueError(f"layout must be 'auto', 'fullmatrix' or 'edgelist', not {layout!r}")
    r_at = {n: i for i, n in enumerate(rows)}
    c_at = {n: i for i, n in enumerate(cols)}
    cells: dict[tuple[int, int], str] = {}
    for u, v, d in graph.edges(data=True):
        value = _dl_number(d.get(weight, 1))
        if u in r_at and v in c_at:
            cells[(r_at[u], c_at[v])] = value
        if not graph.is_directed() and v in r_at and u in c_at:  # an undirected tie goes both ways
            cells[(r_at[v], c_at[u])] = value

    def labels(nodes: list) -> list[str]:
        return [f'"{x}"' for x in _unique_labels([dl_label(graph.nodes[n].get("label", n)) for n in nodes])]

    fmt = layout if layout == "fullmatrix" else ("edgelist2" if two_mode else "edgelist1")
    if two_mode:
        lines = [
            f"dl nr = {len(rows)}, nc = {len(cols)}, format = {fmt}",
            "row labels:",
            *labels(rows),
            "column labels:",
            *labels(cols),
        ]
    else:
        lines = [f"dl n = {len(rows)}, format = {fmt}", "labels:", *labels(rows)]
    lines.append("data:")
    if layout == "fullmatrix":
        lines += [" ".join(cells.get((i, j), "0") for j in range(len(cols))) for i in range(len(rows))]
    else:
        lines += [f"{i + 1} {j + 1} {value}" for (i, j), value in sorted(cells.items())]
    path = Path(path)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ------------------------------------------------------------------------------ tables and charts
def write_table(rows: Iterable[Mapping[str, Any]], path: str | Path, columns: Sequence[str]) -> Path:
    """Write dicts as CSV with these ``columns`` (lists joined by "; "), every cell guarded
    against spreadsheet formulas as in :func:`write_csv`."""
    path = Path(path)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {
                    k: _csv_cell("; ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
                    for k, v in ((k, row.get(k)) for k in columns)
                }
            )
    return path


def write_events(events: Iterable[Mapping[str, Any]], path: str | Path) -> Path:
    """Write the event list of :func:`kg.network.dna.event_rows` as CSV (columns
    :data:`kg.network.dna.EVENT_COLUMNS`)."""
    from kg.network.dna import EVENT_COLUMNS

    if Path(path).suffix.lower() != ".csv":
        raise ValueError(f"the event list is written as .csv, not {Path(path).name!r}")
    return write_table(events, path, EVENT_COLUMNS)


def write_polarisation(
    series: Sequence[Mapping[str, Any]], path: str | Path, *, title: str = "Polarisation over time"
) -> Path:
    """Write :func:`kg.network.polarisation.polarisation_series` as a table (``.csv``) or a chart
    (``.svg``: polarisation per window, the camps in each point's tooltip, and the baseline
    dashed when the series has one)."""
    from kg.network.polarisation import SERIES_COLUMNS

    path = Path(path)
    ext = path.suffix.lower()
    if ext == ".csv":
        return write_table(series, path, SERIES_COLUMNS)
    if ext != ".svg":
        raise ValueError(f"polarisation is written as .csv or .svg, not {path.name!r}")
    from kg.network.chart import line_chart_svg

    notes = [
        f"{s['actors']} actors, {s['ties']} ties; camps: {', '.join(s['camp_0'])} | {', '.join(s['camp_1'])}"
        if s.get("polarisation") is not None
        else "no tie"
        for s in series
    ]
    lines = {"polarisation": [s.get("polarisation") for s in series]}
    if any(s.get("baseline") is not None for s in series):
        lines["baseline (same ties, signs shuffled)"] = [s.get("baseline") for s in series]
    svg = line_chart_svg(
        [s["start"] for s in series], lines, title=title, y_label="polarisation (2 x signed modularity)", notes=notes
    )
    path.write_text(svg, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------ any network
NETWORK_FORMATS = (".html", ".graphml", ".gexf", ".csv", ".dl")


def write_network(graph: nx.Graph, path: str | Path, *, title: str | None = None) -> Path:
    """Write ``graph`` in the format its file name asks for.

    ``.graphml`` and ``.gexf`` (Gephi, visone) hold scalars only, so list and dict attributes
    (``stances``, ``evidence``, ``roles``, ...) are written as JSON text; ``.csv`` is an edge
    list; ``.dl`` a UCINET matrix of the weights (:func:`write_dl`); ``.html`` is the
    interactive page drawn by :func:`kg.viz.write_html`.

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import tempfile, os, networkx as nx
    >>> G = nx.DiGraph(); G.add_edge("a", "b", weight=1, stances=["s1"])
    >>> p = write_network(G, os.path.join(tempfile.mkdtemp(), "g.graphml"))
    >>> nx.read_graphml(p).edges["a", "b"]["stances"]
    '["s1"]'
    """
    path = Path(path)
    ext = path.suffix.lower()
    if ext == ".html":
        from kg.viz import write_html  # pyvis lives only in kg.viz

        kind = graph.graph.get("kind", "network")
        return Path(write_html(graph, path, title=title or f"kg: {kind} network"))
    if ext == ".graphml":
        write_graphml(graph, path)
    elif ext == ".gexf":
        nx.write_gexf(flat_copy(graph, xml=True), path, encoding="utf-8")
    elif ext == ".csv":
        write_csv(graph, path)
    elif ext == ".dl":
        write_dl(graph, path)
    else:
        raise ValueError(f"unknown network format {ext or path.name!r}: use {', '.join(NETWORK_FORMATS)}")
    return path
