"""Writing a network view to a file: GraphML, GEXF, CSV edge list, or the interactive page
(:mod:`kg.viz`, imported only when an ``.html`` file is asked for)."""
from __future__ import annotations

import csv
import json
import re
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


def flat_copy(graph: nx.Graph, *, xml: bool = False) -> nx.Graph:
    """A copy of ``graph`` whose attributes are all scalars (lists/dicts as JSON), Nones dropped.

    ``xml=True`` also replaces the characters XML cannot hold (:func:`xml_safe`) in node ids,
    attribute names and every string value, for GraphML and GEXF."""
    clean = xml_safe if xml else (lambda v: v)
    names: dict[Any, Any] = {}  # node -> its id in the copy (distinct even if cleaning made two alike)
    taken: set[Any] = set()
    for n in graph.nodes:
        new = clean(n)
        k = 1
        while new in taken:
            k += 1
            new = f"{clean(n)}#{k}"
        names[n] = new
        taken.add(new)

    def attrs(data: dict) -> dict:
        return {clean(str(k)) if xml else k: clean(_flat(v)) for k, v in data.items() if v is not None}

    H = graph.__class__()
    H.graph.update(attrs(graph.graph))
    for n, data in graph.nodes(data=True):
        H.add_node(names[n], **attrs(data))
    for u, v, data in graph.edges(data=True):
        H.add_edge(names[u], names[v], **attrs(data))
    return H


_CSV_FIRST = ["source", "target", "source_label", "target_label", "weight", "count", "positive",
              "negative", "neutral", "mean_polarity", "congruence", "conflict", "first_date", "last_date"]


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
        for k in data:
            if k not in keys:
                keys.append(k)
    columns = [c for c in _CSV_FIRST if c in ("source", "target", "source_label", "target_label") or c in keys]
    columns += [k for k in keys if k not in columns]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        for u, v, data in graph.edges(data=True):
            row = {"source": u, "target": v,
                   "source_label": graph.nodes[u].get("label", u), "target_label": graph.nodes[v].get("label", v)}
            row.update(data)
            writer.writerow({k: _csv_cell(row.get(k)) for k in columns})
    return path


def write_network(graph: nx.Graph, path: str | Path, *, title: str | None = None) -> Path:
    """Write ``graph`` in the format its file name asks for.

    ``.graphml`` and ``.gexf`` (Gephi, visone) hold scalars only, so list and dict attributes
    (``stances``, ``evidence``, ``roles``, ...) are written as JSON text; ``.csv`` is an edge
    list; ``.html`` is the interactive page drawn by :func:`kg.viz.write_html`.

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
        nx.write_graphml(flat_copy(graph, xml=True), path, encoding="utf-8")
    elif ext == ".gexf":
        nx.write_gexf(flat_copy(graph, xml=True), path, encoding="utf-8")
    elif ext == ".csv":
        write_csv(graph, path)
    else:
        raise ValueError(f"unknown network format {ext or path.name!r}: use .html, .graphml, .gexf or .csv")
    return path
