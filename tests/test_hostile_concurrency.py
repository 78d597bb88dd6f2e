"""Readers beside a writer, and a writer killed at random moments (faults
injected by SIGKILL). Both run a real `kg ingest` in another process, on short made-up
articles, with the stance encoder off (KG_STANCE_ENCODER=none) to keep them to seconds."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
from click.testing import CliRunner

from kg.cli import cli

ROOT = Path(__file__).resolve().parent.parent
NAMES = [
    "Anna Berg",
    "Erik Lund",
    "Mara Quill",
    "Tom Reyes",
    "Ann Bolt",
    "Joe Biden",
    "Angela Merkel",
    "the United Nations",
    "Governor Luis Ortega",
    "Senator Paul Hendricks",
]
VERBS = ["criticised", "praised", "rejected", "supported", "condemned", "thanked"]
ARTICLE_GRAPH = "https://w3id.org/kg-stance/id/graph/article/"


def make_articles(folder: Path, n: int, seed: int = 5) -> None:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        sentences = []
        for _ in range(4):
            a, b = rng.sample(NAMES, 2)
            sentences.append(f"{a} {rng.choice(VERBS)} {b} on Tuesday.")
        sentences.append(f"\u201cThe plan will fail,\u201d {rng.choice(NAMES)} said.")
        (folder / f"art{i:03d}.txt").write_text(f" date 2020-03-{i % 28 + 1:02d} " + " ".join(sentences))


def start_ingest(store: Path, folder: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT), KG_STANCE_ENCODER="none")
    return subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "--store", str(store), "ingest", "--no-progress", str(folder)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def article_graphs(store_path: Path) -> dict[str, set]:
    store = ox.Store.read_only(str(store_path))
    out: dict[str, set] = {}
    for q in store.quads_for_pattern(None, None, None, None):
        g = q.graph_name
        if isinstance(g, ox.NamedNode) and g.value.startswith(ARTICLE_GRAPH):
            out.setdefault(g.value, set()).add((q.subject, q.predicate, q.object))
    del store
    return out


# ------------------------------------------------------------------ row 5: reads during an ingest
def test_reads_beside_a_running_ingest_never_fail(tmp_path, nlp):
    folder, store = tmp_path / "arts", tmp_path / "store"
    make_articles(folder, 100)  # enough that reads overlap the writes on a fast, idle machine too
    proc = start_ingest(store, folder)
    try:
        while not (store / "CURRENT").exists() and proc.poll() is None:
            time.sleep(0.05)
        runner = CliRunner()
        results = []
        n = 0
        while proc.poll() is None:
            n += 1
            if n % 6 == 0:
                r = runner.invoke(
                    cli,
                    [
                        "--store",
                        str(store),
                        "network",
                        "actors",
                        "--min-confidence",
                        "0",
                        "--out",
                        str(tmp_path / "n.graphml"),
                    ],
                )
            elif n % 6 == 3:
                r = runner.invoke(cli, ["--store", str(store), "stats", "--format", "json"])
            else:
                r = runner.invoke(cli, ["--store", str(store), "query", "ASK { ?s ?p ?o }"])
            results.append(r)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0, err
    assert len(results) >= 5, "the ingest ended before the reads could overlap it"
    bad = [r for r in results if r.exit_code != 0 or r.exception is not None]
    assert not bad, [(r.exit_code, r.output[-300:], repr(r.exception)) for r in bad[:3]]
    assert all("Corruption" not in r.output and "Traceback" not in r.output for r in results)


def test_a_store_that_stays_busy_is_named_as_busy(tmp_path, monkeypatch):
    """If every try meets the writer's compaction, the message says a writer is busy."""
    import kg.store

    (tmp_path / "s").mkdir()
    ox.Store(str(tmp_path / "s")).flush()

    def busy(path):
        raise RuntimeError(
            f"Corruption: IO error: No such file or directory: While open a file for random "
            f"read: {path}/000542.sst: No such file or directory"
        )

    monkeypatch.setattr(kg.store.ox.Store, "read_only", staticmethod(busy))
    monkeypatch.setattr(kg.store.time, "sleep", lambda s: None)
    monkeypatch.setattr("kg.cli.time.sleep", lambda s: None)
    r = CliRunner().invoke(cli, ["--store", str(tmp_path / "s"), "query", "ASK { ?s ?p ?o }"])
    assert r.exit_code == 1 and r.exception is None or isinstance(r.exception, SystemExit)
    assert "being written by another process" in r.stderr and "Corruption" not in r.stderr


# ------------------------------------------------------------------ fault injection: SIGKILL
def test_sigkill_at_random_moments_loses_nothing_and_a_rerun_completes(tmp_path, nlp):
    folder, store = tmp_path / "arts", tmp_path / "store"
    make_articles(folder, 100, seed=11)  # enough that the first kill comes mid-ingest on an idle machine too
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    snapshots = []
    for k in range(3):
        proc = start_ingest(store, folder)
        # the store is opened once the model has loaded; articles are written from then on
        deadline = time.monotonic() + 60
        while not (store / "CURRENT").exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(rng.uniform(0.1, 1.2))
        alive = proc.poll() is None
        if alive:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=60)
        if (store / "CURRENT").exists():
            snap = tmp_path / f"snap{k}"
            shutil.copytree(store, snap)  # the killed state, as the next run finds it
            snapshots.append((snap, alive))
    final = start_ingest(store, folder)
    out, err = final.communicate(timeout=300)
    assert final.returncode == 0, (seed, err)
    # a half-written article would be rewritten now ("replaced"); there is none
    assert " 0 replaced" in out and " 0 failed" in out, (seed, out)
    complete = article_graphs(store)
    assert len(complete) == 100, seed
    for snap, alive in snapshots:
        graphs = article_graphs(snap)
        for name, quads in graphs.items():
            assert quads == complete[name], f"article graph {name} is incomplete after a kill (seed {seed})"
    assert any(alive for _, alive in snapshots), f"no kill came while an ingest was running (seed {seed})"
    print(f"seed {seed}: articles present after each kill: {[len(article_graphs(s)) for s, _ in snapshots]}")
