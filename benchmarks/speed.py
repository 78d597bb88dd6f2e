"""Extraction speed against bare spaCy parsing of the same texts.

    .venv/bin/python benchmarks/speed.py [--texts FILE.jsonl|FOLDER] [--limit N] [--repeat R]
    KG_STANCES=accurate .venv/bin/python benchmarks/speed.py ...   # the accurate stance mode

By default it times the PolNeAR dev articles from ../shared/eval/data (read, never copied),
else the project's seeds/. It prints, from one run:

* the time of bare ``nlp.pipe`` over the texts and of the whole extraction
  (:func:`kg.pipeline.extract_articles`: the same parse plus actors, statements and stances),
  and their ratio (the target: <= 1.5). Both are wall-clock times; the best of R repeats
  is kept for each, alternating, so a noisy neighbour on the machine hits both sides alike;
* the CPU time of each (all threads and the encoder's worker process): the extraction runs the
  stance encoder in a second process beside the parse (:mod:`kg.encoder_process`), so its
  wall-clock time is well under its CPU time;
* the share of each extractor, from one more pass that runs them one after the other.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from kg.articles import iter_articles
from kg.nlp import load_nlp, pipeline_label
from kg.records import Article

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "eval" / "data" / "polnear_dev.jsonl"


def timed(run) -> tuple[float, float]:
    """(wall, CPU) seconds of ``run()``; CPU counts this process's threads and the child
    processes it waited for (the encoder worker)."""

    def cpu() -> float:
        t = os.times()
        return t.user + t.system + t.children_user + t.children_system

    w, c = time.perf_counter(), cpu()
    run()
    return time.perf_counter() - w, cpu() - c


def parts(nlp, articles) -> dict[str, float]:
    """Seconds spent in each extractor, run one after the other on each parsed article."""
    from kg.extract.actors import extract_actors
    from kg.extract.stances import finish_stances, run_encoder, start_stances
    from kg.extract.statements import extract_statements

    spent = {"actors": 0.0, "statements": 0.0, "stance rules and linear model": 0.0, "stance encoder": 0.0}
    for doc in nlp.pipe([a.text for a in articles], batch_size=32):
        t0 = time.perf_counter()
        actors = extract_actors(doc)
        t1 = time.perf_counter()
        statements = extract_statements(doc, actors)
        t2 = time.perf_counter()
        pending = start_stances(doc, actors, statements)
        t3 = time.perf_counter()
        encoded = run_encoder(pending)
        t4 = time.perf_counter()
        finish_stances(pending, encoded)
        t5 = time.perf_counter()
        spent["actors"] += t1 - t0
        spent["statements"] += t2 - t1
        spent["stance rules and linear model"] += (t3 - t2) + (t5 - t4)
        spent["stance encoder"] += t4 - t3
    return spent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--texts", default=str(DEFAULT if DEFAULT.exists() else ROOT / "seeds"))
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--model", default=None)
    ap.add_argument("--no-parts", action="store_true", help="skip the per-extractor pass")
    args = ap.parse_args()

    from kg.pipeline import extract_articles

    articles = [a for a in iter_articles([args.texts]) if isinstance(a, Article)]
    if args.limit:
        articles = articles[: args.limit]
    texts = [a.text for a in articles]
    nlp = load_nlp(args.model)
    words = sum(len(t.split()) for t in texts)

    list(extract_articles(articles[:2], nlp=nlp))  # warm up (and load the models)
    bare, full = [], []
    for _ in range(args.repeat):
        bare.append(timed(lambda: list(nlp.pipe(texts, batch_size=32))))
        full.append(timed(lambda: [x.to_json() for x in extract_articles(articles, nlp=nlp)]))
        bare.append(timed(lambda: list(nlp.pipe(texts, batch_size=32))))
    (b, bc), (f, fc) = min(bare), min(full)
    print(f"texts: {len(texts)} articles, {words:,} words, from {args.texts}")
    print(f"model: {pipeline_label(nlp)}; best of {args.repeat} runs")
    print(f"bare nlp.pipe:      {b:8.2f} s  ({words / b:,.0f} words/s); CPU {bc:.2f} s")
    print(f"full extraction:    {f:8.2f} s  ({words / f:,.0f} words/s); CPU {fc:.2f} s")
    print(f"ratio extraction / bare parse: {f / b:.2f}  (target <= 1.5); CPU-time ratio {fc / bc:.2f}")
    print(f"per 1,000 words: extraction {1000 * f / words:.2f} s wall clock, {1000 * fc / words:.2f} CPU s")
    if not args.no_parts:
        spent = parts(nlp, articles)
        print("extractors one after the other (beside the parse):")
        for k, v in spent.items():
            print(f"  {k:<31} {v:6.2f} s  ({v / b:.2f} x the bare parse)")


if __name__ == "__main__":
    main()
