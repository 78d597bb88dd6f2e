"""Which mention pairs of a document may carry a stance, and how sure the learned models are.

Two learned models score a pair (a before b, one sentence): the linear pair model
(:mod:`kg.extract.stance_model`, sparse features of the parse, nearly free) and the fine-tuned
encoder (:mod:`kg.extract.encoder`, which reads the words themselves and is the more accurate
but costs a transformer pass). The linear model runs on every pair and acts as a gate: a pair it
finds clearly neutral (probability of "neutral" at least the encoder's ``gate``) is not sent to
the encoder, which keeps extraction within its speed budget. For the pairs the encoder reads, the
class probabilities are ``blend`` x encoder + (1 - blend) x linear. ``gate``, ``blend`` and the
abstention ``threshold`` are fitted with the encoder and stored beside its weights.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import numpy as np
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from kg.extract.encoder import Encoder, marked_ids, tokenize
from kg.extract.stance_model import CLASSES, StanceModel, candidate_mentions, pair_features
from kg.extract.stance_rules import Cue

Pair = tuple[SpacySpan, tuple[int, int], tuple[int, int]]  # sentence, mention a, mention b (tokens)


@dataclass
class PairScores:
    pairs: list[Pair]
    probs: np.ndarray  # (pairs, classes), rows in CLASSES order
    threshold: float  # least probability of a stance class for a stance to be emitted
    encoded: int = 0  # how many pairs the encoder read


def candidate_pairs(doc: Doc) -> list[Pair]:
    """Every ordered pair of non-overlapping candidate mentions within a sentence, but for two
    mentions of the same name (nobody holds a stance towards themselves)."""
    out: list[Pair] = []
    for sent in doc.sents:
        mentions = candidate_mentions(sent)
        names = [doc[m[0] : m[1]].text.lower() for m in mentions]
        for i, a in enumerate(mentions):
            for j in range(i + 1, len(mentions)):
                b = mentions[j]
                if a[1] <= b[0] and names[i] != names[j]:
                    out.append((sent, a, b))
    return out


@dataclass
class PairPlan:
    """A document's pairs scored by the linear model, with the encoder's inputs for the pairs
    it gates in. Running the encoder is left to the caller (:func:`score_pairs` runs it in
    place; :func:`kg.pipeline.extract_articles` on a second core while the next article is
    parsed), and :meth:`finish` blends its answer in."""

    pairs: list[Pair]
    linear: np.ndarray | None  # (pairs, classes) from the linear model, or None without one
    threshold: float
    chosen: list[int]  # pairs the encoder reads
    inputs: list[tuple[list[int], list]]  # the encoder's inputs for them (Encoder.probabilities)
    where: list[tuple[int, int]]  # chosen pair -> (its input, its row), or (-1, -1): did not fit
    blend: float = 1.0

    def finish(self, results: list[np.ndarray]) -> PairScores:
        """Blend the encoder's ``results`` (one array per input) into the linear scores."""
        probs = (
            self.linear.copy()
            if self.linear is not None
            else np.zeros((len(self.pairs), len(CLASSES)), dtype=np.float32)
        )
        if self.chosen:
            probs[self.chosen] = self.blend * per_pair(results, self.where) + (1.0 - self.blend) * probs[self.chosen]
        return PairScores(self.pairs, probs, self.threshold, len(self.chosen))


_NEUTRAL = np.eye(len(CLASSES), dtype=np.float32)[0]


def per_pair(results: list[np.ndarray], where: list[tuple[int, int]]) -> np.ndarray:
    """The encoder's ``results`` (one array per input) as one row per pair, by ``where`` (from
    :func:`encoder_inputs`); a pair cut off by the length limit stays neutral."""
    return np.array([results[i][r] if i >= 0 else _NEUTRAL for i, r in where], dtype=np.float32).reshape(
        -1, len(CLASSES)
    )


def plan_pairs(doc: Doc, cues: list[Cue], model: StanceModel | None, encoder: Encoder | None) -> PairPlan:
    """Candidate pairs of ``doc``, scored by the linear model, and the encoder's work on them."""
    pairs = candidate_pairs(doc)
    if not pairs or (model is None and encoder is None):
        return PairPlan(pairs, np.zeros((len(pairs), len(CLASSES)), dtype=np.float32), 1.0, [], [], [])
    linear = None
    if model is not None:
        by_sent: dict[int, list[Cue]] = {}
        for c in cues:
            by_sent.setdefault(doc[c.cue].sent.start, []).append(c)
        linear = model.probabilities([pair_features(doc, a, b, by_sent.get(s.start, [])) for s, a, b in pairs])
    if encoder is None:
        assert model is not None  # one of the two is given (see above)
        return PairPlan(pairs, linear, model.threshold, [], [], [])
    gate = encoder.gate if linear is not None else 1.1
    chosen = [k for k in range(len(pairs)) if linear is None or linear[k, 0] < gate]
    inputs, where = encoder_inputs(encoder, [pairs[k] for k in chosen])
    return PairPlan(
        pairs, linear, encoder.threshold, chosen, inputs, where, encoder.blend if linear is not None else 1.0
    )


def score_pairs(doc: Doc, cues: list[Cue], model: StanceModel | None, encoder: Encoder | None) -> PairScores:
    """Class probabilities of every candidate pair of ``doc`` from the models given."""
    plan = plan_pairs(doc, cues, model, encoder)
    return plan.finish(encoder.probabilities(plan.inputs) if plan.inputs and encoder is not None else [])


def encoder_probabilities(encoder: Encoder, pairs: list[Pair]) -> np.ndarray:
    """The encoder's class probabilities for ``pairs``."""
    inputs, where = encoder_inputs(encoder, pairs)
    return per_pair(encoder.probabilities(inputs), where)


def encoder_inputs(encoder: Encoder, pairs: list[Pair]) -> tuple[list[tuple[list[int], list]], list[tuple[int, int]]]:
    """The encoder's inputs for ``pairs`` (word-piece ids, and the ranges its head reads) and,
    per pair, (its input, its row among that input's pairs), or (-1, -1) when the pair does not
    fit. Each sentence is tokenized once; each pair is one input, its two mentions marked."""
    inputs: list[tuple[list[int], list]] = []
    where: list[tuple[int, int]] = []
    if encoder.mode == "accurate":  # kg.extract.accurate: its own tokenizer and markers
        for sent, a, b in pairs:
            where.append((len(inputs), 0))
            inputs.append(cast(Any, encoder).mark(sent.text, _chars(sent, a), _chars(sent, b)))
    else:
        pieces: dict[int, tuple[list[int], list[tuple[int, int]]]] = {}
        for sent, a, b in pairs:
            if sent.start not in pieces:
                pieces[sent.start] = tokenize(sent.text)
            ids, ra, rb = marked_ids(sent.text, _chars(sent, a), _chars(sent, b), pieces[sent.start], encoder.window)
            where.append((len(inputs), 0))
            inputs.append((ids, [(ra, rb)]))
    return inputs, where


def _chars(sent: SpacySpan, rng: tuple[int, int]) -> tuple[int, int]:
    """Character offsets of token range ``rng`` within the sentence's own text."""
    doc = sent.doc
    return doc[rng[0]].idx - sent.start_char, doc[rng[1] - 1].idx + len(doc[rng[1] - 1]) - sent.start_char
