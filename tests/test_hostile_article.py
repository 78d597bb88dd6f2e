"""An article whose quotes carry markup goes through ingest and `kg viz`, and the page never runs it."""

from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner
from test_browser import Opened, browser  # noqa: F401  (the module-scoped Chromium fixture)

from kg.cli import cli

XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "</script><script>alert(1)</script>"
ARTICLE = (
    " date 2021-05-04 Senator Mara Quill praised Governor Tom Reyes on Monday, calling him "
    f"“{XSS_IMG} the best leader we have.”\n\n"
    f"Mayor Ann Bolt criticized Quill. “{XSS_SCRIPT} Quill cannot be trusted,” Bolt said.\n"
)


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    (root / "hostile.txt").write_text(ARTICLE, encoding="utf-8")
    store, out = root / "store", root / "net.html"
    r = CliRunner().invoke(cli, ["--store", str(store), "ingest", str(root / "hostile.txt")])
    assert r.exit_code == 0, r.output
    q = CliRunner().invoke(cli, ["--store", str(store), "query", "--format", "json", "stances"])
    quotes = [b["quote"]["value"] for b in json.loads(q.stdout)["results"]["bindings"] if "quote" in b]
    # the hostile text really reached the graph (else this test would prove nothing)
    assert any(XSS_IMG in x for x in quotes) and any(XSS_SCRIPT in x for x in quotes), quotes
    v = CliRunner().invoke(cli, ["--store", str(store), "viz", "--out", str(out)])
    assert v.exit_code == 0, v.output
    return out


def test_markup_from_the_article_is_not_live_in_the_html(hostile_page):
    html = hostile_page.read_text(encoding="utf-8")
    assert XSS_IMG not in html
    assert XSS_SCRIPT not in html
    assert "<img" not in html.lower()  # only escaped forms (\\u003c, &lt;) remain
    assert "<script>alert" not in html


@pytest.mark.browser
def test_markup_from_the_article_never_fires_in_chromium(browser, hostile_page):  # noqa: F811
    opened = Opened(browser, hostile_page.resolve().as_uri())
    try:
        opened.wait_stable()
        page = opened.page
        box = page.locator("#kg-network").bounding_box()
        points = page.evaluate(
            """() => { const n = kgViz.network, out = [], pos = n.getPositions();
                       Object.keys(pos).forEach(id => out.push(n.canvasToDOM(pos[id])));
                       Object.keys(n.body.edges).forEach(id =>
                         out.push(n.canvasToDOM(n.body.edges[id].edgeType.getPoint(0.5))));
                       return out; }"""
        )
        assert len(points) >= 3
        shown = []
        tip = page.locator("div.vis-tooltip")
        for p in points:
            page.mouse.move(box["x"] + 5, box["y"] + 5)
            page.mouse.move(box["x"] + p["x"], box["y"] + p["y"], steps=3)
            deadline = time.perf_counter() + 2.0
            while time.perf_counter() < deadline:
                if tip.count() and tip.is_visible():
                    shown.append(tip.text_content())
                    break
                time.sleep(0.05)
        assert page.evaluate("window.__xss") == 0 and opened.dialogs == []
        assert page.evaluate("document.querySelectorAll('img').length") == 0
        assert opened.errors == [] and opened.requests == [opened.url]
        assert any("onerror" in s for s in shown), shown  # shown as text in a tooltip
    finally:
        opened.close()
