"""The stance encoder: input marking, the numpy forward pass, the shipped weights on sentences
written for these tests, and the gate that keeps it off clearly neutral pairs."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from kg.extract import encoder as E
from kg.extract.pair_scores import candidate_pairs, score_pairs
from kg.extract.stance_model import CLASSES, default_model
from kg.extract.stance_rules import find_cues


@pytest.fixture(scope="module")
def enc():
    found = E.default_encoder()
    assert found is not None, "the shipped encoder must load after make install"
    return found


def _pieces(ids: list[int]) -> list[str]:
    return [E.tokenizer().id_to_token(i) for i in ids]


def test_marked_ids_wrap_both_mentions():
    text = "Senator Ann Cole praised Mayor Bo Li."
    a, b = (8, 16), (30, 35)  # "Ann Cole", "Bo Li"
    ids, ra, rb = E.marked_ids(text, a, b)
    toks = _pieces(ids)
    assert toks[0] == "[CLS]" and toks[-1] == "[SEP]"
    assert toks[ra[0]] == "[unused0]" and toks[rb[0]] == "[unused2]"
    assert toks[ra[0] + 1 : toks.index("[unused1]")] == ["ann", "cole"]
    assert toks[rb[0] + 1 : toks.index("[unused3]")] == ["bo", "li"]


def test_adjacent_mentions_are_both_marked():
    ids, ra, rb = E.marked_ids("Ann Cole Bo Li met.", (0, 8), (9, 14))
    toks = _pieces(ids)
    assert toks.index("[unused1]") < toks.index("[unused2]") == rb[0]


def test_long_input_keeps_a_window_round_the_pair():
    text = "word " * 200 + "Ann Cole praised Bo Li."
    start = text.index("Ann")
    ids, ra, rb = E.marked_ids(text, (start, start + 8), (start + 17, start + 22))
    assert len(ids) <= E.MAX_LEN
    toks = _pieces(ids)
    assert toks[ra[0]] == "[unused0]" and toks[rb[0]] == "[unused2]"


def _unmarked(text: str) -> list[int]:
    """The word pieces of ``text`` between [CLS] and [SEP], no mention marked."""
    return [E.CLS] + E.tokenize(text)[0][: E.MAX_LEN - 2] + [E.SEP]


def test_padding_does_not_change_the_vectors(enc):
    short = _unmarked("Ann Cole praised Bo Li.")
    long_ = _unmarked("A much longer sentence about the budget talks that went on all night.")
    alone = enc.hidden([short])[0]
    padded = enc.hidden([short, long_])[0, : len(short)]
    assert np.allclose(alone, padded, atol=1e-4)


def test_inputs_of_mixed_lengths_in_one_batch_are_each_their_own(enc):
    """Attention runs in groups of similar length; every input still sees only its own pieces,
    whichever group it lands in, and its read positions come back in its own row."""
    texts = [
        "Ann Cole praised Bo Li.",
        "The senator backed the bill.",
        "A much longer sentence about the budget talks that went on all night long in the city.",
        "Critics said the plan, which the governor defended on Monday, would cost far too much.",
        "Yes.",
    ]
    batch = [_unmarked(t) for t in texts]
    together = enc.hidden(batch)
    at = [[0, len(ids) - 2] for ids in batch]
    part = enc.hidden(batch, at)
    for r, ids in enumerate(batch):
        alone = enc.hidden([ids])[0]
        assert np.allclose(together[r, : len(ids)], alone, atol=1e-4)
        assert np.allclose(part[r, at[r]], alone[at[r]], atol=1e-4)


def test_last_layer_at_the_read_positions_only_is_the_same(enc):
    """Computing the last layer at the positions read gives those rows of the full pass."""
    a, _, _ = E.marked_ids("Ann Cole praised Bo Li for the deal.", (0, 8), (17, 22))
    b, _, _ = E.marked_ids("The mayor, Tom Reyes, attacked the union and its leader, Mary Lund.", (11, 20), (57, 66))
    at = [[0, 1, 4], [0, 2, 9, 14]]
    full = enc.hidden([a, b])
    part = enc.hidden([a, b], at)
    for r, rows in enumerate(at):
        assert np.allclose(full[r, rows], part[r, rows], atol=1e-4)
        assert not part[r, [k for k in range(len([a, b][r])) if k not in rows]].any()


def test_probabilities_are_distributions(enc):
    text = "Ann Cole praised Bo Li."
    ids, ra, rb = E.marked_ids(text, (0, 8), (17, 22))
    (p,) = enc.probabilities([(ids, [(ra, rb)])])
    assert p.shape == (1, len(CLASSES)) and np.isclose(p.sum(), 1.0, atol=1e-5)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Senator Maria Lopez warmly praised Governor Tom Becker for his leadership.", "a_pos_b"),
        ("Senator Maria Lopez sharply condemned Governor Tom Becker over the scandal.", "a_neg_b"),
        ("Governor Tom Becker was sharply condemned by Senator Maria Lopez over the scandal.", "b_neg_a"),
    ],
)
def test_shipped_encoder_reads_clear_sentences(nlp, enc, text, expected):
    doc = nlp(text)
    pairs = candidate_pairs(doc)
    enc_only = E.Encoder(enc.weights, enc.threshold, enc.meta, enc.mode, gate=1.1, blend=1.0)
    scores = score_pairs(doc, [], None, enc_only)
    names = [(doc[a[0] : a[1]].text, doc[b[0] : b[1]].text) for _, a, b in pairs]
    k = names.index(("Maria Lopez", "Tom Becker") if expected != "b_neg_a" else ("Tom Becker", "Maria Lopez"))
    p = scores.probs[k]
    assert CLASSES[int(p[1:].argmax()) + 1] == expected, dict(zip(CLASSES, p.round(3)))


def test_gate_keeps_the_encoder_off_neutral_pairs(nlp, enc):
    doc = nlp("Maria Lopez and Tom Becker flew from Boston to Denver on Tuesday.")
    model = default_model()
    closed = E.Encoder(enc.weights, enc.threshold, enc.meta, enc.mode, gate=0.0, blend=enc.blend)
    scores = score_pairs(doc, find_cues(doc), model, closed)
    assert scores.encoded == 0 and len(scores.pairs) > 0
    opened = E.Encoder(enc.weights, enc.threshold, enc.meta, enc.mode, gate=1.1, blend=enc.blend)
    assert score_pairs(doc, find_cues(doc), model, opened).encoded == len(scores.pairs)


def test_switched_off_or_missing_encoder_falls_back(monkeypatch, tmp_path, caplog):
    """The encoder is cached per weights file: another setting loads its own, nothing to clear."""
    from kg.settings import Settings

    assert E.default_encoder(Settings(stance_encoder=None)) is None
    monkeypatch.setenv("KG_STANCE_ENCODER", "none")
    assert E.default_encoder() is None
    monkeypatch.setenv("KG_STANCE_ENCODER", str(tmp_path / "absent.npz"))
    with caplog.at_level(logging.WARNING):
        assert E.default_encoder() is None
    assert "linear pair model only" in caplog.text
    monkeypatch.delenv("KG_STANCE_ENCODER")
    assert E.default_encoder() is E.encoder_at(str(E.ENCODER_PATH)) is not None


def test_missing_base_package_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(E, "BASE_PACKAGE", "no_such_package_for_kg_tests")
    with pytest.raises(E.EncoderUnavailable, match="make install"):
        E.base_dir()


def test_no_pair_between_two_mentions_of_one_name(nlp):
    doc = nlp("Maria Lopez said Maria Lopez would never support Tom Becker.")
    pairs = [(doc[a[0] : a[1]].text, doc[b[0] : b[1]].text) for _, a, b in candidate_pairs(doc)]
    assert ("Maria Lopez", "Maria Lopez") not in pairs
    assert ("Maria Lopez", "Tom Becker") in pairs
