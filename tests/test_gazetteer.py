"""The gazetteer: shipped data consistent with the IRIs the extractor mints, lookups, user files."""

from __future__ import annotations

import re

import pytest
import rdflib
from rdflib.namespace import OWL, RDF

from kg import ids
from kg.gazetteer import GazetteerError, gazetteer_graph, government_label, load_gazetteer, normalize
from kg.records import ACTOR_TYPES


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def test_iris_are_those_the_extractor_mints(gaz):
    assert 60 <= len(gaz) <= 250
    for entry in gaz.entries.values():
        assert entry.type in ACTOR_TYPES
        country = gaz.get(entry.part_of)
        if entry.type == "Government" and country is not None and country.type == "Country":
            # a national government: "Government of Libya", minted from its country's name
            assert entry.iri == ids.government_iri(country.label) == ids.actor_iri(country.label, "Government")
            assert entry.label == government_label(country.label), entry
        else:
            assert entry.iri == ids.actor_iri(entry.label, entry.type), entry


def test_a_country_and_its_government_never_share_a_label(gaz):
    labels = [normalize(e.label) for e in gaz.entries.values()]
    assert len(labels) == len(set(labels))
    assert gaz.government_of(gaz.lookup("Libya")).label == "Government of Libya"
    assert gaz.government_of(gaz.lookup("U.S.")).label == "Government of the United States"
    # the IRIs of existing actors are what they were
    assert gaz.lookup("Government of Libya").iri == ids.DATA + "actor/libya-government"
    assert gaz.lookup("U.S.").iri == ids.DATA + "actor/united-states"


def test_wikidata_ids_look_right_and_known_ones_are_exact(gaz):
    for entry in gaz.entries.values():
        for iri in entry.same_as:
            assert re.fullmatch(r"http://www\.wikidata\.org/entity/Q[1-9][0-9]*", iri), iri
    expected = {
        "United States": "Q30",
        "United Kingdom": "Q145",
        "Libya": "Q1016",
        "United Nations": "Q1065",
        "NATO": "Q7184",
        "Donald Trump": "Q22686",
        "Barack Obama": "Q76",
        "Hillary Clinton": "Q6294",
    }
    for label, qid in expected.items():
        entry = gaz.lookup(label)
        assert entry is not None and entry.same_as == ("http://www.wikidata.org/entity/" + qid,), label


def test_parts_point_inside_the_gazetteer(gaz):
    for entry in gaz.entries.values():
        if entry.part_of:
            assert entry.part_of in gaz.entries, entry
        for _, org in entry.roles:
            assert org in gaz.entries, entry


@pytest.mark.parametrize("name", ["the U.S.", "U.S.", "US", "U. S.", "the United States", "America", "united states"])
def test_names_of_the_united_states(gaz, name):
    assert gaz.lookup(name).iri == ids.actor_iri("United States", "Country")


def test_normalize_ignores_case_dots_accents_and_the():
    assert normalize("The U.S.") == normalize("us") == "us"
    assert normalize("Erdoğan") == "erdogan"
    assert normalize("al-Qaeda") == normalize("Al Qaeda")


def test_demonyms_seats_and_governments(gaz):
    libya = gaz.demonym("Libyan")
    assert libya is not None and libya.label == "Libya" and libya.type == "Country"
    assert gaz.seat("Tripoli").iri == ids.actor_iri("Libya", "Government")
    assert gaz.seat("the Kremlin").iri == ids.actor_iri("Russia", "Government")
    assert gaz.government_of(libya).part_of == libya.iri
    # a seat is not a name of the country
    assert gaz.lookup("Tripoli") is None
    white_house = gaz.lookup("the White House")
    assert white_house.type == "Government" and white_house.part_of == ids.actor_iri("United States", "Government")


def test_posts_name_the_organisation(gaz):
    trump = gaz.lookup("Donald J. Trump")
    (org,) = gaz.posts(trump, "President")
    assert org.iri == ids.actor_iri("United States", "Government")
    assert gaz.posts(trump, "Chancellor") == []


def test_graph_for_the_store(gaz):
    g = gazetteer_graph()
    assert isinstance(g, rdflib.Graph) and len(g) > 500
    kg = rdflib.Namespace(ids.ONTOLOGY)
    us = rdflib.URIRef(ids.actor_iri("United States", "Country"))
    assert (us, RDF.type, kg.Country) in g
    assert (us, OWL.sameAs, rdflib.URIRef("http://www.wikidata.org/entity/Q30")) in g
    g.remove((us, None, None))  # a copy: the cached gazetteer is untouched
    assert load_gazetteer().lookup("U.S.") is not None


USER_TTL = """
@prefix kg:   <https://w3id.org/kg-stance/ontology#> .
@prefix actor: <https://w3id.org/kg-stance/id/actor/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix owl:  <http://www.w3.org/2002/07/owl#> .

actor:olga-petrenko a kg:Person ;
    rdfs:label "Olga Petrenko"@en ;
    skos:altLabel "Petrenko"@en ;
    owl:sameAs <http://www.wikidata.org/entity/Q999999999> .

actor:libya-government skos:hiddenLabel "Government of National Unity"@en .
"""


def test_user_file_is_merged_on_top(tmp_path, monkeypatch):
    path = tmp_path / "mine.ttl"
    path.write_text(USER_TTL, encoding="utf-8")
    gaz = load_gazetteer(path)
    olga = gaz.lookup("petrenko")
    assert olga is not None and olga.iri == ids.actor_iri("Olga Petrenko", "Person")
    assert gaz.lookup("Libya").type == "Country"  # the shipped entries are still there
    assert gaz.seat("Government of National Unity").label == "Government of Libya"
    # the same through the environment variable
    monkeypatch.setenv("KG_GAZETTEER", str(path))
    assert load_gazetteer().lookup("Olga Petrenko") is not None
    monkeypatch.delenv("KG_GAZETTEER")
    assert load_gazetteer().lookup("Olga Petrenko") is None


def test_a_bad_user_file_is_named(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle ::: .", encoding="utf-8")
    with pytest.raises(GazetteerError, match="bad.ttl"):
        load_gazetteer(bad)
    with pytest.raises(GazetteerError, match="missing.ttl"):
        load_gazetteer(tmp_path / "missing.ttl")
