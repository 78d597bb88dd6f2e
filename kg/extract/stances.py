"""Stances: holder -> target (an actor) or topic, with polarity, cue, evidence and confidence.

Three sources, merged per (holder mention, target mention):

1. **Rules** (:mod:`kg.extract.stance_rules`): stance verbs, nouns and adjectives with their
   holder and target read off the parse — passives, conjuncts, negation, modality and questions
   handled. Inside a quote, a stance with no holder ("Haftar cannot be trusted") or a
   first-person holder ("we back X") belongs to the quote's speaker; a stance under a saying verb
   of someone else ("X said the U.S. still supports Y") is the U.S.'s, ``reported_by`` X.
2. **Quote phrases**: what a speaker says about an actor with a fixed phrase ("talking with X is
   out of the question", "X is a dictator").
3. **The learned pair classifiers** over pairs of named mentions in one sentence
   (:mod:`kg.extract.pair_scores`): a linear model over parse features, and a fine-tuned
   transformer encoder (:mod:`kg.extract.encoder`) on the pairs the linear one does not find
   clearly neutral, their probabilities blended; they abstain below a threshold.

Confidence is a probability that the stance (holder, target, polarity) is right: each source's
raw score (hedged and negated rule stances get less) goes through that source's calibration
map (:mod:`kg.extract.calibration`, fitted on DSA training rows held out from the models'
fitting). Precision matters more than recall here: a wrong "supports" misleads an analyst, so
when sources disagree on a pair the pair is dropped unless one is clearly more confident.
"""

from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass
from itertools import accumulate

import numpy as np
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from kg.extract import lexicon as lex
from kg.extract.actors import ActorIndex
from kg.extract.calibration import Calibration, default_calibration
from kg.extract.encoder import Encoder, default_encoder
from kg.extract.pair_scores import PairPlan, PairScores, plan_pairs
from kg.extract.stance_model import CLASSES, default_model, head_of
from kg.extract.stance_rules import ACTOR_LABELS, Cue, find_cues, mention_of
from kg.extract.syntax import release_context, sentence_of
from kg.records import Actor, ActorType, Span, Stance, Statement
from kg.settings import Settings

log = logging.getLogger(__name__)

# raw score of a rule stance by the kind of cue: roughly the share of rule stances that agree
# with the crowd label on the DSA training rows they touch (verbs 0.87, nouns 0.62, adjectives 0.7;
# the labels are noisy, so these are floors more than ceilings). Model stances score 0.9 x their
# class probability. Both are raw: kg.extract.calibration maps them to the emitted confidence.
RULE_CONFIDENCE = {"verb": 0.85, "noun": 0.65, "adj": 0.7, "phrase": 0.7}
_LEARNED = ("model", "accurate")  # stance sources that are the learned pair models
NEGATED_PENALTY = 0.15
HEDGED_FACTOR = 0.5
_TYPE_OF_LABEL = {
    "PERSON": ActorType.Person,
    "ORG": ActorType.Organization,
    "GPE": ActorType.Country,
    "NORP": ActorType.Group,
}


@dataclass
class _Raw:
    """A stance before actors are attached; mentions are token ranges."""

    holder: tuple[int, int] | None
    target: tuple[int, int]
    target_is_actor: bool
    polarity: str
    confidence: float
    cue: tuple[int, int] | None
    sent: SpacySpan
    negated: bool = False
    reporter: tuple[int, int] | None = None
    statement: Statement | None = None
    source: str = "rule"


@dataclass
class StanceResult:
    """The stances of a document, and its actors as they need them: the actor step's, then
    those only a stance names ("the protesters" as a target), which the actor step's index
    does not get."""

    stances: list[Stance]
    actors: list[Actor]


def extract_stances(
    doc: Doc, actors: ActorIndex, statements: list[Statement], *, settings: Settings | None = None
) -> StanceResult:
    """Every stance in ``doc``: ids ``t1``, ``t2``, ... in text order (the models ``settings``
    names; default :meth:`Settings.load`)."""
    pending = start_stances(doc, actors, statements, settings=settings)
    return finish_stances(pending, run_encoder(pending))


@dataclass
class PendingStances:
    """A document's stances up to the encoder: what the rules found and the pairs the learned
    models score (:class:`~kg.extract.pair_scores.PairPlan`). ``actors`` is this step's own
    copy of the actor index (:meth:`~kg.extract.actors.ActorIndex.fork`)."""

    doc: Doc
    actors: ActorIndex
    raws: list[_Raw]
    plan: PairPlan
    encoder: Encoder | None = None  # what reads plan.inputs (None: the linear model alone)
    calibration: Calibration | None = None  # raw score -> confidence (None: the raw score)

    @property
    def encoder_inputs(self) -> list:
        return self.plan.inputs


def start_stances(
    doc: Doc, actors: ActorIndex, statements: list[Statement], *, settings: Settings | None = None
) -> PendingStances:
    """Everything but the encoder pass: rules, quote phrases and the linear pair model (the
    models ``settings`` names; default :meth:`Settings.load`)."""
    settings = settings or Settings.load()
    encoder = default_encoder(settings)
    actors = actors.fork()  # the actors a stance names are added here, not to the actor step's index
    raws: list[_Raw] = []
    cues = find_cues(doc)
    statement_at = _StatementAt(statements)
    for cue in cues:
        raw = _from_cue(doc, cue, statement_at)
        if raw is not None:
            raws.append(raw)
    raws += _from_quote_phrases(doc, statements)
    plan = plan_pairs(doc, cues, default_model(settings), encoder)
    return PendingStances(doc, actors, raws, plan, encoder, default_calibration(settings))


def run_encoder(pending: PendingStances) -> list[np.ndarray] | None:
    """The encoder's answers for ``pending``, computed in this process (the pipeline may send
    ``pending.encoder_inputs`` to :mod:`kg.encoder_process` instead); None when it fails, so
    the document keeps its other stances. Unlike a rule, the encoder is a component that can
    fail for reasons outside the article (memory, a worker process that died): its failure is
    logged as an error and the article keeps what the rules and the linear model found."""
    if not pending.encoder_inputs or pending.encoder is None:
        return []
    try:
        return pending.encoder.probabilities(pending.encoder_inputs)
    except Exception:
        log.exception("stance encoder failed")
        return None


def finish_stances(pending: PendingStances, encoded: list[np.ndarray] | None) -> StanceResult:
    """The stances of ``pending`` with the encoder's answers ``encoded`` blended in, and the
    document's actors with those the stances named."""
    doc, raws = pending.doc, list(pending.raws)
    try:
        if encoded is not None:
            # the accurate encoder and the fast one each have their calibration map
            source = "accurate" if getattr(pending.encoder, "mode", None) == "accurate" else "model"
            raws += _from_model(doc, pending.plan.finish(encoded), source)
        built = _build(doc, pending.actors, _merge(raws), pending.calibration)
        return StanceResult(built, pending.actors.actors)
    finally:
        release_context(doc)  # leave the Doc as it came


# ---------------------------------------------------------------- sources


class _StatementAt:
    """The first of ``statements`` whose content holds a character, found by bisection when
    the statements come in order of their content's start (as the extractor returns them):
    one scan of every statement per stance cue made long articles quadratic."""

    def __init__(self, statements: list[Statement]):
        self.statements = statements
        starts = [s.content.start for s in statements]
        self.ordered = all(a <= b for a, b in zip(starts, starts[1:]))
        self.reach = list(accumulate((s.content.end for s in statements), max))  # furthest end so far

    def __call__(self, char: int) -> Statement | None:
        if not self.ordered:
            return next((s for s in self.statements if s.content.start <= char < s.content.end), None)
        # the first statement ending after ``char``; every one before it ends at or before
        # ``char``, and every one after it starts no earlier, so it is the answer if it starts
        # at or before ``char``
        k = bisect.bisect_right(self.reach, char)
        if k < len(self.statements):
            s = self.statements[k]
            if s.content.start <= char < s.content.end:
                return s
        return None


def _from_cue(doc: Doc, cue: Cue, statements: list[Statement] | _StatementAt) -> _Raw | None:
    tok = doc[cue.cue]
    at = statements if isinstance(statements, _StatementAt) else _StatementAt(statements)
    stmt = at(tok.idx)
    holder = cue.holder
    if holder is None or cue.holder_first_person:
        if stmt is None or stmt.speaker is None:
            return None
        holder = None  # the speaker holds it (attached in _build)
    if cue.target is None:
        return None
    conf = RULE_CONFIDENCE.get(cue.kind, 0.7)
    if cue.negated:
        conf -= NEGATED_PENALTY
    if cue.hedged:
        conf *= HEDGED_FACTOR
    polarity = "positive" if cue.polarity > 0 else "negative" if cue.polarity < 0 else "neutral"
    return _Raw(
        holder=holder,
        target=cue.target,
        target_is_actor=cue.target_is_actor,
        polarity=polarity,
        confidence=conf,
        cue=(tok.i, tok.i + 1),
        sent=sentence_of(tok),
        negated=cue.negated,
        reporter=cue.reporter,
        statement=stmt if (holder is None or cue.reporter is None) else None,
    )


_PHRASES = [(re.compile(r"\b" + re.escape(p) + r"\b", re.I), "negative") for p in lex.NEGATIVE_PHRASES] + [
    (re.compile(r"\b" + re.escape(p) + r"\b", re.I), "positive") for p in lex.POSITIVE_PHRASES
]


def _from_quote_phrases(doc: Doc, statements: list[Statement]) -> list[_Raw]:
    """ "Talking with X is out of the question" in X's opponent's quote: the speaker opposes X."""
    out: list[_Raw] = []
    text = doc.text  # Doc.text rebuilds the string on every access
    for st in statements:
        if st.speaker is None:
            continue
        for rx, polarity in _PHRASES:
            for m in rx.finditer(text, st.content.start, st.content.end):
                span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
                if span is None:
                    continue
                verb = span.root
                while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
                    verb = verb.head
                subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")]
                if not subj or any(c.dep_ == "neg" for c in verb.children) and polarity == "positive":
                    continue
                # the actors named in the subject: "Haftar", "talking with Haftar"
                targets = [mention_of(t) for t in subj[0].subtree if t.ent_type_ in ACTOR_LABELS or t is subj[0]]
                seen = set()
                for tm in targets:
                    if tm is None or not tm[1] or tm[0] in seen:
                        continue
                    seen.add(tm[0])
                    out.append(
                        _Raw(
                            holder=None,
                            target=tm[0],
                            target_is_actor=True,
                            polarity=polarity,
                            confidence=RULE_CONFIDENCE["phrase"],
                            cue=(span.start, span.end),
                            sent=sentence_of(span.root),
                            statement=st,
                            source="phrase",
                        )
                    )
    return out


def _from_model(doc: Doc, scores: PairScores, source: str = "model") -> list[_Raw]:
    out: list[_Raw] = []
    for (sent, a, b), p in zip(scores.pairs, scores.probs):
        k = int(p[1:].argmax()) + 1
        if p[k] < scores.threshold:
            continue
        label = CLASSES[k]
        holder, target = (a, b) if label.startswith("a_") else (b, a)
        if doc[holder[0]].ent_type_ not in ACTOR_LABELS and doc[holder[0]].pos_ != "PROPN":
            continue
        lca = _lowest_common(head_of(doc, a), head_of(doc, b))
        out.append(
            _Raw(
                holder=holder,
                target=target,
                target_is_actor=doc[target[0]].ent_type_ in ACTOR_LABELS
                or doc[target[0]].pos_ == "PROPN"
                and not doc[target[0]].ent_type_,
                polarity="positive" if "_pos_" in label else "negative",
                confidence=float(p[k]) * 0.9,
                cue=(lca.i, lca.i + 1) if lca is not None else None,
                sent=sent,
                source=source,
            )
        )
    return out


def _lowest_common(a, b):
    anc = {a.i} | {t.i for t in a.ancestors}
    for t in [b] + list(b.ancestors):
        if t.i in anc:
            return t
    return None


# ---------------------------------------------------------------- merging and records


def _merge(raws: list[_Raw]) -> list[_Raw]:
    """One stance per (holder, target) mention pair; rules and phrases before the model."""
    by_pair: dict[tuple, _Raw] = {}
    for r in raws:
        key = (r.holder, r.statement.id if r.holder is None and r.statement else None, r.target)
        rev = (r.target, None, r.holder) if r.holder is not None else None
        old = by_pair.get(key) or (by_pair.get(rev) if rev else None)
        if old is None:
            by_pair[key] = r
            continue
        okey = key if key in by_pair else rev
        assert okey is not None  # old was found under one of the two
        if old.source not in _LEARNED and r.source in _LEARNED:
            if old.polarity == r.polarity and key == okey:
                old.confidence = min(0.95, max(old.confidence, r.confidence) + 0.05)
            continue
        if r.confidence > old.confidence:
            del by_pair[okey]
            by_pair[key] = r
    return list(by_pair.values())


def _actor_type(doc: Doc, rng: tuple[int, int]) -> str:
    span = doc[rng[0] : rng[1]]
    root = span.root
    if root.ent_type_ in _TYPE_OF_LABEL:
        return _TYPE_OF_LABEL[root.ent_type_]
    low = root.lemma_.lower()
    if root.lower_ in lex.PERSON_PRONOUNS:
        return ActorType.Person
    if low in lex.GOVERNMENT_NOUNS:
        return ActorType.Government
    if low in lex.ORG_NOUNS:
        return ActorType.Organization
    if root.pos_ == "PROPN":
        return ActorType.Person if len(span) > 1 and all(t.is_title for t in span) else ActorType.Organization
    if low in lex.PERSON_ROLE_NOUNS:
        return ActorType.Person
    return ActorType.Group


def _actor_for(doc: Doc, actors: ActorIndex, rng: tuple[int, int]) -> Actor | None:
    span = doc[rng[0] : rng[1]]
    found = actors.resolve(span)
    if found is not None:
        return found
    root = span.root
    if root.pos_ == "PRON":
        return None  # an unresolved pronoun makes no actor of its own
    return actors.ensure(span, _actor_type(doc, rng))


def _sp(doc: Doc, rng: tuple[int, int] | None) -> Span | None:
    if rng is None:
        return None
    return Span.from_spacy(doc[rng[0] : rng[1]])


def _build(doc: Doc, actors: ActorIndex, raws: list[_Raw], calibration: Calibration | None) -> list[Stance]:
    rows: list[tuple[int, int, Stance, str]] = []
    for r in raws:
        stance = _record(doc, actors, r, calibration)
        if stance is not None:
            first = r.cue[0] if r.cue else r.sent.start
            rows.append((r.sent.start, first, stance, r.source))
    rows = _drop_contradicted(rows)
    rows.sort(key=lambda x: (x[0], x[1], x[2].holder_span.start if x[2].holder_span else 0))
    out = []
    for n, (_, _, st, _) in enumerate(rows, 1):
        st.id = f"t{n}"
        out.append(st)
    return out


def _drop_contradicted(rows: list[tuple[int, int, Stance, str]]) -> list[tuple[int, int, Stance, str]]:
    """Within one article, a model guess that contradicts a rule on the same holder and target
    goes: the rule read the words, the model only their surroundings."""
    ruled: dict[tuple[str, str], set[str]] = {}
    for _, _, st, source in rows:
        if source not in _LEARNED and st.target and st.polarity != "neutral" and not st.negated:
            ruled.setdefault((st.holder, st.target), set()).add(st.polarity)
    out = []
    for row in rows:
        st, source = row[2], row[3]
        pols = ruled.get((st.holder, st.target or ""))
        if source in _LEARNED and pols and st.polarity not in pols:
            continue
        out.append(row)
    return out


def _topic_text(doc: Doc, rng: tuple[int, int], limit: int = 16) -> str:
    """The issue a stance is about: the target's noun phrase with its complements ("the idea of
    negotiating with the military strongman"), cut at ``limit`` tokens."""
    head = doc[rng[0] : rng[1]].root
    end = rng[1]
    for child in head.rights:
        if child.dep_ in ("prep", "acl", "pcomp", "compound", "amod", "nummod"):
            end = max(end, child.right_edge.i + 1)
    end = min(end, rng[0] + limit)
    while end > rng[1] and (doc[end - 1].is_punct or doc[end - 1].pos_ in ("CCONJ", "ADP", "DET")):
        end -= 1
    return doc[rng[0] : end].text


def _record(doc: Doc, actors: ActorIndex, r: _Raw, calibration: Calibration | None) -> Stance | None:
    if r.holder is None:
        st = r.statement
        if st is None or st.speaker is None:
            return None
        holder_id, holder_span = st.speaker, st.source_span
    else:
        h = _actor_for(doc, actors, r.holder)
        if h is None:
            return None
        holder_id, holder_span = h.id, _sp(doc, r.holder)
    target_id = topic = None
    if r.target_is_actor:
        t = _actor_for(doc, actors, r.target)
        if t is None:
            return None
        target_id = t.id
        if target_id == holder_id:
            return None
    else:
        topic = _topic_text(doc, r.target)
    reported_by = None
    if r.reporter is not None:
        rep = actors.resolve(doc[r.reporter[0] : r.reporter[1]])
        if rep is not None and rep.id != holder_id:
            reported_by = rep.id
    elif r.statement is not None and r.holder is not None and r.statement.speaker not in (None, holder_id):
        reported_by = r.statement.speaker
    return Stance(
        id="",
        holder=holder_id,
        polarity=r.polarity,
        target=target_id,
        topic=topic,
        holder_span=holder_span,
        target_span=_sp(doc, r.target),
        cue=_sp(doc, r.cue),
        evidence=Span.from_spacy(r.sent),
        statement=r.statement.id if r.statement else None,
        confidence=round(
            max(0.0, min(1.0, calibration(r.source, r.confidence) if calibration is not None else r.confidence)), 4
        ),
        reported_by=reported_by,
        negated=r.negated,
        extractor="model" if r.source in _LEARNED else r.source,
        source=r.source,
        raw_confidence=r.confidence,
    )
