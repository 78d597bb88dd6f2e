"""Actors within one article: who is named, how, in which posts, and what refers back to them.

:func:`extract_actors` turns a parsed Doc into an :class:`ActorIndex`, in one pass of cheap rules
over the model's entities and parse (everything is precomputed at extraction time; lookups
afterwards are dictionary reads):

1. **Names.** PERSON, ORG, GPE and NORP entities (FAC and LOC only when they act). Titles and
   honorifics are peeled off ("Field Marshal Khalifa Haftar" -> the name "Khalifa Haftar", and a
   person whatever the model said), possessives are cut ("Trump’s" -> "Trump"), a leading "the"
   is dropped from names.
2. **Types** from the gazetteer (:mod:`kg.gazetteer`) first, then from the model's label repaired
   by cue words (newspapers -> Media, militias/forces -> Group, parties -> Party, ministries ->
   Government, a person's title -> Person).
3. **Aliases merged.** "Ahmed Maiteeq", "Mr. Maiteeq", "Maiteeq" -> one actor labelled with the
   full name (middle initials dropped: "Donald J. Trump" -> "Donald Trump"); a surname alone is
   matched within the article first and only then against the gazetteer; a shorter organisation
   name that ends a longer one ("The Times" after "The Washington Times") is the same actor.
4. **Country or government** (the policy): a country's name is the *Country* when it is a place or
   a people ("in Libya", "Libya's future", "Libyans") and its *Government* when it acts: the
   subject of a verb other than a verb of state ("the U.S. supports", but not "Libya has been in
   turmoil"), the object of with/from/by/against/between ("talks with Tripoli", "support from the
   United States"), the possessor of a policy word ("Russia's support"), or the modifier of an
   official noun ("Libyan officials", "U.S. diplomats"). A seat or metonym (Washington, Tripoli,
   the Kremlin) that acts is its government; used as a place ("fighting in Tripoli") it is no
   actor. The White House, the State Department, the Pentagon … are Government actors
   ``part_of`` their government. A government keeps the country's name as its label and is told
   apart by its type (``ids.actor_iri(label, "Government")``).
5. **Roles.** Titles before a name ("Libyan Deputy Prime Minister Ahmed Maiteeq" -> Deputy Prime
   Minister in the Libyan government), appositions ("X, a spokeswoman for Y"; "Y's spokesman,
   X"); a title's organisation comes from the text, or from the gazetteer's posts for a known
   person ("President Trump" -> President of the United States government). "X's forces" is a
   Group led by X.
6. **What refers back.** Definite descriptions ("the general", "the militia leader", "the
   government") and third-person pronouns are resolved to the most plausible earlier actor by
   number, gender cues, type, title and salience (subject position, recency); relative "who"
   goes to the noun it modifies. Every resolved mention is recorded in the actor's ``mentions``.

Two kinds of actor may have no mention: the organisation of a post known from the gazetteer
("President Trump" -> the United States government) and the government a named part belongs to
(the White House -> the United States government). Gazetteer names the model did not tag ("U. S."
as two tokens, "Trump supporters") are found by a case-sensitive scan of the gazetteer's names.

Using the index (the statement and stance extractors do)::

    index = extract_actors(doc)           # gazetteer=..., use_gazetteer=False, refer_back=False
    index.actors                          # list[Actor], ids a1, a2, ...
    index.resolve(span_or_token)          # Actor | None: names, titles, descriptions, pronouns
    index.at(start_char, end_char)        # Actor | None with the longest overlapping mention
    index.ensure(span, "Group")           # resolve, else a new actor from the span's words
    index.gender(actor)                   # "male" | "female" | None

Nothing here raises on messy text: an entity that cannot be read is skipped and logged.
"""
from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span as SpacySpan, Token

from kg import ids
from kg.extract import titles as T
from kg.gazetteer import Entry, Gazetteer, load_gazetteer, normalize
from kg.records import Actor, Role, Span

log = logging.getLogger(__name__)

_APOSTROPHES = {"'s", "’s", "'", "’", "`s"}
_INITIAL = re.compile(r"^[A-Z]\.?$")
_LOCATIVE_PREPS = {"in", "at", "inside", "outside", "near", "into", "to", "across", "around", "throughout",
                   "within", "toward", "towards", "through", "over", "on", "of", "for", "outside"}
_PLURAL_TAGS = {"NNS", "NNPS"}
_PERSON_TYPES = ("Person",)
_NONPERSON = ("Organization", "Government", "Country", "Group", "Media", "InternationalOrganization", "Party")
_GROUP_NOUNS = {"militia", "militias", "force", "forces", "troops", "fighters", "loyalists", "army", "men"}
_WINDOW_SENTS = 4  # how far back a pronoun looks
_PLEONASTIC = {"seem", "appear", "come", "matter", "happen", "take", "rain", "look", "sound", "make", "mean",
               "remain", "become", "feel", "turn", "go", "work"}
_READ = ("PERSON", "ORG", "GPE", "NORP", "FAC", "LOC")  # the entity labels read as actors
_NOT_BACK = {"next", "future", "first", "new", "another", "incoming", "eventual"}


@dataclass
class _Mention:
    """A name found in the text before it is merged into an actor."""

    start: int  # token indices [start, end)
    end: int
    name: str
    type: str
    entry: Entry | None = None
    titles: list[str] = field(default_factory=list)
    qualifier: int | None = None  # token index of what the first title belongs to ("Libyan", "U.S.")
    gender: str | None = None
    key: str = ""


def _mention_start(m: tuple) -> int:
    return m[0]


def _mention_key(m: tuple) -> tuple[int, int]:
    return m[0], m[1]


class ActorIndex:
    """The actors of one article, where they are mentioned, and what refers to them."""

    def __init__(self, doc: Doc, gazetteer: Gazetteer | None = None):
        self.doc = doc
        self.text = doc.text  # Doc.text rebuilds the string on every call: read it once
        self.gazetteer = gazetteer
        self.actors: list[Actor] = []
        self._tok: dict[int, Actor] = {}  # token index -> actor of a mention covering that token
        self._sorted: list[tuple[int, int, Actor]] = []  # mentions in (start, end) order
        self._spans: set[tuple[int, int, int]] = set()  # (id(actor), start, end) of every mention recorded
        self._by_key: dict[str, Actor] = {}
        self._entries: dict[str, Entry] = {}  # actor id -> gazetteer entry
        self._gender: dict[str, str] = {}  # actor id -> "male" | "female"
        self._plural: set[str] = set()  # actor ids named in the plural ("Libyans", "Democrats")

    # -- lookup -------------------------------------------------------------------------
    def by_id(self, local_id: str) -> Actor:
        for a in self.actors:
            if a.id == local_id:
                return a
        raise KeyError(local_id)

    def at(self, start: int, end: int) -> Actor | None:
        """The actor with a mention overlapping ``[start, end)`` (the longest overlap wins)."""
        ms = self._sorted  # kept in (start, end) order as mentions are recorded
        best, best_len = None, 0
        lo = bisect.bisect_left(ms, start - 400, key=_mention_start)
        for k in range(lo, len(ms)):  # no slice: copying the rest of the list made this quadratic
            m_start, m_end, actor = ms[k]
            if m_start >= end:
                break
            overlap = min(end, m_end) - max(start, m_start)
            if overlap > best_len:
                best, best_len = actor, overlap
        return best

    def resolve(self, span: SpacySpan | Token) -> Actor | None:
        """The actor that ``span`` (a name, a title, a description, a pronoun) refers to.

        The actor whose mention holds the span's head wins, else the one with the longest
        overlap. Pronouns and descriptions were resolved (and recorded) at extraction time.
        """
        if isinstance(span, Token):
            span = span.doc[span.i:span.i + 1]
        try:
            root = span.root
        except Exception:  # an empty span
            return None
        found = self._tok.get(root.i)
        if found is not None:
            return found
        counts: dict[int, tuple[int, Actor]] = {}
        for tok in span:
            a = self._tok.get(tok.i)
            if a is not None:
                n, _ = counts.get(id(a), (0, a))
                counts[id(a)] = (n + len(tok.text), a)
        if counts:
            return max(counts.values(), key=lambda x: x[0])[1]
        return self.at(span.start_char, span.end_char)

    def ensure(self, span: SpacySpan | Token, actor_type: str = "Group") -> Actor:
        """The actor ``span`` refers to, created from the span's text if there is none."""
        found = self.resolve(span)
        if found is not None:
            return found
        if isinstance(span, Token):
            span = span.doc[span.i:span.i + 1]
        start, end = span.start, span.end
        while start < end - 1 and (span.doc[start].lower_ in T.DEFINITE_DETERMINERS
                                   or span.doc[start].lower_ in {"a", "an"}):
            start += 1
        while end > start + 1 and span.doc[end - 1].text in _APOSTROPHES:
            end -= 1
        name = _clean_name(span.doc[start:end].text)
        entry = self.gazetteer.lookup(name) if self.gazetteer and name else None
        if entry is None and self.gazetteer and name:
            # a capital or metonym asked for as an actor ("talks with Tripoli") is its government
            entry = self.gazetteer.seat(name)
        elif entry is not None and entry.type == "Country" and actor_type == "Government":
            entry = self.gazetteer.government_of(entry) or entry
        if entry is not None:
            actor = self._actor_for_entry(entry)
        else:
            actor = self._new(name or span.text, actor_type if actor_type in _NONPERSON + _PERSON_TYPES else "Group")
        self._mention(actor, start, end)
        return actor

    def gender(self, actor: Actor) -> str | None:
        """"male", "female" or None, from honorifics, titles, pronouns and the gazetteer."""
        return self._gender.get(actor.id)

    def mention_tokens(self) -> dict[int, Actor]:
        """Token index -> actor, for every token inside a recorded mention (read-only view)."""
        return dict(self._tok)

    # -- building -----------------------------------------------------------------------
    def _new(self, label: str, actor_type: str, entry: Entry | None = None) -> Actor:
        actor = Actor(id=f"a{len(self.actors) + 1}", label=label, type=actor_type,
                      iri=entry.iri if entry else ids.actor_iri(label, actor_type),
                      same_as=list(entry.same_as) if entry else [])
        self.actors.append(actor)
        if entry is not None:
            self._entries[actor.id] = entry
            self._by_key[entry.iri] = actor
            if entry.gender:
                self._gender[actor.id] = entry.gender
        else:
            self._by_key.setdefault(actor.iri, actor)
        return actor

    def _actor_for_entry(self, entry: Entry) -> Actor:
        actor = self._by_key.get(entry.iri)
        return actor if actor is not None else self._new(entry.label, entry.type, entry)

    def _mention(self, actor: Actor, start: int, end: int, *, alias: bool = True) -> None:
        """Record tokens ``[start, end)`` as a mention of ``actor``."""
        if end <= start:
            return
        doc = self.doc
        c0, c1 = doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)
        text = self.text[c0:c1]
        # a token that ends in a possessive the tokenizer left attached ("Haftar’s")
        for suffix in ("’s", "'s"):
            if text.endswith(suffix) and len(text) > len(suffix) and end - start >= 1 and doc[end - 1].text.endswith(suffix):
                c1 -= len(suffix)
                text = text[:-len(suffix)]
        if not text.strip():
            return
        key = (id(actor), c0, c1)
        if key in self._spans:  # a set: scanning the actor's mentions made long articles quadratic
            return
        self._spans.add(key)
        actor.mentions.append(Span(c0, c1, text))
        # in order as it goes in: sorting the whole list again before each lookup made long
        # articles quadratic (insort keeps equal keys in recording order, as the stable sort did)
        bisect.insort_right(self._sorted, (c0, c1, actor), key=_mention_key)
        for i in range(start, end):
            self._tok.setdefault(i, actor)
        if alias and text != actor.label and text not in actor.aliases and doc[start].pos_ == "PROPN":
            actor.aliases.append(text)


# ====================================================================== helpers on tokens
_ACRONYM = re.compile(r"^(?:[A-Z]\.?){2,6}$")
_NOT_INITIALLED = {"of", "the", "and", "for", "on", "in", "to", "a", "an", "&", "at", "de", "la"}


def initials(name: str) -> str:
    """The capitals an acronym of ``name`` would be made of: "Democratic National Committee"
    -> "DNC", "Government of National Accord" -> "GNA" (function words are skipped)."""
    words = re.findall(r"[^\W\d_][\w’'-]*", name)
    return "".join(w[0].upper() for w in words if w.lower() not in _NOT_INITIALLED)


def _acronym_partner(label: str, actors: list[Actor]) -> Actor | None:
    """The latest non-person actor whose name ``label`` abbreviates, or whose abbreviation
    ``label`` spells out; None if there is none. Only all-capital acronyms of two to six letters
    (dots allowed: "D.N.C.") count, against names of at least two words."""
    def acronym(text: str) -> str | None:
        text = text.strip()
        return text.replace(".", "") if _ACRONYM.match(text) else None

    short = acronym(label)
    long_initials = initials(label) if short is None and len(label.split()) >= 2 else None
    if short is None and (long_initials is None or len(long_initials) < 2):
        return None
    for actor in reversed(actors):
        if actor.type not in _NONPERSON:
            continue
        if short is not None:
            if len(actor.label.split()) >= 2 and initials(actor.label) == short:
                return actor
        elif acronym(actor.label) == long_initials:
            return actor
    return None


def _clean_name(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    for suffix in ("’s", "'s", "’", "'"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    if text.lower().startswith("the "):
        text = text[4:]
    return text.strip(" ,;:-")


def _person_label(name: str) -> str:
    """Canonical person name: middle initials dropped ("Donald J. Trump" -> "Donald Trump")."""
    words = name.split()
    if len(words) > 2:
        kept = [w for i, w in enumerate(words) if not (0 < i < len(words) - 1 and _INITIAL.match(w))]
        words = kept or words
    return " ".join(words)


def _first_name_gender(name: str) -> str | None:
    words = name.split()
    if len(words) < 2:
        return None
    first = words[0].lower()
    return "male" if first in T.MALE_NAMES else "female" if first in T.FEMALE_NAMES else None


def _title_of(tok: Token) -> str | None:
    """The canonical title a single token stands for, if it is an abbreviation or a title word."""
    low = tok.lower_
    if low in T.ABBREVIATIONS:
        return T.ABBREVIATIONS[low]
    return None


def _is_title_token(tok: Token) -> bool:
    low = tok.lower_
    return (low in T.ABBREVIATIONS or low in T.HONORIFICS or low in T.TITLE_WORDS
            or low.rstrip(".") in T.TITLE_WORDS) and not tok.is_punct


def _segments(words: list[Token]) -> list[tuple[str, list[Token]]]:
    """Split the title tokens before a name into titles: abbreviations stand alone, honorifics
    are dropped, other runs must hold a post word ("militia leader", "Deputy Prime Minister")."""
    out: list[tuple[str, list[Token]]] = []
    run: list[Token] = []

    def flush() -> None:
        kept = [t for t in run if t.lower_ not in T.TITLE_QUALIFIERS]
        while kept and kept[-1].lower_ in {"of", "the"}:
            kept.pop()
        while kept and kept[0].lower_ in {"of", "the"}:
            kept.pop(0)
        if kept:
            phrase = " ".join(t.text for t in kept)
            canon = T.TITLE_CANON.get(phrase.lower())
            if canon or any(t.lower_ in T.ROLE_HEADS or t.lower_ in T.TITLE_CANON for t in kept):
                out.append((canon or phrase, list(run)))
        run.clear()

    for tok in words:
        low = tok.lower_
        if low in T.HONORIFICS and low not in T.TITLE_WORDS:
            flush()
            continue
        if low in T.ABBREVIATIONS:
            flush()
            out.append((T.ABBREVIATIONS[low], [tok]))
            continue
        run.append(tok)
    flush()
    return out


# ====================================================================== the extractor
class _Builder:
    """One extraction: the rules, in order, over one Doc."""

    def __init__(self, doc: Doc, gazetteer: Gazetteer | None):
        self.doc = doc
        self.gaz = gazetteer
        self.index = ActorIndex(doc, gazetteer)
        self.described: dict[str, Actor] = {}  # words of a resolved description -> its actor
        self.ent_at: dict[int, SpacySpan] = {}
        for ent in doc.ents:
            for i in range(ent.start, ent.end):
                self.ent_at[i] = ent

    # ---------------------------------------------------------------- 1. names
    def mentions(self) -> list[_Mention]:
        out: list[_Mention] = []
        for ent in self.doc.ents:
            if ent.label_ not in _READ:
                continue
            try:
                m = self._read_entity(ent)
            except Exception:  # never let one odd entity sink the article
                log.debug("skipped entity %r", ent.text, exc_info=True)
                continue
            if m is not None:
                out.append(m)
        if self.gaz is not None:
            out.extend(self._missed_names())
            out.sort(key=lambda m: m.start)
        return out

    def _missed_names(self) -> list[_Mention]:
        """Gazetteer names the model did not tag ("U. S. officials", "Trump supporters")."""
        doc, cased = self.doc, self.gaz.cased_names()
        out: list[_Mention] = []
        i, n = 0, len(doc)
        while i < n:
            tok = doc[i]
            ent = self.ent_at.get(i)
            # inside an entity the model typed as something else ("Black Lives Matter" as WORK_OF_ART), a
            # gazetteer name may replace the whole entity; inside an actor-like entity, never
            options = cased.get(tok.text) if ent is None or (ent.label_ not in _READ and ent.start == i) else None
            if not options:
                i += 1
                continue
            for words, entry in options:
                j = i + len(words)
                if j > n or tuple(t.text for t in doc[i:j]) != words:
                    continue
                if any(k in self.ent_at for k in range(i, j)) and not (ent is not None and ent.end == j):
                    continue
                # part of a longer name the model missed ("Ivanka Trump"): leave it alone
                before = doc[i - 1] if i > 0 else None
                after = doc[j] if j < n else None
                if (before is not None and before.pos_ == "PROPN" and before.text[:1].isupper()
                        and before.lower_ not in T.HONORIFICS and before.lower_ not in T.ABBREVIATIONS
                        and before.lower_ not in T.TITLE_CANON) or (
                        after is not None and after.pos_ == "PROPN" and after.text[:1].isupper()):
                    continue
                if doc[j - 1].pos_ not in ("PROPN", "NOUN", "ADJ") and len(words) == 1:
                    continue
                m = _Mention(i, j, " ".join(words), entry.type, entry=entry)
                if entry.type == "Country":
                    m.entry = self._government_or_country(entry, doc[j - 1])
                    m.type = m.entry.type
                elif entry.type == "Person":
                    outer, m.qualifier = self._titles_before(i)
                    m.titles = [t for t, _ in _segments(outer)] if outer else []
                    m.gender = entry.gender
                out.append(m)
                i = j - 1
                break
            i += 1
        return out

    def _read_entity(self, ent: SpacySpan) -> _Mention | None:
        doc = self.doc
        start, end = ent.start, ent.end
        while end > start and (doc[end - 1].text in _APOSTROPHES or doc[end - 1].tag_ == "POS"):
            end -= 1
        # "Young Americans for Freedom (YAF": the name ends where a bracket opens
        end = next((k for k in range(start + 1, end) if doc[k].text in ("(", "[")), end)
        if end > start and doc[start].lower_ == "the" and ent.label_ != "ORG":
            start += 1
        elif end > start + 1 and doc[start].text == "the":
            start += 1
        # titles and honorifics inside the entity ("Field Marshal Khalifa Haftar")
        inner: list[Token] = []
        while end - start > 1 and _is_title_token(doc[start]) and doc[start].lower_ not in {"of", "the"}:
            inner.append(doc[start])
            start += 1
        if inner and ent.label_ != "PERSON":
            strong = any(t.lower_ in T.HONORIFICS or t.lower_ in T.ABBREVIATIONS for t in inner) or len(inner) > 1
            rest = doc[start:end]
            looks_like_name = all(t.text[:1].isupper() for t in rest) and not any(
                t.lower_ in T.MEDIA_WORDS or t.lower_ in T.GROUP_WORDS or t.lower_ in T.GOVERNMENT_ORG_WORDS
                for t in rest)
            if not (looks_like_name and (strong or end - start >= 2)
                    and any(t.lower_ in T.PERSON_TITLE_WORDS or t.lower_ in T.HONORIFICS or t.lower_ in T.ROLE_HEADS
                            or t.lower_ in T.ABBREVIATIONS for t in inner)):
                start -= len(inner)  # "General Motors", "National Guard": not a title
                inner = []
        if end <= start:
            return None
        name = _clean_name(doc[start:end].text)
        if not name or not any(c.isalpha() for c in name):
            return None
        label = ent.label_
        outer, qualifier = self._titles_before(start - len(inner))
        titles_tokens = outer + inner
        person_cue = any(t.lower_ in T.HONORIFICS or t.lower_ in T.ABBREVIATIONS or t.lower_ in T.ROLE_HEADS
                         or t.lower_ in T.PERSON_TITLE_WORDS for t in inner)
        m = _Mention(start, end, name, "")
        if label == "PERSON" and not person_cue and self.gaz is not None and " " not in name \
                and self.gaz.lookup(name, _PERSON_TYPES) is None:
            other = self.gaz.lookup(name, _NONPERSON)
            if other is not None and other.type not in ("Country", "Government"):
                m.type, m.entry = other.type, other  # "Twitter" read as a person
                return m
        if label == "PERSON" or person_cue:
            m.type = "Person"
            m.titles = [t for t, _ in _segments(titles_tokens)] if titles_tokens else []
            m.qualifier = qualifier
            m.gender = self._gender_cue(titles_tokens) or _first_name_gender(name)
            return m
        return self._classify_other(ent, m)

    def _titles_before(self, i: int) -> tuple[list[Token], int | None]:
        """Title tokens written right before token ``i`` and the token they belong to
        (a demonym, a country or organisation name, or a possessor)."""
        doc = self.doc
        words: list[Token] = []
        j = i - 1
        while j >= 0 and i - j <= 8:
            tok = doc[j]
            if tok.text in _APOSTROPHES or tok.tag_ == "POS":
                # "Libya's Deputy Prime Minister": the possessor is the qualifier
                return list(reversed(words)), (j - 1 if j > 0 else None)
            if j in self.ent_at and self.ent_at[j].label_ in ("NORP", "GPE", "ORG"):
                return list(reversed(words)), j
            if not _is_title_token(tok):
                break
            words.append(tok)
            j -= 1
        words.reverse()
        # a run that does not end in a title or post word is not a title ("the" alone, "of")
        while words and words[0].lower_ in {"of", "the"}:
            words.pop(0)
        return words, None

    @staticmethod
    def _gender_cue(tokens: list[Token]) -> str | None:
        for t in tokens:
            g = T.HONORIFICS.get(t.lower_) or T.TITLE_GENDER.get(t.lower_)
            if g:
                return g
        return None

    def _classify_other(self, ent: SpacySpan, m: _Mention) -> _Mention | None:
        gaz, label, name = self.gaz, ent.label_, m.name
        root = self.doc[m.end - 1]
        words = [t.lower_ for t in self.doc[m.start:m.end]]
        if label == "NORP":
            country = gaz.demonym(name) if gaz else None
            if country is not None:
                m.entry = self._government_or_country(country, root)
                m.type = m.entry.type if m.entry else "Country"
                return m
            entry = gaz.lookup(name, ("Party", "Group", "Country", "InternationalOrganization"), hidden=True) if gaz else None
            if entry is not None:
                m.entry, m.type = entry, entry.type
                return m
            if any(w in T.PARTY_WORDS for w in words) or name.lower().startswith(("democrat", "republican")):
                m.type = "Party"
            else:
                m.type = "Group"
                if root.tag_ in _PLURAL_TAGS and name.endswith("s") and len(name) > 4:
                    m.name = name[:-1]  # "Muslims" and "Muslim" are one group
            return m
        if label in ("GPE", "LOC", "FAC"):
            entry = gaz.lookup(name, ("Country", "Government", "InternationalOrganization")) if gaz else None
            seat = gaz.seat(name) if gaz and entry is None else None
            if entry is not None and entry.type == "Country":
                m.entry = self._government_or_country(entry, root)
                m.type = m.entry.type if m.entry else "Country"
                return m
            if entry is not None:  # a government or one of its parts named outright ("the Pentagon")
                if self._is_place(root) and entry.part_of:
                    return None
                m.entry, m.type = entry, entry.type
                return m
            if seat is not None:
                # a capital as the subject of almost any verb speaks for its government
                subject = root.dep_ == "nsubj" and root.head.lemma_.lower() != "be"
                if not (subject or self._acts(root)):
                    return None  # "fighting in Tripoli": a place
                m.entry, m.type = seat, "Government"
                return m
            if label != "GPE" and not self._acts(root):
                return None
            m.type = "Government" if self._acts(root) else ("Country" if label == "GPE" else "Organization")
            return m
        # ORG
        entry = gaz.lookup(name, ("Government", "InternationalOrganization", "Party", "Media", "Group",
                                  "Organization", "Country")) if gaz else None
        if entry is None and gaz is not None:
            entry = gaz.seat(name)  # "the Kremlin"
        if entry is not None:
            if entry.type == "Country":
                entry = self._government_or_country(entry, root) or entry
            m.entry, m.type = entry, entry.type
            return m
        m.type = self._org_type(ent, words)
        return m

    def _org_type(self, ent: SpacySpan, words: list[str]) -> str:
        last = words[-1] if words else ""
        text = " ".join(words)
        if last in T.MEDIA_WORDS or (words and words[0] in T.MEDIA_WORDS and len(words) <= 2):
            return "Media"
        if ent.root.dep_ in ("dobj", "dative") and ent.root.head.lemma_ == "tell":
            return "Media"  # "told The Times"
        if any(w in T.PARTY_WORDS for w in words):
            return "Party"
        if any(w in T.GROUP_WORDS for w in words):
            return "Group"
        if text.startswith("united nations") or text.startswith("u.n."):
            return "InternationalOrganization"
        if any(w in T.GOVERNMENT_ORG_WORDS for w in words):
            return "Government"
        return "Organization"

    # ---------------------------------------------------------------- 4. country or government
    def _government_or_country(self, country: Entry, root: Token) -> Entry | None:
        gov = self.gaz.government_of(country) if self.gaz else None
        if gov is not None and self._acts(root):
            return gov
        return country

    def _acts(self, tok: Token) -> bool:
        """Does the place or people named by ``tok`` act here (the government's reading)?"""
        seen = 0
        while tok.dep_ == "conj" and tok.head.i != tok.i and seen < 5:
            tok, seen = tok.head, seen + 1
        dep, head = tok.dep_, tok.head
        if dep == "nsubj":
            return head.lemma_.lower() not in T.STATE_VERBS and head.pos_ in ("VERB", "AUX")
        if dep == "pobj":
            if head.lower_ == "by" and head.dep_ == "agent":
                return True
            return head.lower_ in T.AGENT_PREPOSITIONS and head.dep_ in ("prep", "agent") and head.head.pos_ in (
                "NOUN", "VERB", "PROPN")
        if dep == "poss":
            return head.lower_ in T.GOVERNMENT_POSSESSED
        if dep in ("amod", "compound", "nmod"):
            if head.lower_ not in T.GOVERNMENT_HEADS:
                return False
            # "Libyan militia leader": the post belongs to something else
            return not any(c.lower_ in T.NON_GOVERNMENT_QUALIFIERS for c in head.children if c.dep_ in ("compound", "amod"))
        return False

    @staticmethod
    def _is_place(tok: Token) -> bool:
        return tok.dep_ == "pobj" and tok.head.lower_ in _LOCATIVE_PREPS and tok.head.lower_ not in T.AGENT_PREPOSITIONS

    # ---------------------------------------------------------------- 3. merging
    def merge(self, found: list[_Mention]) -> list[tuple[_Mention, Actor]]:
        index, gaz = self.index, self.gaz
        placed: list[tuple[_Mention, Actor]] = []
        persons = [m for m in found if m.type == "Person"]
        # full names first: "Donald J. Trump" and "Donald Trump" share a first and a last name
        clusters: dict[str, tuple[str, Entry | None]] = {}  # key -> (label, gazetteer entry)
        full: dict[tuple[str, str], str] = {}  # (first, last) -> key
        where: dict[str, list[int]] = {}  # key -> token starts of its full-name mentions
        for m in persons:
            words = _person_label(m.name).split()
            if len(words) < 2:
                continue
            pair = (normalize(words[0]), normalize(words[-1]))
            key = full.get(pair)
            if key is None:
                entry = gaz.lookup(m.name, _PERSON_TYPES) if gaz else None
                key = entry.iri if entry else "person:" + "|".join(pair)
                full[pair] = key
                if key not in clusters or len(words) > len(clusters[key][0].split()):
                    clusters[key] = (entry.label if entry else " ".join(words), entry)
            m.key = key
            where.setdefault(key, []).append(m.start)
        # "Trump" or "Melania" tagged ORG/GPE in an article about Donald and Melania Trump: the person
        firsts = {p[0] for p in full}
        lasts = {p[1] for p in full} | {normalize(m.name) for m in persons if " " not in m.name.strip()}
        for m in found:
            if m.type != "Person" and (m.entry is None or m.entry.type != "Country") and " " not in m.name.strip():
                word = normalize(m.name)
                if word in lasts or word in firsts:
                    m.type, m.entry = "Person", None
                    persons.append(m)
        persons.sort(key=lambda m: m.start)
        for m in persons:
            if not m.key:
                m.key = self._single_name(m, full, where, clusters)
        made: dict[str, Actor] = {}
        for m in found:
            if m.type == "Person":
                actor = made.get(m.key)
                if actor is None:
                    label, entry = clusters[m.key]
                    actor = index._actor_for_entry(entry) if entry else (
                        index._by_key.get(ids.actor_iri(label, "Person")) or index._new(label, "Person"))
                    made[m.key] = actor
            elif m.entry is not None:
                actor = index._actor_for_entry(m.entry)
            else:
                actor = self._other(m)
            placed.append((m, actor))
            index._mention(actor, m.start, m.end)
            self._titled_alias(actor, m)
            if m.gender and actor.id not in index._gender:
                index._gender[actor.id] = m.gender
            if self.doc[m.end - 1].tag_ in _PLURAL_TAGS:
                index._plural.add(actor.id)
        return placed

    def _titled_alias(self, actor: Actor, m: _Mention) -> None:
        """"Mr. Maiteeq", "President Trump", "Gen. Haftar" as written: aliases of a person."""
        if actor.type != "Person" or m.start == 0:
            return
        prev = self.doc[m.start - 1]
        if prev.lower_ in T.HONORIFICS or prev.lower_ in T.ABBREVIATIONS or (
                prev.text[:1].isupper() and prev.lower_ in T.TITLE_CANON):
            first = prev
            while first.i > 0 and self.doc[first.i - 1].text[:1].isupper() and _is_title_token(self.doc[first.i - 1]) \
                    and m.start - first.i < 5:
                first = self.doc[first.i - 1]
            alias = self.index.text[first.idx:self.doc[m.end - 1].idx + len(self.doc[m.end - 1].text)]
            alias = _clean_name(alias)
            if alias != actor.label and alias not in actor.aliases:
                actor.aliases.append(alias)

    def _single_name(self, m: _Mention, full: dict[tuple[str, str], str], where: dict[str, list[int]],
                     clusters: dict[str, tuple[str, Entry | None]]) -> str:
        """The cluster of a one-word person name: a surname (or first name) of a full name in
        this article, the nearest one before it if several; else the gazetteer; else its own."""
        word = normalize(m.name)
        keys = sorted({k for (first, last), k in full.items() if last == word})
        if not keys:
            keys = sorted({k for (first, last), k in full.items() if first == word})
        if len(keys) > 1:
            def dist(k: str) -> tuple[int, int]:
                before = [m.start - s for s in where.get(k, []) if s < m.start]
                after = [s - m.start for s in where.get(k, []) if s > m.start]
                return (0, min(before)) if before else (1, min(after) if after else 10**9)
            keys = [min(keys, key=dist)]
        if keys:
            return keys[0]
        entry = self.gaz.lookup(m.name, _PERSON_TYPES) if self.gaz else None
        key = entry.iri if entry else "person:" + word
        if key not in clusters:
            clusters[key] = (entry.label if entry else m.name, entry)
        return key

    def _other(self, m: _Mention) -> Actor:
        index = self.index
        label = m.name
        iri = ids.actor_iri(label, m.type)
        actor = index._by_key.get(iri)
        if actor is not None:
            return actor
        # "DNC" after "the Democratic National Committee (DNC)", or before it: one actor
        partner = _acronym_partner(label, index.actors)
        if partner is not None:
            return partner
        # "The Times" after "The Washington Times": a shorter name that ends a longer one
        words = normalize(label).split()
        for a in index.actors:
            if a.type in _NONPERSON and a.type == m.type or (m.type in ("Organization", "Media") and a.type in ("Organization", "Media")):
                other = normalize(a.label).split()
                if len(other) > len(words) >= 1 and other[-len(words):] == words:
                    return a
        return index._new(label, m.type)

    # ---------------------------------------------------------------- 5. roles
    def roles(self, placed: list[tuple[_Mention, Actor]]) -> None:
        for m, actor in placed:
            if actor.type != "Person":
                continue
            titles = m.titles
            for n, title in enumerate(titles):
                org = None
                if n == 0 and m.qualifier is not None:
                    org = self._org_of_qualifier(m.qualifier, title)
                if org is None:
                    org = self._org_from_gazetteer(actor, title)
                self._add_role(actor, title, org)
            self._apposition_roles(m, actor)

    def _add_role(self, actor: Actor, title: str, org: Actor | None) -> None:
        if any(r.title.lower() == title.lower() and (r.organization == (org.id if org else None) or org is None)
               for r in actor.roles):
            return
        # a role with a known organisation replaces the same title without one
        actor.roles = [r for r in actor.roles if not (r.title.lower() == title.lower() and r.organization is None)]
        actor.roles.append(Role(title, org.id if org else None))
        g = T.TITLE_GENDER.get(title.lower().split()[-1]) if title else None
        if g and actor.id not in self.index._gender:
            self.index._gender[actor.id] = g

    def _org_of_qualifier(self, i: int, title: str) -> Actor | None:
        qual = self.index._tok.get(i)
        if qual is None:
            return None
        words = set(title.lower().replace("-", " ").split())
        if qual.type in ("Country", "Government"):
            if words & T.NON_GOVERNMENT_QUALIFIERS or not words & T.GOVERNMENT_POST_WORDS:
                return None
            return self._government(qual)
        return qual

    def _government(self, actor: Actor) -> Actor:
        """The government actor of a country actor (itself if already a government)."""
        if actor.type != "Country":
            return actor
        entry = self.index._entries.get(actor.id)
        gov = self.gaz.government_of(entry) if (self.gaz and entry) else None
        if gov is not None:
            g = self.index._actor_for_entry(gov)
        else:
            g = self.index._by_key.get(ids.actor_iri(actor.label, "Government")) or self.index._new(actor.label, "Government")
        if g.part_of is None:
            g.part_of = actor.id
        return g

    def _org_from_gazetteer(self, actor: Actor, title: str) -> Actor | None:
        entry = self.index._entries.get(actor.id)
        if entry is None or self.gaz is None:
            return None
        orgs = self.gaz.posts(entry, title)
        return self.index._actor_for_entry(orgs[0]) if orgs else None

    def _apposition_roles(self, m: _Mention, actor: Actor) -> None:
        doc = self.doc
        head = doc[m.end - 1]
        cands = [c for c in head.children if c.dep_ == "appos"]
        if head.dep_ == "appos" and head.head.pos_ == "NOUN":
            cands.append(head.head)  # "Libya's deputy prime minister, Ahmed Maiteeq"
        for noun in cands:
            if noun.pos_ != "NOUN" or noun.lower_ not in T.ROLE_HEADS:
                continue
            mods = [c for c in noun.lefts if c.dep_ in ("compound", "amod") and c.i not in self.ent_at
                    and c.lower_ not in T.TITLE_QUALIFIERS]
            title_words = [t.text for t in mods if t.lower_ in T.TITLE_WORDS] + [noun.text]
            title = " ".join(title_words)
            title = T.TITLE_CANON.get(title.lower(), title)
            org = None
            for c in noun.children:
                if c.dep_ == "poss" or (c.dep_ in ("compound", "amod", "nmod") and c.i in self.ent_at):
                    org = self.index._tok.get(c.i)
                elif c.dep_ == "prep" and c.lower_ in ("for", "of", "at", "with", "to"):
                    obj = next((o for o in c.children if o.dep_ == "pobj"), None)
                    if obj is not None:
                        org = self.index._tok.get(obj.i)
                if org is not None:
                    break
            if org is not None and org.type in ("Country",):
                org = self._government(org)
            if org is actor or (org is not None and org.type == "Person"):
                org = None
            self._add_role(actor, title, org)

    # ---------------------------------------------------------------- parts and posts
    def links(self) -> None:
        index = self.index
        for actor in list(index.actors):
            entry = index._entries.get(actor.id)
            if entry is None or not entry.part_of or actor.part_of:
                continue
            parent = index._by_key.get(entry.part_of)
            if parent is None and actor.type == "Government" and actor.mentions and self.gaz is not None:
                # the White House is part of the U.S. government even where the article does not name it
                pe = self.gaz.get(entry.part_of)
                if pe is not None and pe.type == "Government":
                    parent = index._actor_for_entry(pe)
            if parent is not None and parent is not actor:
                actor.part_of = parent.id
        # a government and its country, when both are in the article
        for actor in index.actors:
            if actor.type == "Government" and actor.part_of is None:
                entry = index._entries.get(actor.id)
                parent = index._by_key.get(entry.part_of) if entry and entry.part_of else None
                if parent is not None:
                    actor.part_of = parent.id

    # ---------------------------------------------------------------- 6. what refers back
    def refer_back(self) -> None:
        doc, index = self.doc, self.index
        sent_of: dict[int, int] = {}
        try:
            sents = list(doc.sents)
        except ValueError:  # no sentence boundaries (a Doc built by hand without a parse)
            sents = [doc[:]]
        for n, s in enumerate(sents):
            for i in range(s.start, s.end):
                sent_of[i] = n
        # the last mention of every actor so far: actor id -> (token index, sentence, subject?)
        last: dict[str, tuple[int, int, bool, int]] = {}
        counts: dict[str, int] = {}
        for tok in doc:
            i = tok.i
            actor = index._tok.get(i)
            if actor is not None:
                if i + 1 >= len(doc) or index._tok.get(i + 1) is not actor:  # the mention's last token
                    subj = tok.dep_ in ("nsubj", "nsubjpass") or (tok.dep_ in ("compound", "conj") and tok.head.dep_ in ("nsubj", "nsubjpass"))
                    last[actor.id] = (i, sent_of.get(i, 0), subj, counts.get(actor.id, 0) + 1)
                    counts[actor.id] = counts.get(actor.id, 0) + 1
                continue
            low = tok.lower_
            found: Actor | None = None
            span = (i, i + 1)
            if low in T.PRONOUNS and tok.tag_ in ("PRP", "PRP$"):
                found = self._pronoun(tok, last, sent_of)
            elif low in ("who", "which") and tok.dep_ in ("nsubj", "nsubjpass") and tok.head.dep_ == "relcl":
                found = index._tok.get(tok.head.head.i)
                if found is not None and (found.type == "Person") != (low == "who") and found.type not in ("Group", "Party"):
                    found = None  # "who" is a person or a body of people, "which" a thing
            elif low in _GROUP_NOUNS and tok.pos_ == "NOUN" and any(c.dep_ == "poss" for c in tok.children):
                found = self._group_of(tok)
            elif tok.pos_ == "NOUN" and (low in T.DESCRIPTION_PERSON or low in T.DESCRIPTION_OTHER or tok.lemma_.lower() in T.DESCRIPTION_OTHER):
                found, span = self._description(tok, last, sent_of)
            if found is not None:
                index._mention(found, span[0], span[1], alias=False)
                if found.type == "Person" and low in T.PRONOUNS and found.id not in index._gender:
                    g = T.PRONOUNS[low][1]
                    if g in ("male", "female"):
                        index._gender[found.id] = g
                last[found.id] = (i, sent_of.get(i, 0), tok.dep_ in ("nsubj", "nsubjpass"), counts.get(found.id, 0) + 1)
                counts[found.id] = counts.get(found.id, 0) + 1

    def _compatible(self, actor: Actor, number: str, gender: str | None) -> bool:
        if gender in ("male", "female"):
            if actor.type != "Person":
                return False
            g = self.index._gender.get(actor.id)
            return g is None or g == gender
        if gender == "neuter":
            return actor.type != "Person" and actor.id not in self.index._plural
        # they / them / their
        return actor.type != "Person" and (actor.id in self.index._plural or actor.type in ("Group", "Party", "Organization", "Government", "Media"))

    def _pronoun(self, tok: Token, last: dict, sent_of: dict[int, int]) -> Actor | None:
        number, gender = T.PRONOUNS[tok.lower_]
        index = self.index
        if tok.lower_ in ("it", "itself", "they", "them", "themselves") and not self._agentive_it(tok):
            return None  # "it" is mostly a thing or nothing ("when it comes to", "calling it a mistake")
        here = sent_of.get(tok.i, 0)
        # cataphora: "In his April call with X, Mr. Trump praised ..." -> the main subject ahead
        cat = self._cataphora(tok)
        if cat is not None and self._compatible(cat, number, gender):
            return cat
        # "Haftar and his forces": a possessive in a conjunct goes to the first conjunct
        if tok.tag_ == "PRP$" and tok.head.dep_ == "conj":
            first = index._tok.get(tok.head.head.i)
            if first is not None and self._compatible(first, number, gender):
                return first
        governing = self._governing_subject(tok)
        gov_actor = index._tok.get(governing.i) if governing is not None else None
        accusative = tok.lower_ in ("him", "them") or (tok.lower_ == "her" and tok.tag_ == "PRP")
        best, best_score = None, None
        for aid, (i, s, subj, n) in last.items():
            if here - s > _WINDOW_SENTS:
                continue
            actor = index.by_id(aid)
            if not self._compatible(actor, number, gender):
                continue
            score = (8 if subj else 0) + (4 if s == here else 0) - 3 * (here - s) + min(n, 4) - (tok.i - i) / 200
            # "Trump praised him", "he rejected allowing him to share power": an object pronoun
            # rarely means the subject of the clause that governs it
            if actor is gov_actor and tok.lower_ not in T.REFLEXIVES:
                if tok.dep_ in ("dobj", "pobj", "dative") and governing.head.i == tok.head.i:
                    continue
                if accusative:
                    score -= 10
            if number == "pl" and actor.id in index._plural:
                score += 4
            if gender in ("male", "female") and index._gender.get(aid) == gender:
                score += 1
            if best_score is None or score > best_score:
                best, best_score = actor, score
        return best

    @staticmethod
    def _agentive_it(tok: Token) -> bool:
        """Is this "it"/"they" the subject of something an actor does ("it said", "they warned")?"""
        if tok.dep_ not in ("nsubj", "nsubjpass"):
            return tok.lower_ in ("them", "themselves")  # people or bodies more often than things
        head = tok.head
        if head.pos_ not in ("VERB", "AUX") or head.lemma_.lower() in T.STATE_VERBS | _PLEONASTIC:
            return False
        return True

    @staticmethod
    def _governing_subject(tok: Token) -> Token | None:
        """The subject of the nearest clause above ``tok`` that has one (not ``tok`` itself)."""
        head = tok.head
        for _ in range(7):
            for c in head.children:
                if c.dep_ in ("nsubj", "nsubjpass") and c.i != tok.i:
                    return c
            if head.head.i == head.i:
                break
            head = head.head
        return None

    def _clause_subject(self, tok: Token) -> Token | None:
        head = tok.head
        for _ in range(4):
            for c in head.children:
                if c.dep_ in ("nsubj", "nsubjpass") and c.i != tok.i:
                    return c
            if head.dep_ in ("prep", "pobj") and head.head.i != head.i:
                head = head.head
            else:
                break
        return None

    def _cataphora(self, tok: Token) -> Actor | None:
        root = tok.sent.root if tok.doc.has_annotation("SENT_START") or tok.doc.has_annotation("DEP") else None
        if root is None:
            return None
        subj = next((c for c in root.children if c.dep_ == "nsubj"), None)
        if subj is None or subj.i <= tok.i:
            return None
        # the pronoun sits in a fronted phrase attached to the root before its subject
        node = tok
        for _ in range(8):
            if node.head.i == root.i:
                break
            node = node.head
        if node.head.i != root.i or node.dep_ not in ("prep", "advcl", "npadvmod") or node.i > subj.i:
            return None
        actor = self.index._tok.get(subj.i)
        return actor if actor is not None and actor.type == "Person" else None

    def _description(self, tok: Token, last: dict, sent_of: dict[int, int]) -> tuple[Actor | None, tuple[int, int]]:
        """A definite description ("the general", "the militia leader", "his government")."""
        doc, index = self.doc, self.index
        low = tok.lower_
        lemma = tok.lemma_.lower()
        det = next((c for c in tok.children if c.dep_ == "det"), None)
        poss = next((c for c in tok.children if c.dep_ == "poss"), None)
        mods = [c for c in tok.lefts if c.dep_ in ("amod", "compound", "nmod")]
        start = min([tok.i] + [c.i for c in mods if c.i not in index._tok])
        span = (start, tok.i + 1)
        none = (None, span)
        if tok.i + 1 < len(doc) and (doc[tok.i + 1].pos_ == "PROPN" or doc[tok.i + 1].lower_ in T.ABBREVIATIONS):
            return none  # a title before a name, handled with the name
        if any(c.dep_ == "appos" for c in tok.children) or tok.dep_ == "appos":
            return none
        if low in T.DESCRIPTION_PERSON and any(c.dep_ == "prep" and c.lower_ == "of" for c in tok.children):
            return none  # "the president of France": a new reference
        said = " ".join(t.lower_ for t in doc[start:tok.i + 1])
        # "the government in Tripoli": the government seated there
        if low in ("government", "administration", "regime", "authorities") and self.gaz is not None:
            after = [c for c in tok.children] + ([doc[tok.i + 1]] if tok.i + 1 < len(doc) else [])
            for c in after:  # "in Tripoli" may hang on the verb, right after the noun
                if c.dep_ == "prep" and c.lower_ in ("in", "of"):
                    obj = next((o for o in c.children if o.dep_ == "pobj"), None)
                    if obj is not None and obj.pos_ == "PROPN":
                        ent = self.ent_at.get(obj.i)
                        name = _clean_name(ent.text) if ent is not None else obj.text
                        g = self.gaz.seat(name) or self.gaz.government_of(self.gaz.lookup(name, ("Country",)))
                        if g is not None:
                            return self._remember(said, index._actor_for_entry(g)), span
        # a modifier that already names the actor ("the Libyan government", "the U.S. government")
        for c in mods:
            a = index._tok.get(c.i)
            if a is not None and low in T.DESCRIPTION_OTHER and a.type in T.DESCRIPTION_OTHER[low]:
                return a, span
        if poss is not None:
            owner = index._tok.get(poss.i)
            if owner is None:
                return none
            if low in ("government", "administration", "regime", "cabinet"):
                return self._remember(said, self._government_of_actor(owner)), span
            return none
        if det is None or det.lower_ not in T.DEFINITE_DETERMINERS or tok.tag_ in _PLURAL_TAGS:
            return none
        if any(c.lower_ in _NOT_BACK for c in tok.lefts):
            return none  # "the next president" refers forward, not back
        # the same words as an earlier description ("the internationally recognized government")
        if len(mods) and said in self.described:
            return self.described[said], span
        here = sent_of.get(tok.i, 0)
        clause_subj = self._clause_subject(tok)
        subj_actor = index._tok.get(clause_subj.i) if clause_subj is not None else None
        if low in T.DESCRIPTION_PERSON:
            want_gender = T.DESCRIPTION_GENDER.get(low)
            mod_words = {c.lower_ for c in mods}
            best, best_score = None, None
            for aid, (i, s, subj, n) in last.items():
                actor = index.by_id(aid)
                if actor.type != "Person" or actor is subj_actor:
                    continue
                g = index._gender.get(aid)
                if want_gender and g and g != want_gender:
                    continue
                role_words = {w for r in actor.roles for w in r.title.lower().replace("-", " ").split()}
                if low in role_words:
                    score = 20 + 3 * len(mod_words & role_words)
                elif low in T.GENERIC_PERSON:
                    # "the military strongman": any person, the article's main ones first
                    score = (3 if "military" in mod_words and role_words & {"general", "marshal", "colonel", "commander", "militia"} else 0)
                    score += min(n, 10) * 0.6
                else:
                    continue
                score += -1.5 * (here - s) + min(n, 4) * 0.5 - (tok.i - i) / 400
                if best_score is None or score > best_score:
                    best, best_score = actor, score
            return self._remember(said, best), span
        types = T.DESCRIPTION_OTHER.get(low) or T.DESCRIPTION_OTHER.get(lemma) or ()
        best, best_score = None, None
        for aid, (i, s, subj, n) in last.items():
            actor = index.by_id(aid)
            if actor.type in types and here - s <= 2 * _WINDOW_SENTS:
                # recent and frequent: "the administration" is the article's main government
                score = min(n, 10) - (here - s) + (2 if subj else 0) - (tok.i - i) / 1000
                if best_score is None or score > best_score:
                    best, best_score = actor, score
        if best is not None and low in ("administration", "government", "regime") and best.part_of:
            parent = next((a for a in index.actors if a.id == best.part_of), None)
            if parent is not None and parent.type == "Government":
                best = parent  # "the administration" after "the White House": the whole government
        return self._remember(said, best), span

    def _remember(self, said: str, actor: Actor | None) -> Actor | None:
        if actor is not None and " " in said:
            self.described.setdefault(said, actor)
        return actor

    def _government_of_actor(self, owner: Actor) -> Actor | None:
        if owner.type == "Government":
            return owner
        if owner.type == "Country":
            return self._government(owner)
        if owner.type == "Person":
            for r in owner.roles:
                org = next((a for a in self.index.actors if a.id == r.organization), None)
                if org is not None and org.type == "Government":
                    return org
        return None

    def _group_of(self, tok: Token) -> Actor | None:
        """"Haftar's forces", "his militias": a group led by the possessor."""
        poss = next((c for c in tok.children if c.dep_ == "poss"), None)
        if poss is None:
            return None
        leader = self.index._tok.get(poss.i)
        if leader is None or leader.type != "Person":
            return None
        label = f"forces of {leader.label}"
        iri = ids.actor_iri(label, "Group")
        group = self.index._by_key.get(iri)
        if group is None:
            group = self.index._new(label, "Group")
            group.leader = leader.id
        return group


def extract_actors(doc: Doc, *, gazetteer: Gazetteer | None = None, use_gazetteer: bool = True,
                   refer_back: bool = True, **_: object) -> ActorIndex:
    """The actors of one parsed article (see the module docstring for the rules).

    ``gazetteer`` defaults to :func:`kg.gazetteer.load_gazetteer` (the shipped file plus
    ``KG_GAZETTEER``); ``use_gazetteer=False`` reads the text alone; ``refer_back=False`` skips
    pronouns and descriptions.
    """
    if gazetteer is None and use_gazetteer:
        gazetteer = load_gazetteer()
    b = _Builder(doc, gazetteer if use_gazetteer else None)
    placed = b.merge(b.mentions())
    try:
        b.roles(placed)
        b.links()
        if refer_back and doc.has_annotation("DEP"):
            b.refer_back()
    except Exception:  # a rule tripping on an odd parse loses its extras, never the names
        log.warning("actor rules failed on part of a document", exc_info=True)
    return b.index
