"""The seed article end to end: actors, roles, statements and stances the article states, on the real model."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from test_viz import edges_of, nodes_of  # the page's columns as the browser's records

from kg.cli import cli


def actor_named(ex, word):
    found = [a for a in ex.actors if word.lower() in a.label.lower() and a.type == "Person"]
    assert len(found) == 1, f"expected one person named like {word!r}, got {[a.label for a in found]}"
    return found[0]


def is_us(actor) -> bool:
    return actor.label in ("United States", "U.S.", "United States of America") or "united-states" in actor.iri


def is_libyan_government(actor) -> bool:
    return actor.type == "Government" and ("libya" in actor.iri or "tripoli" in actor.iri)


def stances(ex, holder, target):
    return [t for t in ex.stances if t.holder == holder.id and t.target == target.id]


def test_people_are_persons_and_merged(seed_extraction):
    for name in ("Maiteeq", "Haftar", "Trump"):
        assert actor_named(seed_extraction, name).type == "Person"


def test_maiteeq_speaks_his_quotes(seed_extraction):
    maiteeq = actor_named(seed_extraction, "Maiteeq")
    body = seed_extraction.article.text
    for words in (
        "Haftar cannot be trusted",
        "Talking with Haftar is out of the question",
        "Why is the U.S. backing some military guy",
    ):
        matching = [s for s in seed_extraction.statements if words in s.content.text]
        assert matching, f"no statement holds {words!r}"
        assert all(s.speaker == maiteeq.id for s in matching), words
        for s in matching:
            assert body[s.content.start : s.content.end] == s.content.text


def test_trump_positive_towards_haftar(seed_extraction):
    trump, haftar = actor_named(seed_extraction, "Trump"), actor_named(seed_extraction, "Haftar")
    found = stances(seed_extraction, trump, haftar)
    assert any(t.polarity == "positive" for t in found)
    assert not any(t.polarity == "negative" for t in found)


def test_maiteeq_negative_towards_haftar(seed_extraction):
    maiteeq, haftar = actor_named(seed_extraction, "Maiteeq"), actor_named(seed_extraction, "Haftar")
    found = stances(seed_extraction, maiteeq, haftar)
    assert any(t.polarity == "negative" for t in found)
    assert not any(t.polarity == "positive" for t in found)


def test_us_positive_towards_the_tripoli_government(seed_extraction):
    us = [a for a in seed_extraction.actors if is_us(a)]
    gov = [a for a in seed_extraction.actors if is_libyan_government(a)]
    assert us and gov, [(a.label, a.type) for a in seed_extraction.actors]
    found = [t for t in seed_extraction.stances if t.holder in {a.id for a in us} and t.target in {a.id for a in gov}]
    assert any(t.polarity == "positive" for t in found)


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory, seed_path):
    store = tmp_path_factory.mktemp("store") / "kg-data"
    result = CliRunner().invoke(cli, ["--store", str(store), "ingest", str(seed_path.parent)])
    assert result.exit_code == 0, result.output
    return store


def test_ingest_twice_changes_nothing(seed_store, seed_path):
    def dump():
        r = CliRunner().invoke(cli, ["--store", str(seed_store), "export", "--format", "nq"])
        assert r.exit_code == 0
        return sorted(r.stdout_bytes.decode("utf-8").splitlines())

    before = dump()
    result = CliRunner().invoke(cli, ["--store", str(seed_store), "ingest", str(seed_path)])
    assert result.exit_code == 0 and "1 unchanged" in result.output
    assert dump() == before


def test_store_holds_the_seed_graph_and_validates(seed_store):
    from kg import ids

    r = CliRunner().invoke(
        cli,
        [
            "--store",
            str(seed_store),
            "query",
            "--format",
            "json",
            "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
        ],
    )
    assert r.exit_code == 0, r.output
    graphs = {b["g"]["value"] for b in json.loads(r.stdout)["results"]["bindings"]}
    assert ids.article_graph_iri("000_b5901d612eddb4ca") in graphs
    v = CliRunner().invoke(cli, ["--store", str(seed_store), "validate"])
    assert v.exit_code == 0, v.output


def test_readme_stance_query_lists_the_seed_stances(seed_store):
    r = CliRunner().invoke(cli, ["--store", str(seed_store), "query", "--format", "json", "stances"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)["results"]["bindings"]
    assert rows
    flat = [{k: v["value"] for k, v in row.items()} for row in rows]
    assert any(
        "Trump" in x.get("holder", "")
        and "Haftar" in x.get("target", "")
        and x.get("polarity", "").endswith("positive")
        for x in flat
    ), flat
    assert all(x.get("evidence") or x.get("quote") for x in flat)


def _page_data(html: str) -> dict:
    import re

    m = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.S)
    assert m, "no graph data in the page"
    return json.loads(m.group(1))


def test_actor_network_page_of_the_seed(seed_store, tmp_path):
    """The seed's actor network: Maiteeq, Haftar, Trump and the two governments, with the right edge colours."""
    out = tmp_path / "a.html"
    r = CliRunner().invoke(cli, ["--store", str(seed_store), "network", "actors", "--out", str(out)])
    assert r.exit_code == 0, r.output
    data = _page_data(out.read_text(encoding="utf-8"))
    nodes = {n["id"]: (n["fullLabel"], n["ntype"]) for n in nodes_of(data)}
    labels = {label for label, _ in nodes.values()}
    assert {"Ahmed Maiteeq", "Khalifa Haftar", "Donald Trump"} <= labels
    governments = {label for label, kind in nodes.values() if kind == "Government"}
    assert "Government of the United States" in governments and "Government of Libya" in governments, governments
    edges = {(nodes[e["from"]][0], nodes[e["to"]][0]): e["pol"] for e in edges_of(data)}
    assert edges[("Donald Trump", "Khalifa Haftar")] == "positive"
    assert edges[("Ahmed Maiteeq", "Khalifa Haftar")] == "negative"
    colours = {e["pol"]: e["color"] for e in edges_of(data)}
    assert colours["positive"] != colours["negative"]


def test_conflict_network_of_the_seed_loads_in_networkx(seed_store, tmp_path):
    import networkx as nx

    out = tmp_path / "c.graphml"
    r = CliRunner().invoke(cli, ["--store", str(seed_store), "network", "conflict", "--out", str(out)])
    assert r.exit_code == 0, r.output
    g = nx.read_graphml(out)
    assert g.number_of_nodes() >= 2 and g.number_of_edges() >= 1
