"""Remote stores: the same articles ingested into the embedded store, into Oxigraph's server and
into a second server family (Virtuoso; Fuseki too where its jar is present) through
`kg --store URL`, then every bundled query, one network view, the article graphs and the
corpus graph compared across them; removal, re-ingest, export, validate and credentials."""

from __future__ import annotations

import csv
import io
import os

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from conftest import SEED
from servers import STARTERS

from kg.cli import cli

ARTICLES = {
    "a1": 'date 2024-02-01 Foreign Minister Anna Berg said the plan "will fail". '
    "Berg criticised the United Nations on Tuesday.",
    "a2": "date 2024-03-05 The United Nations praised Norway. Anna Berg, the foreign minister of Norway, "
    "said she supports the agreement. Prime Minister Erik Lund criticised Anna Berg.",
    "a3": 'date 2024-04-10 President Joe Biden praised Anna Berg. "We back Norway," Biden said. '
    "Erik Lund rejected the United Nations and condemned Joe Biden.",
    # two voices of Norway for and against the same target: a "direct" row of mixed_signals
    "a5": "date 2024-05-02 Foreign Minister Anna Berg of Norway praised the European Union on Monday. "
    "Prime Minister Erik Lund of Norway criticised the European Union.",
    # one retailer in two spellings: written under one IRI by every store (kg.identity)
    "a6": "date 2024-05-03 Wal-Mart criticised the new tariffs on Monday.",
    "a7": "date 2024-05-04 Walmart praised the Senate bill. Walmart said it would hire more workers.",
    # Norway backs a government, a general condemns it, and Norway backs the general: a
    # "third_party" row of mixed_signals, of stances confident enough for the views
    "a8": "date 2024-05-06 Foreign Minister Anna Berg of Norway praised the Government of Sudan on Monday. "
    "General Omar Dahl condemned the Government of Sudan. Prime Minister Erik Lund of Norway praised General Omar Dahl.",
}
KINDS = ["embedded", "oxigraph", "virtuoso", "fuseki"]


def run(store: str, *args, env=None):
    return CliRunner().invoke(cli, ["--store", store, *args], env=env, catch_exceptions=False)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    base = tmp_path_factory.mktemp("articles")
    for name, text in ARTICLES.items():
        (base / f"{name}.txt").write_text(text, encoding="utf-8")
    (base / "seed.txt").write_bytes(SEED.read_bytes())  # its story has mixed signals
    return base


@pytest.fixture(scope="module")
def embedded(tmp_path_factory, folder, nlp):
    store = str(tmp_path_factory.mktemp("embedded") / "store")
    result = run(store, "ingest", "--no-progress", str(folder))
    assert result.exit_code == 0, result.output
    return store, {}


@pytest.fixture(scope="module", params=KINDS[1:])
def remote(request, tmp_path_factory, folder, nlp):
    server = STARTERS[request.param](tmp_path_factory.mktemp(request.param) / "server")
    try:
        result = run(server.url, "ingest", "--no-progress", str(folder), env=server.env)
        assert result.exit_code == 0, result.output
        assert f"{len(ARTICLES) + 1} article(s) added" in result.output
        yield server
    finally:
        server.stop()


def rows(store: str, env: dict, query: str, *bind: str) -> list[tuple]:
    result = run(store, "query", query, "--format", "csv", *bind, env=env)
    assert result.exit_code == 0, result.output
    table = list(csv.reader(io.StringIO(result.stdout)))
    # GROUP_CONCAT's order inside a cell is the engine's (SPARQL leaves it open), and so is the
    # order of rows that tie under ORDER BY: compare the cells of a GROUP_CONCAT column (the
    # separators of the bundled queries: "; " and roles' articleIds ", ") as sets and rows as a multiset
    concat = {i for i, name in enumerate(table[0]) if name in ("roles", "partOf", "ledBy", "articleIds")}
    norm = [
        tuple(", ".join(sorted(c.replace("; ", ", ").split(", "))) if i in concat else c for i, c in enumerate(row))
        for row in table[1:]
    ]
    return [tuple(table[0])] + sorted(norm)


@pytest.mark.parametrize("query", ["actors", "roles", "stances", "statements", "mixed_signals"])
def test_bundled_queries_agree(embedded, remote, query):
    expected = rows(*embedded, query)
    assert len(expected) > 1
    if query == "mixed_signals":  # both kinds of finding are compared
        assert {r[0] for r in expected[1:]} == {"direct", "third_party"}
    assert rows(remote.url, remote.env, query) == expected


def _solutions(store: ox.Store, text: str) -> list[tuple]:
    from kg.store import PREFIXES

    res = store.query(text, prefixes=PREFIXES, use_default_graph_as_union=True)
    names = [v.value for v in res.variables]
    return sorted(tuple(sol[n].value if sol[n] is not None else None for n in names) for sol in res)


def _twin_stores(embedded):
    from network_fixtures import load

    yield ox.Store.read_only(embedded[0])
    yield load("network_story.trig")  # two direct findings and a third-party one


def test_plain_twins_give_the_bundled_rows(embedded):
    """Virtuoso is sent kg/queries/plain/<name>.rq for a bundled query with a twin: on the
    embedded store the twin must give the bundled query's rows, every cell, term for term."""
    from kg.remote import _plain_twins
    from kg.store import bundled_query

    assert _plain_twins(), "no plain twin found"
    assert bundled_query("mixed_signals") in _plain_twins()
    for store in _twin_stores(embedded):
        for bundled, twin in _plain_twins().items():
            expected = _solutions(store, bundled)
            assert expected and {r[0] for r in expected} == {"direct", "third_party"}
            assert _solutions(store, twin) == expected


def test_bound_query_agrees(embedded, remote):
    speaker = "speaker=<https://w3id.org/kg-stance/id/actor/anna-berg>"
    expected = rows(*embedded, "statements", "--bind", speaker)
    assert len(expected) > 1
    assert rows(remote.url, remote.env, "statements", "--bind", speaker) == expected


def _network(store: str, env: dict):
    from kg.network import actor_network
    from kg.store import open_store

    with _environ(env):
        G = actor_network(open_store(store, read_only=True), min_confidence=0)
    nodes = {n: (d["label"], d["type"], tuple(sorted(d["roles"]))) for n, d in G.nodes(data=True)}
    edges = {
        (u, v): (
            d["positive"],
            d["negative"],
            d["neutral"],
            d["count"],
            d["sign"],
            round(d["mean_confidence"], 6),
            d["first_date"],
            d["last_date"],
            tuple(sorted(d["stances"])),
        )
        for u, v, d in G.edges(data=True)
    }
    return nodes, edges


class _environ:
    def __init__(self, env):
        self.env, self.old = env, {}

    def __enter__(self):
        for k, v in self.env.items():
            self.old[k] = os.environ.get(k)
            os.environ[k] = v

    def __exit__(self, *exc):
        for k, v in self.old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def test_actor_network_agrees(embedded, remote):
    nodes, edges = _network(*embedded)
    assert edges
    assert _network(remote.url, remote.env) == (nodes, edges)


def _graphs(store: str, env: dict) -> dict[str, set]:
    """Every kg graph of the store: its quads as pyoxigraph would store them."""
    from kg.store import _canonical, open_store

    with _environ(env):
        s = open_store(store, read_only=True)
        names = sorted(g.value for g in s.named_graphs() if g.value != "https://w3id.org/kg-stance/id/graph/ontology")
        return {g: _canonical(s.quads_for_pattern(None, None, None, ox.NamedNode(g))) for g in names}


def test_article_and_corpus_graphs_are_the_same(embedded, remote):
    expected = _graphs(*embedded)
    assert any("/graph/article/" in g for g in expected) and "https://w3id.org/kg-stance/id/graph/corpus" in expected
    got = _graphs(remote.url, remote.env)
    assert sorted(got) == sorted(expected)
    for g in expected:
        assert got[g] == expected[g], (g, sorted(map(str, got[g] ^ expected[g]))[:10])


def test_spellings_of_one_name_are_one_actor_on_a_server(remote):
    from kg.rdf import NAME_IN_ARTICLE
    from kg.store import open_store

    with _environ(remote.env):
        store = open_store(remote.url, read_only=True)
        named = {
            q.subject.value
            for q in store.quads_for_pattern(None, NAME_IN_ARTICLE, None)
            if "/actor/wal" in q.subject.value
        }
    assert named == {"https://w3id.org/kg-stance/id/actor/wal-mart"}  # the first spelling ingested


def test_stats_validate_export_and_ingest_again(embedded, remote, folder, tmp_path):
    stats = [run(s, "stats", "--format", "json", env=e).stdout for s, e in (embedded, (remote.url, remote.env))]
    assert stats[0] == stats[1]
    check = run(remote.url, "validate", env=remote.env)
    assert check.exit_code == 0 and "Conforms: True" in check.stdout
    out = tmp_path / "remote.nq"
    assert run(remote.url, "export", "--format", "nq", "--out", str(out), env=remote.env).exit_code == 0
    assert len(list(ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS))) == int(
        __import__("json").loads(stats[1])["quads"]
    )
    again = run(remote.url, "ingest", "--no-progress", str(folder), env=remote.env)
    assert again.exit_code == 0 and f"0 article(s) added, 0 replaced, {len(ARTICLES) + 1} unchanged" in again.output


def test_remove_through_a_remote_store(embedded, remote, tmp_path, folder):
    """The last test of the module: a3 removed from both; the rest stays the same."""
    for store, env in (embedded, (remote.url, remote.env)):
        result = run(store, "remove", "a3", env=env)
        assert result.exit_code == 0 and "removed a3" in result.output
    test_article_and_corpus_graphs_are_the_same(embedded, remote)
    assert rows(remote.url, remote.env, "stances") == rows(*embedded, "stances")
    for store, env in (embedded, (remote.url, remote.env)):  # as before, for the next server
        assert run(store, "ingest", "--no-progress", str(folder / "a3.txt"), env=env).exit_code == 0


def test_credentials_never_in_the_url():
    result = run("http://kg:s3cret@127.0.0.1:1/query", "stats")
    assert result.exit_code == 1
    assert "must not hold a user or password" in result.stderr and "s3cret" not in result.output + result.stderr


def test_unreachable_server_is_a_clear_error():
    from servers import free_port

    result = run(f"http://127.0.0.1:{free_port()}/query", "stats")
    assert result.exit_code == 1 and "cannot reach the SPARQL endpoint" in result.stderr
    assert "Traceback" not in result.output


def test_endpoints_of_the_usual_servers(monkeypatch):
    from kg.remote import endpoints

    monkeypatch.delenv("KG_STORE_UPDATE", raising=False)
    assert endpoints("http://h:7878") == ("http://h:7878/query", "http://h:7878/update")
    assert endpoints("http://h:3030/ds/query") == ("http://h:3030/ds/query", "http://h:3030/ds/update")
    assert endpoints("http://h:3030/ds") == ("http://h:3030/ds", "http://h:3030/ds")
    assert endpoints("https://h/sparql") == ("https://h/sparql", "https://h/sparql")
    monkeypatch.setenv("KG_STORE_UPDATE", "https://h/statements")
    assert endpoints("https://h/sparql") == ("https://h/sparql", "https://h/statements")


def test_a_login_is_never_printed(remote, tmp_path):
    """A wrong password is refused with a hint, not echoed; a right one leaves no trace in what
    kg prints or writes (Virtuoso asks for a login to write; Oxigraph's server for none)."""
    secret = "s3cret-Pa55word"
    wrong = {**remote.env, "KG_STORE_USER": "dba", "KG_STORE_PASSWORD": secret}
    result = run(remote.url, "remove", "no-such-article", env=wrong)
    if remote.name == "virtuoso":
        assert result.exit_code == 1 and "HTTP 401" in result.stderr
    assert secret not in result.output + result.stderr
    out = tmp_path / "all.nq"
    for args in (("stats",), ("query", "stances"), ("export", "--format", "nq", "--out", str(out))):
        result = run(
            remote.url,
            *args,
            env={**remote.env, "KG_STORE_PASSWORD": secret} if remote.name != "virtuoso" else remote.env,
        )
        assert result.exit_code == 0
        assert secret not in result.output + result.stderr
        if remote.env:
            assert remote.env["KG_STORE_PASSWORD"] + "@" not in result.output + result.stderr
    assert secret.encode() not in out.read_bytes() and b"KG_STORE" not in out.read_bytes()


@pytest.mark.parametrize(
    "ask", ["ASK { GRAPH <https://w3id.org/kg-stance/id/graph/none> { ?s ?p ?o } }", "ASK { ?s a kg:Stance }"]
)
def test_ask_agrees(embedded, remote, ask):
    """Virtuoso answers an ASK as rows (none for false): read as rows, every ASK was true."""
    from kg.store import open_store

    expected = run(embedded[0], "query", ask)
    got = run(remote.url, "query", ask, env=remote.env)
    assert expected.exit_code == got.exit_code == 0 and got.stdout == expected.stdout
    with _environ(remote.env):
        store = open_store(remote.url, read_only=True)
        assert not store.contains_named_graph(ox.NamedNode("https://w3id.org/kg-stance/id/graph/none"))


def test_import_into_a_remote_store(embedded, remote, tmp_path):
    """kg import through a server: the article graphs in chunks (Virtuoso's compiler takes
    1,000 quads a request, not 5,000), the corpus graph rebuilt, nothing to compact."""
    dump = tmp_path / "all.nq"
    assert run(embedded[0], "export", "--format", "nq", "--out", str(dump)).exit_code == 0
    result = run(remote.url, "import", str(dump), env=remote.env)
    assert result.exit_code == 0, result.output + result.stderr
    assert f"{len(ARTICLES) + 1} article graph(s) loaded" in result.output
    test_article_and_corpus_graphs_are_the_same(embedded, remote)
