"""How long the network views, the backbone, polarisation and the writers take on a corpus-sized
network: synthetic stance rows for 3,000 actors and 30,000 actor -> actor pairs (plus stances on
topics and repeats), so no store or model is needed.

    .venv/bin/python benchmarks/views_scale.py [--actors 3000] [--pairs 30000] [--topics 200]
                                               [--seed 1] [--html] [--keep DIR]

Prints one JSON object per line: ``{"step", "seconds", "nodes", "edges", ...}``. The actors fall
into two camps (positive ties mostly inside, negative mostly across), so the backbone and the
polarisation have structure to find. ``--html`` also times the interactive page (kg.viz on 3,000
nodes: slow and big, off by default). Nothing is asserted: the tests check correctness, this
script measures.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from kg import network as N


def synthetic_rows(actors: int, pairs: int, topics: int, seed: int) -> list[dict]:
    """Stance rows: ``pairs`` distinct actor -> actor pairs (one stance each, a third of them said
    again, some many times), and a fifth as many stances on ``topics`` topics, over 2019."""
    rng = random.Random(seed)
    names = [f"https://example.org/actor/{i}" for i in range(actors)]
    camp = {n: i % 2 for i, n in enumerate(names)}
    start = date(2019, 1, 1)
    rows: list[dict] = []

    def add(holder: str, target: str, kind: str, polarity: str, article: int) -> None:
        day = start + timedelta(days=article % 365)
        rows.append(
            {
                "stance": f"https://example.org/stance/{len(rows)}",
                "holder": holder,
                "holder_label": f"Actor {holder.rsplit('/', 1)[1]}",
                "holder_type": "Person",
                "target": target,
                "target_label": target.rsplit("/", 1)[1],
                "target_type": "Topic" if kind == "topic" else "Person",
                "target_kind": kind,
                "polarity": polarity,
                "confidence": round(rng.uniform(0.6, 1.0), 2),
                "quote": f'Quote {len(rows)}, with "quotes" and =formula-like text',
                "cue": "said",
                "date": day.isoformat(),
                "article": f"https://example.org/article/{article}",
                "article_id": f"a{article}",
                "article_title": f"Article {article}",
            }
        )

    def polarity(a: str, b_camp: int) -> str:
        same = camp[a] == b_camp
        r = rng.random()
        if r < 0.1:
            return "neutral"
        return ("positive" if same else "negative") if r < 0.85 else ("negative" if same else "positive")

    seen: set[tuple[str, str]] = set()
    while len(seen) < pairs:
        a, b = rng.sample(names, 2)
        if (a, b) in seen:
            continue
        seen.add((a, b))
        article = rng.randrange(pairs // 8)
        pol = polarity(a, camp[b])
        add(a, b, "actor", pol, article)
        # a third of the pairs come back, a few of them often (heavy-tailed, as in the news),
        # in the same article or a later one: the backbone needs uneven weights to find anything
        if rng.random() < 0.3:
            for _ in range(min(30, int(rng.paretovariate(1.5)))):
                add(a, b, "actor", pol, article if rng.random() < 0.5 else article + rng.randrange(1, 60))
    topic_iris = [f"https://example.org/topic/{t}" for t in range(topics)]
    for _ in range(pairs // 5):
        a, t = rng.choice(names), rng.choice(topic_iris)
        add(a, t, "topic", polarity(a, int(t.rsplit("/", 1)[1]) % 2), rng.randrange(pairs // 8))
    return rows


def timed(step: str, run, **extra):
    t = time.perf_counter()
    result = run()
    seconds = round(time.perf_counter() - t, 3)
    info = {"step": step, "seconds": seconds, **extra}
    if hasattr(result, "number_of_edges"):
        info.update(nodes=result.number_of_nodes(), edges=result.number_of_edges())
    elif isinstance(result, list):
        info["items"] = len(result)
    print(json.dumps(info), flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actors", type=int, default=3000)
    parser.add_argument("--pairs", type=int, default=30000)
    parser.add_argument("--topics", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--html", action="store_true", help="also time the interactive HTML page")
    parser.add_argument("--keep", type=Path, default=None, help="write the files here (default: a temporary folder)")
    args = parser.parse_args()

    rows = timed("synthetic rows", lambda: synthetic_rows(args.actors, args.pairs, args.topics, args.seed))
    actors = timed("view actors", lambda: N.actor_network(rows))
    timed("view actors duplicates=article", lambda: N.actor_network(rows, duplicates="article"))
    timed("view topics", lambda: N.topic_network(rows))
    timed("view topics normalization=activity", lambda: N.topic_network(rows, normalization="activity"))
    congruence = timed("view congruence", lambda: N.congruence_network(rows))
    timed("view conflict normalization=jaccard", lambda: N.conflict_network(rows, normalization="jaccard"))
    subtract = timed("view subtract", lambda: N.subtract_network(rows))
    timed("view congruence duplicates=none", lambda: N.congruence_network(rows, duplicates="none"))
    timed("time slices actors month", lambda: N.time_slices(N.actor_network, rows, "month"))
    timed("backbone actors alpha=0.05", lambda: N.disparity_backbone(actors, 0.05))
    timed("backbone congruence alpha=0.05", lambda: N.disparity_backbone(congruence, 0.05))
    timed("backbone subtract alpha=0.05", lambda: N.disparity_backbone(subtract, 0.05))
    ties = timed("tie network both", lambda: N.tie_network(rows))
    p = timed("polarisation whole range", lambda: N.measure_polarisation(ties))
    print(
        json.dumps({"step": "polarisation value", "polarisation": p["polarisation"], "camp_sizes": p["camp_sizes"]}),
        flush=True,
    )
    timed("polarisation series month null=0", lambda: N.polarisation_series(rows, "month", null=0))
    series = timed("polarisation series month null=10", lambda: N.polarisation_series(rows, "month"))
    print(
        json.dumps(
            {
                "step": "polarisation series values",
                "polarisation": [s["polarisation"] for s in series],
                "baseline": [s["baseline"] for s in series],
            }
        ),
        flush=True,
    )
    events = timed("event rows", lambda: N.event_rows(rows))

    folder = args.keep or Path(tempfile.mkdtemp(prefix="kg-views-"))
    folder.mkdir(parents=True, exist_ok=True)
    for ext in (".graphml", ".gexf", ".csv", ".dl") + ((".html",) if args.html else ()):
        path = folder / f"actors{ext}"
        timed(f"write actors {ext}", lambda: N.write_network(actors, path))  # noqa: B023 (called at once)
        print(json.dumps({"step": f"size actors {ext}", "bytes": path.stat().st_size}), flush=True)
    timed("write congruence .dl", lambda: N.write_network(congruence, folder / "congruence.dl"))
    timed("write events .csv", lambda: N.write_events(events, folder / "events.csv"))
    timed("write polarisation .csv", lambda: N.write_polarisation(series, folder / "pol.csv"))
    timed("write polarisation .svg", lambda: N.write_polarisation(series, folder / "pol.svg"))
    print(json.dumps({"step": "files", "folder": str(folder)}), file=sys.stderr)


if __name__ == "__main__":
    main()
