"""kg.viz without a browser: self-contained, escaped, pruned, deterministic pages.

The graphs are built by hand in the attribute shape kg.network produces (see kg/viz.py), so these
tests do not depend on the extractors or the store. tests/test_browser.py reuses the builders.
"""
from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path

import networkx as nx
import pytest

from kg.viz import html_string, script_json, show, write_html

XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "</script><script>alert(1)</script>"
INJECTIONS = (XSS_IMG, XSS_SCRIPT)


# ------------------------------------------------------------------------------ graph builders
def _evidence(quote: str, date: str, title: str, polarity: str, cue: str = "said") -> dict:
    return {"quote": quote, "cue": cue, "polarity": polarity, "confidence": 0.8, "date": date,
            "article": "https://w3id.org/kg-stance/id/article/a1", "article_title": title}


def actor_graph() -> nx.DiGraph:
    """The seed's story in the shape of kg.network.actor_network, plus hostile strings."""
    G = nx.DiGraph(kind="actors")

    def node(key: str, label: str, typ: str, roles=(), statements: int = 0) -> None:
        G.add_node(key, label=label, type=typ, iri=f"https://w3id.org/kg-stance/id/actor/{key}",
                   roles=list(roles), statements=statements)

    def edge(u: str, v: str, evidence: list[dict]) -> None:
        pos = sum(e["polarity"] == "positive" for e in evidence)
        neg = sum(e["polarity"] == "negative" for e in evidence)
        neu = len(evidence) - pos - neg
        dates = sorted(e["date"] for e in evidence)
        G.add_edge(u, v, positive=pos, negative=neg, neutral=neu, count=len(evidence), weight=len(evidence),
                   mean_polarity=(pos - neg) / len(evidence), first_date=dates[0], last_date=dates[-1],
                   stances=[f"https://w3id.org/kg-stance/id/stance/{u}-{v}-{i}" for i in range(len(evidence))],
                   evidence=evidence)

    node("maiteeq", "Ahmed Maiteeq", "Person", ["Deputy Prime Minister"], 3)
    node("haftar", "Khalifa Haftar", "Person", ["Field Marshal"], 0)
    node("trump", "Donald Trump", "Person", ["President"], 1)
    node("us", "United States", "Country")
    node("gna", "Government of National Accord", "Government")
    node("evil", "Evil " + XSS_IMG, "Group", [XSS_SCRIPT], 1)
    node("alone", "Lonely Observer", "Media")
    edge("trump", "haftar", [_evidence("recognized Haftar's significant role", "2019-04-19", "Seed article", "positive",
                                       "praised")])
    edge("maiteeq", "haftar", [_evidence("Haftar cannot be trusted", "2019-05-02", "Seed article", "negative"),
                               _evidence("talking with Haftar is out of the question", "2019-06-06", "Seed article",
                                         "negative")])
    edge("us", "gna", [_evidence("the U.S. still supports the government", "2019-06-06", "Seed article", "positive")])
    edge("haftar", "gna", [_evidence("attack " + XSS_IMG, "2019-03-01", "Headline " + XSS_SCRIPT, "negative"),
                           _evidence("a truce " + XSS_SCRIPT, "2019-07-01", XSS_IMG, "positive")])
    edge("evil", "gna", [_evidence(XSS_SCRIPT, "2019-08-01", XSS_IMG, "negative")])
    return G


def congruence_graph(kind: str = "congruence") -> nx.Graph:
    G = nx.Graph(kind=kind)
    for key, label, typ in (("a", "Alpha Party", "Party"), ("b", "Beta " + XSS_IMG, "Person"),
                            ("c", "Gamma Ministry", "Government")):
        G.add_node(key, label=label, type=typ, iri=key, roles=[], statements=1)
    # the shape of kg.network's one-mode views: a raw count beside the (normalised) weight
    G.add_edge("a", "b", weight=2.0 if kind != "subtract" else -1.5, count=2, congruence=1, conflict=2,
               sign=-1 if kind == "conflict" else 1, targets=["Haftar", XSS_SCRIPT], stances=["s1"],
               evidence=[_evidence("we back " + XSS_IMG, "2019-05-01", "Seed", "positive")])
    G.add_edge("b", "c", weight=0.5, count=1, congruence=1, conflict=0, sign=1, targets=["Tripoli"], stances=["s2"])
    return G


def big_graph(n: int = 2000, m: int = 5000, seed: int = 3) -> nx.DiGraph:
    """A random signed actor network with skewed degrees, in the actor-network shape."""
    rng = random.Random(seed)
    types = ["Person", "Organization", "Government", "Country", "Group", "Media", "InternationalOrganization", "Party"]
    G = nx.DiGraph(kind="actors")
    for i in range(n):
        G.add_node(f"a{i}", label=f"Actor {i}", type=types[i % len(types)], iri=f"a{i}", roles=["Spokesperson"],
                   statements=rng.randint(0, 9))
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < m:  # (G.number_of_edges() is O(n): too slow in this loop)
        u, v = int(n * rng.random() ** 2), int(n * rng.random() ** 1.5)
        if u == v or (u, v) in pairs:
            continue
        pairs.add((u, v))
        pos, neg = rng.randint(0, 3), rng.randint(0, 2)
        pos = pos or (0 if neg else 1)
        date = f"2019-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        G.add_edge(f"a{u}", f"a{v}", positive=pos, negative=neg, neutral=0, count=pos + neg, weight=pos + neg,
                   mean_polarity=(pos - neg) / (pos + neg), first_date=date, last_date=date, stances=[f"s{u}-{v}"],
                   evidence=[_evidence(f"quote {u} on {v}", date, "An article", "positive")])
    return G


def page_data(page: str) -> dict:
    """The JSON the page hands to its script (decoded exactly as the browser would)."""
    m = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S)
    assert m, "no data block"
    return json.loads(m.group(1))


def _edge(data: dict, src: str, dst: str) -> dict:
    ids = {n["fullLabel"]: n["id"] for n in data["nodes"]}
    (edge,) = [e for e in data["edges"] if e["from"] == ids[src] and e["to"] == ids[dst]]
    return edge


# ------------------------------------------------------------------------------ tests
@pytest.fixture(scope="module")
def page() -> str:
    return html_string(actor_graph(), title="Actors " + XSS_IMG + XSS_SCRIPT)


def test_page_is_self_contained(page):
    # nothing loaded from elsewhere: no src/href on script, link, img or iframe tags at all
    assert not re.findall(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=", page, re.I)
    assert "cdn.jsdelivr" not in page and "cdnjs" not in page
    assert "new vis.Network" in page  # vis-network itself is inlined
    assert 'id="kg-network"' in page


def test_injections_never_appear_unescaped(page):
    for bad in INJECTIONS:
        assert bad not in page
    assert "<img" not in page.lower()
    # exactly the page's own script blocks close: nothing from the data closes one early
    assert page.lower().count("</script") == len(re.findall(r"<script\b[^>]*>", page, re.I)) - 1  # vis has one "<script>" string
    assert "Actors &lt;img src=x onerror=alert(1)&gt;" in page  # the heading is escaped, not dropped


def test_escaping_is_lossless(page):
    data = page_data(page)
    labels = {n["fullLabel"] for n in data["nodes"]}
    assert "Evil " + XSS_IMG in labels
    haftar_gna = _edge(data, "Khalifa Haftar", "Government of National Accord")
    texts = [line[1] for line in haftar_gna["tip"]]
    assert "\u201cattack " + XSS_IMG + "\u201d" in texts
    assert "Source: Headline " + XSS_SCRIPT in texts


def test_script_json_escapes_what_could_close_a_script():
    text = script_json({"q": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"q": "</script><!-- & \u2028"}


def test_nodes_edges_colours_and_tooltips(page):
    data = page_data(page)
    by_label = {n["fullLabel"]: n for n in data["nodes"]}
    assert {"Ahmed Maiteeq", "Khalifa Haftar", "Donald Trump", "United States",
            "Government of National Accord", "Lonely Observer"} <= set(by_label)
    assert len(data["edges"]) == 5
    assert by_label["Ahmed Maiteeq"]["shape"] == "dot"
    assert by_label["Government of National Accord"]["shape"] == "diamond"
    assert by_label["United States"]["shape"] == "triangle"
    green, red = "#2e9d4a", "#d62728"
    assert _edge(data, "Donald Trump", "Khalifa Haftar")["color"] == green
    assert _edge(data, "Ahmed Maiteeq", "Khalifa Haftar")["color"] == red
    assert _edge(data, "United States", "Government of National Accord")["pol"] == "positive"
    mixed = _edge(data, "Khalifa Haftar", "Government of National Accord")
    assert mixed["pol"] == "mixed" and mixed.get("dashes") is True
    assert all(e["arrows"] == "to" for e in data["edges"])
    # wider for more stances
    assert _edge(data, "Ahmed Maiteeq", "Khalifa Haftar")["width"] > _edge(data, "Donald Trump", "Khalifa Haftar")["width"]
    tip = [line[1] for line in _edge(data, "Ahmed Maiteeq", "Khalifa Haftar")["tip"]]
    assert "\u201cHaftar cannot be trusted\u201d" in tip and "Source: Seed article" in tip
    assert any("2019-05-02" in t for t in tip) and "Dates: 2019-05-02 to 2019-06-06" in tip
    node_tip = [line[1] for line in by_label["Ahmed Maiteeq"]["tip"]]
    assert "Roles: Deputy Prime Minister" in node_tip
    assert data["dateMin"] == "2019-03-01" and data["dateMax"] == "2019-08-01"
    assert data["types"][0] == "Person" and "Media" in data["types"]


def test_legend_lists_types_and_polarities(page):
    legend = page[page.index('class="kg-legend"'):]
    legend = legend[: legend.index("</ul>")]
    for text in ("Person", "Government", "Country", "positive (support, praise)", "negative (criticism, attack)"):
        assert text in legend


def test_size_by_degree_or_statements():
    G = actor_graph()
    by_degree = {n["fullLabel"]: n["size"] for n in page_data(html_string(G, title="t"))["nodes"]}
    by_statements = {n["fullLabel"]: n["size"] for n in page_data(html_string(G, title="t", size_by="statements"))["nodes"]}
    assert by_degree["Khalifa Haftar"] > by_degree["Ahmed Maiteeq"]  # 3 links vs 1
    assert by_statements["Ahmed Maiteeq"] > by_statements["Khalifa Haftar"]  # 3 statements vs 0
    with pytest.raises(ValueError):
        html_string(G, title="t", size_by="colour")


@pytest.mark.parametrize("kind,colour", [("congruence", "#2e9d4a"), ("conflict", "#d62728")])
def test_undirected_views(kind, colour):
    page = html_string(congruence_graph(kind), title=kind)
    data = page_data(page)
    assert not data["directed"]
    assert {e["color"] for e in data["edges"]} == {colour}
    assert all(e["arrows"] == "" for e in data["edges"])
    assert XSS_SCRIPT not in page and XSS_IMG not in page
    assert any("Shared targets: Haftar; " + XSS_SCRIPT == line[1] for e in data["edges"] for line in e["tip"])


def test_subtract_colours_by_sign():
    data = page_data(html_string(congruence_graph("subtract"), title="subtract"))
    pols = sorted(e["pol"] for e in data["edges"])
    assert pols == ["negative", "positive"]
    assert all(e["w"] >= 0 for e in data["edges"])  # the weight filter works on |weight|


def test_two_mode_topic_nodes():
    G = nx.DiGraph(kind="topics")
    G.add_node("x", label="Ahmed Maiteeq", type="Person", kind="actor", bipartite=0, iri="x", roles=[], statements=1)
    G.add_node("target:t", label="negotiations", type="Topic", kind="target", bipartite=1, iri="t", target_kind="topic")
    G.add_edge("x", "target:t", positive=0, negative=1, neutral=0, count=1, weight=1, mean_polarity=-1.0,
               first_date="2019-06-06", last_date="2019-06-06", stances=["s"],
               evidence=[_evidence("out of the question", "2019-06-06", "Seed", "negative")])
    data = page_data(html_string(G, title="topics"))
    shapes = {n["fullLabel"]: n["shape"] for n in data["nodes"]}
    assert shapes == {"Ahmed Maiteeq": "dot", "negotiations": "box"}
    assert data["edges"][0]["pol"] == "negative"


def test_big_graph_is_pruned_and_says_so():
    G = big_graph()
    page = html_string(G, title="big", max_nodes=300, max_edges=1000)
    data = page_data(page)
    assert 0 < len(data["nodes"]) <= 300 and 0 < len(data["edges"]) <= 1000
    assert data["totalNodes"] == 2000 and data["totalEdges"] == 5000
    assert re.search(r"showing [\d,]+ of 2,000 nodes and [\d,]+ of 5,000 edges", page)
    assert G.number_of_nodes() == 2000 and G.number_of_edges() == 5000  # the input is not mutated
    # the strongest edge among the kept nodes survives
    ids = {n["fullLabel"] for n in data["nodes"]}
    assert "Actor 0" in ids  # the highest-degree node
    small = html_string(actor_graph(), title="small")
    assert 'id="kg-notice"' not in small


def test_pruning_keeps_edges_within_limit():
    data = page_data(html_string(big_graph(400, 1500, seed=5), title="b", max_nodes=400, max_edges=200))
    assert len(data["edges"]) == 200
    strongest = max(e["w"] for e in data["edges"])
    assert strongest == 5  # pos<=3 + neg<=2: the top of the range is kept


def test_deterministic():
    a = html_string(actor_graph(), title="same")
    b = html_string(actor_graph(), title="same")
    assert a == b
    # insertion order does not matter either
    G = actor_graph()
    H = nx.DiGraph(kind="actors")
    H.add_nodes_from(reversed(list(G.nodes(data=True))))
    H.add_edges_from(reversed(list(G.edges(data=True))))
    assert html_string(H, title="same") == a


def test_write_html_writes_only_its_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = write_html(actor_graph(), tmp_path / "sub" / "net.html", title="t")
    assert out == tmp_path / "sub" / "net.html"
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["sub", "sub/net.html"]
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_empty_graph():
    data = page_data(html_string(nx.DiGraph(), title="empty"))
    assert data["nodes"] == [] and data["edges"] == []


def test_notebook_view_is_an_escaped_iframe():
    view = show(actor_graph(), title="nb " + XSS_IMG)
    frame = view._repr_html_()
    assert frame.startswith("<iframe srcdoc=\"") and frame.endswith("</iframe>")
    assert XSS_IMG not in frame and XSS_SCRIPT not in frame
    assert "<script" not in frame  # the whole page is an attribute value
    inner = re.search(r'srcdoc="([^"]*)"', frame).group(1)
    import html as _html
    assert _html.unescape(inner) == view.page


def test_no_pyvis_outside_viz():
    root = Path(__file__).resolve().parent.parent / "kg"
    users = [p.relative_to(root).as_posix() for p in root.rglob("*.py")
             if re.search(r"^\s*(from|import)\s+pyvis", p.read_text(encoding="utf-8"), re.M)]
    assert users == ["viz.py"]
    assert os.path.exists(root / "data" / "viz_controls.js")


def test_odd_values_do_not_break_the_page():
    G = nx.MultiDiGraph()
    G.add_node(1, label=None, type=None)
    G.add_node((2, "x"), label="Tuple node \u2028 with a line separator", type="Unknown", statements=float("nan"))
    G.add_edge(1, (2, "x"), weight=float("nan"), positive=1, negative=0, evidence=[{"quote": None, "date": None}])
    G.add_edge(1, (2, "x"), weight=float("inf"), positive=0, negative=1)
    G.add_edge(1, 1, weight=2, positive=1, negative=0)
    page = html_string(G, title="")
    data = page_data(page)
    assert len(data["nodes"]) == 2 and len(data["edges"]) == 3
    assert "\u2028" not in page
    assert {n["shape"] for n in data["nodes"]} == {"dot"}
