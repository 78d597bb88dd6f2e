"""Actors within one article: named entities -> actors with types, aliases merged.

First version: entities from the model, possessives stripped, surname-only mentions merged
into the full name, pronouns resolved to the most recent person. The interface
(:func:`extract_actors` returning an :class:`ActorIndex`) is what the statement and stance
extractors use.
"""
from __future__ import annotations

import re
from typing import Iterable

from spacy.tokens import Doc, Span as SpacySpan

from kg import ids
from kg.records import Actor, Span

_TYPE_OF_LABEL = {"PERSON": "Person", "ORG": "Organization", "GPE": "Country", "NORP": "Country"}
_PRONOUNS_PERSON = {"he", "him", "his", "she", "her", "hers"}
_POSSESSIVE = re.compile(r"[’']s?$")


class ActorIndex:
    """The actors of one article and where they are mentioned."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.actors: list[Actor] = []
        self._by_char: dict[int, Actor] = {}  # mention start char -> actor

    # -- lookup -------------------------------------------------------------------------
    def by_id(self, local_id: str) -> Actor:
        for a in self.actors:
            if a.id == local_id:
                return a
        raise KeyError(local_id)

    def at(self, start: int, end: int) -> Actor | None:
        """The actor with a mention overlapping ``[start, end)`` (the longest overlap wins)."""
        best, best_len = None, 0
        for a in self.actors:
            for m in a.mentions:
                overlap = min(end, m.end) - max(start, m.start)
                if overlap > best_len:
                    best, best_len = a, overlap
        return best

    def resolve(self, span: SpacySpan) -> Actor | None:
        """The actor that ``span`` (a name, a pronoun) refers to; records the mention."""
        found = self.at(span.start_char, span.end_char)
        if found is not None:
            return found
        if len(span) == 1 and span[0].lower_ in _PRONOUNS_PERSON:
            before = [a for a in self.actors if a.type == "Person"
                      and any(m.end <= span.start_char for m in a.mentions)]
            if before:
                latest = max(before, key=lambda a: max(m.end for m in a.mentions if m.end <= span.start_char))
                self._add_mention(latest, Span.from_spacy(span))
                return latest
        return None

    def ensure(self, span: SpacySpan, actor_type: str = "Group") -> Actor:
        """The actor ``span`` refers to, created from the span's text if there is none."""
        found = self.resolve(span)
        if found is not None:
            return found
        return self._add(span.text, actor_type, Span.from_spacy(span))

    # -- building -----------------------------------------------------------------------
    def _add(self, label: str, actor_type: str, mention: Span) -> Actor:
        actor = Actor(id=f"a{len(self.actors) + 1}", label=label, type=actor_type,
                      iri=ids.actor_iri(label, actor_type))
        self.actors.append(actor)
        self._add_mention(actor, mention)
        return actor

    def _add_mention(self, actor: Actor, mention: Span) -> None:
        if all((m.start, m.end) != (mention.start, mention.end) for m in actor.mentions):
            actor.mentions.append(mention)
            self._by_char[mention.start] = actor


def _name_span(ent: SpacySpan) -> Span:
    text = ent.text
    m = _POSSESSIVE.search(text) if ent[-1].tag_ == "POS" or text.endswith(("’s", "'s")) else None
    end = ent.end_char - (len(m.group(0)) if m else 0)
    return Span(ent.start_char, end, ent.doc.text[ent.start_char:end])


def extract_actors(doc: Doc, **_: object) -> ActorIndex:
    """Actors from the model's entities, one per distinct name, surnames merged."""
    index = ActorIndex(doc)
    by_name: dict[str, Actor] = {}
    ents: Iterable[SpacySpan] = (e for e in doc.ents if e.label_ in _TYPE_OF_LABEL)
    for ent in ents:
        mention = _name_span(ent)
        name = mention.text.strip()
        if not name:
            continue
        actor_type = _TYPE_OF_LABEL[ent.label_]
        actor = by_name.get(name.lower())
        if actor is None and actor_type == "Person":
            last = name.split()[-1].lower()
            actor = next((a for a in index.actors if a.type == "Person"
                          and a.label.split()[-1].lower() == last), None)
        if actor is None:
            actor = index._add(name, actor_type, mention)
        else:
            index._add_mention(actor, mention)
            if len(name) > len(actor.label) and actor.type == "Person":
                actor.label = name
                actor.iri = ids.actor_iri(name, actor.type)
        by_name[name.lower()] = actor
    return index
