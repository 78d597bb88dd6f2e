"""Statements: direct quotes and reported speech, with speaker, cue and content.

First version (to be replaced): straight and curly double-quoted passages; the speaker is the
subject of the nearest verb of saying in the same or the next sentence.
"""
from __future__ import annotations

import re

from spacy.tokens import Doc

from kg.extract.actors import ActorIndex
from kg.records import Span, Statement

_QUOTE = re.compile(r"[“\"]([^“”\"]{3,}?)[”\"]")
_SAY = {"say", "tell", "add", "stress", "continue", "claim", "argue", "insist", "warn"}


def extract_statements(doc: Doc, actors: ActorIndex) -> list[Statement]:
    out: list[Statement] = []
    for m in _QUOTE.finditer(doc.text):
        content = Span.of(doc.text, m.start(1), m.end(1))
        sent = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        speaker = cue = source = None
        if sent is not None:
            region = list(sent.sent) + (list(doc[sent.sent.end].sent) if sent.sent.end < len(doc) else [])
            for tok in region:
                if tok.lemma_ in _SAY and not (m.start() <= tok.idx < m.end()):
                    subj = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
                    if subj:
                        s = doc[subj[0].left_edge.i:subj[0].i + 1]
                        source = Span.from_spacy(s)
                        cue = Span.from_spacy(tok)
                        a = actors.resolve(s)
                        speaker = a.id if a else None
                        break
        out.append(Statement(id=f"s{len(out) + 1}", content=content, speaker=speaker,
                             source_span=source, cue=cue, direct=True))
    return out
