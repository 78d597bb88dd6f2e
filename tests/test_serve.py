"""kg serve: Oxigraph's server over the store, queried by SPARQLWrapper and curl; read-only by
default; the folder's lock decides who owns it; Ctrl-C stops it cleanly."""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = (
    'date 2024-02-01 Foreign Minister Anna Berg said the plan "will fail". '
    "Berg criticised the United Nations on Tuesday."
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kg_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "kg.cli", *args]


def environment() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def _sigint_as_in_a_terminal() -> None:
    """In the child before exec: Ctrl-C as a terminal delivers it. A child inherits an ignored
    SIGINT, and then Python installs no KeyboardInterrupt handler: run as a background job of a
    non-interactive shell (`pytest … &`, which POSIX starts with SIGINT ignored), the tests
    started a kg serve that ignored their Ctrl-C and was killed (exit -9)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Serving:
    """``kg serve`` in a subprocess, with the lines it printed before it was ready."""

    def __init__(self, store: Path, *args: str):
        self.port = free_port()
        self.proc = subprocess.Popen(
            kg_command("--store", str(store), "serve", "--port", str(self.port), *args),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment(),
            cwd=ROOT,
            preexec_fn=_sigint_as_in_a_terminal,
        )
        self.lines = []
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.lines.append(line.rstrip("\n"))
            if line.startswith("Try: "):
                return
        self.stop()
        raise AssertionError(f"kg serve did not start: {self.lines} {self.proc.stderr.read()}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> tuple[int, str]:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            out, err = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
        return self.proc.returncode, err


@pytest.fixture(scope="module")
def store(tmp_path_factory, nlp):
    base = tmp_path_factory.mktemp("serve")
    (base / "berg.txt").write_text(ARTICLE, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["--store", str(base / "store"), "ingest", "--no-progress", str(base / "berg.txt")], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return base / "store"


def _server_processes(port: int) -> list[str]:
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    return [line for line in ps.splitlines() if "oxigraph serve" in line and f":{port}" in line]


def test_serve_read_only_sparqlwrapper_curl_and_ctrl_c(store):
    from urllib.error import HTTPError

    from SPARQLWrapper import JSON, POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    server = Serving(store)
    try:
        assert server.lines[0] == f"Serving {store} (read-only) as a SPARQL 1.1 endpoint: {server.url}/query"
        # SPARQLWrapper, the default graph being the union of the article graphs
        client = SPARQLWrapper(f"{server.url}/query")
        client.setReturnFormat(JSON)
        client.setQuery("""PREFIX kg: <https://w3id.org/kg-stance/ontology#>
            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            SELECT ?name WHERE { ?s a kg:Stance ; kg:holder/rdfs:label ?name }""")
        names = {b["name"]["value"] for b in client.queryAndConvert()["results"]["bindings"]}
        assert "Anna Berg" in names
        # the printed curl line, as a user would paste it
        curl = server.lines[1][len("Try: ") :]
        out = subprocess.run(shlex.split(curl) + ["-sS", "--fail"], capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        assert out.stdout.split() == ["articles", "1"]
        # an update is refused: read-only unless --writable
        writer = SPARQLWrapper(f"{server.url}/query", updateEndpoint=f"{server.url}/update")
        writer.setMethod(POST)
        writer.setQuery("INSERT DATA { GRAPH <urn:x> { <urn:a> <urn:b> <urn:c> } }")
        with pytest.raises((SPARQLWrapperException, HTTPError)):
            writer.query()
        refused = subprocess.run(
            [
                "curl",
                "-s",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                "--data-urlencode",
                "update=DROP ALL",
                f"{server.url}/update",
            ],
            capture_output=True,
            text=True,
        )
        assert refused.stdout == "403"
        # the folder is the server's: a writer is refused while it runs
        ingest = CliRunner().invoke(cli, ["--store", str(store), "remove", "berg"])
        assert ingest.exit_code == 1 and "in use by another process" in ingest.stderr
    finally:
        code, err = server.stop()
    assert code == 0 and "stopped" in err and "Traceback" not in err
    assert not _server_processes(server.port)
    # and once it has stopped the folder is free again (the article is still there)
    assert CliRunner().invoke(cli, ["--store", str(store), "stats"]).exit_code == 0


def test_serve_refuses_a_folder_another_process_writes(store):
    hold = "import sys, pyoxigraph as ox; s = ox.Store(sys.argv[1]); print('ready', flush=True); sys.stdin.read()"
    holder = subprocess.Popen(
        [sys.executable, "-c", hold, str(store)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        for extra in ([], ["--writable"]):
            result = subprocess.run(
                kg_command("--store", str(store), "serve", "--port", str(free_port()), *extra),
                capture_output=True,
                text=True,
                timeout=60,
                env=environment(),
                cwd=ROOT,
            )
            assert result.returncode == 1, (extra, result.stdout, result.stderr)
            assert "open for writing in another process" in result.stderr and "Traceback" not in result.stderr
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)


def test_serve_writable_accepts_updates(store, tmp_path):
    from SPARQLWrapper import JSON, POST, SPARQLWrapper

    server = Serving(store, "--writable")
    try:
        assert "(read-write)" in server.lines[0]
        writer = SPARQLWrapper(f"{server.url}/query", updateEndpoint=f"{server.url}/update")
        writer.setMethod(POST)
        writer.setQuery("INSERT DATA { GRAPH <urn:kg-test> { <urn:a> <urn:b> 'c' } }")
        writer.query()
        reader = SPARQLWrapper(f"{server.url}/query")
        reader.setReturnFormat(JSON)
        reader.setQuery("ASK { <urn:a> <urn:b> 'c' }")
        assert reader.queryAndConvert()["boolean"] is True
        writer.setQuery("DROP GRAPH <urn:kg-test>")
        writer.query()
    finally:
        code, _ = server.stop()
    assert code == 0


def test_serve_on_a_missing_store_and_a_url(tmp_path):
    runner = CliRunner()
    missing = runner.invoke(cli, ["--store", str(tmp_path / "none"), "serve"])
    assert missing.exit_code == 1 and "no store at" in missing.stderr
    url = runner.invoke(cli, ["--store", "http://127.0.0.1:1/query", "serve"])
    assert url.exit_code == 1 and "already a SPARQL endpoint" in url.stderr


def test_serve_help_explains_a_reverse_proxy():
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    assert "reverse proxy" in result.output and "proxy_pass http://127.0.0.1:7878/query" in result.output
