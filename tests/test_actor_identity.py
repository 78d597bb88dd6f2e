"""Actor identity within one article: places are places, labels are unique and readable, not everything
named is an actor, and a person's posts come from the words that modify that person.

Short texts written for these tests, on the real model (and the pure helpers without it)."""

from __future__ import annotations

import pytest

from kg import ids
from kg.extract import places
from kg.extract.actors import extract_actors
from kg.extract.names import PARTY_TAG, in_dateline, not_an_actor, readable
from kg.gazetteer import government_label


@pytest.fixture
def actors(nlp):
    """actors("text") -> (ActorIndex, Doc)."""

    def run(text: str, **kw):
        doc = nlp(text)
        return extract_actors(doc, **kw), doc

    return run


def by_label(index):
    return {a.label: a for a in index.actors}


def roles(index, actor):
    return {(r.title, index.by_id(r.organization).label if r.organization else None) for r in actor.roles}


def no_places_as_countries(index):
    for a in index.actors:
        if a.type == "Country":
            assert places.country_name(a.label) is not None, (a.label, a.type)


# ------------------------------------------------------------------ places are places
@pytest.mark.parametrize(
    "text",
    [
        "NEW YORK (AP) — Donald Trump said on Monday that he would win the state.",
        "NASHUA, N.H. - At the moment Chris Christie learned he had been bumped, he was angry.",
        "WASHINGTON — The senator said the bill would pass.",
    ],
)
def test_a_dateline_is_no_actor(actors, text):
    index, _ = actors(text)
    labels = by_label(index)
    assert not [
        lab for lab in labels if any(w in lab.lower() for w in ("york", "nashua", "n.h", "hampshire", "washington"))
    ], labels
    no_places_as_countries(index)


def test_a_state_that_acts_is_its_government_and_one_that_is_only_a_place_no_actor(actors):
    index, _ = actors(
        "Texas sued the federal government on Monday. Voters in Ohio were not surprised, and Florida voters agreed."
    )
    texas = by_label(index).get("Government of Texas")
    assert texas is not None and texas.type == "Government" and texas.iri == ids.government_iri("Texas")
    assert [m.text for m in texas.mentions][:1] == ["Texas"]
    assert not [a for a in index.actors if "ohio" in a.iri or "florida" in a.iri], [a.label for a in index.actors]
    no_places_as_countries(index)


def test_the_state_of_a_senator_is_no_government_of_it(actors):
    index, _ = actors(
        "The Vermont senator won the caucuses. Texas Gov. Greg Abbott and Vermont Sen. Bernie Sanders met in Ohio."
    )
    people = by_label(index)
    assert ("Senator", "Senate") in roles(index, people["Bernie Sanders"])
    assert ("Governor", "Government of Texas") in roles(index, people["Greg Abbott"])
    assert "Government of Vermont" not in people and "Government of Ohio" not in people


def test_a_country_and_its_government_in_one_article_have_distinct_labels(actors):
    index, _ = actors(
        "Libya has been in turmoil for years. Libya said on Monday that it would hold elections. "
        "Kenya criticized the plan, and officials in Kenya were angry."
    )
    labels = by_label(index)
    assert labels["Libya"].type == "Country" and labels["Libya"].iri == ids.actor_iri("Libya", "Country")
    gov = labels["Government of Libya"]
    assert gov.type == "Government" and gov.iri == ids.DATA + "actor/libya-government"
    # a country the gazetteer does not list follows the same convention
    assert labels["Government of Kenya"].iri == ids.government_iri("Kenya")
    assert labels["Kenya"].type == "Country"
    assert len({a.label for a in index.actors}) == len(index.actors)


# ------------------------------------------------------------------ one actor, one node
def test_case_variants_and_aliases_across_two_articles_are_one_actor(actors):
    a, _ = actors("NEW HAMPSHIRE officials rejected the plan. The GOP criticized ISIS, and so did the U.S.")
    b, _ = actors("New Hampshire officials rejected the plan. Republicans criticized ISIL, and so did America.")
    iris = lambda idx: {x.iri: x.label for x in idx.actors}
    ia, ib = iris(a), iris(b)
    for iri, label in [
        (ids.government_iri("New Hampshire"), "Government of New Hampshire"),
        (ids.actor_iri("Republican Party", "Party"), "Republican Party"),
        (ids.actor_iri("Islamic State", "Group"), "Islamic State"),
    ]:
        assert ia.get(iri) == ib.get(iri) == label, (iri, ia, ib)
    assert {i for i in ia if "united-states" in i} == {i for i in ib if "united-states" in i} != set()


# ------------------------------------------------------------------ not everything named is an actor
def test_secretary_of_state_gives_kerry_the_post_and_no_state_actor(actors):
    index, _ = actors("Secretary of State John Kerry said the talks would resume on Monday.")
    kerry = by_label(index)["John Kerry"]
    assert "Secretary of State" in {t for t, _ in roles(index, kerry)}
    assert not [a for a in index.actors if a.label.lower() in ("state", "secretary")]


def test_party_tags_are_memberships_not_actors(actors):
    index, doc = actors("Sen. Dianne Feinstein (D-Calif.) said the bill failed. Rep. Steve King (R-Iowa) disagreed.")
    people = by_label(index)
    assert ("Member", "Democratic Party") in roles(index, people["Dianne Feinstein"])
    assert ("Member", "Republican Party") in roles(index, people["Steve King"])
    assert people["Democratic Party"].iri == ids.actor_iri("Democratic Party", "Party")
    assert not [a for a in index.actors if len(a.label) <= 2 or "calif" in a.label.lower() or "iowa" in a.iri]
    d = next(t for t in doc if t.text == "D")
    d = doc[d.i : d.i + 4]  # "D-Calif." in a stance stands for the senator, never for an actor "D"
    assert index.ensure(d) is people["Dianne Feinstein"]


def test_a_surname_that_is_a_title_is_a_name(actors):
    index, _ = actors("Rep. Steve King, R-Iowa, spoke on Monday. Newt Gingrich attacked King on Tuesday.")
    king = by_label(index)["Steve King"]
    assert "King" in [m.text for m in king.mentions]
    assert ("Member", "Republican Party") in roles(index, king)


def test_titles_adjectives_and_letters_are_no_actors_but_plural_groups_are(actors):
    index, doc = actors(
        "The President said radical Islamic terrorism was a threat. Muslims and Hispanic voters "
        "disagreed, and a PAC ran ads."
    )
    labels = by_label(index)
    assert {"President", "Islamic", "PAC"}.isdisjoint(labels), labels
    assert labels["Muslims"].type == "Group" and labels["Hispanic voters"].type == "Group"
    # a stance about the adjective is about the people it names
    islamic = next(t for t in doc if t.text == "Islamic")
    assert index.ensure(islamic).label == "Islamists"


# ------------------------------------------------------------------ posts from the words that modify the person
def test_an_apposition_naming_someone_else_gives_that_person_the_post(actors):
    index, _ = actors(
        "Donald Trump praised reporter Jane Doe on Monday. The federal judge Trump was referring to is Gonzalo Curiel."
    )
    trump = by_label(index)["Donald Trump"]
    titles = {t.lower() for t, _ in roles(index, trump)}
    assert "reporter" not in titles and "judge" not in titles, titles


def test_a_post_before_the_name_in_apposition_still_counts(actors):
    index, _ = actors("Libya's deputy prime minister, Ahmed Maiteeq, said the talks had failed.")
    maiteeq = by_label(index)["Ahmed Maiteeq"]
    assert any(t.lower() == "deputy prime minister" for t, _ in roles(index, maiteeq)), roles(index, maiteeq)


# ------------------------------------------------------------------ the helpers, without the model
def test_places_from_maintained_data():
    assert places.place("Calif.").name == "California"
    assert places.place("N.H.").name == places.place("NEW HAMPSHIRE").name == "New Hampshire"
    assert places.place("Fla.").kind == "state"
    assert places.place("NH") is None and places.us_state("NH").name == "New Hampshire"  # postal codes on demand
    assert places.place("Ontario").kind == "subdivision"
    assert places.place("Libya") is None and places.country_name("Libya") == "Libya"
    assert places.country_name("Texas") is None and places.country_name("Georgia") is None  # the US state
    assert places.place("Miss") is None  # the honorific, not Mississippi


def test_government_labels_and_iris():
    assert government_label("Libya") == "Government of Libya"
    assert government_label("United States") == "Government of the United States"
    assert ids.government_iri("Libya") == ids.actor_iri("Libya", "Government") == ids.DATA + "actor/libya-government"
    assert ids.actor_iri("Government of National Accord", "Government").endswith(
        "government-of-national-accord-government"
    )


def test_words_that_name_no_actor_and_readable_names():
    assert [not_an_actor(n) for n in ("R", "State", "Senators", "Hispanic", "Super PAC")] == [
        "letter",
        "title",
        "title",
        "adjective",
        "word",
    ]
    assert not_an_actor("Muslims") is None and not_an_actor("Hispanic voters") is None
    assert readable("NEW HAMPSHIRE") == "New Hampshire" and readable("NATO") == "NATO"
    text = "Headline\n\nDES MOINES, Iowa (AP) — Voters said.\nFlorida voters - no."
    assert in_dateline(text, text.index("DES")) and not in_dateline(text, text.index("Florida"))
    assert PARTY_TAG.match(" (R-Texas) said").groups()[:2] == ("R", "Texas")
    assert PARTY_TAG.match(", R-N.C., a conservative").groups()[2:] == ("R", "N.C.")


def test_a_stance_on_a_country_adjective_or_a_plural_group_the_parser_took_for_a_name(actors):
    """The actor a stance asks for when the actor step found none: a country's adjective alone
    ("German" of "German Ortega", "Spanish" of "Spanish-speaking") names no one, a plural group
    ("Evangelicals") is a group whatever label the parser gave it, and a people ("Americans") stays."""
    index, doc = actors("Spanish-speaking voters and Evangelicals criticised German Ortega. Americans agreed.")
    token = {t.text: t for t in doc}
    assert index.ensure(token["Spanish"], "Organization") is None
    ortega = index.ensure(token["German"], "Organization")  # his first name: the person, if the parser saw him
    assert ortega is None or ortega.label == "German Ortega"
    evangelicals = index.ensure(token["Evangelicals"], "Organization")
    assert (evangelicals.label, evangelicals.type) == ("Evangelicals", "Group")
    assert index.ensure(token["Americans"], "Group") is not None
