"""kg query never reaches the network unless told to, never changes the store, and says why
(federated SERVICE calls, updates, query files that are not UTF-8). A real listener on loopback counts what reaches it."""

from __future__ import annotations

import socket
import threading

import pytest
from click.testing import CliRunner

from kg.cli import cli


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection and answers with an error page."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.hits: list[bytes] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    self.hits.append(conn.recv(65536))
                    body = b"<html><script>alert(1)</script>\x1b[31mremote failure\x1b[0m</html>"
                    conn.sendall(
                        b"HTTP/1.1 500 Oops\r\nContent-Type: text/html\r\nContent-Length: "
                        + str(len(body)).encode()
                        + b"\r\nConnection: close\r\n\r\n"
                        + body
                    )
                except OSError:
                    pass

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def listener():
    lst = Listener()
    yield lst
    lst.close()


@pytest.fixture(scope="module")
def store(tmp_path_factory, nlp):
    root = tmp_path_factory.mktemp("q")
    (root / "a.txt").write_text("Senator Anna Berg criticised Governor Tom Reyes on Monday.", encoding="utf-8")
    s = root / "store"
    r = CliRunner().invoke(cli, ["--store", str(s), "ingest", "--no-progress", str(root / "a.txt")])
    assert r.exit_code == 0, r.output
    return s


def q(store, *args):
    return CliRunner().invoke(cli, ["--store", str(store), "query", *args])


SNEAKY = [
    "SELECT * WHERE {{ SERVICE <{u}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ service silent <{u}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?x ?y ?z OPTIONAL {{ SeRvIcE <{u}> {{ ?s ?p ?o }} }} }}",
    "SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{u}> {{ ?s ?p ?o }} }} }} }}",
    'SELECT * WHERE {{ ?s rdfs:label "a \\" # not a comment" . SERVICE <{u}> {{ ?s ?p ?o }} }}',
    "SELECT * WHERE {{ ?s rdfs:label '''x''' . SERVICE # a comment\n <{u}> {{ ?s ?p ?o }} }}",
    "# SERVICE in a comment first\nSELECT * WHERE {{ SERVICE\t<{u}>{{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE <{u_escaped}> {{ ?s ?p ?o }} }}",
    "PREFIX e: <{base}> SELECT * WHERE {{ SERVICE e:sparql {{ ?s ?p ?o }} }}",
    "BASE <{base}> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ BIND(<{u}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
    "ASK {{ SERVICE SILENT <{u}> {{ ?s ?p ?o }} }}",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{u}> {{ ?s ?p ?o }} }}",
]


@pytest.mark.parametrize("template", SNEAKY)
def test_service_is_refused_and_nothing_leaves_the_machine(store, listener, template):
    base = listener.url.rsplit("/", 1)[0] + "/"
    u_escaped = listener.url.replace("sparql", "\\u0073parql")
    text = template.format(u=listener.url, base=base, u_escaped=u_escaped)
    r = q(store, text)
    assert r.exit_code == 2, (text, r.output)
    assert "SERVICE" in r.stderr and "--allow-service" in r.stderr, r.stderr
    assert listener.hits == [], text


def test_service_in_a_shared_query_file_is_refused(store, listener, tmp_path):
    f = tmp_path / "shared.rq"
    f.write_text(f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}", encoding="utf-8")
    r = q(store, "--file", str(f))
    assert r.exit_code == 2 and listener.hits == []


@pytest.mark.parametrize(
    "text",
    [
        'SELECT ?service WHERE { ?service rdfs:label "SERVICE <http://127.0.0.1:9/x> { }" }',
        "SELECT ?s WHERE { ?s ?p ?o } # SERVICE <http://127.0.0.1:9/x> { }",
        "SELECT ?s WHERE { ?s a <http://example.org/SERVICE> }",
    ],
)
def test_the_word_service_elsewhere_is_fine(store, text):
    r = q(store, text)
    assert r.exit_code == 0, r.output


def test_allowed_endpoint_is_reached_and_its_error_page_is_tamed(store, listener):
    text = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
    r = q(store, "--allow-service", listener.url, text)
    assert listener.hits and listener.hits[0].split(b" ")[0] in (b"GET", b"POST"), listener.hits
    assert r.exit_code != 0 and "Traceback" not in r.output
    assert "\x1b" not in r.stderr  # the remote page's terminal escapes are shown escaped
    # another endpoint is still refused
    other = listener.url.replace("/sparql", "/other")
    r = q(store, "--allow-service", listener.url, f"SELECT * WHERE {{ SERVICE <{other}> {{ ?s ?p ?o }} }}")
    assert r.exit_code == 2 and len(listener.hits) == 1


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
        "PREFIX e: <http://e/> DELETE WHERE { ?s ?p ?o }",
        "# comment\nLOAD <http://127.0.0.1:9/data.ttl>",
        "drop all",
        "CLEAR GRAPH <http://e/g>",
        "WITH <http://e/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ],
)
def test_updates_are_refused_with_the_reason(store, text):
    r = q(store, text)
    assert r.exit_code == 2
    assert "kg query does not change the store; updates" in r.stderr, r.stderr


def test_query_file_that_is_not_utf8_is_a_clear_error(store, tmp_path):
    f = tmp_path / "latin1.rq"
    f.write_bytes('SELECT ?s WHERE { ?s rdfs:label "caf\xe9" }'.encode("latin-1"))
    r = q(store, "--file", str(f))
    assert r.exit_code == 2 and "not UTF-8" in r.stderr and r.exception is None or isinstance(r.exception, SystemExit)
    assert "Traceback" not in r.output


def test_help_lists_every_bundled_query():
    from kg.store import bundled_queries

    r = CliRunner().invoke(cli, ["query", "--help"])
    assert r.exit_code == 0
    text = " ".join(r.output.split())
    for name in bundled_queries():
        assert name in text, name
    assert "mixed_signals" in text


def test_csv_output_to_a_terminal_has_no_raw_escapes(monkeypatch, tmp_path, nlp):
    """Article text reaches a terminal only escaped, in every output format."""
    import kg.cli

    root = tmp_path
    (root / "esc.txt").write_text(
        "Senator Anna Berg criticised Governor Tom Reyes. \u201cThe \x1b[2Jplan\u202e is bad,\u201d Berg said.",
        encoding="utf-8",
    )
    s = root / "store"
    assert CliRunner().invoke(cli, ["--store", str(s), "ingest", "--no-progress", str(root / "esc.txt")]).exit_code == 0
    monkeypatch.setattr(kg.cli, "_to_terminal", lambda: True)
    for fmt in ("csv", "json", "table"):
        r = CliRunner().invoke(
            cli, ["--store", str(s), "query", "--format", fmt, "SELECT ?t WHERE { ?a nif:isString ?t }"]
        )
        assert r.exit_code == 0, r.output
        assert "\x1b" not in r.stdout and "\u202e" not in r.stdout, (fmt, r.stdout)
