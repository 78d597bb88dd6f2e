"""Stances: holder -> target (actor) or topic, with polarity, cue, evidence and confidence.

First version (to be replaced): a stance verb whose subject and object are both actors.
"""
from __future__ import annotations

from spacy.tokens import Doc

from kg.extract.actors import ActorIndex
from kg.records import Span, Stance, Statement

_POSITIVE = {"support", "back", "praise", "welcome", "endorse", "defend"}
_NEGATIVE = {"criticize", "criticise", "condemn", "reject", "oppose", "accuse", "blame", "attack"}


def extract_stances(doc: Doc, actors: ActorIndex, statements: list[Statement]) -> list[Stance]:
    out: list[Stance] = []
    for tok in doc:
        if tok.lemma_ not in _POSITIVE | _NEGATIVE or tok.pos_ != "VERB":
            continue
        subj = [c for c in tok.children if c.dep_ == "nsubj"]
        obj = [c for c in tok.children if c.dep_ in ("dobj", "obj")]
        if not subj or not obj:
            continue
        h = actors.resolve(doc[subj[0].left_edge.i:subj[0].i + 1])
        t = actors.resolve(doc[obj[0].left_edge.i:obj[0].i + 1])
        if h is None or t is None or h is t:
            continue
        negated = any(c.dep_ == "neg" for c in tok.children)
        polarity = "positive" if tok.lemma_ in _POSITIVE else "negative"
        if negated:
            polarity = "negative" if polarity == "positive" else "neutral"
        out.append(Stance(id=f"t{len(out) + 1}", holder=h.id, target=t.id, polarity=polarity,
                          cue=Span.from_spacy(tok), evidence=Span.from_spacy(tok.sent), confidence=0.6,
                          negated=negated))
    return out
