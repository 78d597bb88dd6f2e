"""The generated HTML in a real headless Chromium (Playwright): loads offline without errors,
shows the graph, filters, search, and never runs injected markup.

Skips when no browser is found at /usr/bin/chromium (or $KG_CHROMIUM); with KG_REQUIRE_BROWSER=1
(set by .ci/run) a missing browser is a failure instead.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from test_viz import XSS_IMG, XSS_SCRIPT, _evidence, actor_graph, big_graph

from kg.viz import _rank, _Whole, show, write_html

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _no_browser(reason: str):
    if os.environ.get("KG_REQUIRE_BROWSER") == "1":
        pytest.fail(f"KG_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


def _chromium_path() -> str | None:
    candidate = os.environ.get("KG_CHROMIUM") or "/usr/bin/chromium"
    if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
        return candidate
    return shutil.which(candidate) if not os.path.isabs(candidate) else None


@pytest.fixture(scope="module")
def browser():
    path = _chromium_path()
    if path is None:
        _no_browser(
            f"no Chromium at {os.environ.get('KG_CHROMIUM') or '/usr/bin/chromium'} "
            "(install Debian's chromium or set KG_CHROMIUM)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is a dev dependency
        _no_browser("the playwright package is not installed (pip install -e '.[dev]')")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Opened:
    """A page plus what it did: JS errors, console errors, dialogs and every request it made."""

    def __init__(self, browser, url: str | None = None) -> None:
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.add_init_script(
            "window.__xss = 0; window.alert = function () { window.__xss += 1; };"
            "window.confirm = window.prompt = window.alert;"
        )
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        self.page.on(
            "console",
            lambda msg: (
                self.errors.append(f"console.{msg.type}: {msg.text}") if msg.type in ("error", "warning") else None
            ),
        )
        self.page.on("dialog", self._dialog)
        self.page.on("request", lambda req: self.requests.append(req.url))
        self.page.route("**/*", self._route)
        self.url = url
        if url:
            start = time.perf_counter()
            self.page.goto(url)
            self.load_seconds = time.perf_counter() - start

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _route(self, route) -> None:
        # offline: the page file itself may load, nothing else
        if self.url and route.request.url == self.url:
            route.continue_()
        else:
            route.abort()

    def wait_stable(self, timeout: float = 90.0, frame=None) -> float:
        """Poll until physics has stopped (wait_for_function would need eval, which the page's CSP forbids)."""
        target = frame or self.page
        start = time.perf_counter()
        while not target.evaluate("Boolean(window.kgViz && window.kgViz.stabilized)"):
            if time.perf_counter() - start > timeout:
                raise AssertionError(f"layout did not settle in {timeout}s; errors: {self.errors}")
            time.sleep(0.05)
        return time.perf_counter() - start

    def counts(self) -> tuple[int, int]:
        c = self.page.locator("#kg-count")
        return int(c.get_attribute("data-nodes")), int(c.get_attribute("data-edges"))

    def hidden_labels(self) -> set[str]:
        """Nodes of the whole network that are not drawn."""
        return set(
            self.page.evaluate(
                "(() => { const d = {}; kgViz.nodes.getIds().forEach(i => { d[i] = 1; });"
                " return kgViz.data.n.l.filter((l, i) => !d[i]); })()"
            )
        )

    def drawn(self) -> tuple[set[int], set[int]]:
        return (set(self.page.evaluate("kgViz.nodes.getIds()")), set(self.page.evaluate("kgViz.edges.getIds()")))

    def notice(self) -> str | None:
        box = self.page.locator("#kg-notice")
        return box.inner_text() if box.is_visible() else None

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def small_html(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("viz") / "actors.html"
    return write_html(actor_graph(), out, title="Actors " + XSS_IMG + " " + XSS_SCRIPT)


@pytest.fixture
def opened(browser, small_html):
    page = Opened(browser, small_html.resolve().as_uri())
    page.wait_stable()
    yield page
    page.close()


def test_loads_offline_without_errors(opened):
    assert opened.errors == []
    assert opened.requests == [opened.url]  # nothing fetched besides the page itself
    assert opened.page.locator("#kg-title").inner_text() == "Actors " + XSS_IMG + " " + XSS_SCRIPT
    # physics is switched off once the layout has settled
    assert opened.page.evaluate("kgViz.network.physics.options.enabled") is False
    assert opened.page.get_attribute("body", "data-stabilized") == "1"


def test_expected_nodes_and_edges_in_dataset(opened):
    labels = set(opened.page.evaluate("kgViz.nodes.get().map(n => n.fullLabel)"))
    assert labels == {
        "Ahmed Maiteeq",
        "Khalifa Haftar",
        "Donald Trump",
        "United States",
        "Government of National Accord",
        "Evil " + XSS_IMG,
        "Lonely Observer",
    }
    edges = opened.page.evaluate(
        """() => { const lab = {}; kgViz.nodes.get().forEach(n => { lab[n.id] = n.fullLabel; });
                   return kgViz.edges.get().map(e => [lab[e.from], lab[e.to], e.color]); }"""
    )
    assert ["Donald Trump", "Khalifa Haftar", "#2e9d4a"] in edges
    assert ["Ahmed Maiteeq", "Khalifa Haftar", "#d62728"] in edges
    assert ["United States", "Government of National Accord", "#2e9d4a"] in edges
    assert len(edges) == 5
    assert opened.counts() == (7, 5)
    # every node was drawn somewhere on the canvas
    positions = opened.page.evaluate("kgViz.network.getPositions()")
    assert len(positions) == 7


def test_filters_change_what_is_shown(opened):
    page = opened.page
    # polarity: hide negative edges -> Maiteeq (whose only edge is negative) disappears
    page.uncheck('#kg-pols input[data-value="negative"]')
    nodes, edges = opened.counts()
    assert edges == 3 and "Ahmed Maiteeq" in opened.hidden_labels() and "Lonely Observer" not in opened.hidden_labels()
    page.check('#kg-pols input[data-value="negative"]')
    assert opened.counts() == (7, 5)
    # actor type: hide persons -> their nodes and edges go, the others stay
    page.uncheck('#kg-types input[data-value="Person"]')
    assert opened.counts() == (4, 2)
    assert {"Ahmed Maiteeq", "Khalifa Haftar", "Donald Trump"} <= opened.hidden_labels()
    page.click("#kg-reset")
    assert opened.counts() == (7, 5)
    # date range: only stances dated in June 2019 or later
    page.fill("#kg-date-from", "2019-06-01")
    nodes, edges = opened.counts()
    assert edges == 4  # maiteeq->haftar (06-06), us->gna (06-06), haftar->gna (07-01), evil->gna (08-01)
    page.fill("#kg-date-to", "2019-06-30")
    assert opened.counts()[1] == 2
    assert "Donald Trump" in opened.hidden_labels()
    page.click("#kg-reset")
    # minimum weight: only edges with two stances or more
    page.evaluate("""() => { const s = document.getElementById('kg-min-weight');
                             s.value = '2'; s.dispatchEvent(new Event('input')); }""")
    assert opened.counts()[1] == 2
    assert page.locator("#kg-min-weight-value").inner_text() == "2"
    page.click("#kg-reset")
    assert opened.counts() == (7, 5)
    assert opened.errors == []


def test_search_focuses_an_actor(opened):
    page = opened.page
    page.fill("#kg-search", "maiteeq")
    page.press("#kg-search", "Enter")
    target = page.evaluate("kgViz.nodes.get().find(n => n.fullLabel === 'Ahmed Maiteeq').id")
    assert page.evaluate("kgViz.lastSearch") == [target]
    assert page.evaluate("kgViz.network.getSelectedNodes()") == [target]
    assert "Ahmed Maiteeq" in page.locator("#kg-search-result").inner_text()
    # the focus animation takes 400 ms (longer on a loaded machine): the view ends centred on the actor
    pos = page.evaluate(f"kgViz.network.getPositions([{target}])[{target}]")
    deadline = time.perf_counter() + 10
    while True:
        view = page.evaluate("kgViz.network.getViewPosition()")
        if abs(view["x"] - pos["x"]) < 5 and abs(view["y"] - pos["y"]) < 5:
            break
        assert time.perf_counter() < deadline, (view, pos)
        time.sleep(0.1)
    page.fill("#kg-search", "nobody of that name")
    page.click("#kg-search-go")
    assert page.evaluate("kgViz.lastSearch") == []
    assert "No actor matches" in page.locator("#kg-search-result").inner_text()


def test_injected_markup_never_fires_on_hover(opened):
    page = opened.page
    box = page.locator("#kg-network").bounding_box()
    points = page.evaluate(
        """() => { const n = kgViz.network, out = [];
                   const pos = n.getPositions();
                   Object.keys(pos).forEach(id => out.push(['node', id, n.canvasToDOM(pos[id])]));
                   Object.keys(n.body.edges).forEach(id => {
                     out.push(['edge', id, n.canvasToDOM(n.body.edges[id].edgeType.getPoint(0.5))]); });
                   return out; }"""
    )
    assert len(points) == 7 + 5
    tooltips: list[str] = []
    tip = page.locator("div.vis-tooltip")
    for kind, _id, p in points:
        page.mouse.move(box["x"] + 5, box["y"] + 5)
        time.sleep(0.05)
        page.mouse.move(box["x"] + p["x"], box["y"] + p["y"], steps=3)
        deadline = time.perf_counter() + 2.0  # tooltipDelay is 120 ms; allow for a loaded machine
        while time.perf_counter() < deadline:
            if tip.count() and tip.is_visible() and tip.text_content() not in tooltips[-1:]:
                tooltips.append(tip.text_content())
                break
            time.sleep(0.05)
    assert page.evaluate("window.__xss") == 0
    assert opened.dialogs == []
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert opened.requests == [opened.url]
    assert opened.errors == []
    # the tooltips did show, and show the hostile strings as plain text
    assert len(tooltips) >= 10, tooltips
    joined = "\n".join(tooltips)
    assert XSS_IMG in joined and XSS_SCRIPT in joined
    assert "Haftar cannot be trusted" in joined and "Deputy Prime Minister" in joined


def test_notebook_iframe_renders(browser):
    frame_html = show(actor_graph(), title="nb " + XSS_IMG)._repr_html_()
    opened = Opened(browser)
    try:
        opened.page.set_content(f"<!DOCTYPE html><html><body>{frame_html}</body></html>")
        frame = opened.page.frames[1]
        opened.wait_stable(frame=frame)
        assert frame.evaluate("kgViz.nodes.length") == 7
        assert frame.locator("#kg-title").inner_text() == "nb " + XSS_IMG
        assert opened.page.evaluate("window.__xss") == 0 and frame.evaluate("window.__xss") == 0
        assert opened.errors == [] and opened.dialogs == [] and opened.requests == []
    finally:
        opened.close()


def test_big_graph_page_is_usable(browser, tmp_path):
    start = time.perf_counter()
    out = write_html(big_graph(), tmp_path / "big.html", title="2,000 actors")
    generated = time.perf_counter() - start
    opened = Opened(browser, out.resolve().as_uri())
    try:
        settle = opened.wait_stable()
        nodes, edges = opened.counts()
        assert 0 < nodes <= 300 and 0 < edges <= 1000
        assert "showing" in opened.notice()
        assert opened.errors == [] and opened.requests == [opened.url]
        # interaction still answers once the layout has settled
        opened.page.uncheck('#kg-pols input[data-value="negative"]')
        assert opened.counts()[1] < edges
        print(
            f"\n2000/5000 graph: generated in {generated:.2f}s, load event {opened.load_seconds:.2f}s, "
            f"layout settled {settle:.2f}s later"
        )
    finally:
        opened.close()


# ------------------------------------------------------------------------------ the whole network behind the drawing
SCALE_LIMITS = {"max_nodes": 60, "max_edges": 150}
LATE = "2020-05-01"  # the date of the edges that only the date filter brings in


def _scale_graph():
    """A network over the limits, plus a few edges between actors the first drawing leaves out,
    dated after everything else, and hostile names on actors left out too."""
    G = big_graph(600, 2000, seed=2)
    whole = _Whole(G)
    drawn, _ = _rank(
        range(len(whole.nodes)),
        range(len(whole.data)),
        whole.src,
        whole.dst,
        whole.w,
        SCALE_LIMITS["max_nodes"],
        SCALE_LIMITS["max_edges"],
    )
    outside = [whole.nodes[i] for i in range(len(whole.nodes)) if i not in set(drawn) and G.degree(whole.nodes[i]) <= 3]
    late = []
    for a, b in zip(outside[0:10:2], outside[1:10:2]):
        G.add_edge(
            a,
            b,
            positive=1,
            negative=0,
            neutral=0,
            count=1,
            weight=1,
            mean_polarity=1.0,
            first_date=LATE,
            last_date=LATE,
            stances=[f"late-{a}-{b}"],
            evidence=[_evidence(f"a late word from {a} " + XSS_SCRIPT, LATE, "Late " + XSS_IMG, "positive")],
        )
        late.append((a, b))
    for k, v in enumerate(outside[20:24]):
        G.nodes[v]["label"] = f"Hostile {k} " + (XSS_IMG if k % 2 else XSS_SCRIPT)
    return G, late


def _first_drawing(G, **limits):
    whole = _Whole(G)
    nodes, edges = _rank(
        range(len(whole.nodes)),
        range(len(whole.data)),
        whole.src,
        whole.dst,
        whole.w,
        limits["max_nodes"],
        limits["max_edges"],
    )
    return whole, nodes, edges


@pytest.fixture(scope="module")
def scale_page(tmp_path_factory):
    G, late = _scale_graph()
    out = write_html(G, tmp_path_factory.mktemp("scale") / "scale.html", title="Scale " + XSS_IMG, **SCALE_LIMITS)
    return G, late, out


@pytest.fixture
def scale(browser, scale_page):
    G, late, out = scale_page
    opened = Opened(browser, out.resolve().as_uri())
    opened.wait_stable()
    yield G, late, opened
    opened.close()


def test_first_drawing_is_pythons_and_the_notice_counts_right(scale):
    G, late, opened = scale
    whole, nodes, edges = _first_drawing(G, **SCALE_LIMITS)
    assert opened.drawn() == (set(nodes), set(edges))  # the JS ranking agrees with kg.viz._rank
    n, m = G.number_of_nodes(), G.number_of_edges()
    assert opened.counts() == (len(nodes), len(edges))
    text = (
        f"Large network: showing {len(nodes)} of {n} actors matching the filters and {len(edges)} of "
        f"{m:,} edges; {n - len(nodes)} actors and {m - len(edges):,} edges left out \u2014 raise the limits "
        "or narrow the filters (drawn: the best-connected actors and the strongest edges among them)."
    )
    assert opened.notice() == text
    # what Python wrote into the file, before the script ran, says the same
    written = Path(unquote(urlparse(opened.url).path)).read_text(encoding="utf-8")
    assert html.unescape(re.search(r'<p id="kg-notice"[^>]*>([^<]*)</p>', written).group(1)) == text
    # a filter: hide negative edges -> the selection is every edge without a negative stance, and
    # the notice counts it and its readable part (computed here independently of the page)
    opened.page.uncheck('#kg-pols input[data-value="negative"]')
    opened.wait_stable()
    # (an edge with both positive and negative stances is "mixed": it stays)
    sel_edges = [j for j, d in enumerate(whole.data) if d["positive"] or not d["negative"]]
    touched = {whole.src[j] for j in sel_edges} | {whole.dst[j] for j in sel_edges}
    sel_nodes = [i for i in range(len(whole.nodes)) if i in touched or G.degree(whole.nodes[i]) == 0]
    want_nodes, want_edges = _rank(
        sel_nodes, sel_edges, whole.src, whole.dst, whole.w, SCALE_LIMITS["max_nodes"], SCALE_LIMITS["max_edges"]
    )
    assert opened.drawn() == (set(want_nodes), set(want_edges))
    count = opened.page.locator("#kg-count")
    assert int(count.get_attribute("data-matching-nodes")) == len(sel_nodes)
    assert int(count.get_attribute("data-matching-edges")) == len(sel_edges)
    assert opened.notice().startswith(
        f"Large network: showing {len(want_nodes)} of {len(sel_nodes)} actors matching the filters and "
        f"{len(want_edges)} of {len(sel_edges):,} edges; {len(sel_nodes) - len(want_nodes)} actors and "
        f"{len(sel_edges) - len(want_edges):,} edges left out"
    )
    # raising the limits on the page draws more of the same selection, down to nothing left out
    for box, value in (("#kg-max-nodes", "5000"), ("#kg-max-edges", "50000")):
        opened.page.fill(box, value)
        opened.page.press(box, "Enter")
        opened.page.locator(box).dispatch_event("change")
    opened.wait_stable()
    assert opened.counts() == (len(sel_nodes), len(sel_edges))
    assert opened.notice() is None
    assert opened.errors == [] and opened.requests == [opened.url]


def test_date_filter_draws_edges_outside_the_first_drawing(scale):
    G, late, opened = scale
    whole, nodes, edges = _first_drawing(G, **SCALE_LIMITS)
    late_ids = {j for j in range(len(whole.data)) if whole.data[j]["first_date"] == LATE}
    late_nodes = {whole.index[v] for pair in late for v in pair}
    assert len(late_ids) == 5 and not late_ids & set(edges) and not late_nodes & set(nodes)
    # actors without any edge pass every edge filter (as before the page held the whole network)
    isolated = {whole.index[v] for v in G.nodes if G.degree(v) == 0}
    opened.page.fill("#kg-date-from", "2020-01-01")
    opened.wait_stable()
    assert opened.drawn() == (late_nodes | isolated, late_ids)
    assert opened.counts() == (10 + len(isolated), 5)
    assert opened.notice() is None  # everything that matches is drawn
    # they were laid out (physics ran and stopped again) and are on the canvas
    positions = opened.page.evaluate("kgViz.network.getPositions()")
    assert {int(k) for k in positions} == late_nodes | isolated
    assert opened.page.evaluate("kgViz.network.physics.options.enabled") is False
    # their tooltips carry the quotes, as text
    tip = opened.page.evaluate(f"kgViz.edges.get({min(late_ids)}).title.textContent")
    assert "a late word from" in tip and XSS_SCRIPT in tip
    # a range that ends before them leaves them out again
    opened.page.fill("#kg-date-to", "2020-04-30")
    opened.wait_stable()
    assert opened.counts() == (len(isolated), 0)
    opened.page.click("#kg-reset")
    opened.wait_stable()
    assert opened.drawn() == (set(nodes), set(edges))
    assert opened.errors == [] and opened.page.evaluate("window.__xss") == 0


def test_search_draws_an_actor_left_out_with_its_strongest_ties(scale):
    G, late, opened = scale
    whole, nodes, edges = _first_drawing(G, **SCALE_LIMITS)
    degree = {i: 0 for i in range(len(whole.nodes))}
    for j in range(len(whole.data)):
        degree[whole.src[j]] += 1
        degree[whole.dst[j]] += 1
    # an actor left out, with more ties than the page draws for a found actor
    target = next(i for i in sorted(degree, key=lambda i: -degree[i]) if i not in set(nodes))
    assert degree[target] > 10
    label = G.nodes[whole.nodes[target]]["label"]
    opened.page.fill("#kg-search", label)
    opened.page.press("#kg-search", "Enter")
    opened.wait_stable()
    drawn_nodes, drawn_edges = opened.drawn()
    assert target in drawn_nodes
    incident = [j for j in range(len(whole.data)) if target in (whole.src[j], whole.dst[j])]
    strongest = sorted(incident, key=lambda j: (-whole.w[j], j))[:10]
    assert {j for j in drawn_edges if j in incident} == set(strongest)
    assert set(edges) <= drawn_edges and set(nodes) <= drawn_nodes  # the readable part stays
    assert opened.page.evaluate("kgViz.lastSearch") == [target]
    assert opened.page.evaluate("kgViz.network.getSelectedNodes()") == [target]
    assert opened.page.locator("#kg-search-result").inner_text() == f"Found {label}."
    # the notice counts it
    assert opened.counts() == (len(drawn_nodes), len(drawn_edges))
    assert f"showing {len(drawn_nodes)} of {G.number_of_nodes()} actors" in opened.notice()
    # the view is centred on it once the focus animation ends
    pos = opened.page.evaluate(f"kgViz.network.getPositions([{target}])[{target}]")
    deadline = time.perf_counter() + 10
    while True:
        view = opened.page.evaluate("kgViz.network.getViewPosition()")
        if abs(view["x"] - pos["x"]) < 5 and abs(view["y"] - pos["y"]) < 5:
            break
        assert time.perf_counter() < deadline, (view, pos)
        time.sleep(0.1)
    # an actor the filters hide is found but not drawn, and the page says why
    opened.page.uncheck('#kg-types input[data-value="%s"]' % G.nodes[whole.nodes[target]]["type"])
    opened.wait_stable()
    opened.page.click("#kg-search-go")
    opened.wait_stable()
    assert target not in opened.drawn()[0]
    assert "hidden by the filters" in opened.page.locator("#kg-search-result").inner_text()
    # clearing the search takes the found actor's extra ties away again
    opened.page.click("#kg-reset")
    opened.page.fill("#kg-search", "")
    opened.page.click("#kg-search-go")
    opened.wait_stable()
    assert opened.drawn() == (set(nodes), set(edges))
    assert opened.errors == []


def test_hostile_labels_outside_the_drawing_never_fire(scale):
    G, late, opened = scale
    page = opened.page
    hostile = sorted(G.nodes[v]["label"] for v in G.nodes if G.nodes[v]["label"].startswith("Hostile"))
    assert len(hostile) == 4 and not set(hostile) & {
        n for n in page.evaluate("kgViz.nodes.get().map(n => n.fullLabel)")
    }
    # the search list offers them as plain values
    options = page.evaluate("Array.from(document.querySelectorAll('#kg-labels option')).map(o => o.value)")
    assert set(hostile) <= set(options)
    tooltips = []
    box = page.locator("#kg-network").bounding_box()
    tip = page.locator("div.vis-tooltip")
    # the hostile actors, and an actor whose late edge has a hostile quote (all ties of it get drawn)
    for label in hostile + [G.nodes[late[0][0]]["label"]]:
        page.fill("#kg-search", label)
        page.press("#kg-search", "Enter")
        opened.wait_stable()
        ids = page.evaluate("kgViz.lastSearch")
        assert ids, label
        time.sleep(0.6)  # the focus animation
        points = page.evaluate(
            """(id) => { const n = kgViz.network, out = [n.canvasToDOM(n.getPositions([id])[id])];
                         n.getConnectedEdges(id).forEach(e => out.push(n.canvasToDOM(n.body.edges[e].edgeType.getPoint(0.5))));
                         return out; }""",
            ids[0],
        )
        for p in points[:3]:
            page.mouse.move(box["x"] + 5, box["y"] + 5)
            page.mouse.move(box["x"] + p["x"], box["y"] + p["y"], steps=3)
            deadline = time.perf_counter() + 2.0
            while time.perf_counter() < deadline:
                if tip.count() and tip.is_visible():
                    tooltips.append(tip.text_content())
                    break
                time.sleep(0.05)
    assert page.evaluate("window.__xss") == 0 and opened.dialogs == []
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert opened.errors == [] and opened.requests == [opened.url]
    joined = "\n".join(tooltips)
    assert XSS_IMG in joined and XSS_SCRIPT in joined, tooltips
    assert page.locator("#kg-title").inner_text() == "Scale " + XSS_IMG
