"""Actor rules on hand-built Docs: the logic without depending on one model's parse."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

from kg import ids
from kg.extract.actors import extract_actors, initials
from kg.extract.names import acronym_partner, person_label, segments
from kg.records import Actor

# a blank English vocabulary: lexical attributes (lower case, punctuation) without a model
VOCAB = spacy.blank("en").vocab


def Vocab():
    return VOCAB


def make(words, heads, deps, ents=None, pos=None, tags=None, lemmas=None, spaces=None):
    """A parsed Doc from lists: heads are absolute token indices."""
    n = len(words)
    return Doc(
        Vocab(),
        words=words,
        spaces=spaces,
        heads=heads,
        deps=deps,
        ents=ents or ["O"] * n,
        pos=pos or ["PROPN" if w[:1].isupper() else "NOUN" for w in words],
        tags=tags or ["NNP" if w[:1].isupper() else "NN" for w in words],
        lemmas=lemmas or [w.lower() for w in words],
    )


def labels(index):
    return {(a.label, a.type) for a in index.actors}


def test_title_inside_an_org_entity_makes_a_person():
    doc = make(
        ["Field", "Marshal", "Khalifa", "Haftar", "spoke", "."],
        heads=[3, 3, 3, 4, 4, 4],
        deps=["compound", "compound", "compound", "nsubj", "ROOT", "punct"],
        ents=["B-ORG", "I-ORG", "I-ORG", "I-ORG", "O", "O"],
        pos=["PROPN", "PROPN", "PROPN", "PROPN", "VERB", "PUNCT"],
        tags=["NNP", "NNP", "NNP", "NNP", "VBD", "."],
    )
    index = extract_actors(doc)
    (haftar,) = index.actors
    assert (haftar.label, haftar.type) == ("Khalifa Haftar", "Person")
    assert [m.text for m in haftar.mentions] == ["Khalifa Haftar"]
    assert [r.title for r in haftar.roles] == ["Field Marshal"]


def test_an_entity_that_runs_into_a_bracket_ends_before_it():
    doc = make(
        ["Young", "Americans", "for", "Freedom", "(", "YAF", "protested", "."],
        heads=[1, 6, 1, 2, 5, 1, 6, 6],
        deps=["compound", "nsubj", "prep", "pobj", "punct", "appos", "ROOT", "punct"],
        ents=["B-ORG", "I-ORG", "I-ORG", "I-ORG", "I-ORG", "I-ORG", "O", "O"],
        pos=["PROPN", "PROPN", "ADP", "PROPN", "PUNCT", "PROPN", "VERB", "PUNCT"],
        tags=["NNP", "NNPS", "IN", "NNP", "-LRB-", "NNP", "VBD", "."],
    )
    index = extract_actors(doc, use_gazetteer=False)
    (group,) = index.actors
    assert group.label == "Young Americans for Freedom"
    assert [m.text for m in group.mentions] == ["Young Americans for Freedom"]


def test_a_company_named_like_a_rank_stays_an_organisation():
    doc = make(
        ["General", "Motors", "hired", "."],
        heads=[1, 2, 2, 2],
        deps=["compound", "nsubj", "ROOT", "punct"],
        ents=["B-ORG", "I-ORG", "O", "O"],
        pos=["PROPN", "PROPN", "VERB", "PUNCT"],
        tags=["NNP", "NNP", "VBD", "."],
    )
    assert labels(extract_actors(doc, use_gazetteer=False)) == {("General Motors", "Organization")}


def test_curly_possessive_is_cut_from_the_mention():
    doc = make(
        ["Trump", "’s", "call", "ended", "."],
        heads=[2, 0, 3, 3, 3],
        deps=["poss", "case", "nsubj", "ROOT", "punct"],
        ents=["B-PERSON", "I-PERSON", "O", "O", "O"],
        pos=["PROPN", "PART", "NOUN", "VERB", "PUNCT"],
        tags=["NNP", "POS", "NN", "VBD", "."],
        spaces=[False, True, True, False, False],
    )
    (trump,) = extract_actors(doc).actors
    assert [m.text for m in trump.mentions] == ["Trump"] and trump.label == "Donald Trump"


def test_attached_possessive_inside_a_token_is_cut():
    doc = make(
        ["Haftar’s", "men", "left", "."],
        heads=[1, 2, 2, 2],
        deps=["poss", "nsubj", "ROOT", "punct"],
        ents=["B-PERSON", "O", "O", "O"],
        pos=["PROPN", "NOUN", "VERB", "PUNCT"],
        tags=["NNP", "NNS", "VBD", "."],
    )
    index = extract_actors(doc)
    person = next(a for a in index.actors if a.type == "Person")
    assert [m.text for m in person.mentions] == ["Haftar"]


def _capital(verb_first: bool):
    if verb_first:  # "Tripoli said ."
        return make(
            ["Tripoli", "said", "."],
            heads=[1, 1, 1],
            deps=["nsubj", "ROOT", "punct"],
            ents=["B-GPE", "O", "O"],
            pos=["PROPN", "VERB", "PUNCT"],
            tags=["NNP", "VBD", "."],
            lemmas=["Tripoli", "say", "."],
        )
    # "Fighting continued in Tripoli ."
    return make(
        ["Fighting", "continued", "in", "Tripoli", "."],
        heads=[1, 1, 1, 2, 1],
        deps=["nsubj", "ROOT", "prep", "pobj", "punct"],
        ents=["O", "O", "O", "B-GPE", "O"],
        pos=["NOUN", "VERB", "ADP", "PROPN", "PUNCT"],
        tags=["NN", "VBD", "IN", "NNP", "."],
        lemmas=["fighting", "continue", "in", "Tripoli", "."],
    )


def test_capital_acting_is_the_government_and_as_a_place_no_actor():
    (gov,) = extract_actors(_capital(True)).actors
    assert gov.iri == ids.actor_iri("Libya", "Government") and gov.type == "Government"
    assert extract_actors(_capital(False)).actors == []


@pytest.mark.parametrize(
    "verb,lemma,expected,label",
    [
        ("supports", "support", "Government", "Government of the United States"),
        ("is", "be", "Country", "United States"),
    ],
)
def test_country_subject_of_an_action_is_its_government(verb, lemma, expected, label):
    doc = make(
        ["The", "U.S.", verb, "it", "."],
        heads=[1, 2, 2, 2, 2],
        deps=["det", "nsubj", "ROOT", "dobj", "punct"],
        ents=["B-GPE", "I-GPE", "O", "O", "O"],
        pos=["DET", "PROPN", "VERB", "PRON", "PUNCT"],
        tags=["DT", "NNP", "VBZ", "PRP", "."],
        lemmas=["the", "U.S.", lemma, "it", "."],
    )
    index = extract_actors(doc, refer_back=False)
    (us,) = index.actors
    assert us.type == expected and us.label == label
    assert [m.text for m in us.mentions] == ["U.S."]


def test_she_goes_to_the_woman_not_the_latest_man():
    words = ["Mrs.", "Okafor", "met", "Mr.", "Brandt", ".", "She", "left", "."]
    doc = make(
        words,
        heads=[1, 2, 2, 4, 2, 2, 7, 7, 7],
        deps=["compound", "nsubj", "ROOT", "compound", "dobj", "punct", "nsubj", "ROOT", "punct"],
        ents=["O", "B-PERSON", "O", "O", "B-PERSON", "O", "O", "O", "O"],
        pos=["PROPN", "PROPN", "VERB", "PROPN", "PROPN", "PUNCT", "PRON", "VERB", "PUNCT"],
        tags=["NNP", "NNP", "VBD", "NNP", "NNP", ".", "PRP", "VBD", "."],
    )
    index = extract_actors(doc)
    okafor = next(a for a in index.actors if a.label == "Okafor")
    assert [m.text for m in okafor.mentions] == ["Okafor", "She"]
    assert index.resolve(doc[6:7]) is okafor
    assert index.gender(okafor) == "female"


def test_definite_description_matches_a_title():
    words = ["Gen.", "Omar", "Saleh", "spoke", ".", "The", "general", "left", "."]
    doc = make(
        words,
        heads=[2, 2, 3, 3, 3, 6, 7, 7, 7],
        deps=["compound", "compound", "nsubj", "ROOT", "punct", "det", "nsubj", "ROOT", "punct"],
        ents=["O", "B-PERSON", "I-PERSON", "O", "O", "O", "O", "O", "O"],
        pos=["PROPN", "PROPN", "PROPN", "VERB", "PUNCT", "DET", "NOUN", "VERB", "PUNCT"],
        tags=["NNP", "NNP", "NNP", "VBD", ".", "DT", "NN", "VBD", "."],
    )
    index = extract_actors(doc)
    (saleh,) = index.actors
    assert [m.text for m in saleh.mentions] == ["Omar Saleh", "general"]


def test_doc_without_parse_still_gives_names():
    doc = Doc(Vocab(), words=["Ahmed", "Maiteeq", "spoke"], ents=["B-PERSON", "I-PERSON", "O"])
    (a,) = extract_actors(doc).actors
    assert a.label == "Ahmed Maiteeq"


def test_person_label_drops_middle_initials():
    assert person_label("Donald J. Trump") == "Donald Trump"
    assert person_label("George W. Bush") == "George Bush"  # the gazetteer keeps "George W. Bush"
    assert person_label("J. K. Rowling") == "J. Rowling" or person_label("J. K. Rowling")


def test_title_segments():
    doc = make(
        ["militia", "leader", "Gen.", "former", "Deputy", "Prime", "Minister"], heads=list(range(7)), deps=["ROOT"] * 7
    )
    assert [t for t, _ in segments(list(doc[0:3]))] == ["militia leader", "General"]
    assert [t for t, _ in segments(list(doc[3:7]))] == ["Deputy Prime Minister"]


# ------------------------------------------------------------------ acronyms
def test_initials_skip_function_words():
    assert initials("Democratic National Committee") == "DNC"
    assert initials("Government of National Accord") == "GNA"
    assert initials("Immigration and Customs Enforcement") == "ICE"
    assert initials("Libya") == "L"


def test_acronym_partner_in_both_directions_and_only_for_non_persons():
    def actor(label, kind):
        return Actor(id=label, label=label, type=kind, iri="urn:" + label)

    committee = actor("Democratic National Committee", "Organization")
    person = actor("Nadia Nasser", "Person")
    acronym_first = actor("LNA", "Group")
    known = [committee, person, acronym_first]
    assert acronym_partner("DNC", known) is committee
    assert acronym_partner("D.N.C.", known) is committee
    assert acronym_partner("Libyan National Army", known) is acronym_first
    assert acronym_partner("NN", known) is None  # a person's initials are not an acronym of them
    assert acronym_partner("Dnc", known) is None  # not written in capitals
    assert acronym_partner("Committee", known) is None
    assert acronym_partner("DNCX", known) is None


def _acts(words_before, name, ent):
    """``<name> said .`` with ``name`` tagged ``ent``; ``words_before``: a sentence before it."""
    words, heads, deps, ents, pos = [], [], [], [], []
    for sentence in (words_before, name):
        if not sentence:
            continue
        start = len(words)
        tokens = sentence if isinstance(sentence, list) else sentence.split()
        label = ent if sentence is name else "PERSON"
        n = len(tokens)
        words += tokens + ["said", "."]
        heads += [start + n - 1] * (n - 1) + [start + n, start + n, start + n]
        deps += ["compound"] * (n - 1) + ["nsubj", "ROOT", "punct"]
        ents += [f"B-{label}"] + [f"I-{label}"] * (n - 1) + ["O", "O"]
        pos += ["PROPN"] * n + ["VERB", "PUNCT"]
    return make(
        words,
        heads,
        deps,
        ents=ents,
        pos=pos,
        tags=["NNP" if p == "PROPN" else ("VBD" if p == "VERB" else ".") for p in pos],
    )


def test_a_place_name_that_names_no_place_is_not_a_government():
    """A GPE that is no known place and reads as a person or a medium does not become
    "Government of …" when it acts; a city that acts still does."""
    assert labels(extract_actors(_acts(None, "Mary Fisher", "GPE"))) == {("Mary Fisher", "Person")}
    assert labels(extract_actors(_acts(None, "Miami Herald", "GPE"))) == {("Miami Herald", "Media")}
    index = extract_actors(_acts("Marine Le Pen", "Le Pen", "GPE"))
    assert {t for _, t in labels(index)} == {"Person"}
    assert labels(extract_actors(_acts(None, "Springfield", "GPE"))) == {("Government of Springfield", "Government")}
    assert labels(extract_actors(_acts(None, "Texas", "GPE"))) == {("Government of Texas", "Government")}
