"""Score the extractors on the annotated dev sets with the shared scorer.

    .venv/bin/python benchmarks/evaluate.py [--split dev|train] [--limit N] [--task attribution|stance|all]
                                            [--with-copies]

Runs ``../shared/eval/score.py run …`` against this checkout's ``kg`` for PolNeAR attribution
and directed sentiment (DSA) and prints the scorer's reports. The data stays in ../shared/eval;
nothing of it is copied into the project. See the README's "Accuracy" section for the figures.

``--with-copies`` scores DSA as the published figures are: every row, the ones that copy a
training row included (the scorer leaves them out; they are about a quarter of dev, and a model
that has read the training rows gets most of them right). The gold file is rewritten with every
row marked clean into a temporary folder, removed afterwards.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
KG = ROOT / ".venv" / "bin" / "kg"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", default="dev", choices=["dev", "train"])
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--task", default="all", choices=["attribution", "stance", "all"])
    ap.add_argument("--eval-dir", default=str(EVAL))
    ap.add_argument(
        "--with-copies",
        action="store_true",
        help="DSA: score every row, the copies of training rows included (as the published figures are)",
    )
    args = ap.parse_args()
    eval_dir = Path(args.eval_dir)
    if not (eval_dir / "score.py").exists():
        sys.exit(f"no scorer at {eval_dir}/score.py (the evaluation data lives outside the project)")
    jobs = []
    if args.task in ("attribution", "all"):
        jobs.append(("attribution", eval_dir / "data" / f"polnear_{args.split}.jsonl"))
    if args.task in ("stance", "all"):
        jobs.append(("stance", eval_dir / "data" / f"dsa_{args.split}.jsonl"))
    status = 0
    with tempfile.TemporaryDirectory(prefix="kg-eval-") as tmp:
        for task, gold in jobs:
            if task == "stance" and args.with_copies:
                gold = every_row_clean(gold, Path(tmp) / gold.name)
            cmd = [sys.executable, str(eval_dir / "score.py"), "run", task, "--gold", str(gold), "--kg", str(KG)]
            if args.limit:
                cmd += ["--limit", str(args.limit)]
            print(f"$ {' '.join(cmd)}", flush=True)
            status |= subprocess.call(cmd)
    return status


def every_row_clean(gold: Path, out: Path) -> Path:
    """A copy of the DSA rows ``gold`` at ``out`` with every row marked ``eval_clean``."""
    with open(gold, encoding="utf-8") as src, open(out, "w", encoding="utf-8") as dst:
        for line in src:
            if line.strip():
                row = json.loads(line)
                row["eval_clean"] = True
                dst.write(json.dumps(row) + "\n")
    return out


if __name__ == "__main__":
    raise SystemExit(main())
