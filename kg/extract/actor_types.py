"""Typing: what kind of actor a name is, and whether a country or a place acts.

Step 2 of :func:`kg.extract.actors.extract_actors` (mixed into the builder): the gazetteer first,
then the model's label repaired by cue words (newspapers -> Media, militias -> Group, parties ->
Party, ministries -> Government); a country is its *Country* as a place or people and its
*Government* when it acts (:meth:`TypeReader._acts`).
"""

from __future__ import annotations

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from kg import ids
from kg.extract import lexicon as T
from kg.extract import places
from kg.extract.names import PLURAL_TAGS, Mention, clean_name, group_label, not_an_actor, plural_group, readable
from kg.extract.syntax import entity_labels
from kg.gazetteer import Entry, government_label
from kg.records import Actor, ActorType


class TypeReader:
    """Types of mentions, and countries that act as their governments."""

    def _classify_other(self, ent: SpacySpan, m: Mention) -> Mention | None:
        gaz, label, name = self.gaz, ent.label_, m.name
        root = self.doc[m.end - 1]
        words = [t.lower_ for t in self.doc[m.start : m.end]]
        if label == "NORP":
            return self._people(m, root, words)
        entry = gaz.lookup(name) if gaz else None
        if label == "GPE" and entry is None:
            other = self._not_a_place(ent, m, words)
            if other is not None:
                return other
        if label in ("GPE", "LOC", "FAC") or (
            label == "ORG"
            and entry is None
            and (places.place(name) is not None or places.country_name(name) is not None)
        ):
            placed = self._place_or_country(label, m, root, entry)
            if (
                placed is not None
                and label == "FAC"
                and placed.type == ActorType.Government
                and placed.place is None
                and placed.entry is None
            ):
                placed.type = self._org_type(ent, words)  # "the Oval Office said", "the Miami Herald reported"
            return placed
        # ORG
        if (
            entry is not None
            and entry.type == ActorType.Person
            and gaz.lookup(name, (ActorType.Person,)) is entry
            and " " in name.strip()
        ):
            m.type = ActorType.Person  # "Barack Obama" read as an organisation
            return m
        entry = (
            gaz.lookup(
                name,
                (
                    ActorType.Government,
                    ActorType.InternationalOrganization,
                    ActorType.Party,
                    ActorType.Media,
                    ActorType.Group,
                    ActorType.Organization,
                    ActorType.Country,
                ),
            )
            if gaz
            else None
        )
        if entry is None and gaz is not None:
            entry = gaz.seat(name)  # "the Kremlin"
        if entry is not None:
            if entry.type == ActorType.Country:
                entry = self._government_or_country(entry, root) or entry
            m.entry, m.type = entry, entry.type
            return m
        if self._looks_like_a_person(m.name, words):
            m.type = ActorType.Person  # "Carly Fiorina" read as an organisation
            return m
        m.type = self._org_type(ent, words)
        return m

    def _not_a_place(self, ent: SpacySpan, m: Mention, words: list[str]) -> Mention | None:
        """A GPE entity that names no known place and reads as something else: a person or an
        organisation the model took for a place, which would otherwise become "Government of
        Le Pen" or "Government of Miami Herald" when it acts. It is a person when it looks
        like one (a common first name and a surname) or ends the name of a person the article names ("Le Pen" after
        "Marine Le Pen"); a medium, party or group when its words say so ("Miami Herald", "Grand
        Old Party"); and what the model tags it elsewhere in the article when that is a person or
        an organisation more often than a place. None: treat it as a place (a city, most often)."""
        name = m.name
        if (
            places.country_name(name) is not None
            or places.place(name) is not None
            or (self.gaz is not None and self.gaz.seat(name) is not None)
        ):
            return None
        folded = name.casefold()
        labels, person_tails = entity_labels(self.doc)
        tags = labels.get(folded, {})
        if (
            folded in person_tails
            or self._looks_like_a_person(name, words)
            or tags.get("PERSON", 0) > tags.get("GPE", 0)
        ):
            m.type = ActorType.Person
            return m
        kind = self._org_type(ent, words)
        if kind in (ActorType.Media, ActorType.Party, ActorType.Group) or tags.get("ORG", 0) > tags.get("GPE", 0):
            m.type = kind
            return m
        return None

    @staticmethod
    def _looks_like_a_person(name: str, words: list[str]) -> bool:
        """Two or three capitalised words opening with a common first name and holding no word
        of an organisation's name ("Carly Fiorina", not "John Hancock Financial")."""
        parts = name.split()
        if not 2 <= len(parts) <= 3 or not all(p[:1].isupper() for p in parts):
            return False
        if words[0] not in T.MALE_NAMES and words[0] not in T.FEMALE_NAMES:
            return False
        cues = T.MEDIA_WORDS | T.GROUP_WORDS | T.GOVERNMENT_ORG_WORDS | T.PARTY_WORDS | T.ORGANIZATION_WORDS
        return not any(w in cues for w in words)

    def _people(self, m: Mention, root: Token, words: list[str]) -> Mention | None:
        """A NORP entity: a country's people ("Libyans", "Libyan officials" -> the government), a
        party ("Republicans"), or a group named in the plural ("Muslims") or by an adjective and a
        people noun ("Hispanic voters"); an adjective alone ("Islamic", "Christian") names no actor."""
        gaz, name, doc = self.gaz, m.name, self.doc
        country = gaz.demonym(name) if gaz else None
        if country is not None:
            m.entry = self._government_or_country(country, root)
            m.type = m.entry.type if m.entry else ActorType.Country
            return m
        entry = (
            gaz.lookup(
                name,
                (ActorType.Party, ActorType.Group, ActorType.Country, ActorType.InternationalOrganization),
                hidden=True,
            )
            if gaz
            else None
        )
        if entry is not None:
            m.entry, m.type = entry, entry.type
            return m
        if any(w in T.PARTY_WORDS for w in words) or name.lower().startswith(("democrat", "republican")):
            m.type = ActorType.Party
            return m
        why = not_an_actor(name)
        if why is not None and why != "adjective":
            return None
        m.type = ActorType.Group
        if root.tag_ in PLURAL_TAGS or plural_group(name):
            m.name = group_label(name)  # "Muslims", "African Americans": a group of people, in the plural
            return m
        # an adjective: a group only with a people noun after it ("Hispanic voters", "Muslim immigrants")
        head = root.head
        if (
            root.dep_ in ("amod", "compound", "nmod")
            and m.end <= head.i <= m.end + 1
            and head.tag_ in PLURAL_TAGS
            and head.lower_ in T.PEOPLE_NOUNS
        ):
            m.end = head.i + 1
            m.name = group_label(clean_name(doc[m.start : m.end].text))
            return m
        if why == "adjective" or root.pos_ == "ADJ" or root.tag_ == "JJ":
            return None
        return m

    def _place_or_country(self, label: str, m: Mention, root: Token, entry: Entry | None) -> Mention | None:
        """A GPE, LOC or FAC entity (or an ORG that names a state or country): a country is the
        *Country* as a place or people and its *Government* when it acts; a seat or metonym that
        acts is its government; a state, city or other place below a country is no actor unless it
        acts, and then it is its government ("Government of Texas"). A region (LOC: "the Middle East")
        is no actor; a building (FAC) that acts keeps its name ("the Oval Office")."""
        gaz, name = self.gaz, m.name
        if entry is not None and entry.type == ActorType.Person:
            m.type = ActorType.Person  # "Trump" read as a place: the merge finds the person
            return m
        if entry is not None and entry.type in (
            ActorType.Organization,
            ActorType.Media,
            ActorType.Party,
            ActorType.Group,
        ):
            m.entry, m.type = entry, entry.type  # "Politico", "Facebook" read as places
            return m
        if entry is not None and entry.type == ActorType.Country:
            m.entry = self._government_or_country(entry, root)
            m.type = m.entry.type if m.entry else ActorType.Country
            return m
        if entry is not None:  # a government or one of its parts named outright ("the Pentagon")
            if self._is_place(root) and entry.part_of:
                return None
            m.entry, m.type = entry, entry.type
            return m
        seat = gaz.seat(name) if gaz else None
        if seat is not None:
            # a capital as the subject of almost any verb speaks for its government
            subject = root.dep_ == "nsubj" and root.head.lemma_.lower() != "be"
            if not (subject or self._acts(root)):
                return None  # "fighting in Tripoli": a place
            m.entry, m.type = seat, ActorType.Government
            return m
        acts = self._acts(root)
        country = places.country_name(name)
        if country is not None:  # a country the gazetteer does not list
            if acts:
                m.type, m.name, m.iri = ActorType.Government, government_label(country), ids.government_iri(country)
            else:
                m.type, m.name = ActorType.Country, country
            return m
        where = places.place(name)
        acts = self._place_acts(root)
        if where is None and label != "GPE":
            if label == "FAC" and acts:
                m.type = ActorType.Government  # "the Oval Office said"
                return m
            return None  # a region, a building, a landmark: no actor
        m.place = where.name if where is not None else readable(name)
        m.acts = acts
        m.type, m.name, m.iri = ActorType.Government, government_label(m.place), ids.government_iri(m.place)
        return m

    def _org_type(self, ent: SpacySpan, words: list[str]) -> str:
        last = words[-1] if words else ""
        text = " ".join(words)
        if last in T.MEDIA_WORDS or (words and words[0] in T.MEDIA_WORDS and len(words) <= 2):
            return ActorType.Media
        if ent.root.dep_ in ("dobj", "dative") and ent.root.head.lemma_ == "tell":
            return ActorType.Media  # "told The Times"
        if any(w in T.PARTY_WORDS for w in words):
            return ActorType.Party
        if any(w in T.GROUP_WORDS for w in words):
            return ActorType.Group
        if text.startswith("united nations") or text.startswith("u.n."):
            return ActorType.InternationalOrganization
        if any(w in T.GOVERNMENT_ORG_WORDS for w in words):
            return ActorType.Government
        return ActorType.Organization

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
            return (
                head.lower_ in T.AGENT_PREPOSITIONS
                and head.dep_ in ("prep", "agent")
                and head.head.pos_ in ("NOUN", "VERB", "PROPN")
            )
        if dep == "poss":
            return head.lower_ in T.GOVERNMENT_POSSESSED
        if dep in ("amod", "compound", "nmod"):
            if head.lower_ not in T.GOVERNMENT_HEADS:
                return False
            # "Libyan militia leader": the post belongs to something else
            return not any(
                c.lower_ in T.NON_GOVERNMENT_QUALIFIERS for c in head.children if c.dep_ in ("compound", "amod")
            )
        return False

    def _place_acts(self, tok: Token) -> bool:
        """Does a state, city or other place below a country act here ("Texas sued", "Ohio officials",
        "a lawsuit by California")? Stricter than for a country: in election news a state is
        mostly where votes are cast ("Florida votes", "the Florida senator", "delegates from Iowa")."""
        seen = 0
        while tok.dep_ == "conj" and tok.head.i != tok.i and seen < 5:
            tok, seen = tok.head, seen + 1
        dep, head = tok.dep_, tok.head
        if dep == "nsubj":
            lemma = head.lemma_.lower()
            return head.pos_ in ("VERB", "AUX") and lemma not in T.STATE_VERBS and lemma not in T.PLACE_STATE_VERBS
        if dep == "pobj":
            return (head.lower_ == "by" and head.dep_ == "agent") or (head.lower_ == "against" and head.dep_ == "prep")
        if dep == "poss":
            return head.lower_ in T.PLACE_POSSESSED
        if dep in ("amod", "compound", "nmod"):
            return head.lower_ in T.PLACE_GOVERNMENT_HEADS
        return False

    @staticmethod
    def _is_place(tok: Token) -> bool:
        return (
            tok.dep_ == "pobj" and tok.head.lower_ in T.LOCATIVE_PREPS and tok.head.lower_ not in T.AGENT_PREPOSITIONS
        )

    def _government(self, actor: Actor) -> Actor:
        """The government actor of a country actor (itself if already a government)."""
        if actor.type != ActorType.Country:
            return actor
        entry = self.index._entries.get(actor.id)
        gov = self.gaz.government_of(entry) if (self.gaz and entry) else None
        if gov is not None:
            g = self.index._actor_for_entry(gov)
        else:
            g = self.index._government_of_place(actor.label)
        if g.part_of is None:
            g.part_of = actor.id
        return g
