"""Rule-based stance cues on a parsed Doc: stance verbs, nouns and adjectives with their
holder and target read off the dependency parse.

Works on tokens only (no actors): returns :class:`Cue` records whose holder and target are
token ranges of the mention in this sentence. :mod:`kg.extract.stances` turns them into actors
and :class:`~kg.records.Stance` records; :mod:`kg.extract.stance_model` uses them as features.

What the rules understand
- verbs: "X praised Y", "Y was praised by X" (passive), "X sided with Y", "X lashed out at Y",
  "X and Z condemned Y and W" (conjuncts), "X refused to back Y" (negating verb),
  "what led X to praise Y" (object control), "X, who praised Y" (relative clause);
- nouns: "X's support for Y", "criticism of Y by X", "X voiced support for Y" (light verb);
- adjectives: "X is critical of Y";
- negation ("did not support" -> the opposite polarity, weaker), modality and questions
  (hedged: lower confidence), and a saying verb above the cue ("Z said the U.S. backs Y": the
  stance is reported by Z).
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Token

from kg.extract import lexicon as lex
from kg.extract.syntax import conjuncts, pobjs, sentence_of, stance_subject, with_conjuncts

# entity labels that name actors (holders or actor targets) and those that name issues
ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
TOPIC_LABELS = frozenset({"LOC", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW"})
_NAMED_LABELS = ACTOR_LABELS | TOPIC_LABELS
_SUBJ = ("nsubj", "nsubjpass", "csubj")


@dataclass
class Cue:
    """One stance read from a cue word; token ranges are [start, end) in the Doc."""

    cue: int  # token index of the cue word
    polarity: int  # +1 / -1 after negation; 0 when a negated negative leaves no stance
    holder: tuple[int, int] | None
    target: tuple[int, int] | None
    target_is_actor: bool
    kind: str  # verb | noun | adj | phrase
    negated: bool = False
    hedged: bool = False  # modal, hedging verb or question
    reporter: tuple[int, int] | None = None  # "Z said ...": Z's mention
    holder_first_person: bool = False  # "we support X": the holder is the speaker


# ---------------------------------------------------------------- mentions


def _strip(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Drop a leading determiner-less punctuation and a trailing possessive marker."""
    while end > start + 1 and (doc[end - 1].tag_ == "POS" or doc[end - 1].is_punct):
        end -= 1
    while start < end - 1 and doc[start].is_punct:
        start += 1
    return start, end


def _entity_range(tok: Token) -> tuple[int, int] | None:
    """The entity holding ``tok``, from the IOB tags (``doc.ents`` rebuilds spans on each access)."""
    if tok.ent_type_ and tok.ent_type_ in _NAMED_LABELS:
        doc = tok.doc
        start = tok.i
        while start > 0 and doc[start].ent_iob_ == "I":
            start -= 1
        end = tok.i + 1
        while end < len(doc) and doc[end].ent_iob_ == "I":
            end += 1
        return _strip(doc, start, end)
    return None


def is_actorish(tok: Token) -> bool:
    """A token that can head an actor mention: an actor entity, a pronoun, an actor noun."""
    if tok.ent_type_ in ACTOR_LABELS:
        return True
    low = tok.lower_
    if low in lex.PERSON_PRONOUNS or low in lex.GROUP_PRONOUNS or low in lex.FIRST_PERSON:
        return low not in ("it", "its") or tok.dep_ in _SUBJ
    return tok.lemma_.lower() in lex.ACTOR_NOUNS or tok.lower_ in lex.ACTOR_NOUNS


def mention_of(tok: Token) -> tuple[tuple[int, int], bool] | None:
    """The mention an argument headed by ``tok`` names: (token range, is_actor).

    The entity holding the head; else an actor entity among the head's pre-modifiers ("the
    Trump administration", "Haftar's forces"); else a possessor that names an actor ("the
    general's efforts" -> "the general"); else the head's own noun phrase when the head is a
    pronoun or an actor noun ("the senator"). Returns the noun phrase as a non-actor (topic)
    otherwise.
    """
    doc = tok.doc
    rng = _entity_range(tok)
    if rng is not None:
        return rng, tok.ent_type_ in ACTOR_LABELS
    low = tok.lower_
    if low in lex.RELATIONAL_PEOPLE:  # "Obama's critics" are not Obama
        return (tok.i, tok.i + 1), True
    if tok.pos_ == "NOUN" and (tok.lemma_.lower() in lex.ACTOR_NOUNS or low in lex.ACTOR_NOUNS):
        # "his internationally recognized government in Tripoli", "the Trump administration"
        end = tok.i + 1
        for child in tok.rights:
            if child.dep_ == "prep" and child.lower_ in ("of", "in", "from") and child.i == end:
                pobj = next((g for g in child.children if g.dep_ == "pobj"), None)
                if pobj is not None:
                    end = pobj.i + 1
            break
        return _strip(doc, tok.left_edge.i, end), True
    # pre-modifiers: compounds, possessors, adjectives ("Republican lawmakers")
    for child in sorted(tok.lefts, key=lambda c: -c.i):
        if child.dep_ in ("compound", "poss", "amod", "nmod"):
            sub = _entity_range(child)
            if (
                sub is not None
                and child.ent_type_ in ACTOR_LABELS
                and (child.ent_type_ != "GPE" or is_actorish(tok) or child.dep_ == "poss")
            ):
                return sub, True
            if child.dep_ == "poss" and is_actorish(child):
                return _strip(doc, child.left_edge.i, child.i + 1), True
            for g in child.lefts:
                if g.dep_ in ("compound", "poss") and g.ent_type_ in ACTOR_LABELS:
                    sub = _entity_range(g)
                    if sub is not None:
                        return sub, True
    if tok.pos_ in ("PRON",) or is_actorish(tok):
        start = min(
            (c.left_edge.i for c in tok.lefts if c.dep_ in ("det", "poss", "amod", "compound", "nmod")), default=tok.i
        )
        return _strip(doc, start, tok.i + 1), is_actorish(tok)
    if tok.pos_ in ("NOUN", "PROPN"):
        return _phrase(tok), False
    return None


def _phrase(tok: Token) -> tuple[int, int]:
    """The noun phrase of ``tok`` up to its head (its modifiers and complements left out:
    "a deadly attack on a church" -> "a deadly attack"), trailing punctuation dropped."""
    return _strip(tok.doc, tok.left_edge.i, tok.i + 1)


# ---------------------------------------------------------------- arguments


def _negated(tok: Token) -> bool:
    """``tok`` or a verb that embeds it is negated ("did not back", "refused to back")."""
    if any(c.dep_ == "neg" or c.lower_ in lex.NEGATORS for c in tok.children):
        return True
    head = tok.head
    if tok.dep_ == "xcomp" and head.i != tok.i:
        if head.lemma_ in lex.NEGATING_VERBS:
            return not any(c.dep_ == "neg" for c in head.children)
        if any(c.dep_ == "neg" for c in head.children):
            return True
    if tok.dep_ in ("acomp", "attr", "dobj") and head.pos_ in ("AUX", "VERB"):
        return any(c.dep_ == "neg" for c in head.children)
    return False


def _hedged(tok: Token) -> bool:
    """A modal, hedging verb or question around the cue: the stance is not (yet) taken."""
    sent = sentence_of(tok)
    if sent.text.rstrip().rstrip("\"'”’ ").endswith("?"):
        return True
    verb = tok if tok.pos_ in ("VERB", "AUX") else tok.head
    negated = any(c.dep_ == "neg" for c in verb.children)
    for c in verb.children:
        # "cannot be trusted", "will never back": a negated modal states the stance firmly
        if c.tag_ == "MD" and c.lower_ in lex.MODALS and not negated:
            return True
        if c.lower_ == "if" and c.dep_ == "mark":
            return True
    if verb.dep_ == "xcomp" and verb.head.lemma_ in lex.HEDGING_VERBS:
        return True
    return verb.dep_ == "advcl" and any(c.lower_ in ("if", "unless") for c in verb.children)


def _reporter(tok: Token) -> tuple[int, int] | None:
    """The subject of a saying verb that embeds ``tok`` ("Z said (that) X backs Y")."""
    t = tok
    steps = 0
    while t.head.i != t.i and steps < 8:
        steps += 1
        if t.dep_ in ("ccomp", "parataxis") or (t.dep_ == "conj" and steps > 1):
            h = t.head
            if h.lemma_ in lex.SAYING_VERBS or h.lemma_ == "assure":
                subj = stance_subject(h, actorish=is_actorish)
                if subj is None:  # "he's been assured by lawmakers that ..." is still his report
                    subj = next((c for c in h.children if c.dep_ == "nsubjpass"), None)
                if subj is not None:
                    m = mention_of(subj)
                    if m is not None and m[1]:
                        return m[0]
                return None
        t = t.head
    return None


# ---------------------------------------------------------------- rules


def _emit(out: list[Cue], cue: Token, pol: int, holders: list[Token], targets: list[Token], kind: str) -> None:
    negated = _negated(cue)
    if negated:
        pol = -1 if pol > 0 else 0  # "did not back" reads as opposition; "did not criticise" as none
    hedged = _hedged(cue)
    reporter = _reporter(cue)
    maybe_holders: list[Token | None] = list(holders) or [None]
    for h in maybe_holders:
        hm = mention_of(h) if h is not None else None
        if h is not None and (hm is None or not hm[1]):
            continue  # the holder is not an actor ("the plan supports ..."): no stance
        first = h is not None and h.lower_ in lex.FIRST_PERSON
        for t in targets:
            tm = mention_of(t)
            if tm is None:
                continue
            if hm is not None and tm[0] == hm[0]:
                continue
            out.append(
                Cue(
                    cue=cue.i,
                    polarity=pol,
                    holder=hm[0] if hm else None,
                    target=tm[0],
                    target_is_actor=tm[1],
                    kind=kind,
                    negated=negated,
                    hedged=hedged,
                    reporter=reporter,
                    holder_first_person=first,
                )
            )


def _verb_cues(tok: Token, out: list[Cue]) -> None:
    lemma = tok.lemma_.lower()
    pol = lex.verb_polarity(lemma)
    particle = next((c.lower_ for c in tok.children if c.dep_ == "prt"), None)
    if particle and (lemma, particle) in lex.PHRASAL_VERBS:
        pol = lex.PHRASAL_VERBS[(lemma, particle)]
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children)
    targets: list[Token] = []
    holders: list[Token] = []
    if passive:
        targets = [c for c in tok.children if c.dep_ == "nsubjpass"]
        if not targets and tok.dep_ == "acl":  # "the government backed by X"
            targets = [tok.head]
        for c in tok.children:
            if c.dep_ == "agent":
                holders += pobjs(c)
    elif tok.dep_ == "acl" and tok.tag_ == "VBN":  # "the UN-backed government", "the man praised by X"
        targets = [tok.head]
        for c in tok.children:
            if c.dep_ == "agent":
                holders += pobjs(c)
        passive = True
    else:
        subj = stance_subject(tok, actorish=is_actorish)
        holders = [subj] if subj is not None else []
        targets = [c for c in tok.children if c.dep_ in ("dobj", "obj")]
        for c in tok.children:
            if c.dep_ == "prep":
                key = (lemma, c.lower_)
                pp_pol = lex.PREP_VERBS.get(key)
                if pp_pol is None and particle:
                    pp_pol = lex.PREP_VERBS.get((lemma, particle)) if pol else None
                if pp_pol is not None or (pol and not targets and c.lower_ in ("against", "on", "at")):
                    pol = pp_pol if pp_pol is not None else pol
                    targets += pobjs(c)
    if not pol or not targets:
        return
    holders = with_conjuncts(holders)
    targets = with_conjuncts(targets)
    _emit(out, tok, pol, holders, targets, "verb")


def _noun_cues(tok: Token, out: list[Cue]) -> None:
    pol = lex.noun_polarity(tok.lemma_.lower())
    if not pol:
        return
    holders: list[Token] = []
    targets: list[Token] = []
    for c in tok.children:
        if c.dep_ == "poss":
            holders.append(c)
        elif c.dep_ in ("prep", "agent") and c.lower_ in ("by", "from"):
            holders += pobjs(c)
        elif c.dep_ == "prep" and c.lower_ in lex.TARGET_PREPS:
            targets += pobjs(c)
        elif c.dep_ == "compound" and c.ent_type_ in ACTOR_LABELS and pol:
            targets.append(c)  # "Clinton criticism", "Trump support": the compound is the target
    head = tok.head
    if not holders and tok.dep_ in ("dobj", "obj") and head.lemma_.lower() in lex.LIGHT_VERBS:
        subj = stance_subject(head, actorish=is_actorish)
        if subj is not None:
            holders.append(subj)
        for c in head.children:  # "X threw his support behind Y": the target hangs on the verb
            if c.dep_ == "prep" and c.lower_ in lex.TARGET_PREPS:
                targets += pobjs(c)
    if not targets or not holders:
        return
    # "X's support of the plan by Y" is rare; a possessor that is also the target is not a holder
    holders = with_conjuncts(holders)
    targets = with_conjuncts(targets)
    _emit(out, tok, pol, holders, targets, "noun")


def _relational_cues(tok: Token, out: list[Cue]) -> None:
    """ "X, a critic of Y", "X is a staunch supporter of Y", "X became a Y supporter"."""
    pol = lex.RELATIONAL_NOUNS.get(tok.lemma_.lower(), 0)
    if not pol:
        return
    targets = [g for c in tok.children if c.dep_ == "prep" and c.lower_ in ("of", "to") for g in pobjs(c)]
    targets += [
        c
        for c in tok.children
        if c.dep_ in ("compound", "poss", "nmod", "amod") and c.ent_type_ in ACTOR_LABELS and c.ent_type_ != "GPE"
    ]
    if not targets:
        return
    holders: list[Token] = []
    if tok.dep_ == "appos":
        holders = [tok.head]
    elif tok.dep_ in ("attr", "oprd"):
        verb = tok.head
        holders = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        if not holders:
            s = stance_subject(verb, actorish=is_actorish)
            holders = [s] if s is not None else []
    if not holders:
        return
    holders = with_conjuncts(holders)
    _emit(out, tok, pol, holders, targets, "noun")


def _adj_cues(tok: Token, out: list[Cue]) -> None:
    pol = lex.adj_polarity(tok.lemma_.lower())
    if not pol or tok.dep_ not in ("acomp", "amod", "oprd", "attr", "conj"):
        return
    targets = [g for c in tok.children if c.dep_ == "prep" and c.lower_ in lex.TARGET_PREPS for g in pobjs(c)]
    if not targets:
        return
    if tok.dep_ == "amod":
        holders = [tok.head]
    else:
        verb = tok.head
        holders = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        if not holders:
            s = stance_subject(verb, actorish=is_actorish)
            holders = [s] if s is not None else []
    holders = with_conjuncts(holders)
    _emit(out, tok, pol, holders, targets, "adj")


def _under_cues(tok: Token, out: list[Cue]) -> None:
    """ "X came under attack from Y", "X, which has come under assault by Y": Y against X."""
    if tok.dep_ != "prep":
        return
    noun = next((c for c in tok.children if c.dep_ == "pobj"), None)
    if noun is None:
        return
    pol = lex.UNDER_NOUNS.get(noun.lemma_.lower(), 0)
    verb = tok.head
    if not pol or verb.pos_ not in ("VERB", "AUX"):
        return
    holders = [
        g
        for side in (verb, noun)
        for c in side.children
        if c.dep_ in ("prep", "agent") and c.lower_ in ("by", "from")
        for g in pobjs(c)
    ]
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is not None and subj.lower_ in ("which", "who", "that") and verb.dep_ == "relcl":
        subj = verb.head  # the relative pronoun stands for the noun the clause hangs on
    if subj is None or not holders:
        return
    holders = with_conjuncts(holders)
    _emit(out, noun, pol, holders, conjuncts(subj), "phrase")


def find_cues(doc: Doc) -> list[Cue]:
    """Every stance cue in ``doc`` with its holder and target mentions, in text order."""
    out: list[Cue] = []
    for tok in doc:
        try:
            if tok.pos_ == "VERB":
                _verb_cues(tok, out)
            elif tok.pos_ in ("NOUN", "PROPN"):
                _noun_cues(tok, out)
                _relational_cues(tok, out)
            elif tok.pos_ == "ADJ":
                _adj_cues(tok, out)
            elif tok.pos_ == "ADP" and tok.lower_ == "under":
                _under_cues(tok, out)
        except (IndexError, ValueError, RecursionError):  # a malformed parse: skip the cue
            continue
    return out
