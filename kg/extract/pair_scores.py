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

import numpy as np
from spacy.tokens import Doc, Span as SpacySpan

from kg.extract.encoder import Encoder, marked_ids, plain_ids, tokenize
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
        names = [doc[m[0]:m[1]].text.lower() for m in mentions]
        for i, a in enumerate(mentions):
            for j in range(i + 1, len(mentions)):
                b = mentions[j]
                if a[1] <= b[0] and names[i] != names[j]:
                    out.append((sent, a, b))
    return out


def score_pairs(doc: Doc, cues: list[Cue], model: StanceModel | None, encoder: Encoder | None) -> PairScores:
    """Class probabilities of every candidate pair of ``doc`` from the models given."""
    pairs = candidate_pairs(doc)
    if not pairs or (model is None and encoder is None):
        return PairScores(pairs, np.zeros((len(pairs), len(CLASSES)), dtype=np.float32), 1.0)
    linear = None
    if model is not None:
        by_sent: dict[int, list[Cue]] = {}
        for c in cues:
            by_sent.setdefault(doc[c.cue].sent.start, []).append(c)
        linear = model.probabilities([pair_features(doc, a, b, by_sent.get(s.start, [])) for s, a, b in pairs])
    if encoder is None:
        return PairScores(pairs, linear, model.threshold)
    gate = encoder.gate if linear is not None else 1.1
    chosen = [k for k in range(len(pairs)) if linear is None or linear[k, 0] < gate]
    probs = linear.copy() if linear is not None else np.zeros((len(pairs), len(CLASSES)), dtype=np.float32)
    if chosen:
        enc = encoder_probabilities(encoder, [pairs[k] for k in chosen])
        blend = encoder.blend if linear is not None else 1.0
        for k, p in zip(chosen, enc):
            probs[k] = blend * p + (1.0 - blend) * probs[k]
    return PairScores(pairs, probs, encoder.threshold, len(chosen))


def encoder_probabilities(encoder: Encoder, pairs: list[Pair]) -> np.ndarray:
    """The encoder's class probabilities for ``pairs``. Each sentence is tokenized once; in the
    encoder's "sentence" mode it is also encoded once, for all of its pairs."""
    inputs: list[tuple[list[int], list]] = []
    where: list[tuple[int, int]] = []  # pair k -> (its input, its row among that input's pairs), or (-1, -1)
    if encoder.mode == "sentence":
        by_sent: dict[int, list[int]] = {}
        for k, (sent, _, _) in enumerate(pairs):
            by_sent.setdefault(sent.start, []).append(k)
        where = [(-1, -1)] * len(pairs)
        for ks in by_sent.values():
            sent = pairs[ks[0]][0]
            mentions = sorted({m for k in ks for m in pairs[k][1:]})
            ids, ranges = plain_ids(sent.text, [_chars(sent, m) for m in mentions])
            at = dict(zip(mentions, ranges))
            rows = []
            for k in ks:
                ra, rb = at[pairs[k][1]], at[pairs[k][2]]
                if ra is not None and rb is not None:
                    where[k] = (len(inputs), len(rows))
                    rows.append((ra, rb))
            inputs.append((ids, rows))
    else:
        pieces: dict[int, tuple[list[int], list[tuple[int, int]]]] = {}
        for sent, a, b in pairs:
            if sent.start not in pieces:
                pieces[sent.start] = tokenize(sent.text)
            ids, ra, rb = marked_ids(sent.text, _chars(sent, a), _chars(sent, b), pieces[sent.start], encoder.window)
            where.append((len(inputs), 0))
            inputs.append((ids, [(ra, rb)]))
    results = encoder.probabilities(inputs)
    out = np.zeros((len(pairs), len(CLASSES)), dtype=np.float32)
    out[:, 0] = 1.0  # a pair cut off by the length limit stays neutral
    for k, (i, r) in enumerate(where):
        if i >= 0:
            out[k] = results[i][r]
    return out


def _chars(sent: SpacySpan, rng: tuple[int, int]) -> tuple[int, int]:
    """Character offsets of token range ``rng`` within the sentence's own text."""
    doc = sent.doc
    return doc[rng[0]].idx - sent.start_char, doc[rng[1] - 1].idx + len(doc[rng[1] - 1]) - sent.start_char
