"""Actors within one article: who is named, how, in which posts, and what refers back to them.

:func:`extract_actors` turns a parsed Doc into an :class:`ActorIndex`, in one pass of cheap rules
over the model's entities and parse (everything is precomputed at extraction time; lookups
afterwards are dictionary reads):

1. **Names** (:mod:`kg.extract.names`). PERSON, ORG, GPE and NORP entities (FAC and LOC only when
   they act). Titles and honorifics are peeled off ("Field Marshal Khalifa Haftar" -> the name
   "Khalifa Haftar", and a person whatever the model said), possessives are cut ("Trump’s" ->
   "Trump"), a leading "the" is dropped, names in capitals get their usual casing ("NEW
   HAMPSHIRE" -> "New Hampshire"). Not everything named is an actor: datelines ("NEW YORK (AP)
   —"), bare titles ("State" of "Secretary of State", "President"), single letters, "PAC", and
   demonym or religion adjectives alone ("Islamic"; but "Muslims" and "Hispanic voters" are
   groups). A party tag after a name ("(D-Calif.)") makes the person a member of the party.
2. **Types** (:mod:`kg.extract.actor_types`) from the gazetteer (:mod:`kg.gazetteer`) first, then
   from the model's label repaired
   by cue words (newspapers -> Media, militias/forces -> Group, parties -> Party, ministries ->
   Government, a person's title -> Person).
3. **Aliases merged** (:mod:`kg.extract.resolve`). "Ahmed Maiteeq", "Mr. Maiteeq", "Maiteeq" -> one actor labelled with the
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
   ``part_of`` their government. A country and its government never share a label: the
   government is "Government of Libya" (:func:`kg.gazetteer.government_label`), its IRI minted
   from the country's name (``ids.government_iri("Libya")`` = ``actor/libya-government``).
   **Places below a country** (:mod:`kg.extract.places`: US states and their abbreviations from
   ``us``, ISO 3166-2 subdivisions and countries from ``pycountry``; any other GPE is taken for a
   city) are never countries: a place is no actor unless it acts, and then it is its government
   ("Texas sued" -> "Government of Texas"; stricter than for a country: "the Florida senator",
   "Florida votes" and "delegates from Iowa" are places). A region (LOC) is no actor.
5. **Roles** (:mod:`kg.extract.roles`). Titles before a name ("Libyan Deputy Prime Minister Ahmed Maiteeq" -> Deputy Prime
   Minister in the Libyan government), appositions ("X, a spokeswoman for Y"; "Y's spokesman,
   X"); a title's organisation comes from the text, or from the gazetteer's posts for a known
   person ("President Trump" -> President of the United States government). Only words that
   modify the person's name in the parse count ("the federal judge Trump was referring to" and
   "Trump praised reporter Jane Doe" give Trump no post). A US state before a post is the state's
   government ("Texas Gov.") or, for a member of Congress, the chamber ("Vermont Sen." -> Senate).
   "X's forces" is a Group led by X.
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
    index.ensure(span, "Group")           # resolve, else a new actor from the span's words (None
                                          # for words that name no actor: "D", "State", a dateline)
    index.gender(actor)                   # "male" | "female" | None

Nothing here raises on messy text: an entity that cannot be read is skipped and logged.
"""

from __future__ import annotations

import bisect
import copy
import logging
from typing import Any

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from kg import ids
from kg.extract import lexicon as T
from kg.extract import places
from kg.extract.actor_types import TypeReader
from kg.extract.names import (
    APOSTROPHES,
    NONPERSON,
    PERSON_TYPES,
    Mention,
    NameReader,
    clean_name,
    group_label,
    initials,
    not_an_actor,
    plural_group,
    readable,
)
from kg.extract.resolve import Resolver
from kg.extract.roles import RoleReader
from kg.gazetteer import Entry, Gazetteer, government_label, load_gazetteer, normalize
from kg.records import Actor, ActorType, Span

log = logging.getLogger(__name__)

__all__ = ["ActorIndex", "Mention", "extract_actors", "initials"]


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
        self._not_actor: set[int] = set()  # tokens of words that name no actor ("D" of "(D-Calif.)", datelines)
        self._titles: set[int] = set()  # tokens of bare titles read as names ("State" of "Secretary of State")
        self._places: dict[int, str] = {}  # token index -> the place it names, when that place is no actor here
        self._place_actor: dict[str, str] = {}  # actor id -> the place it is the government of ("Texas")
        self._tag_owner: dict[int, Actor] = {}  # token of a party tag "(R-Ky.)" -> the person it belongs to

    def fork(self) -> ActorIndex:
        """A copy for a later step to add to (the stances name actors the actor step did not):
        what it adds, to the index or to the actors' mentions, leaves this index and its actors
        as they are. The Doc, the gazetteer and its entries are shared, not copied."""
        memo: dict[int, Any] = {id(self.doc): self.doc, id(self.gazetteer): self.gazetteer}
        for entry in self._entries.values():
            memo[id(entry)] = entry
        twin = copy.deepcopy(self, memo)
        # mentions are recorded under id(actor): the copies have ids of their own
        twin._spans = {(id(memo[old]), start, end) for old, start, end in self._spans}
        return twin

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
            span = span.doc[span.i : span.i + 1]
        if len(span) == 0:
            return None
        root = span.root
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

    def ensure(self, span: SpacySpan | Token, actor_type: str = ActorType.Group) -> Actor | None:
        """The actor ``span`` refers to, created from the span's text if there is none; None for
        words that name no actor (a bare title, a letter, a dateline, an adjective alone).

        A place asked for as an actor (a stance's holder or target) is its government: a country's
        (``actor_type`` "Government"), a state's or a city's ("Government of Texas")."""
        found = self.resolve(span)
        if found is not None:
            return found
        if isinstance(span, Token):
            span = span.doc[span.i : span.i + 1]
        start, end = span.start, span.end
        while start < end - 1 and (
            span.doc[start].lower_ in T.DEFINITE_DETERMINERS or span.doc[start].lower_ in {"a", "an"}
        ):
            start += 1
        while end > start + 1 and span.doc[end - 1].text in APOSTROPHES:
            end -= 1
        if end <= start or all(k in self._not_actor for k in range(start, end)):
            # "(R-Ky.)" in a stance stands for the legislator it follows; other such words for no one
            owner = next((self._tag_owner[k] for k in range(start, end) if k in self._tag_owner), None)
            if owner is not None:
                self._mention(owner, start, end, alias=False)
            return owner
        name = clean_name(span.doc[start:end].text)
        entry = self.gazetteer.lookup(name) if self.gazetteer and name else None
        if entry is None and self.gazetteer and name:
            # a capital or metonym asked for as an actor ("talks with Tripoli") is its government
            entry = self.gazetteer.seat(name)
        elif (
            entry is not None
            and self.gazetteer
            and entry.type == ActorType.Country
            and actor_type == ActorType.Government
        ):
            entry = self.gazetteer.government_of(entry) or entry
        why = not_an_actor(name) if entry is None and name else None
        if entry is not None:
            actor = self._actor_for_entry(entry)
        elif why == "adjective":
            # a stance about "Islamic" or "Muslim" people: the group, in the plural ("Muslims")
            label = T.GROUP_OF_ADJECTIVE.get(normalize(name)) or readable(name) + "s"
            actor = self._by_key.get(ids.actor_iri(label, ActorType.Group)) or self._new(label, ActorType.Group)
        elif why == "title":
            after = self._tok.get(end)
            if after is not None and after.type == ActorType.Person:
                return None  # "Senator" of "Senator Alice Brown": the name after it holds the stance
            # "the President" in a stance: the person this article gives that post, if any
            holder = self._holder_of(name, span.doc[start].idx)
            if holder is None:
                return None
            self._mention(holder, start, end, alias=False)
            return holder
        else:
            if not name or why is not None:
                return None
            if (
                self.gazetteer is not None
                and " " not in name
                and not name.endswith("s")  # "Americans" are a people; "American" alone an adjective
                and self.gazetteer.demonym(name) is not None
            ):
                # a country's adjective alone ("German" of "German Ortega", "Spanish" of
                # "Spanish-speaking") that the parser took for a name: no actor, as in the names step
                return None
            if plural_group(name):  # "Evangelicals", "Latinos": a group of people, whatever the parser's label
                actor_type = ActorType.Group
                name = group_label(name)
            country = places.country_name(name)
            where = places.place(name)
            place_name = (
                where.name if where else next((self._places[k] for k in range(start, end) if k in self._places), None)
            )
            if country is not None:
                actor = (
                    self._government_of_place(country)
                    if actor_type == ActorType.Government
                    else self._by_key.get(ids.actor_iri(country, ActorType.Country))
                    or self._new(country, ActorType.Country)
                )
            elif place_name is not None or actor_type == ActorType.Country:
                actor = self._government_of_place(place_name or readable(name))
            else:
                first = span.doc[start]
                if (
                    first.is_sent_start
                    and first.pos_ == "NOUN"
                    and name[:1].isupper()
                    and not name.isupper()
                    and all(t.text[:1].islower() for t in span.doc[start + 1 : end] if t.is_alpha)
                ):
                    name = name[:1].lower() + name[1:]  # "Supporters" at the start of a sentence: "supporters"
                actor = self._new(
                    readable(name), actor_type if actor_type in NONPERSON + PERSON_TYPES else ActorType.Group
                )
        self._mention(actor, start, end)
        return actor

    def _holder_of(self, title: str, before: int) -> Actor | None:
        """The person holding post ``title`` ("President") in this article, mentioned last before
        character ``before`` (else first after it); None if no one holds it."""
        want = normalize(title)
        best, best_key = None, None
        for a in self.actors:
            if a.type != ActorType.Person:
                continue
            # a post this article gives them, or their surname ("King" for Steve King)
            if not (
                any(normalize(r.title).split()[-1:] == [want] or normalize(r.title) == want for r in a.roles)
                or normalize(a.label).split()[-1:] == [want]
            ):
                continue
            starts = [m.start for m in a.mentions]
            prior = [s for s in starts if s < before]
            key = (0, -max(prior)) if prior else (1, min(starts) if starts else 10**9)
            if best_key is None or key < best_key:
                best, best_key = a, key
        return best

    def gender(self, actor: Actor) -> str | None:
        """ "male", "female" or None, from honorifics, titles, pronouns and the gazetteer."""
        return self._gender.get(actor.id)

    # -- building -----------------------------------------------------------------------
    def _government_of_place(self, place: str) -> Actor:
        """The government of a country or place not in the gazetteer: "Government of Texas"."""
        iri = ids.government_iri(place)
        actor = self._by_key.get(iri)
        if actor is None:
            actor = self._new(government_label(place), ActorType.Government, iri=iri)
            self._place_actor[actor.id] = place
        return actor

    def _new(self, label: str, actor_type: str, entry: Entry | None = None, *, iri: str | None = None) -> Actor:
        actor = Actor(
            id=f"a{len(self.actors) + 1}",
            label=label,
            type=actor_type,
            iri=entry.iri if entry else iri or ids.actor_iri(label, actor_type),
            same_as=list(entry.same_as) if entry else [],
        )
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
            if (
                text.endswith(suffix)
                and len(text) > len(suffix)
                and end - start >= 1
                and doc[end - 1].text.endswith(suffix)
            ):
                c1 -= len(suffix)
                text = text[: -len(suffix)]
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


# ====================================================================== the extractor
class _Builder(NameReader, TypeReader, Resolver, RoleReader):
    """One extraction: the rules, in order, over one Doc (each step in its own module)."""

    def __init__(self, doc: Doc, gazetteer: Gazetteer | None):
        self.doc = doc
        self.gaz = gazetteer
        self.index = ActorIndex(doc, gazetteer)
        self.described: dict[str, Actor] = {}  # words of a resolved description -> its actor
        self.ent_at: dict[int, SpacySpan] = {}
        for ent in doc.ents:
            for i in range(ent.start, ent.end):
                self.ent_at[i] = ent


def extract_actors(
    doc: Doc, *, gazetteer: Gazetteer | None = None, use_gazetteer: bool = True, refer_back: bool = True, **_: object
) -> ActorIndex:
    """The actors of one parsed article (see the module docstring for the rules).

    ``gazetteer`` defaults to :func:`kg.gazetteer.load_gazetteer` (the shipped file plus
    ``KG_GAZETTEER``); ``use_gazetteer=False`` reads the text alone; ``refer_back=False`` skips
    pronouns and descriptions.
    """
    if gazetteer is None and use_gazetteer:
        gazetteer = load_gazetteer()
    b = _Builder(doc, gazetteer if use_gazetteer else None)
    placed = b.merge(b.mentions())
    b.roles(placed)
    b.links()
    if refer_back and doc.has_annotation("DEP"):
        b.refer_back()
    return b.index
