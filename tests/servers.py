"""SPARQL servers the remote-store tests start on free loopback ports, and stop.

- Oxigraph's server, through ``kg serve --writable`` on a folder (kg.serve.start).
- Virtuoso Open Source 7 (Debian's ``virtuoso-opensource-7-bin``, which ``.ci/run`` installs):
  a fresh database in a temporary folder; writes go to ``/sparql-auth`` with the ``dba`` login
  (HTTP Digest), given to kg through ``$KG_STORE_USER``/``$KG_STORE_PASSWORD``.
- Apache Jena Fuseki 5.6.0 (``jena-fuseki-server``, Fuseki main as one runnable jar, on the
  machine's Java 17) when its jar is at ``$KG_FUSEKI_JAR`` or where ``make fuseki`` puts it
  (``.venv/cache/``): an in-memory TDB2 dataset with the union of its graphs as default graph.

A server that is not installed is skipped with the reason, unless ``KG_REQUIRE_SERVERS`` names
it (``.ci/run`` sets ``virtuoso``): then the test fails.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FUSEKI_VERSION = "5.6.0"
FUSEKI_JAR = ROOT / ".venv" / "cache" / f"jena-fuseki-server-{FUSEKI_VERSION}.jar"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def missing(name: str, reason: str):
    """Skip, or fail if .ci/run requires this server."""
    required = {n.strip() for n in os.environ.get("KG_REQUIRE_SERVERS", "").split(",") if n.strip()}
    if name in required:
        pytest.fail(f"{name} is required (KG_REQUIRE_SERVERS) but {reason}")
    pytest.skip(f"{name}: {reason}")


def _answers(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url + "?" + urllib.parse.urlencode({"query": "ASK {}"}), timeout=2) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class Running:
    name: str
    url: str  # what kg takes as --store
    env: dict = field(default_factory=dict)  # credentials kg reads from the environment
    process: subprocess.Popen | None = None
    server: object = None  # a kg.serve.Server

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _wait(proc: subprocess.Popen, probe: str, log: Path, what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not _answers(probe):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            text = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{what} did not start: {text}")
        time.sleep(0.3)


def start_oxigraph(folder: Path) -> Running:
    from kg.serve import start

    server = start(folder, port=free_port(), writable=True)
    return Running("oxigraph", server.url, server=server)


VIRTUOSO_INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = .
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""


def start_virtuoso(folder: Path) -> Running:
    binary = shutil.which("virtuoso-t")
    if binary is None:
        missing("virtuoso", "virtuoso-t is not installed (apt-get install virtuoso-opensource-7-bin)")
    folder.mkdir(parents=True, exist_ok=True)
    http = free_port()
    (folder / "virtuoso.ini").write_text(VIRTUOSO_INI.format(d=folder, sql=free_port(), http=http))
    log = folder / "virtuoso.log"
    proc = subprocess.Popen(
        [binary, "+foreground", "+configfile", str(folder / "virtuoso.ini")],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait(proc, f"http://127.0.0.1:{http}/sparql", log, "Virtuoso")
    return Running(
        "virtuoso",
        f"http://127.0.0.1:{http}/sparql-auth",
        env={"KG_STORE_USER": "dba", "KG_STORE_PASSWORD": "dba"},
        process=proc,
    )


FUSEKI_CONFIG = """@prefix fuseki: <http://jena.apache.org/fuseki#> .
@prefix rdf:    <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix tdb2:   <http://jena.apache.org/2016/tdb#> .
<#service> rdf:type fuseki:Service ;
    fuseki:name "kg" ;
    fuseki:endpoint [ fuseki:operation fuseki:query ; fuseki:name "query" ] ;
    fuseki:endpoint [ fuseki:operation fuseki:update ; fuseki:name "update" ] ;
    fuseki:endpoint [ fuseki:operation fuseki:gsp-rw ; fuseki:name "data" ] ;
    fuseki:dataset <#dataset> .
<#dataset> rdf:type tdb2:DatasetTDB2 ;
    tdb2:location "--mem--" ;
    tdb2:unionDefaultGraph true .
"""


def start_fuseki(folder: Path) -> Running:
    jar = Path(os.environ.get("KG_FUSEKI_JAR") or FUSEKI_JAR)
    java = shutil.which("java")
    if not jar.is_file():
        missing("fuseki", f"no Fuseki jar at {jar} (make fuseki fetches it from Maven Central, where reachable)")
    if java is None:
        missing("fuseki", "no java on PATH")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.ttl").write_text(FUSEKI_CONFIG)
    port = free_port()
    log = folder / "fuseki.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [
                java,
                "-Xmx1g",
                "-jar",
                str(jar),
                "--localhost",
                "--port",
                str(port),
                "--config",
                str(folder / "config.ttl"),
            ],
            cwd=folder,
            stdout=out,
            stderr=out,
        )
    _wait(proc, f"http://127.0.0.1:{port}/kg/query", log, "Fuseki")
    return Running("fuseki", f"http://127.0.0.1:{port}/kg/query", process=proc)


STARTERS = {"oxigraph": start_oxigraph, "virtuoso": start_virtuoso, "fuseki": start_fuseki}
