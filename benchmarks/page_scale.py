"""How big and how quick the interactive page is for a corpus-sized network: a synthetic actor
network of 3,000 actors and 30,000 actor -> actor edges (the stance rows of
``benchmarks/views_scale.py``), drawn by ``kg.viz`` and opened in headless Chromium.

    .venv/bin/python benchmarks/page_scale.py [--actors 3000] [--pairs 30000] [--seed 1]
                                              [--max-nodes 300] [--max-edges 1000]
                                              [--evidence-budget N] [--keep DIR] [--no-browser]

Prints one JSON object per line, ``{"step", ...}``: the Python build time, the file size and
what it is made of, and in the browser (Playwright with Debian's /usr/bin/chromium, or
$KG_CHROMIUM): the load event, the first drawing and the settled layout (milliseconds since the
navigation started, read from the page's own clock), then each interaction: a narrow date
range, hiding negative edges, searching an actor the first drawing left out, raising the
limits, and resetting. For each: ``apply_ms`` (selecting from the whole network, ranking and
updating the drawing: the page answers after this) and ``settled_ms`` (until the new nodes'
layout has settled and physics is off again). Nothing is asserted: tests check correctness.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from views_scale import synthetic_rows  # noqa: E402

from kg import network as N  # noqa: E402
from kg import viz  # noqa: E402

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def emit(step: str, **info) -> None:
    print(json.dumps({"step": step, **info}), flush=True)


def timed(step: str, run, **extra):
    start = time.perf_counter()
    result = run()
    info = {"seconds": round(time.perf_counter() - start, 3), **extra}
    if hasattr(result, "number_of_edges"):
        info.update(nodes=result.number_of_nodes(), edges=result.number_of_edges())
    emit(step, **info)
    return result


def sizes(page: str) -> dict:
    """Bytes of the page and of its parts."""
    m = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S)
    data = json.loads(m.group(1))
    part = lambda x: len(viz.script_json(x).encode("utf-8"))  # noqa: E731
    return {
        "page_bytes": len(page.encode("utf-8")),
        "data_bytes": len(m.group(1).encode("utf-8")),
        "edge_columns_bytes": part({k: v for k, v in data["e"].items() if k != "tip"}),
        "edge_tooltips_bytes": part(data["e"]["tip"]),
        "node_bytes": part(data["n"]),
        "edges_with_quotes": data["tipsEmbedded"],
        "edges": data["totalEdges"],
    }


def browser_figures(path: Path, actors_left_out: list[str]) -> None:
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("KG_CHROMIUM") or "/usr/bin/chromium"
    url = path.resolve().as_uri()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.route("**/*", lambda route: route.continue_() if route.request.url == url else route.abort())

        def wait_settled(timeout: float = 300.0) -> None:
            start = time.perf_counter()
            while not page.evaluate("Boolean(window.kgViz && window.kgViz.stabilized)"):
                if time.perf_counter() - start > timeout:
                    raise SystemExit(f"the layout did not settle in {timeout} s")
                time.sleep(0.02)

        page.goto(url)
        wait_settled()
        first = page.evaluate("""() => ({
            load: performance.getEntriesByType('navigation')[0].loadEventEnd,
            domContentLoaded: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
            firstDraw: kgViz.firstDrawAt, settled: kgViz.settledAt,
            nodes: kgViz.nodes.length, edges: kgViz.edges.length })""")
        emit(
            "browser first drawing",
            load_event_ms=round(first["load"]),
            dom_ready_ms=round(first["domContentLoaded"]),
            first_draw_ms=round(first["firstDraw"] or 0),
            settled_ms=round(first["settled"]),
            drawn_nodes=first["nodes"],
            drawn_edges=first["edges"],
        )

        def interact(step: str, script: str, arg=None) -> None:
            """Run ``script`` (a JS function of one argument) and time the page's answer."""
            # The page's CSP forbids eval, so the script cannot be passed as a string: each
            # interaction is its own function literal, evaluated by Playwright.
            t = page.evaluate(
                f"""(arg) => {{
                const t0 = performance.now();
                ({script})(arg);
                return {{ t0, apply: kgViz.lastApplyMs, sync: performance.now() - t0 }}; }}""",
                arg,
            )
            wait_settled()
            after = page.evaluate("""() => ({ settled: kgViz.settledAt, nodes: kgViz.nodes.length,
                edges: kgViz.edges.length, notice: document.getElementById('kg-notice').textContent,
                matching: document.getElementById('kg-count').getAttribute('data-matching-nodes'),
                search: document.getElementById('kg-search-result').textContent })""")
            settled = max(after["settled"] - t["t0"], t["sync"])
            emit(
                step,
                apply_ms=round(t["apply"], 1),
                handler_ms=round(t["sync"], 1),
                settled_ms=round(settled),
                drawn_nodes=after["nodes"],
                drawn_edges=after["edges"],
                matching_nodes=int(after["matching"]),
                **({"search_result": after["search"]} if "search" in step else {}),
            )

        set_dates = """(range) => {
            const a = document.getElementById('kg-date-from'), b = document.getElementById('kg-date-to');
            a.value = range[0]; b.value = range[1];
            b.dispatchEvent(new Event('change')); }"""
        interact("filter dates 2019-03-01..2019-03-07", set_dates, ["2019-03-01", "2019-03-07"])
        interact("filter dates 2019-06-01..2019-06-30", set_dates, ["2019-06-01", "2019-06-30"])
        interact("reset filters", "() => document.getElementById('kg-reset').click()")
        interact(
            "filter polarity: hide negative",
            """() => {
            const box = document.querySelector('#kg-pols input[data-value="negative"]');
            box.checked = false; box.dispatchEvent(new Event('change')); }""",
        )
        interact("reset filters", "() => document.getElementById('kg-reset').click()")
        for name in actors_left_out[:2]:
            interact(f"search {name!r} (not in the first drawing)", "(q) => kgViz.search(q)", name)
        interact("search cleared", "() => kgViz.search('')")
        interact(
            "raise limits to 600 nodes / 2,000 edges",
            """() => {
            const n = document.getElementById('kg-max-nodes'), e = document.getElementById('kg-max-edges');
            n.value = '600'; n.dispatchEvent(new Event('change'));
            e.value = '2000'; e.dispatchEvent(new Event('change')); }""",
        )
        emit("browser errors", errors=errors)
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actors", type=int, default=3000)
    parser.add_argument("--pairs", type=int, default=30000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-nodes", type=int, default=viz.DEFAULT_MAX_NODES)
    parser.add_argument("--max-edges", type=int, default=viz.DEFAULT_MAX_EDGES)
    parser.add_argument("--evidence-budget", type=int, default=viz.EVIDENCE_BUDGET)
    parser.add_argument("--keep", type=Path, default=None, help="write the page here (default: a temporary folder)")
    parser.add_argument("--no-browser", action="store_true", help="only the Python side")
    args = parser.parse_args()

    rows = timed("synthetic rows", lambda: synthetic_rows(args.actors, args.pairs, 200, args.seed))
    G = timed("view actors", lambda: N.actor_network(rows))
    viz.html_string(N.actor_network(rows[:50]), title="warm-up")  # the template compiles once per process
    page = timed(
        "python build html_string",
        lambda: viz.html_string(
            G,
            title="3,000 actors",
            max_nodes=args.max_nodes,
            max_edges=args.max_edges,
            evidence_budget=args.evidence_budget,
        ),
    )
    emit("page size", **sizes(page))
    folder = args.keep or Path(tempfile.mkdtemp(prefix="kg-page-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "actors.html"
    path.write_text(page, encoding="utf-8")
    emit("file", path=str(path), bytes=path.stat().st_size)
    if args.no_browser:
        return

    # actors the first drawing leaves out, with at least one edge (searching must bring them in)
    whole = viz._Whole(G)
    drawn, _ = viz._rank(
        range(len(whole.nodes)), range(len(whole.data)), whole.src, whole.dst, whole.w, args.max_nodes, args.max_edges
    )
    drawn_set = set(drawn)
    left_out = [G.nodes[v]["label"] for i, v in enumerate(whole.nodes) if i not in drawn_set and G.degree(v) > 0]
    browser_figures(path, [left_out[len(left_out) // 2], left_out[-1]] if left_out else [])


if __name__ == "__main__":
    main()
