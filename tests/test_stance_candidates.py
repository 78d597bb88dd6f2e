"""Candidate mentions of the learned stance model: names the tagger misreads still count,
plural common nouns at the start of a sentence do not. Texts are written for the tests."""

from __future__ import annotations

from kg.extract.stance_model import candidate_mentions


def _texts(nlp, text: str) -> list[str]:
    doc = nlp(text)
    return [doc[a:b].text for a, b in candidate_mentions(doc[:])]


def test_sentence_initial_name_read_as_noun(nlp):
    # the small tagger reads a lone capitalised surname at the start as a common noun
    assert "Streisand" in _texts(nlp, "Streisand criticized the senator on Monday.")


def test_plural_common_noun_at_start_is_not_a_name(nlp):
    assert "Officials" not in _texts(nlp, "Officials said the plan was dead.")


def test_named_entities_still_found(nlp):
    found = _texts(nlp, "Senator Alice Brown praised Governor Tom Green on Tuesday.")
    assert any("Alice Brown" in t for t in found) and any("Tom Green" in t for t in found)
