"""Typing: what kind of actor a name is, and whether a country or a place acts.

Step 2 of :func:`kg.extract.actors.extract_actors` (mixed into the builder): the gazetteer first,
then the model's label repaired by cue words (newspapers -> Media, militias -> Group, parties ->
Party, ministries -> Government); a country is its *Country* as a place or people and its
*Government* when it acts (:meth:`TypeReader._acts`).
"""
from __future__ import annotations

from spacy.tokens import Span as SpacySpan, Token

from kg import ids
from kg.extract import titles as T
from kg.extract.names import PLURAL_TAGS, Mention
from kg.gazetteer import Entry
from kg.records import Actor

_LOCATIVE_PREPS = {"in", "at", "inside", "outside", "near", "into", "to", "across", "around", "throughout",
                   "within", "toward", "towards", "through", "over", "on", "of", "for", "outside"}


class TypeReader:
    """Types of mentions, and countries that act as their governments."""

    def _classify_other(self, ent: SpacySpan, m: Mention) -> Mention | None:
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
                if root.tag_ in PLURAL_TAGS and name.endswith("s") and len(name) > 4:
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
