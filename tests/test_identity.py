"""Corpus-level identity (kg.identity): spellings of a name that differ only in where they break
it ("Wal-Mart" / "Walmart") are one actor in a store, whichever way articles reach it."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg import identity, ids
from kg.cli import cli
from kg.rdf import NAME_IN_ARTICLE
from kg.store import _CONTENT_HASH, open_store, run_query

ARTICLES = [
    {"id": "w1", "date": "2024-03-01", "text": "Wal-Mart criticised the new tariffs on Monday."},
    {
        "id": "w2",
        "date": "2024-03-02",
        "text": "Walmart praised the Senate bill. Walmart said it would hire more workers.",
    },
    {"id": "w3", "date": "2024-03-03", "text": "Walmart praised the House bill on Friday."},
]
N = ox.NamedNode


def actor(name: str) -> ox.NamedNode:
    return N(ids.DATA + "actor/" + name)


def run(*args: str):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def retailers(store_path) -> dict[str, tuple[str, set[str], int]]:
    """Every actor whose fold key is "walmart" (in the corpus or the gazetteer graph): IRI ->
    (label, alt labels, article count)."""
    query = """SELECT ?x ?label ?alt ?n WHERE { ?x kg:foldKey "walmart" ;
        rdfs:label ?label ; kg:articleCount ?n OPTIONAL { ?x skos:altLabel ?alt } }"""
    out: dict[str, tuple[str, set[str], int]] = {}
    for row in run_query(open_store(store_path, read_only=True), query).rows:
        label, alts, n = out.get(row["x"], (row["label"], set(), int(row["n"])))
        out[row["x"]] = (label, alts | ({row["alt"]} if row.get("alt") else set()), n)
    return out


def named_in_articles(store_path) -> set[str]:
    store = open_store(store_path, read_only=True)
    return {q.subject.value for q in store.quads_for_pattern(None, NAME_IN_ARTICLE, None) if "wal" in q.subject.value}


@pytest.fixture(scope="module")
def texts(tmp_path_factory, nlp):
    base = tmp_path_factory.mktemp("identity")
    path = base / "articles.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    return path


def test_fold_keys_and_renames_are_pure():
    assert identity.fold_key(actor("wal-mart").value) == identity.fold_key(actor("walmart").value) == "walmart"
    assert identity.fold_key(actor("al-qaeda").value) == "alqaeda"
    assert identity.fold_key(ids.role_iri("Press Secretary")) is None
    # within one article, without a known IRI: the first in IRI order; a known IRI wins
    assert identity.canonical_map([actor("walmart"), actor("wal-mart"), actor("target")], {}) == {
        actor("walmart"): actor("wal-mart")
    }
    known = {"walmart": actor("walmart")}
    assert identity.canonical_map([actor("wal-mart")], known) == {actor("wal-mart"): actor("walmart")}
    assert identity.canonical_map([actor("walmart")], known) == {}
    # renaming touches subjects and objects, not literals or other IRIs, and merges repeats
    g = N(ids.DATA + "graph/article/x")
    quads = [
        ox.Quad(actor("wal-mart"), NAME_IN_ARTICLE, ox.Literal("Wal-Mart"), g),
        ox.Quad(actor("walmart"), NAME_IN_ARTICLE, ox.Literal("Wal-Mart"), g),
        ox.Quad(N(ids.DATA + "stance/x/1"), N(ids.ONTOLOGY + "holder"), actor("wal-mart"), g),
    ]
    out = identity.rename(quads, {actor("wal-mart"): actor("walmart")})
    assert out == [
        ox.Quad(actor("walmart"), NAME_IN_ARTICLE, ox.Literal("Wal-Mart"), g),
        ox.Quad(N(ids.DATA + "stance/x/1"), N(ids.ONTOLOGY + "holder"), actor("walmart"), g),
    ]


def test_ingest_writes_every_spelling_under_the_first_iri_with_the_commonest_label(texts, tmp_path):
    store = tmp_path / "s"
    run("--store", str(store), "ingest", str(texts))
    found = retailers(store)
    assert list(found) == [actor("wal-mart").value]  # the spelling the store met first
    assert found[actor("wal-mart").value] == ("Walmart", {"Wal-Mart"}, 3)
    assert named_in_articles(store) == {actor("wal-mart").value}
    # ingesting again changes nothing (the renamed graph is what the store holds)
    assert "3 unchanged" in run("--store", str(store), "ingest", str(texts)).output
    # a removal takes one article's names off, not the actor
    run("--store", str(store), "remove", "w1")
    assert retailers(store)[actor("wal-mart").value] == ("Walmart", set(), 2)
    actors = run("--store", str(store), "query", "--format", "csv", "actors").stdout
    assert actors.count("Walmart") == 1 and "Wal-Mart" not in actors


def test_a_bulk_load_is_folded_to_the_iri_most_articles_name(texts, tmp_path):
    nq = tmp_path / "w.nq"
    nq.write_text(run("extract", "--format", "nquads", str(texts)).stdout, encoding="utf-8")
    assert "actor/wal-mart>" in nq.read_text(encoding="utf-8")  # the extractor knows no store
    store = tmp_path / "s"
    run("--store", str(store), "import", str(nq))
    assert retailers(store) == {actor("walmart").value: ("Walmart", {"Wal-Mart"}, 3)}
    assert named_in_articles(store) == {actor("walmart").value}
    # the same articles ingested on top: each lands under the IRI the store holds
    out = run("--store", str(store), "ingest", str(texts)).output
    assert "3 unchanged" in out
    run("--store", str(store), "validate")


def test_the_gazetteer_iri_wins_over_every_article_spelling(texts, tmp_path, monkeypatch):
    mine = tmp_path / "mine.ttl"
    mine.write_text(
        f"""@prefix kg: <{ids.ONTOLOGY}> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <{actor("wal-mart-stores").value}> a kg:Organization ; rdfs:label "Wal-Mart Stores"@en .
        <{actor("walmart").value}> a kg:Organization ; rdfs:label "Walmart Inc."@en .""",
        encoding="utf-8",
    )
    monkeypatch.setenv("KG_GAZETTEER", str(mine))
    store = tmp_path / "s"
    run("--store", str(store), "ingest", str(texts))
    assert named_in_articles(store) == {actor("walmart").value}
    assert retailers(store) == {actor("walmart").value: ("Walmart Inc.", {"Walmart", "Wal-Mart"}, 3)}


def test_a_store_written_before_fold_keys_is_folded_when_opened_for_writing(texts, tmp_path):
    """An earlier kg wrote both spellings and no keys; the first write-open folds it."""
    store_path = tmp_path / "s"
    run("--store", str(store_path), "ingest", str(texts))
    store = open_store(store_path)
    # undo the fold in the article graph of w1, as an earlier kg wrote it, and drop the keys
    graph = N(ids.article_graph_iri("w1"))
    quads = list(store.quads_for_pattern(None, None, None, graph))
    store.remove_graph(graph)
    store.extend(identity.rename(quads, {actor("wal-mart"): actor("walmart")}))
    for q in list(store.quads_for_pattern(None, identity.FOLD_KEY, None)):
        store.remove(q)
    gazetteer = N(ids.GAZETTEER_GRAPH)
    for q in list(store.quads_for_pattern(gazetteer, _CONTENT_HASH, None, gazetteer)):
        store.remove(q)  # the digest of a gazetteer graph without keys
        store.add(ox.Quad(q.subject, q.predicate, ox.Literal("written by an earlier kg"), gazetteer))
    store.flush()
    del store
    assert named_in_articles(store_path) == {actor("wal-mart").value, actor("walmart").value}
    open_store(store_path)  # the gazetteer graph changed (it carries keys now): rebuilt, folded
    # to the IRI two of the three articles name (w2 and w3 were left under wal-mart)
    assert named_in_articles(store_path) == {actor("wal-mart").value}
    assert retailers(store_path) == {actor("wal-mart").value: ("Walmart", {"Wal-Mart"}, 3)}
