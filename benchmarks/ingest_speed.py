"""Ingest against extract on the same articles: what turning records into RDF and writing them
costs on top of extraction (both commands load the models, as a user runs them).

    python benchmarks/ingest_speed.py [--source dev] [--repeat 2]

Prints one JSON line per run and a summary line with the ratio ingest / extract (the target is
1.2 or less), and the bulk path (`kg extract --format nquads` then `kg import`) beside them.
The articles are the PolNeAR split named by --source, read at run time from ../shared/eval.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"


def timed(*argv: str, stdout=subprocess.DEVNULL) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kg.cli", *argv], check=True, stdout=stdout, cwd=ROOT)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", default="dev")
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kg-ingest-speed-"))
    corpus = tmp / "articles.jsonl"
    subprocess.run(
        [sys.executable, str(EVAL / "corpus.py"), args.source, str(corpus)], check=True, stdout=subprocess.DEVNULL
    )
    ratios = []
    for run in range(args.repeat):
        extract = timed("extract", "--format", "jsonl", str(corpus))
        store = tmp / f"store-{run}"
        ingest = timed("--store", str(store), "ingest", "--no-progress", str(corpus))
        nq = tmp / "articles.nq"
        with open(nq, "w") as fh:
            extract_nq = timed("extract", "--format", "nquads", str(corpus), stdout=fh)
        imported = tmp / f"imported-{run}"
        load = timed("--store", str(imported), "import", str(nq))
        ratios.append(ingest / extract)
        print(
            json.dumps(
                {
                    "run": run,
                    "extract_s": round(extract, 2),
                    "ingest_s": round(ingest, 2),
                    "ratio": round(ingest / extract, 3),
                    "extract_nquads_s": round(extract_nq, 2),
                    "import_s": round(load, 2),
                }
            ),
            flush=True,
        )
        shutil.rmtree(store, ignore_errors=True)
        shutil.rmtree(imported, ignore_errors=True)
    print(
        json.dumps(
            {"summary": "ingest / extract", "ratios": [round(r, 3) for r in ratios], "best": round(min(ratios), 3)}
        )
    )
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
