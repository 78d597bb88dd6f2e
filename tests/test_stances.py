"""Stances: rules (verbs, nouns, adjectives, passive, negation, questions, modality), quoted and
reported stances, the learned pair model, and the seed article. Texts are written for the tests."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from kg.extract import stance_model
from kg.extract.stance_rules import find_cues


def _label(ex, actor_id):
    a = ex.actor(actor_id)
    return a.label if a else None


def stances(ex):
    """(holder label, polarity, target label or topic) for every stance."""
    return [(_label(ex, s.holder), s.polarity, _label(ex, s.target) if s.target else s.topic) for s in ex.stances]


def find(ex, holder: str, target: str, polarity: str | None = None):
    """Stances whose holder and target labels contain the given words."""
    out = []
    for s in ex.stances:
        h = _label(ex, s.holder) or ""
        t = (_label(ex, s.target) if s.target else s.topic) or ""
        if holder.lower() in h.lower() and target.lower() in t.lower():
            if polarity is None or s.polarity == polarity:
                out.append(s)
    return out


# ---------------------------------------------------------------- rules through the pipeline


def test_positive_verb(extract):
    ex = extract("Senator Alice Brown praised Governor Tom Green on Tuesday.")
    found = find(ex, "Brown", "Green", "positive")
    assert found, stances(ex)
    assert found[0].cue.text == "praised"
    assert found[0].holder_span.text.endswith("Brown") and found[0].target_span.text.endswith("Green")
    assert not find(ex, "Green", "Brown")


def test_negative_verb(extract):
    ex = extract("Mayor Carl Jones sharply condemned Senator Alice Brown after the vote.")
    assert find(ex, "Jones", "Brown", "negative"), stances(ex)
    assert not find(ex, "Jones", "Brown", "positive")


def test_passive_voice_reverses_roles(extract):
    ex = extract("Tom Green was praised by Alice Brown for his work on the budget.")
    assert find(ex, "Brown", "Green", "positive"), stances(ex)
    assert not find(ex, "Green", "Brown")


def test_noun_cues(extract):
    ex = extract("Alice Brown voiced strong support for Tom Green at the rally.")
    assert find(ex, "Brown", "Green", "positive"), stances(ex)
    ex = extract("Carl Jones's criticism of Alice Brown surprised nobody.")
    assert find(ex, "Jones", "Brown", "negative"), stances(ex)


def test_adjective_cue(extract):
    ex = extract("Alice Brown has been highly critical of Tom Green.")
    assert find(ex, "Brown", "Green", "negative"), stances(ex)


def test_prepositional_and_conjoined_targets(extract):
    ex = extract("Alice Brown sided with Tom Green and lashed out at Carl Jones.")
    assert find(ex, "Brown", "Green", "positive"), stances(ex)
    assert find(ex, "Brown", "Jones", "negative"), stances(ex)


def test_negation(extract):
    plain = extract("Alice Brown supported Tom Green.")
    negated = extract("Alice Brown did not support Tom Green.")
    (p,) = find(plain, "Brown", "Green", "positive")
    found = [s for s in find(negated, "Brown", "Green") if s.negated]
    assert found, stances(negated)
    assert not find(negated, "Brown", "Green", "positive")
    assert found[0].confidence < p.confidence


def test_refusing_is_negation(extract):
    ex = extract("Alice Brown refused to endorse Tom Green.")
    assert not find(ex, "Brown", "Green", "positive"), stances(ex)


def test_question_and_modal_lower_confidence(extract):
    (plain,) = find(extract("Alice Brown supports Tom Green."), "Brown", "Green", "positive")
    for text in ("Does Alice Brown support Tom Green?", "Alice Brown might support Tom Green."):
        found = find(extract(text), "Brown", "Green")
        assert found, text
        for s in found:
            assert s.confidence < plain.confidence, (text, s)


def test_quoted_stance_belongs_to_speaker(extract):
    ex = extract("“Tom Green cannot be trusted,” Alice Brown said on Monday.")
    found = find(ex, "Brown", "Green", "negative")
    assert found, stances(ex)
    assert any(s.statement for s in found)
    assert not find(ex, "Brown", "Green", "positive")


def test_quoted_phrase(extract):
    ex = extract("“Talking with Tom Green is out of the question,” Alice Brown said.")
    assert find(ex, "Brown", "Green", "negative"), stances(ex)


def test_first_person_holder_is_speaker(extract):
    ex = extract("“We strongly support Tom Green,” said Alice Brown.")
    assert find(ex, "Brown", "Green", "positive"), stances(ex)


def test_reported_stance(extract):
    ex = extract("Alice Brown said the United States still supports Tom Green.")
    found = find(ex, "United States", "Green", "positive")
    assert found, stances(ex)
    assert any(_label(ex, s.reported_by) == "Alice Brown" for s in found)
    assert not find(ex, "Brown", "Green", "negative")


def test_topic_target(extract):
    ex = extract("Alice Brown rejected the plan to raise taxes.")
    found = [s for s in ex.stances if s.topic and "plan" in s.topic]
    assert found and found[0].polarity == "negative" and found[0].target is None


def test_records_are_well_formed(extract):
    text = (
        "Senator Alice Brown praised Governor Tom Green. Carl Jones attacked Brown, "
        "and Brown said Jones could not be trusted."
    )
    ex = extract(text)
    assert [s.id for s in ex.stances] == [f"t{i}" for i in range(1, len(ex.stances) + 1)]
    ids = {a.id for a in ex.actors}
    assert len(ex.stances) >= 3, stances(ex)  # praised, attacked, could not be trusted
    for s in ex.stances:
        assert s.holder in ids and (s.target in ids or s.topic)
        assert s.polarity in ("positive", "negative", "neutral")
        assert 0.0 <= s.confidence <= 1.0
        for span in (s.holder_span, s.target_span, s.cue, s.evidence):
            if span is not None:
                assert text[span.start : span.end] == span.text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "???",
        "“",
        "“unbalanced quote, said he.",
        "He said. She said. They said it.",
        "praised by" * 30,
        "\u200b\u200b",
        "<b>Brown</b> praised <i>Green</i>",
        "“Out of the question,” said Alice Brown.",
        "“Unacceptable!” Brown said.",
        "Brown, Green, Jones, Smith, Lee, Kim, Park, Chen, Wang, Li, Ng, Roy, Fox.",
    ],
)
def test_odd_text_does_not_crash(extract, text, caplog):
    """The rules raise when they trip (the pipeline then fails the article alone), so getting
    here means no rule raised; and nothing was logged as an error on the way."""
    with caplog.at_level(logging.WARNING):
        ex = extract(text)
    assert isinstance(ex.stances, list)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


# ---------------------------------------------------------------- rules on their own


def test_rules_read_holder_and_target(nlp):
    doc = nlp("Carl Jones and Tom Green condemned Alice Brown.")
    cues = [c for c in find_cues(doc) if doc[c.cue].lemma_ == "condemn"]
    holders = {doc[c.holder[0] : c.holder[1]].text for c in cues}
    assert holders == {"Carl Jones", "Tom Green"}
    assert all(doc[c.target[0] : c.target[1]].text == "Alice Brown" and c.polarity < 0 for c in cues)


def test_rules_object_control(nlp):
    doc = nlp("Nobody knows what led Tom Green to praise Alice Brown.")
    (cue,) = [c for c in find_cues(doc) if doc[c.cue].lemma_ == "praise"]
    assert doc[cue.holder[0] : cue.holder[1]].text == "Tom Green"


# ---------------------------------------------------------------- the learned model


def test_model_loads_and_predicts(nlp):
    model = stance_model.default_model()
    assert model is not None, "kg/data/stance_model.npz is missing: run training/fit_stance_model.py"
    assert 0.0 < model.threshold < 1.0
    assert "Park" in model.meta.get("citation", "")
    doc = nlp("Alice Brown blasted Tom Green over the failed deal.")
    mentions = stance_model.candidate_mentions(doc[:])
    assert len(mentions) >= 2
    feats = [stance_model.pair_features(doc, mentions[0], mentions[1], find_cues(doc))]
    probs = model.probabilities(feats)
    assert probs.shape == (1, len(stance_model.CLASSES))
    assert np.isclose(probs.sum(), 1.0, atol=1e-4)
    assert stance_model.CLASSES[int(probs[0].argmax())] == "a_neg_b"


def test_without_model_rules_still_work(extract):
    from kg.settings import Settings

    ex = extract(
        "Senator Alice Brown praised Governor Tom Green.", settings=Settings(stance_model=None, stance_encoder=None)
    )
    assert find(ex, "Brown", "Green", "positive")
    assert {s.extractor for s in ex.stances} == {"rule"}


# ---------------------------------------------------------------- the seed article


def test_seed_stances(seed_extraction):
    ex = seed_extraction
    assert find(ex, "Trump", "Haftar", "positive"), stances(ex)
    assert find(ex, "Maiteeq", "Haftar", "negative"), stances(ex)
    us_gov = [
        s
        for s in ex.stances
        if s.polarity == "positive"
        and s.holder
        and any(w in (_label(ex, s.holder) or "") for w in ("United States", "U.S."))
        and s.target
        and any(
            w in (_label(ex, s.target) or "") + (s.target_span.text if s.target_span else "")
            for w in ("Tripoli", "Libya", "government")
        )
    ]
    assert us_gov, stances(ex)
    assert any(_label(ex, s.reported_by) and "Maiteeq" in _label(ex, s.reported_by) for s in us_gov)
    # none of these reversed
    assert not find(ex, "Trump", "Haftar", "negative")
    assert not find(ex, "Maiteeq", "Haftar", "positive")
    assert not [s for s in us_gov if s.polarity == "negative"]
    assert not [
        s
        for s in ex.stances
        if s.polarity == "negative"
        and "United States" in (_label(ex, s.holder) or "")
        and any(w in (_label(ex, s.target) or "") for w in ("Tripoli", "Libya"))
    ]


def test_under_attack_construction(extract):
    """ "X came under fire from Y" and "X, which has come under assault by Y": Y is against X."""
    ex = extract("Mayor Jane Holt came under fire from the Teamsters union on Monday.")
    found = {
        (ex.actor(t.holder).label, t.polarity, ex.actor(t.target).label if t.target else t.topic) for t in ex.stances
    }
    assert any(h.startswith("Teamsters") and p == "negative" and "Holt" in (tg or "") for h, p, tg in found), found
    ex = extract("Berlin backs the coalition government, which has come under assault by rebel leader Omar Dass.")
    assert any(
        ex.actor(t.holder).label == "Omar Dass" and t.polarity == "negative" and t.cue.text == "assault"
        for t in ex.stances
    ), [(ex.actor(t.holder).label, t.polarity, t.cue.text) for t in ex.stances]


def test_stances_return_their_actors_and_leave_the_actor_index_alone(nlp):
    """An actor only a stance names ("the protesters") comes back with the stances; the actor
    step's index and its actors are as that step left them."""
    from kg.extract.actors import extract_actors
    from kg.extract.stances import extract_stances
    from kg.extract.statements import extract_statements
    from kg.settings import Settings

    doc = nlp("The protesters condemned Governor Tom Green.")
    index = extract_actors(doc)
    before = [a.to_json() for a in index.actors]
    found = extract_stances(
        doc, index, extract_statements(doc, index), settings=Settings(stance_model=None, stance_encoder=None)
    )
    assert [a.to_json() for a in index.actors] == before
    ids = {a.id for a in found.actors}
    assert found.stances and all(s.holder in ids and (s.target is None or s.target in ids) for s in found.stances)
    assert "protesters" in {a.label for a in found.actors} - {a["label"] for a in before}
