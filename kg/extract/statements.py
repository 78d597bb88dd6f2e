"""Statements: direct quotes and reported speech, with speaker, cue and content.

Two sources of evidence, combined in one linear pass over a parsed Doc:

1. **The dependency parse.** A verb of saying (or, for beliefs, of thinking) with a clausal
   complement is an attribution: speaker = its subject's noun phrase, cue = the verb, content =
   the complement clause (``X said (that) ...``, ``..., X said.``, ``X urged Y to ...``), and
   ``according to X, ...`` makes X the source of the clause it modifies.
2. **Quotation marks** (:mod:`kg.extract.quotes`). A quotation is linked to the attribution whose
   complement it is; else to a verb of saying right after it (``"...," he said`` — also when the
   model has split that into a sentence of its own) or right before it (``He said: "..."``).
   A quotation that follows its own attribution (``"A," he said. "B."``) or runs on into the next
   paragraph joins the same statement as a further fragment; a partial quotation inside reported
   speech stays part of that reported speech (PolNeAR's convention), not a statement of its own.

Also: ``X called the plan "a disaster"`` and ``X criticized Y for ...`` (object content),
``X released a statement: "..."`` (the subject before a colon speaks), beliefs with a clausal
complement (``X believes ...``: PolNeAR counts them). A verb of saying inside a quotation is part of
the quoted words, not a statement of its own, and of two attributions over nearly the same words
only the stronger is kept (quotation > verb of saying > object verb > belief).

Speakers are resolved with :meth:`ActorIndex.resolve`; ``source_span`` is always the words that
name the speaker here (a relative pronoun is replaced by its noun, a dateline is skipped, an
apposition keeps its closing comma as PolNeAR's spans do). Every rule is linear in the number of
tokens (no re-parsing, one regex pass over the text for quotation marks). Odd text never raises:
anything that cannot be read is skipped and logged.
"""

from __future__ import annotations

import bisect
import logging
from dataclasses import dataclass, field
from typing import Literal

from spacy.tokens import Doc, Token

from kg.extract.actors import ActorIndex
from kg.extract.lexicon import (
    ACCORDING,
    COGNITION_VERBS,
    NAMING_VERBS,
    OBJECT_VERBS,
    QUOTE_ONLY_VERBS,
    RELATIVE_PRONOUNS,
    SPEECH_VERBS,
    XCOMP_VERBS,
)
from kg.extract.quotes import Quote, find_quotes, paragraph_breaks
from kg.extract.syntax import speech_subject
from kg.records import Span, Statement

log = logging.getLogger(__name__)

_QUOTE_CHARS = set("\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e")
_SUBJ = ("nsubj",)
_FILLER = {"that", "and", "but", ":", ",", "-", "\u2014", "\u2013", "whether", "if"}
_WINDOW = 14  # tokens searched beside a quotation for its verb of saying


@dataclass(eq=False)  # compared by identity: two attributions may hold the same values
class _Att:
    """An attribution being built: token ranges are half-open ``(start, end)`` token indices."""

    cue: int  # token index of the cue word
    cue_end: int  # one past the last cue token
    source: tuple[int, int] | None
    speaker_tok: int | None
    content: list[tuple[int, int]] = field(default_factory=list)
    direct: bool = False
    quotes: list[int] = field(default_factory=list)  # indices into the quote list
    reach: int = 0  # one past the last token this attribution's words cover
    rank: int = 1  # 0 direct quote, 1 verb of saying, 2 verb with an object content, 3 belief


def extract_statements(doc: Doc, actors: ActorIndex) -> list[Statement]:
    """Direct quotes and reported speech in ``doc``, in text order (ids ``s1, s2, ...``)."""
    return _Extractor(doc, actors).run()


class _Extractor:
    def __init__(self, doc: Doc, actors: ActorIndex):
        self.doc = doc
        self.actors = actors
        self.text = doc.text
        # a quoted attribute value in markup (<tweet id="...">) is no quotation
        self.quotes: list[Quote] = [
            q for q in find_quotes(self.text) if not (q.start > 0 and self.text[q.start - 1] == "=")
        ]
        self.starts = [t.idx for t in doc]
        n = len(doc)
        # quotation index per token (-1: outside every quotation)
        self.in_quote = [-1] * n
        self.qrange: list[tuple[int, int]] = []
        for qi, q in enumerate(self.quotes):
            a = bisect.bisect_left(self.starts, q.start)
            b = bisect.bisect_left(self.starts, q.end)
            self.qrange.append((a, b))
            for i in range(a, b):
                self.in_quote[i] = qi
        # paragraph index per token
        breaks = paragraph_breaks(self.text)
        self.para = [bisect.bisect_right(breaks, t.idx) for t in doc]
        # token bounds of each paragraph: an attribution never reaches across a paragraph break
        self.pbounds: dict[int, tuple[int, int]] = {}
        for i, p in enumerate(self.para):
            a, _ = self.pbounds.get(p, (i, i))
            self.pbounds[p] = (a, i + 1)

    def _clip(self, a: int, b: int, anchor: int) -> tuple[int, int]:
        """``(a, b)`` cut to the paragraph of token ``anchor``."""
        pa, pb = self.pbounds.get(self.para[anchor], (a, b))
        return max(a, pa), min(b, pb)

    # ------------------------------------------------------------------ parse-based
    def _subject(self, verb: Token) -> Token | None:
        """The subject of ``verb``, climbing through conjuncts and participles (``saying``),
        from a relative pronoun to its noun, and never outside the verb's paragraph."""
        subj = speech_subject(verb)
        if subj is not None and subj.lower_ in RELATIVE_PRONOUNS:
            tok = verb
            for _ in range(4):  # "commentators who have suggested": the noun the clause hangs on
                if tok.dep_ == "relcl" and tok.head.pos_ in ("NOUN", "PROPN", "PRON"):
                    subj = tok.head
                    break
                if tok.head.i == tok.i:
                    break
                tok = tok.head
        if subj is not None and subj.i < verb.i:
            # "WASHINGTON (AP) -- Trump and Ryan pledged": a dateline is not the subject
            for j in range(subj.i + 1, verb.i):
                if self.doc[j].text in ("\u2014", "\u2013", "--") and self.para[j] == self.para[verb.i]:
                    bare = self._bare_subject(j + 1, verb.i, verb)
                    if bare is not None:
                        subj = bare
                    break
        if subj is not None and self.para[subj.i] != self.para[verb.i]:
            # "12:15 p.m.:\n\nObama says": the parse joined a heading to the sentence
            pa, _ = self.pbounds[self.para[verb.i]]
            subj = self._bare_subject(pa, verb.i, verb) if verb.i > pa else None
        return subj

    def _np(self, head: Token, stop: Token | None = None) -> tuple[int, int]:
        """Token range of the noun phrase headed by ``head``, kept outside quotations, inside its
        paragraph and short of ``stop`` (the cue), trimmed of punctuation at its edges."""
        doc = self.doc
        a, b = head.left_edge.i, head.right_edge.i + 1
        if head.ent_iob_ in ("B", "I"):
            # a phrase never cuts the name its head is in: a bad parse of "Wal-Mart criticised"
            # makes each of "Wal", "-", "Mart" a subject of its own
            s, e = head.i, head.i + 1
            while s > 0 and doc[s].ent_iob_ == "I":
                s -= 1
            while e < len(doc) and doc[e].ent_iob_ == "I":
                e += 1
            a, b = min(a, s), max(b, e)
        a, b = self._clip(a, b, head.i)
        if stop is not None and a <= stop.i < b:
            if stop.i > head.i:
                b = stop.i
            else:
                a = stop.i + 1
        if head.i < a or head.i >= b:
            a, b = head.i, head.i + 1
        # stay between the quotations around the head
        for i in range(head.i - 1, a - 1, -1):
            if self.in_quote[i] >= 0:
                a = i + 1
                break
        for i in range(head.i + 1, b):
            if self.in_quote[i] >= 0:
                b = i
                break
        while b - 1 > a and (doc[b - 1].is_space or (doc[b - 1].is_punct and doc[b - 1].text not in ")]")):
            b -= 1
        while a < b - 1 and (doc[a].is_punct or doc[a].is_space):
            a += 1
        # "X, a spokesman for Y," / "X -- a teacher --": PolNeAR's source spans keep the mark
        # closing an apposition
        if (
            b < len(doc)
            and self.in_quote[b] < 0
            and doc[b].text in (",", "\u2014", "\u2013", "--")
            and any(doc[i].text == doc[b].text for i in range(a, b))
        ):
            b += 1
        return a, b

    def _content_range(
        self, comp: Token, exclude: Token | None = None, cue: Token | None = None
    ) -> list[tuple[int, int]]:
        """The complement's tokens as ranges, minus ``exclude``'s subtree, edges trimmed, inside
        the cue's paragraph."""
        anchor = cue if cue is not None else (exclude if exclude is not None else comp)
        a, b = self._clip(comp.left_edge.i, comp.right_edge.i + 1, anchor.i)
        # "He said A and said B": the second verb of saying starts an attribution of its own
        for i in range(max(a, comp.i + 1), b):
            t = self.doc[i]
            if t.dep_ == "conj" and t.pos_ == "VERB" and t.lemma_.lower() in SPEECH_VERBS:
                b = i - 1 if i - 1 > a and self.doc[i - 1].dep_ == "cc" else i
                break
        pieces = [(a, b)]
        if exclude is not None and a <= exclude.i < b:
            xa, xb = exclude.left_edge.i, exclude.right_edge.i + 1
            pieces = [(a, xa), (xb, b)]
        out = []
        for a, b in pieces:
            a, b = self._trim(a, b)
            if b > a:
                out.append((a, b))
        return out

    def _trim(self, a: int, b: int) -> tuple[int, int]:
        doc = self.doc
        while b > a and (
            doc[b - 1].is_space
            or (doc[b - 1].is_punct and doc[b - 1].text not in _QUOTE_CHARS and doc[b - 1].text != "''")
        ):
            b -= 1
        while a < b and (
            doc[a].is_space or (doc[a].is_punct and doc[a].text not in _QUOTE_CHARS and doc[a].text != "''")
        ):
            a += 1
        return a, b

    def _cue_end(self, verb: Token) -> int:
        end = verb.i + 1
        for c in verb.children:
            if c.dep_ == "prt" and c.i == end:
                end += 1
        return end

    def _make_att(self, verb: Token, speaker: Token | None, content: list[tuple[int, int]]) -> _Att:
        source = self._np(speaker, stop=verb) if speaker is not None else None
        # "the town halls which he said could not be corrupted": the clause spans its own cue
        content = self._without(content, (verb.i, self._cue_end(verb)))
        if source is not None:
            content = self._without(content, source)
        reach = max([verb.i + 1] + [b for _, b in content] + ([source[1]] if source else []))
        return _Att(
            cue=verb.i,
            cue_end=self._cue_end(verb),
            source=source,
            speaker_tok=speaker.i if speaker is not None else None,
            content=content,
            reach=reach,
        )

    def _without(self, ranges: list[tuple[int, int]], cut: tuple[int, int]) -> list[tuple[int, int]]:
        out = []
        for a, b in ranges:
            if cut[0] < b and cut[1] > a:
                for pa, pb in ((a, cut[0]), (cut[1], b)):
                    pa, pb = self._trim(pa, pb)
                    if pb > pa:
                        out.append((pa, pb))
            else:
                out.append((a, b))
        return out

    def parse_attributions(self) -> list[_Att]:
        """Every verb-of-saying / belief attribution and ``according to`` in the parse."""
        atts: list[_Att] = []
        for tok in self.doc:
            att = self._attribution_of(tok)
            if att is not None and att.content and self.in_quote[att.cue] < 0:
                # a cue inside a quotation is part of the quoted words, not a statement of its own
                atts.append(att)
        return atts

    def _attribution_of(self, tok: Token) -> _Att | None:
        lower = tok.lower_
        if lower == ACCORDING:
            return self._according(tok)
        if tok.pos_ not in ("VERB", "AUX") or tok.dep_ == "amod":
            return None
        lemma = tok.lemma_.lower()
        speech = lemma in SPEECH_VERBS or self._point_out(tok)
        if not speech and lemma not in COGNITION_VERBS and lemma not in NAMING_VERBS and lemma not in OBJECT_VERBS:
            return None
        comp = None
        for c in tok.children:
            if c.dep_ == "ccomp":
                comp = c
                break
        if comp is None and lemma in XCOMP_VERBS:
            for c in tok.children:
                if c.dep_ == "xcomp" and c.i > tok.i:
                    comp = c
                    break
        if comp is not None:
            speaker = self._subject(tok)
            content = self._content_range(comp, cue=tok)
            # "X says A but B": the parse often hangs clause B on the verb of saying
            for c in tok.children:
                if (
                    c.dep_ == "conj"
                    and c.i > comp.right_edge.i
                    and content
                    and any(g.dep_ in _SUBJ for g in c.children)
                    and c.lemma_.lower() not in SPEECH_VERBS
                    and self.para[c.i] == self.para[tok.i]
                ):
                    a, b = self._trim(content[-1][0], c.right_edge.i + 1)
                    content[-1] = (a, b)
            att = self._make_att(tok, speaker, content)
            att.rank = 1 if speech else 3
            return att
        if lemma in NAMING_VERBS or lemma in OBJECT_VERBS:
            obj_att = self._object_att(tok, lemma)
            if obj_att is not None:
                obj_att.rank = 2
            return obj_att
        # "The plan, he said, will fail": the cue hangs on the clause it reports
        if speech and tok.dep_ == "parataxis" and tok.head.pos_ in ("VERB", "AUX"):
            speaker = self._subject(tok)
            if speaker is not None:
                return self._make_att(tok, speaker, self._content_range(tok.head, exclude=tok))
        return None

    def _point_out(self, tok: Token) -> bool:
        return tok.lemma_.lower() == "point" and any(c.dep_ == "prt" and c.lower_ == "out" for c in tok.children)

    def _object_att(self, tok: Token, lemma: str) -> _Att | None:
        """``called the show "the best"``, ``criticized Trump for ...``: the object is the content."""
        obj = next((c for c in tok.children if c.dep_ == "dobj" and c.i > tok.i), None)
        if obj is None:
            return None
        a, b = obj.left_edge.i, obj.right_edge.i + 1
        for c in tok.children:
            if c.i < b:
                continue
            if lemma in NAMING_VERBS and c.dep_ in ("oprd", "attr", "xcomp", "ccomp") and c.i == b:
                b = c.right_edge.i + 1
            elif lemma in OBJECT_VERBS and c.dep_ == "prep" and c.lower_ in ("of", "for", "over", "as") and c.i == b:
                b = c.right_edge.i + 1
        if lemma in NAMING_VERBS and b == obj.right_edge.i + 1:
            return None  # "called Trump" alone names nothing
        a, b = self._trim(*self._clip(a, b, tok.i))
        if b <= a:
            return None
        return self._make_att(tok, self._subject(tok), [(a, b)])

    def _according(self, tok: Token) -> _Att | None:
        nxt = tok.nbor(1) if tok.i + 1 < len(self.doc) else None
        if nxt is None or nxt.lower_ != "to":
            return None
        pobj = next((c for c in nxt.children if c.dep_ == "pobj"), None)
        if pobj is None:
            pobj = next((c for c in tok.children if c.dep_ == "pobj"), None)
        if pobj is None:
            return None
        source = self._np(pobj)
        head = tok.head
        if head.i == tok.i:
            return None
        # the clause the prepositional phrase modifies, minus the phrase itself
        root = head
        while root.pos_ not in ("VERB", "AUX") and root.head.i != root.i:
            root = root.head
        sent = tok.sent
        a, b = root.left_edge.i, root.right_edge.i + 1
        if root.pos_ not in ("VERB", "AUX"):
            a, b = sent.start, sent.end
        xa, xb = tok.i, max(pobj.right_edge.i, nxt.i) + 1
        pieces = []
        for pa, pb in ((a, min(xa, b)), (max(xb, a), b)):
            pa, pb = self._trim(pa, pb)
            if pb > pa:
                pieces.append((pa, pb))
        att = _Att(
            cue=tok.i,
            cue_end=nxt.i + 1,
            source=source,
            speaker_tok=pobj.i,
            content=pieces,
            reach=max([xb] + [pb for _, pb in pieces]),
        )
        return att

    # ------------------------------------------------------------------ quotations
    def _is_cue_word(self, tok: Token) -> bool:
        lemma = tok.lemma_.lower()
        if tok.pos_ not in ("VERB", "AUX") or tok.dep_ == "amod":
            return False
        if lemma in NAMING_VERBS:  # "called the plan ...", not "the so-called ..."
            return any(c.dep_ == "dobj" for c in tok.children)
        return lemma in SPEECH_VERBS or lemma in QUOTE_ONLY_VERBS or self._point_out(tok)

    def _outside(self, att: _Att, qi: int) -> int:
        """How many content words of ``att`` lie outside quotation ``qi``."""
        n = 0
        for a, b in att.content:
            for i in range(a, b):
                if self.in_quote[i] != qi:
                    t = self.doc[i]
                    if not (t.is_punct or t.is_space or t.lower_ in _FILLER):
                        n += 1
        return n

    def _frame_after(self, qi: int, atts_by_cue: dict[int, _Att]) -> _Att | None:
        """``"...," he said`` / ``"..." said Mr. X`` / ``"...," according to X``."""
        qa, qb = self.qrange[qi]
        doc, n = self.doc, len(self.doc)
        para = self.para[qa] if qa < n else -1
        k = qb
        while k < n and (doc[k].is_punct or doc[k].is_space) and self.in_quote[k] < 0 and self.para[k] == para:
            k += 1
        first = k
        for k in range(first, min(n, first + 4 * _WINDOW)):
            t = doc[k]
            if self.in_quote[k] >= 0 or self.para[k] != para:
                return None
            if t.lower_ == ACCORDING and k == first:
                att = atts_by_cue.get(k) or self._according_bare(t)
                return att
            if self._is_cue_word(t):
                att = atts_by_cue.get(k)
                if att is not None and att.content and not self._content_in_quote(att, qi):
                    return None  # this verb reports something else
                # everything between the quotation and the verb must belong to the verb
                # everything between the quotation and the verb belongs to it or is a plain noun
                # phrase (its subject, which the parse may have hung elsewhere)
                if all(
                    doc[j].is_punct or doc[j].is_space or t.is_ancestor(doc[j]) or doc[j].pos_ not in ("VERB", "AUX")
                    for j in range(first, k)
                ):
                    speaker = self._subject(t)
                    if speaker is not None and (self.in_quote[speaker.i] >= 0 or self.para[speaker.i] != para):
                        speaker = None
                    if speaker is None:
                        speaker = self._bare_subject(first, k, t)
                    if speaker is None and (k == first or not doc[k - 1].is_punct):
                        # "...," said the senator -- parse lost the subject: nearest noun after
                        speaker = self._noun_after(t)
                    return self._make_att(t, speaker, [])
                return None
            if t.is_sent_end and t.is_punct and k > first:
                return None
        return None

    def _frame_before(self, qi: int, atts_by_cue: dict[int, _Att]) -> _Att | None:
        """``He said: "..."`` / ``Mr. X told reporters, "..."`` / ``X wrote:\\n\\n"..."``."""
        qa, _ = self.qrange[qi]
        doc = self.doc
        if qa <= 0:
            return None
        para = self.para[qa]
        k = qa - 1
        while k >= 0 and (doc[k].is_punct or doc[k].is_space) and self.in_quote[k] < 0:
            k -= 1
        if k < 0:
            return None
        gap = self.text[doc[k].idx + len(doc[k].text) : self.quotes[qi].start]
        if any(ch in gap for ch in ".?!"):
            return None  # the quotation opens a new sentence: nothing before introduces it
        if self.para[k] != para:
            # only a paragraph that ends in a colon introduces the next one
            tail = self.text[doc[k].idx : qa].strip()
            if not tail.startswith(":") and doc[k].text != ":":
                gap = self.text[doc[k].idx + len(doc[k].text) : self.quotes[qi].start]
                if ":" not in gap:
                    return None
        last = k
        found = self._cue_before(qi, last, atts_by_cue)
        if found is not None or ":" not in gap:
            return found if found is not False else None
        return self._colon_att(last)

    def _colon_att(self, last: int) -> _Att | None:
        """``Clinton released the following statement: "..."`` -- the sentence's subject speaks."""
        root = self.doc[last].sent.root
        subj = next((c for c in root.children if c.dep_ in _SUBJ), None)
        if subj is None or subj.lower_ in ("it", "this", "that", "there", "here", "which", "what"):
            return None
        if subj.pos_ not in ("PROPN", "PRON", "NOUN") or self.in_quote[subj.i] >= 0:
            return None
        colon = next((j for j in range(last, min(len(self.doc), last + 3)) if self.doc[j].text == ":"), None)
        att = _Att(
            cue=colon if colon is not None else -1,
            cue_end=(colon + 1) if colon is not None else -1,
            source=self._np(subj, stop=root),
            speaker_tok=subj.i,
        )
        return att

    def _cue_before(self, qi: int, last: int, atts_by_cue: dict[int, _Att]) -> _Att | None | Literal[False]:
        """The verb of saying ending right before quotation ``qi`` (False: something else is there)."""
        doc = self.doc
        for k in range(last, max(-1, last - _WINDOW), -1):
            t = doc[k]
            if self.in_quote[k] >= 0:
                return None
            if self._is_cue_word(t):
                att = atts_by_cue.get(k)
                if att is not None and att.content and not self._content_in_quote(att, qi):
                    return False
                if all(
                    doc[j].is_punct or doc[j].is_space or t.is_ancestor(doc[j]) or doc[j].lower_ == "that"
                    for j in range(k + 1, last + 1)
                ):
                    return self._make_att(t, self._subject(t), [])
                return False
            if t.is_sent_start and k < last and k > 0 and self.para[k - 1] == self.para[k]:
                # crossed into an earlier sentence without finding the cue
                return None
        return None

    def _content_in_quote(self, att: _Att, qi: int) -> bool:
        return self._outside(att, qi) <= 2 and any(self.in_quote[i] == qi for a, b in att.content for i in range(a, b))

    def _bare_subject(self, a: int, b: int, verb: Token) -> Token | None:
        """A noun or pronoun between the quotation and the verb (the parse lost the link)."""
        for j in range(b - 1, a - 1, -1):
            t = self.doc[j]
            if t.pos_ in ("PROPN", "PRON", "NOUN"):
                root = t
                while root.head.i != root.i and a <= root.head.i < b and root.head.pos_ in ("PROPN", "NOUN"):
                    root = root.head
                return root
        return None

    def _noun_after(self, verb: Token) -> Token | None:
        doc = self.doc
        for j in range(verb.i + 1, min(len(doc), verb.i + 6)):
            t = doc[j]
            if self.in_quote[j] >= 0 or t.is_sent_start:
                return None
            if t.pos_ in ("PROPN", "PRON", "NOUN"):
                while (
                    t.head.i != t.i
                    and t.head.i > verb.i
                    and t.head.pos_ in ("PROPN", "NOUN")
                    and t.dep_ in ("compound", "flat")
                ):
                    t = t.head
                return t
        return None

    def _according_bare(self, tok: Token) -> _Att | None:
        nxt = tok.nbor(1) if tok.i + 1 < len(self.doc) else None
        if nxt is None or nxt.lower_ != "to":
            return None
        pobj = next((c for c in nxt.children if c.dep_ == "pobj"), None)
        if pobj is None:
            return None
        return _Att(
            cue=tok.i, cue_end=nxt.i + 1, source=self._np(pobj), speaker_tok=pobj.i, reach=pobj.right_edge.i + 1
        )

    # ------------------------------------------------------------------ assembly
    def run(self) -> list[Statement]:
        atts = self.parse_attributions()
        atts_by_cue = {a.cue: a for a in atts}
        self.cues = sorted(atts_by_cue)
        quote_atts = self._attribute_quotes(atts, atts_by_cue)  # statements made of quotations (direct)
        out_atts: list[_Att] = list(quote_atts)
        for att in atts:
            if att.direct or att in quote_atts:
                continue
            out_atts.append(att)
        for att in out_atts:
            if att.direct:
                att.rank = 0
        return self._numbered(self._dedupe(out_atts))

    def _quote_holders(self, atts: list[_Att]) -> dict[int, list[_Att]]:
        """Quotation number -> the attributions whose contents hold it."""
        holders: dict[int, list[_Att]] = {}
        att: _Att | None  # each attribution here, then each quotation's below
        for att in atts:
            seen: set[int] = set()
            for a, b in att.content:
                for i in range(a, b):
                    qi = self.in_quote[i]
                    if qi >= 0 and qi not in seen:
                        seen.add(qi)
                        holders.setdefault(qi, []).append(att)
        return holders

    def _attribute_quotes(self, atts: list[_Att], atts_by_cue: dict[int, _Att]) -> list[_Att]:
        """Each quotation's attribution: the reported speech right around it, else a saying
        verb framing it, else the quotation before it continued, else (a quotation that reads
        as a sentence) an unattributed one; the attributions that hold quotations, in order."""
        doc = self.doc
        holders = self._quote_holders(atts)
        quote_atts: list[_Att] = []
        frame_atts: dict[int, _Att] = {}
        last_direct: _Att | None = None
        for qi, _q in enumerate(self.quotes):
            qa, qb = self.qrange[qi]
            if qb <= qa:
                continue
            if self.in_quote[qa] != qi:
                continue
            att = None
            partial = False
            for h in holders.get(qi, []):
                if self.in_quote[h.cue] == qi:
                    continue  # a cue inside the quotation reports something nested in it
                if self._outside(h, qi) <= 2:
                    att = h
                    break
                partial = True
            if att is None and partial:
                continue  # a partial quotation inside reported speech
            if att is None:
                att = self._frame_after(qi, atts_by_cue) or self._frame_before(qi, atts_by_cue)
                if att is not None:  # one verb introducing two quotations makes one statement
                    att = atts_by_cue.get(att.cue) or frame_atts.setdefault(att.cue, att)
            if att is None:
                prev = last_direct
                if prev is not None and self._continues(prev, qi):
                    prev.quotes.append(qi)
                    prev.reach = max(prev.reach, qb)
                    continue
                if self._sentence_like(qi):
                    att = _Att(cue=-1, cue_end=-1, source=None, speaker_tok=None)
                    if (
                        prev is not None
                        and self.para[qa] - self.para[min(prev.reach, len(doc)) - 1] <= 1
                        and prev.source is not None
                    ):
                        att.source, att.speaker_tok = prev.source, prev.speaker_tok
                else:
                    continue
            att.direct = True
            if qi not in att.quotes:
                att.quotes.append(qi)
            att.reach = max(att.reach, qb)
            if att not in quote_atts:
                quote_atts.append(att)
            last_direct = att
        return quote_atts

    def _numbered(self, atts: list[_Att]) -> list[Statement]:
        """The statements of ``atts`` in text order, numbered ``s1``, ``s2``, ..."""
        statements: list[tuple[int, Statement]] = []
        for att in atts:
            st = self._statement(att)
            if st is not None:
                statements.append((st.content.start, st))
        statements.sort(key=lambda p: (p[0], p[1].content.end))
        result = []
        for n, (_, st) in enumerate(statements, 1):
            st.id = f"s{n}"
            result.append(st)
        return result

    def _dedupe(self, atts: list[_Att]) -> list[_Att]:
        """Of two attributions whose contents are nearly the same words, keep the stronger one
        (a quotation, then a verb of saying, ...; then the longer content)."""

        def tokens(att: _Att) -> set[int]:
            if att.direct and att.quotes:
                return {i for qi in att.quotes for i in range(*self.qrange[qi])}
            return {i for a, b in att.content for i in range(a, b)}

        sets = [tokens(a) for a in atts]
        order = sorted(range(len(atts)), key=lambda i: (atts[i].rank, -len(sets[i])))
        kept: list[int] = []
        owners: dict[int, list[int]] = {}  # token -> kept attributions holding it
        for i in order:
            si = sets[i]
            if not si:
                continue
            # only attributions sharing a token can be near-duplicates: comparing with every
            # kept one made long articles quadratic
            near = {j for t in si for j in owners.get(t, ())}
            if any(len(si & sets[j]) * 2 >= 0.6 * (len(si) + len(sets[j])) for j in near):
                continue
            kept.append(i)
            for t in si:
                owners.setdefault(t, []).append(i)
        return [atts[i] for i in sorted(kept)]

    def _continues(self, prev: _Att, qi: int) -> bool:
        """Does quotation ``qi`` carry on ``prev``'s quotation with no attribution of its own?"""
        qa, _ = self.qrange[qi]
        doc = self.doc
        last_q = prev.quotes[-1] if prev.quotes else None
        if last_q is None:
            return False
        prev_para = self.para[self.qrange[last_q][1] - 1]
        if self.para[qa] == prev_para + 1:
            if self.quotes[last_q].open_ended:
                return True  # a quote running over a paragraph break
            # a paragraph that is only a quotation carries on the quotes of the paragraph before,
            # if nothing was attributed after them there
            pa, _ = self.pbounds[self.para[qa]]
            opens_para = all(doc[j].is_space or doc[j].is_punct for j in range(pa, qa))
            later = bisect.bisect_left(self.cues, max(prev.reach, prev.cue + 1))
            if opens_para and (later >= len(self.cues) or self.cues[later] >= qa):
                return True
        # "A," he said. "B."  -- the attribution sits between the quotations, and nothing but
        # its own words and punctuation lies between it and B
        start = prev.reach
        if start > qa or self.para[min(start, len(doc) - 1)] != self.para[qa]:
            return False
        cue = doc[prev.cue] if prev.cue >= 0 else None
        inside = {i for a, b in prev.content for i in range(a, b) if self.in_quote[i] < 0}
        return all(
            doc[j].is_punct or doc[j].is_space or (cue is not None and cue.is_ancestor(doc[j]) and j not in inside)
            for j in range(start, qa)
        )

    def _sentence_like(self, qi: int) -> bool:
        """A quotation long enough to be someone's words rather than a title or scare quote."""
        qa, qb = self.qrange[qi]
        words = sum(1 for i in range(qa, qb) if not self.doc[i].is_punct)
        return words >= 6

    def _statement(self, att: _Att) -> Statement | None:
        doc, text = self.doc, self.text
        if att.direct and att.quotes:
            pieces = [(self.quotes[qi].start, self.quotes[qi].end) for qi in att.quotes]
            # the complement's own words around the quotation ("that ...") belong to it
            for a, b in att.content:
                s, e = doc[a].idx, doc[b - 1].idx + len(doc[b - 1])
                pieces.append((s, e))
        else:
            pieces = [(doc[a].idx, doc[b - 1].idx + len(doc[b - 1])) for a, b in att.content if b > a]
        pieces = _merge(pieces, text)
        if not pieces:
            return None
        start, end = pieces[0][0], pieces[-1][1]
        frags = tuple(Span.of(text, s, e) for s, e in pieces) if len(pieces) > 1 else ()
        content = Span(start, end, text[start:end], frags)
        source = speaker = cue = None
        if att.source is not None:
            a, b = att.source
            source = Span.of(text, doc[a].idx, doc[b - 1].idx + len(doc[b - 1]))
            speaker = self._resolve(att)
        if att.cue >= 0:
            last = doc[att.cue_end - 1]
            cue = Span.of(text, doc[att.cue].idx, last.idx + len(last))
        return Statement(id="", content=content, speaker=speaker, source_span=source, cue=cue, direct=att.direct)

    def _resolve(self, att: _Att) -> str | None:
        doc = self.doc
        if att.speaker_tok is not None:
            head = doc[att.speaker_tok]
            a = max(att.source[0], head.left_edge.i) if att.source else head.i
            core = doc[a : head.i + 1]
            found = self.actors.resolve(core)
            if found is not None:
                return found.id
        if att.source is not None:
            found = self.actors.resolve(doc[att.source[0] : att.source[1]])
            return found.id if found is not None else None
        return None


def _merge(pieces: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Sort character ranges and join those that overlap or touch (whitespace between)."""
    pieces = sorted((s, e) for s, e in pieces if e > s)
    out: list[tuple[int, int]] = []
    for s, e in pieces:
        if out and s <= out[-1][1] + 1 and not text[out[-1][1] : s].strip():
            out[-1] = (out[-1][0], max(out[-1][1], e))
        elif out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out
