"""``kg serve``: the store over the SPARQL 1.1 Protocol, by Oxigraph's own server.

The ``oxigraph`` package on PyPI ships the Rust server that reads the same folder format as
pyoxigraph (the two are pinned to the same version in pyproject.toml, and :func:`server_binary`
checks it). Nothing is served by kg itself: this module finds the binary, decides who owns
the folder, starts the server with safe defaults and stops it.

Who owns the folder. RocksDB takes a POSIX lock on ``<store>/LOCK`` when a process opens the
folder for writing (``kg ingest``, ``kg remove``, ``kg import``, an Oxigraph server started
with ``serve``). Oxigraph documents a read-only opening beside a writer as undefined
behaviour, so:

- read-only (the default): kg takes that same lock itself and holds it while the server runs
  (``oxigraph serve-read-only`` takes none). A writer that is already running makes
  ``kg serve`` refuse; a writer that starts later is refused by the lock, exactly as when a
  second ``kg ingest`` starts. Writes then go through a writable server instead
  (``kg --store http://…``).
- ``writable``: the server opens the folder for writing and holds the lock itself; kg only
  checks beforehand that no one else does, to say so clearly.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from kg.settings import Settings
from kg.store import StoreError, StoreLocked, StoreMissing

DEFAULT_PORT = 7878


class ServeError(StoreError):
    """The server cannot be started."""


def server_binary(chosen: str | None = None) -> str:
    """The ``oxigraph`` executable ``chosen`` (default: the settings' ``oxigraph``,
    ``$KG_OXIGRAPH``), else the one beside this Python (the virtualenv's), else on PATH; its
    version must be pyoxigraph's (one on-disk format)."""
    import pyoxigraph

    chosen = chosen or Settings.load().oxigraph
    candidates = [chosen, str(Path(sys.executable).parent / "oxigraph"), shutil.which("oxigraph")]
    binary = next((c for c in candidates if c and os.access(c, os.X_OK)), None)
    if binary is None:
        raise ServeError(
            "the Oxigraph server is not installed: pip install 'oxigraph=="
            f"{pyoxigraph.__version__}' (make install does it)"
        )
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise ServeError(f"cannot run {binary}: {exc}") from None
    version = out.split()[-1] if out.split() else "?"
    if version != pyoxigraph.__version__:
        raise ServeError(
            f"{binary} is Oxigraph {version} but the store is written by pyoxigraph "
            f"{pyoxigraph.__version__}: install oxigraph=={pyoxigraph.__version__}"
        )
    return binary


class FolderLock:
    """The store folder's RocksDB lock, taken by this process (a POSIX record lock on
    ``<store>/LOCK``, the one RocksDB itself takes): while it is held, no process can open the
    folder for writing."""

    def __init__(self, path: Path):
        self.path = Path(path) / "LOCK"
        self._fh: IO[bytes] | None = None

    def acquire(self) -> None:
        fh = open(self.path, "a+b")  # noqa: SIM115 (held open: the lock lasts as long as the descriptor)
        try:
            fcntl.lockf(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            raise StoreLocked(
                f"the store at {self.path.parent} is open for writing in another process "
                "(kg ingest, kg import, kg remove, or an Oxigraph server started with --writable); "
                "Oxigraph cannot serve a folder that another process writes. Wait for it to finish, "
                "or write through a writable server instead (kg --store http://HOST:PORT ingest …)"
            ) from None
        self._fh = fh

    def release(self) -> None:
        if self._fh is not None:
            self._fh.close()  # closing the descriptor drops the lock
            self._fh = None


def bind_address(bind: str, port: int | None) -> tuple[str, int]:
    """``(host, port)`` from ``--bind`` (HOST, HOST:PORT, [IPv6] or [IPv6]:PORT) and ``--port``."""
    if bind.startswith("["):
        host, _, rest = bind[1:].partition("]")
        tail = rest[1:] if rest.startswith(":") else ""
    elif bind.count(":") == 1:
        host, tail = bind.split(":")
    else:
        host, tail = bind, ""
    if not host:
        raise ServeError(f"--bind expects HOST or HOST:PORT, got {bind!r}")
    if tail:
        try:
            return host, int(tail)
        except ValueError:
            raise ServeError(f"--bind expects HOST or HOST:PORT, got {bind!r}") from None
    return host, port or DEFAULT_PORT


def _bracket(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _url_host(host: str) -> str:
    """The host to print in URLs (a server listening on every address answers on loopback)."""
    return {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)


def is_loopback(host: str) -> bool:
    return host in ("localhost", "::1") or host.startswith("127.")


@dataclass
class Server:
    """A running Oxigraph server (see :func:`start`)."""

    process: subprocess.Popen
    url: str  # the base URL, e.g. http://127.0.0.1:7878
    writable: bool
    lock: FolderLock | None
    log_path: str

    @property
    def query_url(self) -> str:
        return self.url + "/query"

    @property
    def update_url(self) -> str:
        return self.url + "/update"

    def stop(self, timeout: float = 15) -> int:
        """Stop the server (SIGINT, then SIGTERM, then SIGKILL) and release the folder."""
        try:
            if self.process.poll() is None:
                for sig, wait in ((signal.SIGINT, timeout), (signal.SIGTERM, 5)):
                    self.process.send_signal(sig)
                    try:
                        self.process.wait(wait)
                        break
                    except subprocess.TimeoutExpired:
                        continue
                else:
                    self.process.kill()
                    self.process.wait()
            return self.process.returncode
        finally:
            if self.lock is not None:
                self.lock.release()
            try:
                os.unlink(self.log_path)
            except OSError:
                pass

    def log_tail(self, chars: int = 2000) -> str:
        try:
            return Path(self.log_path).read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return ""


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """The server must not outlive kg (which holds the folder's lock for it): Linux's
    parent-death signal ends it if kg is killed."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass
    os.setpgrp()  # its own process group: Ctrl-C reaches kg, which stops it in order


def _ready(url: str) -> bool:
    query = urllib.parse.urlencode({"query": "ASK {}"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never a proxy
    try:
        with opener.open(f"{url}/query?{query}", timeout=2) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def start(
    store: str | Path,
    *,
    bind: str = "127.0.0.1",
    port: int | None = None,
    writable: bool = False,
    timeout_s: int = 60,
    cors: bool = False,
    startup: float = 60,
    oxigraph: str | None = None,
) -> Server:
    """Start Oxigraph's server on the store folder ``store`` and wait until it answers
    (``oxigraph``: the server program, see :func:`server_binary`).

    Raises :class:`StoreMissing` (no store; only a writable server creates one),
    :class:`StoreLocked` (another process writes the folder) or :class:`ServeError`.
    """
    path = Path(store)
    if str(store).startswith(("http://", "https://")):
        raise ServeError(f"{store} is already a SPARQL endpoint; kg serve serves a store folder")
    if path.exists() and not path.is_dir():
        raise ServeError(f"{path} is a file, not a store folder")
    exists = (path / "CURRENT").is_file()
    if not exists and not writable:
        raise StoreMissing(f"no store at {path} — run kg ingest first (or serve an empty one with --writable)")
    if not exists and path.is_dir() and any(path.iterdir()):
        raise ServeError(f"{path} is a folder that holds something other than a kg store")
    binary = server_binary(oxigraph)
    host, port = bind_address(bind, port)
    lock = None
    if exists:
        lock = FolderLock(path)
        lock.acquire()  # raises StoreLocked if a writer holds the folder
        if writable:
            lock.release()  # the server takes it itself
            lock = None
    command = [
        binary,
        "serve" if writable else "serve-read-only",
        "--location",
        str(path),
        "--bind",
        f"{_bracket(host)}:{port}",
        "--union-default-graph",
        "--timeout-s",
        str(int(timeout_s)),
    ]
    if cors:
        command.append("--cors")
    fd, log_path = tempfile.mkstemp(prefix="kg-serve-", suffix=".log")
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=fd,
            stderr=fd,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
    except OSError as exc:
        os.close(fd)
        if lock:
            lock.release()
        raise ServeError(f"cannot start {binary}: {exc}") from None
    os.close(fd)
    server = Server(process, f"http://{_bracket(_url_host(host))}:{port}", writable, lock, log_path)
    deadline = time.monotonic() + startup
    while not _ready(server.url):
        if process.poll() is not None or time.monotonic() > deadline:
            tail = server.log_tail()
            server.stop()
            if "lock" in tail.lower():
                raise StoreLocked(
                    f"the store at {path} is in use by another process; the server could not open it for writing"
                ) from None
            if "in use" in tail.lower() or "address" in tail.lower():
                raise ServeError(
                    f"cannot listen on {host}:{port}: the address is in use or not available "
                    "(choose another with --port or --bind)"
                )
            raise ServeError(f"the Oxigraph server did not start: {tail.strip().splitlines()[-1:] or tail}")
        time.sleep(0.2)
    return server


def curl_line(server: Server) -> str:
    """A ready ``curl`` line that counts the articles through the endpoint."""
    return (
        f"curl -H 'Accept: text/csv' --data-urlencode "
        f"'query=SELECT (COUNT(*) AS ?articles) WHERE {{ ?a a <https://w3id.org/kg-stance/ontology#Article> }}' "
        f"{server.query_url}"
    )
