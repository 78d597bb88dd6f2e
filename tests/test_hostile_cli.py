"""The CLI's answers to hostile use: bad settings, bad options, unwritable outputs, names that
would drive a terminal, Ctrl-C. Exit codes as documented
in the README: 0 done, 1 some articles failed or a store/output problem, 2 usage, 130 Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli

ROOT = Path(__file__).resolve().parent.parent
GOOD = "Senator Anna Berg criticised Governor Tom Reyes on Monday. Reyes praised the United Nations."


def run(*args, env=None, input=None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env, input=input)


@pytest.fixture(scope="module")
def store(tmp_path_factory, nlp):
    root = tmp_path_factory.mktemp("clistore")
    (root / "good.txt").write_text(GOOD, encoding="utf-8")
    s = root / "store"
    r = run("--store", s, "ingest", "--no-progress", root / "good.txt")
    assert r.exit_code == 0, r.output
    return s


# ------------------------------------------------------------------ row 8: the size limit as a setting
@pytest.mark.parametrize("value", ["abc", "-1", "1.5"])
def test_bad_size_limit_is_a_usage_error(tmp_path, value):
    (tmp_path / "a.txt").write_text(GOOD)
    for command in ("ingest", "extract"):
        r = run("--store", tmp_path / "s", command, tmp_path / "a.txt", env={"KG_MAX_ARTICLE_CHARS": value})
        assert r.exit_code == 2, r.output
        assert "KG_MAX_ARTICLE_CHARS" in r.stderr and "Traceback" not in r.output
        assert r.exception is None or isinstance(r.exception, SystemExit)


@pytest.mark.parametrize("value", ["1,000,000", "1e6", "1_000_000"])
def test_size_limit_as_the_readme_writes_it(tmp_path, value, nlp):
    (tmp_path / "a.txt").write_text(GOOD)
    r = run("extract", tmp_path / "a.txt", env={"KG_MAX_ARTICLE_CHARS": value})
    assert r.exit_code == 0, r.output


def test_size_limit_names_the_long_article_and_keeps_the_others(tmp_path, nlp):
    (tmp_path / "a.txt").write_text(GOOD)
    (tmp_path / "long.txt").write_text("Anna Berg spoke. " * 200)
    r = run("extract", tmp_path, env={"KG_MAX_ARTICLE_CHARS": "2000"})
    assert r.exit_code == 1
    assert "long.txt: article too long (3,400 characters; the limit is 2,000" in r.stderr
    assert len(r.stdout.splitlines()) == 1


# ------------------------------------------------------------------ minor: options and outputs
def test_unknown_actor_type_is_refused(store, tmp_path):
    r = run("--store", store, "network", "actors", "--type", "Bogus", "--out", tmp_path / "a.csv")
    assert r.exit_code == 2 and "Bogus" in r.stderr and "Person" in r.stderr
    assert not (tmp_path / "a.csv").exists()
    r = run(
        "--store", store, "network", "actors", "--type", "person", "--min-confidence", "0", "--out", tmp_path / "b.csv"
    )
    assert r.exit_code == 0, r.output  # case does not matter


def test_from_after_to_is_refused(store, tmp_path):
    r = run(
        "--store", store, "network", "actors", "--from", "2020-01-01", "--to", "2019-01-01", "--out", tmp_path / "a.csv"
    )
    assert r.exit_code == 2 and "--from 2020-01-01 is after --to 2019-01-01" in r.stderr


@pytest.mark.parametrize("command", [["viz", "--out"], ["network", "actors", "--out"], ["export", "--out"]])
@pytest.mark.parametrize("where", ["missing-folder", "read-only-folder"])
def test_unwritable_out_is_a_clear_error(store, tmp_path, command, where):
    if where == "missing-folder":
        out = tmp_path / "no" / "such" / "folder" / "x.graphml"
        if command[0] == "viz":
            out = tmp_path / "a-file"  # viz makes missing folders; a file in the way stops it
            out.write_text("")
            out = out / "x.html"
    else:
        out = Path("/proc/kg-cannot-write-here.html")  # refused even to root
    if command[0] == "export":
        out = out.with_suffix(".trig")
    r = run("--store", store, *command, out)
    assert r.exit_code == 1, r.output
    assert "cannot write" in r.stderr and "Traceback" not in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)


def test_terminal_escapes_in_file_names_are_shown_escaped(tmp_path, nlp):
    evil = tmp_path / "\x1b]0;owned\x07\x1b[2J\u202eevil.txt"
    evil.write_bytes(b"")
    (tmp_path / "good.txt").write_text(GOOD)
    r = run("--store", tmp_path / "s", "ingest", "--no-progress", tmp_path)
    assert r.exit_code == 1
    assert "\x1b" not in r.stderr and "\x07" not in r.stderr and "\u202e" not in r.stderr
    assert "\\x1b]0;owned\\x07\\x1b[2J\\u202eevil.txt: empty article" in r.stderr


def test_remove_escapes_ids(store):
    r = run("--store", store, "remove", "no\x1b[31mpe")
    assert r.exit_code == 1 and "\x1b" not in r.stderr


# ------------------------------------------------------------------ minor: Ctrl-C
def test_ctrl_c_says_what_was_stored_without_a_traceback(tmp_path):
    folder = tmp_path / "arts"
    folder.mkdir()
    for i in range(40):
        (folder / f"a{i:02d}.txt").write_text(
            f"Senator Anna Berg criticised Governor Tom Reyes {i} times. "
            f"Reyes praised the United Nations and Joe Biden. " * 3
        )
    store = tmp_path / "store"
    env = dict(os.environ, PYTHONPATH=str(ROOT))  # the encoder process runs, as it does for users
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "--store", str(store), "ingest", "--no-progress", str(folder)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not (store / "CURRENT").exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        time.sleep(1.0)
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole process group
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    if proc.returncode == 0:
        pytest.skip("the ingest finished before the interrupt")
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert "interrupted:" in err and "had been stored" in err and "Run the same kg ingest again" in err
    stored = int(err.split("interrupted: ")[1].split(" article")[0])
    import pyoxigraph as ox

    s = ox.Store.read_only(str(store))
    n = len(list(s.query("SELECT ?a WHERE { GRAPH ?g { ?a a <https://w3id.org/kg-stance/ontology#Article> } }")))
    assert n == stored, err


def test_ctrl_c_in_any_command_exits_130(store, monkeypatch):
    import kg.store

    def interrupted(store):
        raise KeyboardInterrupt

    monkeypatch.setattr(kg.store, "store_stats", interrupted)
    r = run("--store", store, "stats")
    assert r.exit_code == 130 and "interrupted" in r.stderr and "Aborted" not in r.output
