"""kg.store: the persistent pyoxigraph store (idempotent, atomic writes; locking; SPARQL)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph
from test_rdf import TEXT, sample_extraction

from kg import ids
from kg.store import (
    QueryError,
    StoreError,
    StoreLocked,
    StoreMissing,
    bundled_queries,
    bundled_query,
    export_store,
    format_result,
    open_store,
    put_extraction,
    run_query,
    store_stats,
    to_dataset,
)


def _graph_quads(store, article_id: str) -> set:
    return set(store.quads_for_pattern(None, None, None, ox.NamedNode(ids.article_graph_iri(article_id))))


@pytest.fixture
def store(tmp_path):
    return open_store(tmp_path / "store")


def test_open_creates_store_with_ontology(store):
    onto = ox.NamedNode(ids.ONTOLOGY_GRAPH)
    assert store.contains_named_graph(onto)
    assert len(list(store.quads_for_pattern(None, None, None, onto))) > 100


def test_reopen_does_not_rewrite_static_graphs(tmp_path):
    s = open_store(tmp_path / "s")
    before = set(s)
    del s
    s = open_store(tmp_path / "s")
    assert set(s) == before


def test_ingest_twice_is_a_noop(store):
    x = sample_extraction()
    assert put_extraction(store, x, model="m") == "added"
    before = set(store)
    assert put_extraction(store, x, model="m") == "unchanged"
    assert put_extraction(store, sample_extraction(), model="m") == "unchanged"
    assert set(store) == before


def test_changed_article_replaces_only_its_graph(store):
    put_extraction(store, sample_extraction(), model="m")
    put_extraction(store, sample_extraction(article_id="other"), model="m")
    other_before = _graph_quads(store, "other")
    changed = sample_extraction(TEXT.replace("Monday", "Tuesday"))
    assert put_extraction(store, changed, model="m") == "replaced"
    assert _graph_quads(store, "other") == other_before
    bodies = {q.object.value for q in _graph_quads(store, "sample-1") if q.predicate.value.endswith("#isString")}
    assert bodies == {changed.article.text}  # the old body is gone, not merged


def test_new_model_replaces(store):
    put_extraction(store, sample_extraction(), model="m")
    assert put_extraction(store, sample_extraction(), model="m2") == "replaced"


def test_failure_mid_write_leaves_store_unchanged(store, monkeypatch):
    import kg.store as kstore

    put_extraction(store, sample_extraction(), model="m")
    before = set(store)
    real = kstore._write_update

    def failing(*args, **kwargs):
        # the drop, the insert and the corpus changes run, then the request fails at execution time
        return real(*args, **kwargs) + " ;\nDROP GRAPH <urn:kg-test:no-such-graph>"

    monkeypatch.setattr(kstore, "_write_update", failing)
    with pytest.raises(StoreError):
        put_extraction(store, sample_extraction(TEXT.replace("Monday", "Friday")), model="m")
    assert set(store) == before


HOLD = "import sys, pyoxigraph as ox; s = ox.Store(sys.argv[1]); print('ready', flush=True); sys.stdin.read()"


def test_store_held_by_another_process(tmp_path):
    path = tmp_path / "held"
    s = open_store(path)
    put_extraction(s, sample_extraction(), model="m")
    del s  # closes it
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "ready"
        with pytest.raises(StoreLocked, match="in use by another process"):
            open_store(path)
        reader = open_store(path, read_only=True)  # reading beside a writer is fine
        assert run_query(reader, "ASK { ?a a kg:Article }").boolean is True
        del reader
    finally:
        proc.stdin.close()
        proc.wait(timeout=60)
    open_store(path)  # free again


def test_missing_store_read_only(tmp_path):
    path = tmp_path / "nothing-here"
    with pytest.raises(StoreMissing, match="run kg ingest first"):
        open_store(path, read_only=True)
    assert not path.exists()


def test_refuses_a_folder_that_is_not_a_store(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(StoreError, match="other than a kg store"):
        open_store(tmp_path)


# ------------------------------------------------------------------------------ queries
@pytest.fixture
def filled(store):
    put_extraction(store, sample_extraction(), model="m")
    put_extraction(store, sample_extraction(article_id="other", stances=False), model="m")
    return store


def test_union_default_graph_and_prefixes(filled):
    res = run_query(filled, "SELECT ?id WHERE { ?a a kg:Article ; schema:identifier ?id } ORDER BY ?id")
    assert [r["id"] for r in res.rows] == ["other", "sample-1"]


def test_bad_sparql_is_a_query_error(filled):
    with pytest.raises(QueryError, match="syntax"):
        run_query(filled, "SELEKT ?x WHERE { ?x ?p ?o }")
    with pytest.raises(QueryError):
        run_query(filled, "DROP ALL")  # updates are not queries


def test_bindings_are_data_not_sparql(filled):
    before = set(filled)
    q = "SELECT ?a ?id WHERE { ?a schema:identifier ?id }"
    for evil in ['"} ; DROP ALL ; #', "x' } DROP ALL { '", "<http://x> } ; DROP ALL ; #"]:
        assert run_query(filled, q, bindings={"id": evil}).rows == []
    assert set(filled) == before
    assert len(run_query(filled, q, bindings={"id": "sample-1"}).rows) == 1
    iri = f"<{ids.article_iri('other')}>"
    res = run_query(filled, "SELECT * WHERE { ?a schema:identifier ?id }", bindings={"a": iri})
    assert [r["id"] for r in res.rows] == ["other"]
    with pytest.raises(QueryError, match="must be one the query returns"):
        run_query(filled, "SELECT ?a WHERE { ?a schema:identifier ?id }", bindings={"id": "other"})
    with pytest.raises(QueryError):
        run_query(filled, q, bindings={"a": "<not an iri>"})
    with pytest.raises(QueryError):
        run_query(filled, q, bindings={"bad name": "x"})


def test_ask_and_construct(filled):
    assert run_query(filled, "ASK { ?s kg:polarity kg:negative }").boolean is True
    res = run_query(filled, "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a kg:Person ; rdfs:label ?l }")
    assert res.kind == "graph" and ("https://w3id.org/kg-stance/id/actor/jane-doe" in {t[0] for t in res.triples})


def test_formats(filled):
    res = run_query(
        filled, "SELECT ?id ?d WHERE { ?a schema:identifier ?id OPTIONAL { ?a schema:headline ?d } } ORDER BY ?id"
    )
    table = format_result(res, "table")
    assert table.splitlines()[0].split() == ["id", "d"] and "(2 rows)" in table
    rows = list(csv.reader(io.StringIO(format_result(res, "csv"))))
    assert rows[0] == ["id", "d"] and rows[1][0] == "other"
    data = json.loads(format_result(res, "json"))
    assert data["head"]["vars"] == ["id", "d"]
    assert data["results"]["bindings"][0]["id"] == {"type": "literal", "value": "other"}
    assert json.loads(format_result(run_query(filled, "ASK {}"), "json")) == {"head": {}, "boolean": True}


def test_table_strips_control_characters(filled):
    res = run_query(filled, 'SELECT ?x WHERE { BIND("red\\u001b[31m\\nline" AS ?x) }')
    table = format_result(res, "table")
    assert "\x1b" not in table and "red [31m line" in table


def test_bundled_queries_run(filled):
    assert set(bundled_queries()) >= {"stances", "statements", "actors", "roles"}
    assert bundled_query("../../etc/passwd") is None and bundled_query("SELECT * WHERE {}") is None
    for name in bundled_queries():
        if name == "mixed_signals":  # the network engineer's; tested there
            continue
        run_query(filled, bundled_query(name))


def test_stances_query_answers(filled):
    rows = run_query(filled, bundled_query("stances")).rows
    got = {(r["holder"], r["polarity"], r["target"]) for r in rows}
    assert got == {
        ("Jane Doe", "negative", "Borduria"),
        ("Jane Doe", "positive", "topic: ceasefire talks"),
        ("Ruritania", "negative", "Borduria"),
    }
    quote = next(r["quote"] for r in rows if r["holder"] == "Jane Doe" and r["polarity"] == "negative")
    assert quote == "cannot be trusted"  # the statement it was read from
    assert all(r["date"] == "2024-03-04" and r["article"] == "sample-1" for r in rows)


def test_statements_actors_roles_queries(filled):
    st = run_query(filled, bundled_query("statements")).rows
    assert {(r["name"], r["kind"]) for r in st} == {("Jane Doe", "reported"), ("Jane Doe", "quote")}
    assert len(st) == 4  # two statements in each of two articles
    doe = f"<{ids.actor_iri('Jane Doe')}>"
    said = run_query(filled, bundled_query("statements"), bindings={"speaker": doe}).rows
    assert len(said) == 4 and {r["name"] for r in said} == {"Jane Doe"}
    nobody = f"<{ids.actor_iri('Nobody')}>"
    assert run_query(filled, bundled_query("statements"), bindings={"speaker": nobody}).rows == []
    actors = {r["label"]: r for r in run_query(filled, bundled_query("actors")).rows}
    assert actors["Jane Doe"]["type"] == "Person" and actors["Jane Doe"]["articles"] == "2"
    assert "Foreign Minister (Ruritania)" in actors["Jane Doe"]["roles"]
    roles = run_query(filled, bundled_query("roles")).rows
    assert [(r["person"], r["role"], r["organization"], r["articles"]) for r in roles] == [
        ("Jane Doe", "Foreign Minister", "Ruritania", "2")
    ]


def test_stats(filled):
    s = store_stats(filled)
    assert s["articles"] == 2 and s["persons"] == 1 and s["governments"] == 2 and s["countries"] == 1
    assert s["statements"] == 4 and s["stances"] == 3
    assert s["stances_negative"] == 2 and s["stances_positive"] == 1
    assert s["quads"] == len(filled) and s["named_graphs"] >= 3


@pytest.mark.parametrize("fmt,rdflib_format", [("trig", "trig"), ("nq", "nquads"), ("ttl", "turtle")])
def test_export_parses_back(filled, fmt, rdflib_format):
    buf = io.BytesIO()
    export_store(filled, fmt, buf)
    if fmt == "ttl":
        g = Graph().parse(data=buf.getvalue().decode("utf-8"), format=rdflib_format)
        assert len(g) == len({(q.subject, q.predicate, q.object) for q in filled})
    else:
        ds = Dataset().parse(data=buf.getvalue().decode("utf-8"), format=rdflib_format)
        assert len(list(ds.quads((None, None, None, None)))) == len(filled)


def test_to_dataset(filled):
    ds = to_dataset(filled)
    assert len(list(ds.quads((None, None, None, None)))) == len(filled)


def test_article_text_round_trips_exactly(store):
    nasty = 'Tricky: "quotes", \\backslash\\u0022, } ; DROP ALL ; #, tab\tnew\nline, emoji 😀, \u2028 end\\'
    x = sample_extraction(nasty + " " + TEXT, stances=False)
    put_extraction(store, x, model="m")
    res = run_query(store, "SELECT ?t WHERE { ?a nif:isString ?t }")
    assert [r["t"] for r in res.rows] == [x.article.text]
    assert put_extraction(store, x, model="m") == "unchanged"


# ------------------------------------------------------------------------------ SHACL on pipeline output
def test_validate_store_with_sample(filled):
    from kg.validate import validate_store

    ok, report = validate_store(filled)
    assert ok, report


SENTENCES = [
    (
        'Libyan Deputy Prime Minister Ahmed Maiteeq said the government "will never negotiate with '
        'Haftar". President Trump praised Haftar on Monday.'
    ),
    '"We reject this plan," said Foreign Minister Anna Berg. She criticised the United Nations.',
    "The European Union welcomed the ceasefire, according to a spokesman. Russia condemned the sanctions.",
]


def test_pipeline_output_conforms(extract, tmp_path):
    from kg.validate import validate_store

    store = open_store(tmp_path / "pipeline")
    for i, text in enumerate(SENTENCES):
        x = extract(text, id=f"short-{i}", date=f"2024-01-0{i + 1}")
        assert put_extraction(store, x, model="test") == "added"
    ok, report = validate_store(store)
    assert ok, report
    assert store_stats(store)["articles"] == len(SENTENCES)


def test_unconvertible_article_is_a_store_error(store):
    x = sample_extraction("bad \ud800 surrogate " + TEXT, stances=False)
    with pytest.raises(StoreError, match="could not convert"):
        put_extraction(store, x, model="m")
    assert not store.contains_named_graph(ox.NamedNode(ids.article_graph_iri("sample-1")))


def test_one_row_per_stance_across_articles(store):
    """Three articles name the same actors: every bundled query gives one row per stance,
    statement, actor or post, not one per article that names them."""
    for i in range(3):
        put_extraction(store, sample_extraction(article_id=f"a{i}"), model="m")
    rows = run_query(store, bundled_query("stances")).rows
    assert len(rows) == 9 and len({r["stance"] for r in rows}) == 9
    actors = run_query(store, bundled_query("actors")).rows
    assert len(actors) == len({r["actor"] for r in actors}) == 4
    assert {r["label"]: r["articles"] for r in actors}["Jane Doe"] == "3"
    assert len(run_query(store, bundled_query("statements")).rows) == 6
    (post,) = run_query(store, bundled_query("roles")).rows
    assert (post["person"], post["role"], post["articles"]) == ("Jane Doe", "Foreign Minister", "3")


def test_statements_bound_to_a_speaker_leave_out_unattributed(store):
    x = sample_extraction()
    x.statements[1].speaker = None  # "cannot be trusted": speaker unknown
    put_extraction(store, x, model="m")
    rows = run_query(store, bundled_query("statements")).rows
    assert sorted(r["speaker"] for r in rows) == sorted([ids.actor_iri("Jane Doe"), "urn:kg:unknown-speaker"])
    doe = f"<{ids.actor_iri('Jane Doe')}>"
    rows = run_query(store, bundled_query("statements"), bindings={"speaker": doe}).rows
    assert [r["content"] for r in rows] == ['the Borduria government "cannot be trusted"']


def test_readme_query_is_the_bundled_stances_query(filled):
    """The README shows kg/queries/stances.rq as it is (comments and prefixes aside), and it runs."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sparql\n(.*?)```", readme, re.S).group(1)

    def norm(q: str) -> str:
        lines = [re.sub(r"\s+#.*$", "", ln) for ln in q.splitlines()]
        return " ".join(
            " ".join(ln.split()) for ln in lines if ln.strip() and not ln.lstrip().startswith(("#", "PREFIX"))
        )

    assert norm(block) == norm(bundled_query("stances"))
    assert run_query(filled, block).rows == run_query(filled, bundled_query("stances")).rows
