"""Walking the dependency parse: subjects, objects of prepositions, conjuncts, sentences.

The one place for the syntax the extractors share, so that a change to how a subject is found
is made once and seen by every caller. There are four subject walkers because the extractors
need different answers and their accuracy was tuned on them; a single walker with every rule
would change the extraction output:

- :func:`stance_subject` — the holder of a stance verb: inherited through conjunction, object
  control ("led Trump to praise Haftar" -> Trump), participles and relative clauses.
- :func:`speech_subject` — the speaker of a verb of saying: also the agent of a passive ("was
  announced by the campaign"), climbing through more clause types, and from a noun's clause to
  the verb the noun hangs on ("a statement saying ...").
- :func:`governing_subject` and :func:`nearby_subject` — for pronouns: the subject of the
  nearest clause above a token (any clause, or only across prepositions).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

# ---------------------------------------------------------------- what is worked out once per Doc


@dataclass
class DocContext:
    """What the extractors work out once per document and share while they run on it: the
    sentence of each token, the named entities as tuples, each sentence's features. Kept on
    the Doc under one key, owned by this module, and dropped by :func:`release_context` when
    the document is done (so the Doc is left as it came)."""

    sent_bounds: list[tuple[int, int]] | None = None  # token index -> (sentence start, end)
    ents: list[tuple[int, int, str]] | None = None  # (start, end, label) of every entity, in order
    sent_feats: dict[tuple[int, int], list[str]] = field(default_factory=dict)  # sentence -> features
    ent_labels: dict[str, dict[str, int]] | None = None  # entity text, case folded -> label -> count
    person_tails: frozenset[str] | None = None  # the word-final parts of persons' names ("le pen")


_CONTEXT_KEY = "kg"


def doc_context(doc: Doc) -> DocContext:
    """The document's :class:`DocContext` (made on first use)."""
    ctx = doc.user_data.get(_CONTEXT_KEY)
    if ctx is None:
        ctx = doc.user_data[_CONTEXT_KEY] = DocContext()
    return ctx


def entity_labels(doc: Doc) -> tuple[dict[str, dict[str, int]], frozenset[str]]:
    """How often the model tags each entity text (case folded) with each label, and every
    word-final part of a PERSON entity's name ("Marine Le Pen" -> "le pen", "pen"), worked out
    once per document (the actor typing asks for each place name it does not know)."""
    ctx = doc_context(doc)
    if ctx.ent_labels is None or ctx.person_tails is None:
        labels: dict[str, dict[str, int]] = {}
        tails: set[str] = set()
        for e in doc.ents:
            text = e.text.strip().casefold()
            counts = labels.setdefault(text, {})
            counts[e.label_] = counts.get(e.label_, 0) + 1
            if e.label_ == "PERSON":
                words = text.split()
                tails.update(" ".join(words[k:]) for k in range(1, len(words)))
        ctx.ent_labels, ctx.person_tails = labels, frozenset(tails)
    return ctx.ent_labels, ctx.person_tails


def release_context(doc: Doc) -> None:
    """Forget what was worked out on ``doc``."""
    doc.user_data.pop(_CONTEXT_KEY, None)


def sentence_of(tok: Token) -> SpacySpan:
    """``tok.sent`` without its cost: spaCy walks the whole Doc on every ``Token.sent``, so the
    sentence bounds are computed once per Doc (in its :class:`DocContext`)."""
    doc = tok.doc
    ctx = doc_context(doc)
    bounds = ctx.sent_bounds
    if bounds is None or len(bounds) != len(doc):
        bounds = [(0, 0)] * len(doc)
        for sent in doc.sents:
            for i in range(sent.start, sent.end):
                bounds[i] = (sent.start, sent.end)
        ctx.sent_bounds = bounds
    start, end = bounds[tok.i]
    return doc[start:end]


# ---------------------------------------------------------------- conjuncts and objects


def conjuncts(tok: Token) -> list[Token]:
    """``tok`` and the nominal conjuncts after it ("X and Z" -> X, Z)."""
    return [tok] + [c for c in tok.conjuncts if c.i > tok.i and c.pos_ in ("NOUN", "PROPN", "PRON")]


def with_conjuncts(tokens: list[Token]) -> list[Token]:
    """Each token and its conjuncts: "X and Z condemned ..." has two holders."""
    return [x for t in tokens for x in conjuncts(t)]


def pobjs(prep: Token) -> list[Token]:
    """The objects of a preposition ("by X and Y" -> X; conjuncts come from :func:`with_conjuncts`)."""
    return [g for g in prep.children if g.dep_ == "pobj"]


# ---------------------------------------------------------------- subjects


def stance_subject(verb: Token, *, actorish: Callable[[Token], bool]) -> Token | None:
    """The subject of ``verb``, inherited through conjunction, control and relative clauses.
    ``actorish`` says whether a noun can name an actor ("officials backing X": officials)."""
    seen = 0
    v = verb
    while v is not None and seen < 6:
        seen += 1
        for c in v.children:
            if c.dep_ in ("nsubj", "csubj"):
                if c.tag_ in ("WDT", "WP") or c.lower_ in ("who", "that", "which"):  # relative pronoun
                    return v.head if v.dep_ == "relcl" else None
                return c
        if v.dep_ == "conj" and v.head.pos_ in ("VERB", "AUX"):
            v = v.head
            continue
        if v.dep_ == "xcomp":
            obj = [c for c in v.head.children if c.dep_ in ("dobj", "obj")]
            if obj:  # object control: "led Trump to praise Haftar"
                return obj[0]
            v = v.head
            continue
        if v.dep_ == "advcl" and v.tag_ == "VBG":  # "..., praising Haftar"
            v = v.head
            continue
        if v.dep_ == "relcl":
            return v.head
        if v.dep_ == "acl" and v.tag_ == "VBG" and actorish(v.head):  # "officials backing X"
            return v.head
        return None
    return None


def speech_subject(verb: Token) -> Token | None:
    """The subject (or passive agent) of a verb of saying, climbing through conjuncts,
    complements, participles and relative clauses; a relative pronoun is returned as it is
    (:mod:`kg.extract.statements` goes on to the noun it stands for)."""
    tok = verb
    for _ in range(5):
        for c in tok.children:
            if c.dep_ == "nsubj":
                return c
        for c in tok.children:  # passive with an agent: "was announced by the campaign"
            if c.dep_ == "agent":
                for g in c.children:
                    if g.dep_ == "pobj":
                        return g
        if tok.dep_ in ("conj", "xcomp", "advcl", "acl", "relcl", "pcomp", "prep") and tok.head.i != tok.i:
            if tok.dep_ in ("acl", "relcl") and tok.head.pos_ in ("NOUN", "PROPN", "PRON"):
                if tok.dep_ == "relcl":  # "Trump, who said ...": the noun is the speaker
                    return tok.head
                tok = tok.head  # "a statement saying ...": go to the verb the noun hangs on
                if tok.head.i == tok.i:
                    return None
            tok = tok.head
            continue
        return None
    return None


def _subject_child(head: Token, other_than: Token) -> Token | None:
    for c in head.children:
        if c.dep_ in ("nsubj", "nsubjpass") and c.i != other_than.i:
            return c
    return None


def governing_subject(tok: Token) -> Token | None:
    """The subject of the nearest clause above ``tok`` that has one (not ``tok`` itself)."""
    head = tok.head
    for _ in range(7):
        found = _subject_child(head, tok)
        if found is not None:
            return found
        if head.head.i == head.i:
            break
        head = head.head
    return None


def nearby_subject(tok: Token) -> Token | None:
    """The subject of the clause ``tok`` hangs on, climbing only across prepositions ("of
    his", "for them"), never into a clause above."""
    head = tok.head
    for _ in range(4):
        found = _subject_child(head, tok)
        if found is not None:
            return found
        if head.dep_ in ("prep", "pobj") and head.head.i != head.i:
            head = head.head
        else:
            break
    return None
