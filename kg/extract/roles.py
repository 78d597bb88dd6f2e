"""Roles: the posts a person holds, read from the words that modify that person's name.

Step 5 of :func:`kg.extract.actors.extract_actors` (mixed into the builder): titles before a name
("Libyan Deputy Prime Minister Ahmed Maiteeq" -> Deputy Prime Minister in the Libyan government),
appositions ("X, a spokeswoman for Y"; "Y's spokesman, X"); a title's organisation comes from the
text, or from the gazetteer's posts for a known person. Then the parts of governments are linked.
"""

from __future__ import annotations

from kg.extract import lexicon as T
from kg.extract import places
from kg.extract.names import PARTY_OF_TAG, Mention
from kg.records import Actor, ActorType, Role


class RoleReader:
    """Posts of persons, and part-of links."""

    # ---------------------------------------------------------------- 5. roles
    def roles(self, placed: list[tuple[Mention, Actor]]) -> None:
        for m, actor in placed:
            if actor.type != ActorType.Person:
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
            for k in m.tag_tokens:
                self.index._tag_owner[k] = actor
            if m.party in PARTY_OF_TAG and self.gaz is not None:
                party = self.gaz.lookup(PARTY_OF_TAG[m.party], (ActorType.Party,))
                if party is not None:  # "(D-Calif.)": a member of the Democratic Party
                    self._add_role(actor, "Member", self.index._actor_for_entry(party))

    def _add_role(self, actor: Actor, title: str, org: Actor | None) -> None:
        if any(
            r.title.lower() == title.lower() and (r.organization == (org.id if org else None) or org is None)
            for r in actor.roles
        ):
            return
        # a role with a known organisation replaces the same title without one
        actor.roles = [r for r in actor.roles if not (r.title.lower() == title.lower() and r.organization is None)]
        actor.roles.append(Role(title, org.id if org else None))
        g = T.TITLE_GENDER.get(title.lower().split()[-1]) if title else None
        if g and actor.id not in self.index._gender:
            self.index._gender[actor.id] = g

    def _org_of_qualifier(self, i: int, title: str) -> Actor | None:
        index = self.index
        qual = index._tok.get(i)
        words = set(title.lower().replace("-", " ").split())
        place = index._places.get(i) if qual is None else index._place_actor.get(qual.id)
        if place is not None:
            # "Texas Gov. Greg Abbott": the state's government; "Vermont Sen. Bernie Sanders": the
            # Senate, not Vermont's government (a member of Congress represents the state)
            if words & T.NON_GOVERNMENT_QUALIFIERS or not words & T.GOVERNMENT_POST_WORDS:
                return None
            if words & T.CONGRESS_POST_WORDS:
                chamber = "Senate" if words & {"senator"} else "House of Representatives"
                entry = (
                    self.gaz.lookup(chamber, (ActorType.Government,))
                    if self.gaz is not None and places.us_state(place)
                    else None
                )
                return index._actor_for_entry(entry) if entry is not None else None
            return qual if qual is not None else index._government_of_place(place)
        if qual is None:
            return None
        if qual.type in (ActorType.Country, ActorType.Government):
            if words & T.NON_GOVERNMENT_QUALIFIERS or not words & T.GOVERNMENT_POST_WORDS:
                return None
            return self._government(qual)
        return qual

    def _apposition_before(self, noun, m: Mention) -> bool:
        """Is ``noun`` a post written just before the name ("Libya's deputy prime minister, Ahmed
        Maiteeq", "the campaign's spokeswoman, Hope Hicks"): it ends at a comma right before the
        name and is introduced by a determiner or a possessor, outside any quotation?"""
        doc = self.doc
        if noun.i >= m.start:
            return False
        between = doc[noun.right_edge.i + 1 : m.start] if noun.right_edge.i < m.start else doc[noun.i + 1 : m.start]
        if any(not t.is_punct or t.text not in (",", "—", "–", "-") for t in between if t.i > noun.i):
            return False
        if not any(c.dep_ in ("det", "poss") for c in noun.children):
            return False
        sent_start = noun.sent.start if doc.has_annotation("SENT_START") else max(0, noun.i - 30)
        quotes = sum(1 for t in doc[sent_start : noun.i] if t.is_quote)
        return quotes % 2 == 0

    def _names_someone_else(self, noun, m: Mention) -> bool:
        """Does the post ``noun`` carry another person's name ("reporter Jane Doe", "his lawyer, John
        Smith")? Then the post is that person's."""
        index = self.index
        mine = index._tok.get(m.start)
        for t in noun.subtree:
            if m.start <= t.i < m.end:
                continue
            other = index._tok.get(t.i)
            if (
                other is not None
                and other is not mine
                and other.type == ActorType.Person
                and t.dep_ in ("compound", "appos", "flat", "nmod", "npadvmod")
            ):
                return True
            if t.ent_type_ == "PERSON" and t.i not in range(m.start, m.end) and t.head.i == noun.i:
                return True
        return False

    def _org_from_gazetteer(self, actor: Actor, title: str) -> Actor | None:
        entry = self.index._entries.get(actor.id)
        if entry is None or self.gaz is None:
            return None
        orgs = self.gaz.posts(entry, title)
        return self.index._actor_for_entry(orgs[0]) if orgs else None

    def _apposition_roles(self, m: Mention, actor: Actor) -> None:
        doc = self.doc
        head = doc[m.end - 1]
        cands = [c for c in head.children if c.dep_ == "appos" and c.i >= m.end]
        if head.dep_ == "appos" and head.head.pos_ == "NOUN" and self._apposition_before(head.head, m):
            cands.append(head.head)  # "Libya's deputy prime minister, Ahmed Maiteeq"
        for noun in cands:
            if noun.pos_ != "NOUN" or noun.lower_ not in T.ROLE_HEADS:
                continue
            if self._names_someone_else(noun, m):
                continue  # "Donald Trump, ... reporter Jane Doe": Jane Doe's post
            mods = [
                c
                for c in noun.lefts
                if c.dep_ in ("compound", "amod") and c.i not in self.ent_at and c.lower_ not in T.TITLE_QUALIFIERS
            ]
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
            if org is not None and org.type in (ActorType.Country,):
                org = self._government(org)
            if org is actor or (org is not None and org.type == ActorType.Person):
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
            if parent is None and actor.type == ActorType.Government and actor.mentions and self.gaz is not None:
                # the White House is part of the U.S. government even where the article does not name it
                pe = self.gaz.get(entry.part_of)
                if pe is not None and pe.type == ActorType.Government:
                    parent = index._actor_for_entry(pe)
            if parent is not None and parent is not actor:
                actor.part_of = parent.id
        # a government and its country, when both are in the article
        for actor in index.actors:
            if actor.type == ActorType.Government and actor.part_of is None:
                entry = index._entries.get(actor.id)
                parent = index._by_key.get(entry.part_of) if entry and entry.part_of else None
                if parent is not None:
                    actor.part_of = parent.id
