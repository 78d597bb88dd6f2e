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

from kg.viz import _rank, _Whole, html_string, script_json, show, write_html

XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "</script><script>alert(1)</script>"
INJECTIONS = (XSS_IMG, XSS_SCRIPT)


# ------------------------------------------------------------------------------ graph builders
def _evidence(quote: str, date: str, title: str, polarity: str, cue: str = "said") -> dict:
    return {
        "quote": quote,
        "cue": cue,
        "polarity": polarity,
        "confidence": 0.8,
        "date": date,
        "article": "https://w3id.org/kg-stance/id/article/a1",
        "article_title": title,
    }


def actor_graph() -> nx.DiGraph:
    """The seed's story in the shape of kg.network.actor_network, plus hostile strings."""
    G = nx.DiGraph(kind="actors")

    def node(key: str, label: str, typ: str, roles=(), statements: int = 0) -> None:
        G.add_node(
            key,
            label=label,
            type=typ,
            iri=f"https://w3id.org/kg-stance/id/actor/{key}",
            roles=list(roles),
            statements=statements,
        )

    def edge(u: str, v: str, evidence: list[dict]) -> None:
        pos = sum(e["polarity"] == "positive" for e in evidence)
        neg = sum(e["polarity"] == "negative" for e in evidence)
        neu = len(evidence) - pos - neg
        dates = sorted(e["date"] for e in evidence)
        G.add_edge(
            u,
            v,
            positive=pos,
            negative=neg,
            neutral=neu,
            count=len(evidence),
            weight=len(evidence),
            mean_polarity=(pos - neg) / len(evidence),
            first_date=dates[0],
            last_date=dates[-1],
            stances=[f"https://w3id.org/kg-stance/id/stance/{u}-{v}-{i}" for i in range(len(evidence))],
            evidence=evidence,
        )

    node("maiteeq", "Ahmed Maiteeq", "Person", ["Deputy Prime Minister"], 3)
    node("haftar", "Khalifa Haftar", "Person", ["Field Marshal"], 0)
    node("trump", "Donald Trump", "Person", ["President"], 1)
    node("us", "United States", "Country")
    node("gna", "Government of National Accord", "Government")
    node("evil", "Evil " + XSS_IMG, "Group", [XSS_SCRIPT], 1)
    node("alone", "Lonely Observer", "Media")
    edge(
        "trump",
        "haftar",
        [_evidence("recognized Haftar's significant role", "2019-04-19", "Seed article", "positive", "praised")],
    )
    edge(
        "maiteeq",
        "haftar",
        [
            _evidence("Haftar cannot be trusted", "2019-05-02", "Seed article", "negative"),
            _evidence("talking with Haftar is out of the question", "2019-06-06", "Seed article", "negative"),
        ],
    )
    edge("us", "gna", [_evidence("the U.S. still supports the government", "2019-06-06", "Seed article", "positive")])
    edge(
        "haftar",
        "gna",
        [
            _evidence("attack " + XSS_IMG, "2019-03-01", "Headline " + XSS_SCRIPT, "negative"),
            _evidence("a truce " + XSS_SCRIPT, "2019-07-01", XSS_IMG, "positive"),
        ],
    )
    edge("evil", "gna", [_evidence(XSS_SCRIPT, "2019-08-01", XSS_IMG, "negative")])
    return G


def congruence_graph(kind: str = "congruence") -> nx.Graph:
    G = nx.Graph(kind=kind)
    for key, label, typ in (
        ("a", "Alpha Party", "Party"),
        ("b", "Beta " + XSS_IMG, "Person"),
        ("c", "Gamma Ministry", "Government"),
    ):
        G.add_node(key, label=label, type=typ, iri=key, roles=[], statements=1)
    # the shape of kg.network's one-mode views: a raw count beside the (normalised) weight
    G.add_edge(
        "a",
        "b",
        weight=2.0 if kind != "subtract" else -1.5,
        count=2,
        congruence=1,
        conflict=2,
        sign=-1 if kind == "conflict" else 1,
        targets=["Haftar", XSS_SCRIPT],
        stances=["s1"],
        evidence=[_evidence("we back " + XSS_IMG, "2019-05-01", "Seed", "positive")],
    )
    G.add_edge("b", "c", weight=0.5, count=1, congruence=1, conflict=0, sign=1, targets=["Tripoli"], stances=["s2"])
    return G


def big_graph(n: int = 2000, m: int = 5000, seed: int = 3) -> nx.DiGraph:
    """A random signed actor network with skewed degrees, in the actor-network shape."""
    rng = random.Random(seed)
    types = ["Person", "Organization", "Government", "Country", "Group", "Media", "InternationalOrganization", "Party"]
    G = nx.DiGraph(kind="actors")
    for i in range(n):
        G.add_node(
            f"a{i}",
            label=f"Actor {i}",
            type=types[i % len(types)],
            iri=f"a{i}",
            roles=["Spokesperson"],
            statements=rng.randint(0, 9),
        )
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < m:  # (G.number_of_edges() is O(n): too slow in this loop)
        u, v = int(n * rng.random() ** 2), int(n * rng.random() ** 1.5)
        if u == v or (u, v) in pairs:
            continue
        pairs.add((u, v))
        pos, neg = rng.randint(0, 3), rng.randint(0, 2)
        pos = pos or (0 if neg else 1)
        date = f"2019-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        G.add_edge(
            f"a{u}",
            f"a{v}",
            positive=pos,
            negative=neg,
            neutral=0,
            count=pos + neg,
            weight=pos + neg,
            mean_polarity=(pos - neg) / (pos + neg),
            first_date=date,
            last_date=date,
            stances=[f"s{u}-{v}"],
            evidence=[_evidence(f"quote {u} on {v}", date, "An article", "positive")],
        )
    return G


def page_data(page: str) -> dict:
    """The JSON the page hands to its script (decoded exactly as the browser would)."""
    m = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S)
    assert m, "no data block"
    return json.loads(m.group(1))


def nodes_of(data: dict) -> list[dict]:
    """The whole network's nodes as the page's script turns them into vis records."""
    out = []
    for i, label in enumerate(data["n"]["l"]):
        t = data["types"][data["n"]["t"][i]]
        shape, color = data["typeStyles"][t]
        out.append(
            {
                "id": i,
                "fullLabel": label,
                "ntype": t,
                "shape": shape,
                "color": color,
                "size": data["n"]["z"][i],
                "tip": [["h", label], ["t", data["typeNames"][t]]] + data["n"]["tip"][i],
            }
        )
    return out


def edges_of(data: dict) -> list[dict]:
    """The whole network's edges as the page's script turns them into vis records."""
    e, labels, out = data["e"], data["n"]["l"], []
    arrow = " \u2192 " if data["directed"] else " \u2014 "
    for j in range(len(e["s"])):
        pol = data["polarities"][e["p"][j]]
        out.append(
            {
                "id": j,
                "from": e["s"][j],
                "to": e["t"][j],
                "pol": pol,
                "w": e["w"][j],
                "color": data["polarityColors"][pol],
                "dashes": pol == "mixed",
                "width": round(1 + 7 * (e["w"][j] / (data["weightMax"] or 1)) ** 0.5, 2),
                "dates": [data["days"][d] for d in e["d"][j]],
                "tip": ([["h", labels[e["s"][j]] + arrow + labels[e["t"][j]]]] + e["tip"][j]) if e["tip"][j] else None,
            }
        )
    return out


def drawn_labels(data: dict) -> set[str]:
    """The nodes of the first drawing (the ones with a starting position)."""
    return {data["n"]["l"][i] for i, _, _ in data["xy"]}


def _edge(data: dict, src: str, dst: str) -> dict:
    ids = {n["fullLabel"]: n["id"] for n in nodes_of(data)}
    (edge,) = [e for e in edges_of(data) if e["from"] == ids[src] and e["to"] == ids[dst]]
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
    assert (
        page.lower().count("</script") == len(re.findall(r"<script\b[^>]*>", page, re.I)) - 1
    )  # vis has one "<script>" string
    assert "Actors &lt;img src=x onerror=alert(1)&gt;" in page  # the heading is escaped, not dropped


def test_escaping_is_lossless(page):
    data = page_data(page)
    labels = {n["fullLabel"] for n in nodes_of(data)}
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
    by_label = {n["fullLabel"]: n for n in nodes_of(data)}
    assert {
        "Ahmed Maiteeq",
        "Khalifa Haftar",
        "Donald Trump",
        "United States",
        "Government of National Accord",
        "Lonely Observer",
    } <= set(by_label)
    assert len(edges_of(data)) == 5
    assert drawn_labels(data) == set(by_label)  # small: everything is drawn
    assert by_label["Ahmed Maiteeq"]["shape"] == "dot"
    assert by_label["Government of National Accord"]["shape"] == "diamond"
    assert by_label["United States"]["shape"] == "triangle"
    green, red = "#2e9d4a", "#d62728"
    assert _edge(data, "Donald Trump", "Khalifa Haftar")["color"] == green
    assert _edge(data, "Ahmed Maiteeq", "Khalifa Haftar")["color"] == red
    assert _edge(data, "United States", "Government of National Accord")["pol"] == "positive"
    mixed = _edge(data, "Khalifa Haftar", "Government of National Accord")
    assert mixed["pol"] == "mixed" and mixed.get("dashes") is True
    assert data["directed"] is True  # arrows: the script draws every edge with one
    # wider for more stances
    assert (
        _edge(data, "Ahmed Maiteeq", "Khalifa Haftar")["width"] > _edge(data, "Donald Trump", "Khalifa Haftar")["width"]
    )
    tip = [line[1] for line in _edge(data, "Ahmed Maiteeq", "Khalifa Haftar")["tip"]]
    assert "\u201cHaftar cannot be trusted\u201d" in tip and "Source: Seed article" in tip
    assert any("2019-05-02" in t for t in tip) and "Dates: 2019-05-02 to 2019-06-06" in tip
    node_tip = [line[1] for line in by_label["Ahmed Maiteeq"]["tip"]]
    assert "Roles: Deputy Prime Minister" in node_tip
    assert data["dateMin"] == "2019-03-01" and data["dateMax"] == "2019-08-01"
    assert data["types"][0] == "Person" and "Media" in data["types"]


def test_legend_lists_types_and_polarities(page):
    legend = page[page.index('class="kg-legend"') :]
    legend = legend[: legend.index("</ul>")]
    for text in ("Person", "Government", "Country", "positive (support, praise)", "negative (criticism, attack)"):
        assert text in legend


def test_size_by_degree_or_statements():
    G = actor_graph()
    by_degree = {n["fullLabel"]: n["size"] for n in nodes_of(page_data(html_string(G, title="t")))}
    by_statements = {
        n["fullLabel"]: n["size"] for n in nodes_of(page_data(html_string(G, title="t", size_by="statements")))
    }
    assert by_degree["Khalifa Haftar"] > by_degree["Ahmed Maiteeq"]  # 3 links vs 1
    assert by_statements["Ahmed Maiteeq"] > by_statements["Khalifa Haftar"]  # 3 statements vs 0
    with pytest.raises(ValueError):
        html_string(G, title="t", size_by="colour")


@pytest.mark.parametrize("kind,colour", [("congruence", "#2e9d4a"), ("conflict", "#d62728")])
def test_undirected_views(kind, colour):
    page = html_string(congruence_graph(kind), title=kind)
    data = page_data(page)
    assert not data["directed"]
    assert {e["color"] for e in edges_of(data)} == {colour}
    assert XSS_SCRIPT not in page and XSS_IMG not in page
    assert any(line[1] == "Shared targets: Haftar; " + XSS_SCRIPT for e in edges_of(data) for line in e["tip"])


def test_subtract_colours_by_sign():
    data = page_data(html_string(congruence_graph("subtract"), title="subtract"))
    pols = sorted(e["pol"] for e in edges_of(data))
    assert pols == ["negative", "positive"]
    assert all(e["w"] >= 0 for e in edges_of(data))  # the weight filter works on |weight|


def test_two_mode_topic_nodes():
    G = nx.DiGraph(kind="topics")
    G.add_node("x", label="Ahmed Maiteeq", type="Person", kind="actor", bipartite=0, iri="x", roles=[], statements=1)
    G.add_node("target:t", label="negotiations", type="Topic", kind="target", bipartite=1, iri="t", target_kind="topic")
    G.add_edge(
        "x",
        "target:t",
        positive=0,
        negative=1,
        neutral=0,
        count=1,
        weight=1,
        mean_polarity=-1.0,
        first_date="2019-06-06",
        last_date="2019-06-06",
        stances=["s"],
        evidence=[_evidence("out of the question", "2019-06-06", "Seed", "negative")],
    )
    data = page_data(html_string(G, title="topics"))
    shapes = {n["fullLabel"]: n["shape"] for n in nodes_of(data)}
    assert shapes == {"Ahmed Maiteeq": "dot", "negotiations": "box"}
    assert edges_of(data)[0]["pol"] == "negative"
    assert data["noun"] == "nodes"  # actors and topics


def _old_prune(G: nx.Graph, max_nodes: int, max_edges: int) -> tuple[set, set]:
    """The rule as kg.viz._prune had it before the page held the whole network (a reference)."""
    strength = {v: 0.0 for v in G.nodes}
    for u, v, d in G.edges(data=True):
        strength[u] += d["weight"]
        strength[v] += d["weight"]
    degree = dict(G.degree())
    keep = set(sorted(G.nodes, key=lambda v: (-degree[v], -strength[v], str(v)))[:max_nodes])
    edges = sorted(
        ((u, v, d) for u, v, d in G.edges(data=True) if u in keep and v in keep),
        key=lambda e: (-e[2]["weight"], str(e[0]), str(e[1])),
    )[:max_edges]
    touched = {u for u, _, _ in edges} | {v for _, v, _ in edges}
    return {v for v in keep if v in touched or degree[v] == 0}, {(u, v) for u, v, _ in edges}


def _first_drawing(G: nx.Graph, max_nodes: int, max_edges: int) -> tuple[set, set]:
    whole = _Whole(G)
    nodes, edges = _rank(
        range(len(whole.nodes)), range(len(whole.data)), whole.src, whole.dst, whole.w, max_nodes, max_edges
    )
    return ({whole.nodes[i] for i in nodes}, {(whole.nodes[whole.src[j]], whole.nodes[whole.dst[j]]) for j in edges})


def test_big_graph_is_drawn_in_part_and_says_so():
    G = big_graph()
    page = html_string(G, title="big", max_nodes=300, max_edges=1000)
    data = page_data(page)
    drawn_nodes, drawn_edges = _first_drawing(G, 300, 1000)
    assert 0 < len(drawn_nodes) <= 300 and 0 < len(drawn_edges) <= 1000
    assert drawn_labels(data) == {G.nodes[v]["label"] for v in drawn_nodes}
    assert data["totalNodes"] == 2000 and data["totalEdges"] == 5000
    assert data["maxNodes"] == 300 and data["maxEdges"] == 1000
    notice = re.search(r'<p id="kg-notice"[^>]*>([^<]*)</p>', page).group(1)
    assert notice == (
        f"Large network: showing {len(drawn_nodes)} of 2,000 actors matching the filters and "
        f"{len(drawn_edges)} of 5,000 edges; {2000 - len(drawn_nodes):,} actors and "
        f"{5000 - len(drawn_edges):,} edges left out \u2014 raise the limits or narrow the filters "
        "(drawn: the best-connected actors and the strongest edges among them)."
    )
    assert G.number_of_nodes() == 2000 and G.number_of_edges() == 5000  # the input is not mutated
    assert "Actor 0" in drawn_labels(data)  # the highest-degree node
    small = html_string(actor_graph(), title="small")
    assert re.search(r'<p id="kg-notice" class="kg-notice" aria-live="polite" hidden></p>', small)
    assert 'id="kg-tips-note"' not in small  # every quote is in a small page


def test_ranking_is_the_old_pruning_rule():
    # one rule: the page's first drawing is what kg.viz pruned to before the whole network was embedded
    for n, m, max_nodes, max_edges, seed in (
        (2000, 5000, 300, 1000, 3),
        (400, 1500, 400, 200, 5),
        (300, 900, 50, 80, 1),
    ):
        G = big_graph(n, m, seed=seed)
        assert _first_drawing(G, max_nodes, max_edges) == _old_prune(G, max_nodes, max_edges)


def test_pruning_keeps_edges_within_limit():
    G = big_graph(400, 1500, seed=5)
    nodes, edges = _first_drawing(G, 400, 200)
    assert len(edges) == 200
    assert max(G.edges[e]["weight"] for e in edges) == 5  # pos<=3 + neg<=2: the top of the range is kept
    # only the edges were too many: the notice says so and the count of actors is complete
    page = html_string(G, title="b", max_nodes=400, max_edges=200)
    notice = re.search(r'<p id="kg-notice"[^>]*>([^<]*)</p>', page).group(1)
    assert f"{1300:,} edges left out" in notice and f"showing {len(nodes)} of 400 actors" in notice


def test_payload_holds_the_whole_network_escaped():
    G = big_graph(1200, 4000, seed=4)
    drawn, _ = _first_drawing(G, 100, 300)
    # hostile names and quotes on actors and edges the first drawing leaves out
    outside = sorted((v for v in G.nodes if v not in drawn and G.degree(v)), key=str)[:20]
    for k, v in enumerate(outside):
        G.nodes[v]["label"] = f"Outsider {k} " + INJECTIONS[k % 2]
        G.nodes[v]["roles"] = [XSS_SCRIPT]
    for u, v, d in list(G.edges(data=True))[:50]:
        d["evidence"] = [_evidence("said " + XSS_SCRIPT + " and " + XSS_IMG, d["first_date"], XSS_IMG, "negative")]
    page = html_string(G, title="whole", max_nodes=100, max_edges=300)
    for bad in INJECTIONS:
        assert bad not in page
    assert "<img" not in page.lower()
    assert page.lower().count("</script") == len(re.findall(r"<script\b[^>]*>", page, re.I)) - 1
    data = page_data(page)
    # every node and every edge of the whole network is there, with its label, type and dates
    by_id = {n["id"]: n for n in nodes_of(data)}
    assert sorted(n["fullLabel"] for n in by_id.values()) == sorted(G.nodes[v]["label"] for v in G.nodes)
    assert {n["fullLabel"] for n in by_id.values()} >= {f"Outsider {k} " + INJECTIONS[k % 2] for k in range(20)}
    label = {v: G.nodes[v]["label"] for v in G.nodes}
    got = sorted(
        (by_id[e["from"]]["fullLabel"], by_id[e["to"]]["fullLabel"], e["w"], e["pol"], tuple(e["dates"]))
        for e in edges_of(data)
    )
    want = sorted(
        (
            label[u],
            label[v],
            float(d["weight"]),
            "mixed" if d["positive"] and d["negative"] else "positive" if d["positive"] else "negative",
            (d["first_date"],),
        )
        for u, v, d in G.edges(data=True)
    )
    assert got == want
    assert len(drawn_labels(data)) == len(drawn) < 1200
    node_tips = {n["fullLabel"]: n["tip"] for n in by_id.values()}
    assert ["k", "Roles: " + XSS_SCRIPT] in node_tips["Outsider 0 " + XSS_IMG]
    # quotes travel as plain strings, escaped only by the JSON
    quotes = [line[1] for e in edges_of(data) if e["tip"] for line in e["tip"] if line[0] == "q"]
    assert "\u201csaid " + XSS_SCRIPT + " and " + XSS_IMG + "\u201d" in quotes
    assert "\\u003c/script\\u003e" in page  # how "</script>" is written in the data block


def test_evidence_budget_keeps_quotes_of_the_drawn_part():
    G = big_graph(600, 2000, seed=2)
    drawn_nodes, drawn_edges = _first_drawing(G, 60, 150)
    lean = page_data(html_string(G, title="lean", max_nodes=60, max_edges=150, evidence_budget=0))
    with_tips = {(lean["n"]["l"][e["from"]], lean["n"]["l"][e["to"]]) for e in edges_of(lean) if e["tip"]}
    assert with_tips == {(G.nodes[u]["label"], G.nodes[v]["label"]) for u, v in drawn_edges}
    assert lean["tipsEmbedded"] == len(drawn_edges)
    page = html_string(G, title="lean", max_nodes=60, max_edges=150, evidence_budget=60_000)
    data = page_data(page)
    assert len(drawn_edges) < data["tipsEmbedded"] < 2000  # then the strongest others, while the budget lasts
    labels = data["n"]["l"]
    drawn_pairs = {(G.nodes[u]["label"], G.nodes[v]["label"]) for u, v in drawn_edges}
    extra = [e for e in edges_of(data) if e["tip"] and (labels[e["from"]], labels[e["to"]]) not in drawn_pairs]
    assert extra and min(e["w"] for e in extra) >= max(e["w"] for e in edges_of(data) if not e["tip"])
    assert f"Quotes and sources are embedded for {data['tipsEmbedded']:,} of 2,000 edges" in page
    full = page_data(html_string(G, title="full", max_nodes=60, max_edges=150))
    assert full["tipsEmbedded"] == 2000 and all(e["tip"] for e in edges_of(full))


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
    assert nodes_of(data) == [] and edges_of(data) == [] and data["xy"] == []


def test_notebook_view_is_an_escaped_iframe():
    view = show(actor_graph(), title="nb " + XSS_IMG)
    frame = view._repr_html_()
    assert frame.startswith('<iframe srcdoc="') and frame.endswith("</iframe>")
    assert XSS_IMG not in frame and XSS_SCRIPT not in frame
    assert "<script" not in frame  # the whole page is an attribute value
    inner = re.search(r'srcdoc="([^"]*)"', frame).group(1)
    import html as _html

    assert _html.unescape(inner) == view.page


def test_no_pyvis_outside_viz():
    root = Path(__file__).resolve().parent.parent / "kg"
    users = [
        p.relative_to(root).as_posix()
        for p in root.rglob("*.py")
        if re.search(r"^\s*(from|import)\s+pyvis", p.read_text(encoding="utf-8"), re.M)
    ]
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
    assert len(nodes_of(data)) == 2 and len(edges_of(data)) == 3
    assert "\u2028" not in page
    assert {n["shape"] for n in nodes_of(data)} == {"dot"}
