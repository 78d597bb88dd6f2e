"""Writers on a remote store take turns (kg.remote.WriterLease): two `kg ingest --store URL`
processes at once against Oxigraph's server both finish, one after the other, and the corpus
graph is what a rebuild from the article graphs gives; a writer is refused, naming the holder,
while another holds the lease; a crashed writer's lease lapses; a writer that lost its lease
cannot write. On real servers (Oxigraph's, and Virtuoso for the lease itself)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from servers import STARTERS
from test_remote import ARTICLES

ROOT = Path(__file__).resolve().parent.parent


def _serve(name: str, tmp_path_factory):
    running = STARTERS[name](tmp_path_factory.mktemp(name) / "server")
    old = {k: os.environ.get(k) for k in running.env}
    os.environ.update(running.env)
    try:
        yield running
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        running.stop()


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def server(request, tmp_path_factory):
    yield from _serve(request.param, tmp_path_factory)


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    yield from _serve("oxigraph", tmp_path_factory)


def _kg(url: str, *args: str, env: dict | None = None, **popen) -> subprocess.Popen:
    full = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.Popen(
        [sys.executable, "-m", "kg", "--store", url, *args],
        env=full,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def _corpus(url: str) -> set[ox.Quad]:
    from kg import corpus
    from kg.store import _canonical, open_store

    store = open_store(url, read_only=True)
    return _canonical(store.quads_for_pattern(None, None, None, corpus.CORPUS))


def test_a_second_writer_is_refused_naming_the_holder(server, tmp_path):
    from kg import ids
    from kg.remote import LeaseHeld, WriterLease
    from kg.store import open_store

    holder = WriterLease(server.url, seconds=30)
    holder.acquire()
    try:
        other = WriterLease(server.url, seconds=30, wait=0.5)
        with pytest.raises(LeaseHeld, match=f"pid {os.getpid()}"):
            other.acquire()
        # the command line says the same and writes nothing
        (tmp_path / "x1.txt").write_text(ARTICLES["a1"], encoding="utf-8")
        proc = _kg(server.url, "ingest", "--no-progress", str(tmp_path / "x1.txt"), env={"KG_STORE_LEASE_WAIT": "1"})
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 1, out + err
        assert "holds its writer lease" in err and f"pid {os.getpid()}" in err and "Traceback" not in err
        assert not open_store(server.url, read_only=True).contains_named_graph(
            ox.NamedNode(ids.article_graph_iri("x1"))
        )
        assert server.env.get("KG_STORE_PASSWORD", "\0") not in out + err  # never printed
    finally:
        holder.release()
    assert holder.leases() == {}  # given back


def test_a_crashed_writers_lease_lapses_and_it_cannot_write_after(server):
    from kg.remote import LeaseHeld, RemoteStore, WriterLease

    crashed = WriterLease(server.url, seconds=2)
    crashed.acquire()
    crashed._stop.set()  # its renewing thread dies with it
    crashed._thread.join()
    blocked = WriterLease(server.url, seconds=2, wait=0)
    with pytest.raises(LeaseHeld):
        blocked.acquire()
    time.sleep(2.2)
    taker = WriterLease(server.url, seconds=30, wait=0)
    taker.acquire()  # the lapsed lease is removed on the way
    try:
        assert list(taker.leases()) == [taker.node.value]
        store = RemoteStore(server.url)
        store.lease = crashed  # the crashed writer, come back to life, is refused its next write
        with pytest.raises(LeaseHeld, match="lost its writer lease"):
            store.update("INSERT DATA { GRAPH <https://w3id.org/kg-stance/id/graph/x> { <urn:a> <urn:b> <urn:c> } }")
        assert not crashed.renew()
    finally:
        taker.release()


def test_one_process_shares_its_lease_and_gives_it_back(server):
    from kg.store import open_store

    first = open_store(server.url)
    second = open_store(server.url)  # a notebook opening the store twice is one writer
    assert first.lease is second.lease and first.lease.leases() == {
        first.lease.node.value: (first.lease.holder, first.lease.expires)
    }
    lease = first.lease
    first.close()
    assert lease.leases()  # still used by the second
    second.close()
    assert lease.leases() == {}


def test_two_ingests_at_once_take_turns_and_the_corpus_stays_exact(oxigraph_server, tmp_path):
    """Both writers name the same actors, so interleaved corpus updates would lose tallies.
    Against Oxigraph's server (the lease itself is tested on Virtuoso too, above)."""
    server = oxigraph_server
    from kg import corpus, ids
    from kg.remote import WriterLease
    from kg.store import open_store, rebuild_corpus

    folders = []
    for side in ("p", "q"):
        folder = tmp_path / side
        folder.mkdir()
        for name, text in ARTICLES.items():
            (folder / f"{side}{name}.txt").write_text(text, encoding="utf-8")
        folders.append(folder)
    # KG_STORE_LEASE_WAIT: the second waits for the first rather than being refused
    procs = [_kg(server.url, "ingest", "--no-progress", str(f), env={"KG_STORE_LEASE_WAIT": "600"}) for f in folders]
    results = [p.communicate(timeout=600) for p in procs]
    for p, (out, err) in zip(procs, results):
        assert p.returncode == 0, out + err
        assert f"{len(ARTICLES)} article(s) added" in out
    store = open_store(server.url, read_only=True)
    for side in ("p", "q"):
        for name in ARTICLES:
            assert store.contains_named_graph(ox.NamedNode(ids.article_graph_iri(side + name)))
    written = _corpus(server.url)
    assert written
    writer = open_store(server.url)
    try:
        rebuild_corpus(writer)
    finally:
        writer.close()
    assert _corpus(server.url) == written, "the corpus graph lost or gained tallies"
    assert writer.lease is None and WriterLease(server.url).leases() == {}  # every writer gave it back
    assert list(store.quads_for_pattern(None, None, None, corpus.CORPUS))
