"""The typed records the extractors return.

Data flows one way: an :class:`Article` is parsed into a spaCy ``Doc``; the extractors turn
the Doc into :class:`Actor`, :class:`Statement` and :class:`Stance` records gathered in an
:class:`Extraction`; :meth:`Extraction.to_json` is exactly the extraction contract that
``kg extract --format jsonl`` prints (see ``docs/CONTRACT.md``); ``kg.rdf`` turns the same
records into triples.

Actor, statement and stance ids (``a1``, ``s1``, ``t1``) are local to one extraction; the
graph uses the IRIs minted in :mod:`kg.ids`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, cast


class ActorType(str, Enum):
    """The kinds of actor: each is a subclass of kg:Actor in ontology/kg.ttl of the same name
    (a test checks both ways). Members are named exactly as their values so that a member and
    the plain string are interchangeable: equal, same hash, same text when printed or dumped
    (the gazetteer and the store hand back plain strings)."""

    Person = "Person"
    Organization = "Organization"
    Government = "Government"
    Country = "Country"
    Group = "Group"
    Media = "Media"
    InternationalOrganization = "InternationalOrganization"
    Party = "Party"

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


ACTOR_TYPES: tuple[str, ...] = tuple(t.value for t in ActorType)
POLARITIES = ("positive", "negative", "neutral")


@dataclass(frozen=True)
class Span:
    """A piece of the article body: ``text == body[start:end]`` always."""

    start: int
    end: int
    text: str
    fragments: tuple[Span, ...] = ()

    @classmethod
    def of(cls, body: str, start: int, end: int) -> Span:
        return cls(start, end, body[start:end])

    @classmethod
    def from_spacy(cls, span: Any) -> Span:
        """A record span from a spaCy ``Span`` or ``Token``."""
        if hasattr(span, "start_char"):
            return cls(span.start_char, span.end_char, span.text)
        return cls(span.idx, span.idx + len(span.text), span.text)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"start": self.start, "end": self.end, "text": self.text}
        if self.fragments:
            out["fragments"] = [f.to_json() for f in self.fragments]
        return out


def span_json(span: Span | None) -> dict[str, Any] | None:
    return span.to_json() if span is not None else None


@dataclass(frozen=True)
class Article:
    """One news article as read: ``text`` is the body the extractors see (offsets refer to it)."""

    id: str
    text: str
    date: str | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None
    path: str | None = None


@dataclass
class Role:
    """A post held by an actor: ``title`` ("Deputy Prime Minister") in ``organization``
    (a local actor id such as ``a5``, or None when the organisation is unknown)."""

    title: str
    organization: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "organization": self.organization}


@dataclass
class Actor:
    """A person, government, country, organisation, group or medium named in an article."""

    id: str
    label: str
    type: str
    iri: str
    roles: list[Role] = field(default_factory=list)
    mentions: list[Span] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    same_as: list[str] = field(default_factory=list)  # e.g. Wikidata IRIs from the gazetteer
    part_of: str | None = None  # local id of the actor this one belongs to (a ministry -> its government)
    leader: str | None = None  # local id of the actor that leads this one ("Haftar's forces")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "label": self.label,
            "type": self.type,
            "iri": self.iri,
            "roles": [r.to_json() for r in self.roles],
            "mentions": [m.to_json() for m in sorted(self.mentions, key=lambda m: (m.start, m.end))],
        }
        if self.aliases:
            out["aliases"] = list(self.aliases)
        if self.same_as:
            out["same_as"] = list(self.same_as)
        if self.part_of:
            out["part_of"] = self.part_of
        if self.leader:
            out["leader"] = self.leader
        return out


@dataclass
class Statement:
    """A quote (``direct``) or reported speech: who said (``speaker``) what (``content``)."""

    id: str
    content: Span
    speaker: str | None = None
    source_span: Span | None = None
    cue: Span | None = None
    direct: bool = True

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "speaker": self.speaker,
            "source_span": span_json(self.source_span),
            "cue": span_json(self.cue),
            "content": self.content.to_json(),
            "direct": self.direct,
        }


@dataclass
class Stance:
    """``holder`` takes a ``polarity`` stance towards ``target`` (an actor) or ``topic``."""

    id: str
    holder: str
    polarity: str
    target: str | None = None
    topic: str | None = None
    holder_span: Span | None = None
    target_span: Span | None = None
    cue: Span | None = None
    evidence: Span | None = None
    statement: str | None = None
    confidence: float = 0.5
    reported_by: str | None = None  # local actor id of who reported this stance, if not the holder
    negated: bool = False
    # what read the stance: "rule" (a stance verb, noun or adjective), "phrase" (a fixed phrase
    # in a speaker's quote) or "model" (the learned pair classifiers); lets an analyst weigh or
    # filter model guesses apart from stances read off the words
    extractor: str | None = None
    # where it came from ("rule", "phrase", "model") and its confidence before calibration
    # (kg.extract.calibration); in memory only, for fitting and analysis, not in the JSON
    source: str | None = field(default=None, compare=False)
    raw_confidence: float | None = field(default=None, compare=False)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "holder": self.holder,
            "target": self.target,
            "topic": self.topic,
            "polarity": self.polarity,
            "holder_span": span_json(self.holder_span),
            "target_span": span_json(self.target_span),
            "cue": span_json(self.cue),
            "evidence": span_json(self.evidence),
            "statement": self.statement,
            "confidence": round(float(self.confidence), 4),
        }
        if self.reported_by:
            out["reported_by"] = self.reported_by
        if self.negated:
            out["negated"] = True
        if self.extractor:
            out["extractor"] = self.extractor
        return out


@dataclass
class Extraction:
    """Everything extracted from one article."""

    article: Article
    actors: list[Actor] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    stances: list[Stance] = field(default_factory=list)

    def actor(self, local_id: str | None) -> Actor | None:
        if local_id is None:
            return None
        for a in self.actors:
            if a.id == local_id:
                return a
        return None

    def to_json(self) -> dict[str, Any]:
        """The object ``kg extract --format jsonl`` prints for this article (the contract)."""
        art = self.article
        out: dict[str, Any] = {"id": art.id, "date": art.date}
        for key in ("title", "url", "source"):
            value = getattr(art, key)
            if value:
                out[key] = value
        out["actors"] = [a.to_json() for a in self.actors]
        out["statements"] = [s.to_json() for s in self.statements]
        out["stances"] = [t.to_json() for t in self.stances]
        return out


# ------------------------------------------------------------------------------ reading the contract back
def _span_from(obj: Mapping[str, Any] | None) -> Span | None:
    if not obj:
        return None
    frags = tuple(s for s in (_span_from(f) for f in obj.get("fragments") or ()) if s is not None)
    return Span(int(obj["start"]), int(obj["end"]), str(obj["text"]), frags)


def extraction_from_json(obj: Mapping[str, Any], text: str, *, path: str | None = None) -> Extraction:
    """The :class:`Extraction` that :meth:`Extraction.to_json` printed as ``obj``, with the
    article body ``text`` (the contract leaves the body out: offsets refer to it). The inverse
    of ``to_json``: ``extraction_from_json(x.to_json(), x.article.text).to_json() == x.to_json()``.
    """
    art = Article(
        id=str(obj["id"]),
        text=text,
        date=obj.get("date"),
        title=obj.get("title"),
        url=obj.get("url"),
        source=obj.get("source"),
        path=path,
    )
    actors = [
        Actor(
            id=a["id"],
            label=a["label"],
            type=a["type"],
            iri=a["iri"],
            roles=[Role(r["title"], r.get("organization")) for r in a.get("roles") or ()],
            mentions=[s for s in (_span_from(m) for m in a.get("mentions") or ()) if s is not None],
            aliases=list(a.get("aliases") or ()),
            same_as=list(a.get("same_as") or ()),
            part_of=a.get("part_of"),
            leader=a.get("leader"),
        )
        for a in obj.get("actors") or ()
    ]
    statements = [
        Statement(
            id=s["id"],
            content=cast(Span, _span_from(s["content"])),
            speaker=s.get("speaker"),
            source_span=_span_from(s.get("source_span")),
            cue=_span_from(s.get("cue")),
            direct=bool(s.get("direct", True)),
        )
        for s in obj.get("statements") or ()
    ]
    stances = [
        Stance(
            id=t["id"],
            holder=t["holder"],
            polarity=t["polarity"],
            target=t.get("target"),
            topic=t.get("topic"),
            holder_span=_span_from(t.get("holder_span")),
            target_span=_span_from(t.get("target_span")),
            cue=_span_from(t.get("cue")),
            evidence=_span_from(t.get("evidence")),
            statement=t.get("statement"),
            confidence=float(t.get("confidence", 0.5)),
            reported_by=t.get("reported_by"),
            negated=bool(t.get("negated", False)),
            extractor=t.get("extractor"),
        )
        for t in obj.get("stances") or ()
    ]
    return Extraction(article=art, actors=actors, statements=statements, stances=stances)
