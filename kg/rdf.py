"""Extraction records -> the quads of one article's named graph (pure: no I/O).

:func:`extraction_quads` is the only place records become RDF; :func:`extraction_graph` gives
the same triples as an rdflib ``Graph`` (for tests, SHACL and rdflib tools). Every IRI comes
from :mod:`kg.ids` and every ``kg:`` term from :class:`kg.vocab.KG`, so the same extraction
always gives the same quads and an undeclared term raises at once. No blank nodes are
written, so a graph can be compared with the store's copy quad by quad.

**What an article graph holds** (docs/DESIGN.md, "The graph"): only what this article says.
Everything whose subject belongs to the article (the article, its text spans, statements,
stances, the posts it names) is written with the ontology's own properties. A *shared*
resource — an actor, a role, a topic, met in many articles — gets no label and no type here:
the article only *claims* them, with the ``kg:*InArticle`` properties (``kg:nameInArticle``,
``kg:typeInArticle``, ``kg:aliasInArticle``, ``kg:partOfInArticle``, ``kg:ledByInArticle``,
``kg:sameAsInArticle``). The corpus graph (:mod:`kg.corpus`) holds each shared resource's
resolved label, type and links once, so a query over the union of all graphs that joins a
label or a type gets one row per resource, however many articles name it.

Article text enters the graph only as literals; IRIs that come from outside (``owl:sameAs``,
an actor's ``iri``) are checked and dropped when they are not plain http(s) IRIs.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable
from datetime import date

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef

import kg
from kg import ids
from kg.records import ACTOR_TYPES, Actor, ActorType, Extraction, Span, Stance, Statement
from kg.vocab import KG, NIF, ORG, PREFIXES, PROV, RDF, SCHEMA, XSD

log = logging.getLogger(__name__)

DEFAULT_MODEL = "unspecified"

# An IRI we accept from outside the package: http(s), none of the characters IRIs forbid.
_SAFE_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")


def _n(term: str) -> ox.NamedNode:
    return ox.NamedNode(str(term))


A = _n(RDF.type)
_XSD_STRING = str(XSD.string)
_XSD_INTEGER, _XSD_DECIMAL, _XSD_DATE, _XSD_BOOLEAN, _XSD_ANYURI = (
    _n(XSD.integer),
    _n(XSD.decimal),
    _n(XSD.date),
    _n(XSD.boolean),
    _n(XSD.anyURI),
)
_POLARITY = {"positive": _n(KG.positive), "negative": _n(KG.negative), "neutral": _n(KG.neutral)}
ACTOR_CLASS = {name: _n(KG[name]) for name in ACTOR_TYPES}

# the properties by which an article claims something of a shared resource (see kg.corpus)
NAME_IN_ARTICLE, TYPE_IN_ARTICLE, ALIAS_IN_ARTICLE = _n(KG.nameInArticle), _n(KG.typeInArticle), _n(KG.aliasInArticle)
PART_OF_IN_ARTICLE, LED_BY_IN_ARTICLE, SAME_AS_IN_ARTICLE, MEMBER_OF_IN_ARTICLE = (
    _n(KG.partOfInArticle),
    _n(KG.ledByInArticle),
    _n(KG.sameAsInArticle),
    _n(KG.memberOfInArticle),
)
CLAIMS = (
    NAME_IN_ARTICLE,
    TYPE_IN_ARTICLE,
    ALIAS_IN_ARTICLE,
    PART_OF_IN_ARTICLE,
    LED_BY_IN_ARTICLE,
    SAME_AS_IN_ARTICLE,
    MEMBER_OF_IN_ARTICLE,
)

_P = {
    name: _n(iri)
    for name, iri in {
        "mention": KG.mention,
        "fragment": KG.fragment,
        "TextSpan": KG.TextSpan,
        "beginIndex": NIF.beginIndex,
        "endIndex": NIF.endIndex,
        "anchorOf": NIF.anchorOf,
        "referenceContext": NIF.referenceContext,
        "Article": KG.Article,
        "NewsArticle": SCHEMA.NewsArticle,
        "Context": NIF.Context,
        "identifier": SCHEMA.identifier,
        "datePublished": SCHEMA.datePublished,
        "headline": SCHEMA.headline,
        "url": SCHEMA.url,
        "publisher": SCHEMA.publisher,
        "contentHash": KG.contentHash,
        "isString": NIF.isString,
        "wasDerivedFrom": PROV.wasDerivedFrom,
        "wasGeneratedBy": PROV.wasGeneratedBy,
        "softwareVersion": KG.softwareVersion,
        "model": KG.model,
        "Membership": ORG.Membership,
        "member": ORG.member,
        "organization": ORG.organization,
        "role": ORG.role,
        "Statement": KG.Statement,
        "DirectQuote": KG.DirectQuote,
        "ReportedSpeech": KG.ReportedSpeech,
        "content": KG.content,
        "speaker": KG.speaker,
        "sourceMention": KG.sourceMention,
        "cue": KG.cue,
        "Stance": KG.Stance,
        "holder": KG.holder,
        "target": KG.target,
        "topic": KG.topic,
        "polarity": KG.polarity,
        "confidence": KG.confidence,
        "evidence": KG.evidence,
        "holderMention": KG.holderMention,
        "targetMention": KG.targetMention,
        "fromStatement": KG.fromStatement,
        "reportedBy": KG.reportedBy,
        "negated": KG.negated,
        "extractor": KG.extractor,
    }.items()
}


def content_hash(text: str) -> str:
    """SHA-256 (hex) of an article body: what ``kg:contentHash`` holds."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def safe_iri(value: str | None) -> str | None:
    """``value`` if it is a plain http(s) IRI, else None."""
    if value and _SAFE_IRI.match(value):
        return value
    return None


def iso_date(value: str | None) -> str | None:
    """``"2019-06-06"`` (or a timestamp starting with it) as an ISO date string; None if not a date."""
    if not value:
        return None
    m = _ISO_DATE.match(value.strip())
    if not m:
        return None
    try:
        date.fromisoformat(m.group(1))
    except ValueError:
        return None
    return m.group(1)


def decimal(value: float) -> str:
    """A confidence's lexical form as an ``xsd:decimal`` (``0.8``, ``1.0``): stable from run to run."""
    text = f"{float(value):.4f}".rstrip("0")
    if text.endswith("."):
        text += "0"
    return text


class _Builder:
    """Holds the quads and the IRI lookups while one extraction is written."""

    def __init__(self, extraction: Extraction, model: str, version: str) -> None:
        self.x = extraction
        self.article_id = extraction.article.id
        self.article = _n(ids.article_iri(self.article_id))
        self.graph = _n(ids.article_graph_iri(self.article_id))
        self.model = model
        self.version = version
        self.quads: list[ox.Quad] = []
        self.seen: set[ox.Quad] = set()
        self.actor_iris: dict[str, ox.NamedNode] = {}
        self.statement_iris: dict[str, ox.NamedNode] = {}

    def add(self, s: ox.NamedNode, p: ox.NamedNode, o) -> None:
        quad = ox.Quad(s, p, o, self.graph)
        if quad not in self.seen:
            self.seen.add(quad)
            self.quads.append(quad)

    # ---------------------------------------------------------------- pieces
    def span(self, span: Span | None) -> ox.NamedNode | None:
        """The text span node for ``span`` (added once; the same offsets give the same IRI).

        Offsets are ``xsd:integer`` rather than NIF's ``xsd:nonNegativeInteger``: Oxigraph
        stores the latter as the former anyway, and the shapes check they are not negative.
        No ``rdf:type``: spans are most of an article's nodes, the properties that point at
        them have ``kg:TextSpan`` as their range, and the shapes find them by their anchor.
        """
        if span is None:
            return None
        node = _n(ids.span_iri(self.article_id, span.start, span.end))
        if ox.Quad(node, _P["referenceContext"], self.article, self.graph) not in self.seen:
            self.add(node, _P["beginIndex"], ox.Literal(str(span.start), datatype=_XSD_INTEGER))
            self.add(node, _P["endIndex"], ox.Literal(str(span.end), datatype=_XSD_INTEGER))
            self.add(node, _P["anchorOf"], ox.Literal(span.text))
            self.add(node, _P["referenceContext"], self.article)
        for frag in span.fragments:
            frag_node = self.span(frag)
            if frag_node is not None and frag_node != node:
                self.add(node, _P["fragment"], frag_node)
        return node

    def article_node(self) -> None:
        art, node = self.x.article, self.article
        for cls in (_P["Article"], _P["NewsArticle"], _P["Context"]):
            self.add(node, A, cls)
        self.add(node, _P["identifier"], ox.Literal(art.id))
        published = iso_date(art.date)
        if published is not None:
            self.add(node, _P["datePublished"], ox.Literal(published, datatype=_XSD_DATE))
        elif art.date:
            log.warning("article %s: date %r is not an ISO date; left out", art.id, art.date)
        if art.title:
            self.add(node, _P["headline"], ox.Literal(art.title))
        if art.url:
            self.add(node, _P["url"], ox.Literal(art.url, datatype=_XSD_ANYURI))
        if art.source:
            self.add(node, _P["publisher"], ox.Literal(art.source))
        self.add(node, _P["contentHash"], ox.Literal(content_hash(art.text)))
        self.add(node, _P["isString"], ox.Literal(art.text))

    def provenance(self) -> None:
        """The graph was derived from the article by a run of kg; the run's version and model are
        stated on the graph (an article's own node), and described once in the corpus graph."""
        run = _n(ids.run_iri(self.version, self.model))
        self.add(self.graph, _P["wasDerivedFrom"], self.article)
        self.add(self.graph, _P["wasGeneratedBy"], run)
        self.add(self.graph, _P["softwareVersion"], ox.Literal(self.version))
        self.add(self.graph, _P["model"], ox.Literal(self.model))

    def actor_iri(self, actor: Actor) -> ox.NamedNode:
        return _n(safe_iri(actor.iri) or ids.actor_iri(actor.label, actor.type))

    def actors(self) -> None:
        for actor in self.x.actors:
            self.actor_iris[actor.id] = self.actor_iri(actor)
        for actor in self.x.actors:
            node = self.actor_iris[actor.id]
            cls = ACTOR_CLASS.get(actor.type)
            if cls is None:
                log.warning("actor %s: unknown type %r, written as Organization", actor.label, actor.type)
                cls = ACTOR_CLASS[ActorType.Organization]
            self.add(node, NAME_IN_ARTICLE, ox.Literal(actor.label))
            self.add(node, TYPE_IN_ARTICLE, cls)
            for alias in actor.aliases:
                if alias and alias != actor.label:
                    self.add(node, ALIAS_IN_ARTICLE, ox.Literal(alias))
            for same in actor.same_as:
                iri = safe_iri(same)
                if iri is None:
                    log.warning("actor %s: owl:sameAs %r is not an http(s) IRI; left out", actor.label, same)
                else:
                    self.add(node, SAME_AS_IN_ARTICLE, _n(iri))
            for local, prop in ((actor.part_of, PART_OF_IN_ARTICLE), (actor.leader, LED_BY_IN_ARTICLE)):
                other = self.actor_iris.get(local) if local else None
                if other is not None and other != node:
                    self.add(node, prop, other)
            for mention in actor.mentions:
                self.add(node, _P["mention"], self.span(mention))
            for role in actor.roles:
                self.membership(node, role.title, self.actor_iris.get(role.organization or ""))

    def membership(self, actor: ox.NamedNode, title: str, organization: ox.NamedNode | None) -> None:
        """A post this article says ``actor`` holds: an article-scoped ``org:Membership`` (so
        that what each article says stays apart and countable); the role is a shared concept
        the article names."""
        if not title or not title.strip():
            return
        role = _n(ids.role_iri(title))
        m = _n(
            ids.membership_iri(
                actor.value, title, organization.value if organization else None, article_id=self.article_id
            )
        )
        self.add(m, A, _P["Membership"])
        self.add(m, _P["member"], actor)
        self.add(m, _P["role"], role)
        if organization is not None:
            self.add(m, _P["organization"], organization)
            if organization != actor:  # and the claim the corpus graph counts (org:memberOf there)
                self.add(actor, MEMBER_OF_IN_ARTICLE, organization)
        self.add(m, _P["wasDerivedFrom"], self.article)
        self.add(role, NAME_IN_ARTICLE, ox.Literal(title))

    def statement(self, st: Statement) -> None:
        node = _n(ids.statement_iri(self.article_id, st.content.start, st.content.end))
        if ox.Quad(node, A, _P["Statement"], self.graph) in self.seen:
            # Two records with the same content offsets are one statement; keep the first.
            log.info(
                "article %s: statement %s repeats offsets %d-%d; kept the first",
                self.article_id,
                st.id,
                st.content.start,
                st.content.end,
            )
            self.statement_iris[st.id] = node
            return
        self.statement_iris[st.id] = node
        self.add(node, A, _P["Statement"])
        self.add(node, A, _P["DirectQuote"] if st.direct else _P["ReportedSpeech"])
        self.add(node, _P["content"], self.span(st.content))
        speaker = self.actor_iris.get(st.speaker) if st.speaker else None
        if speaker is not None:
            self.add(node, _P["speaker"], speaker)
        if st.source_span is not None:
            self.add(node, _P["sourceMention"], self.span(st.source_span))
        if st.cue is not None:
            self.add(node, _P["cue"], self.span(st.cue))
        self.add(node, _P["wasDerivedFrom"], self.article)

    def stance(self, t: Stance, seen: set[str]) -> None:
        holder = self.actor_iris.get(t.holder)
        target = self.actor_iris.get(t.target) if t.target else None
        topic_label = (t.topic or "").strip()
        polarity = _POLARITY.get(t.polarity)
        if holder is None or polarity is None or (target is None and not topic_label):
            log.warning(
                "article %s: stance %s lacks a known holder, target/topic or polarity; left out", self.article_id, t.id
            )
            return
        iri = ids.stance_iri(
            self.article_id,
            holder.value,
            target.value if target is not None else f"topic:{topic_label}",
            t.polarity,
            t.cue.start if t.cue else None,
            t.evidence.start if t.evidence else None,
        )
        if iri in seen:
            log.info("article %s: stance %s repeats a more confident one; left out", self.article_id, t.id)
            return
        seen.add(iri)
        node = _n(iri)
        self.add(node, A, _P["Stance"])
        self.add(node, _P["holder"], holder)
        if target is not None:
            self.add(node, _P["target"], target)
        else:
            topic = _n(ids.topic_iri(topic_label))
            self.add(node, _P["topic"], topic)
            self.add(topic, NAME_IN_ARTICLE, ox.Literal(topic_label))
        self.add(node, _P["polarity"], polarity)
        self.add(node, _P["confidence"], ox.Literal(decimal(t.confidence), datatype=_XSD_DECIMAL))
        for span, prop in (
            (t.cue, "cue"),
            (t.evidence, "evidence"),
            (t.holder_span, "holderMention"),
            (t.target_span, "targetMention"),
        ):
            if span is not None:
                self.add(node, _P[prop], self.span(span))
        statement = self.statement_iris.get(t.statement) if t.statement else None
        if statement is not None:
            self.add(node, _P["fromStatement"], statement)
        reporter = self.actor_iris.get(t.reported_by) if t.reported_by else None
        if reporter is not None:
            self.add(node, _P["reportedBy"], reporter)
        if t.negated:
            self.add(node, _P["negated"], ox.Literal("true", datatype=_XSD_BOOLEAN))
        if t.extractor:
            self.add(node, _P["extractor"], ox.Literal(t.extractor))
        self.add(node, _P["wasDerivedFrom"], self.article)

    def build(self) -> list[ox.Quad]:
        self.article_node()
        self.provenance()
        self.actors()
        for st in self.x.statements:
            self.statement(st)
        seen: set[str] = set()
        # of stances that repeat one another (same holder, target, polarity, cue and evidence,
        # read from different mentions of the same actors), the most confident is kept
        for t in sorted(self.x.stances, key=lambda t: -float(t.confidence)):
            self.stance(t, seen)
        return self.quads


def extraction_quads(
    extraction: Extraction, *, model: str = DEFAULT_MODEL, version: str = kg.__version__
) -> list[ox.Quad]:
    """The quads of one article's named graph: its metadata, the actors it names (as claims),
    the posts it says they hold, its statements and stances.

    ``model`` names the spaCy pipeline and ``version`` the kg version that made the extraction
    (the PROV activity that generated the graph). The graph is
    ``ids.article_graph_iri(article.id)``. Pure and deterministic: the same input gives the
    same quads, in the same order.
    """
    return _Builder(extraction, model, version).build()


def to_rdflib(term) -> URIRef | Literal:
    """A pyoxigraph term as an rdflib term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:
            return Literal(term.value)  # rdflib's plain literal (xsd:string written out is another term there)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"not a named node or literal: {term!r}")


def new_graph(identifier: str | None = None) -> Graph:
    g = Graph(identifier=URIRef(identifier) if identifier else None)
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    return g


def quads_graph(quads: Iterable[ox.Quad], identifier: str | None = None) -> Graph:
    """Quads as one rdflib ``Graph`` (their graph names dropped)."""
    g = new_graph(identifier)
    for q in quads:
        g.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return g


def extraction_graph(extraction: Extraction, *, model: str = DEFAULT_MODEL, version: str = kg.__version__) -> Graph:
    """:func:`extraction_quads` as an rdflib ``Graph`` whose identifier is the article's graph IRI."""
    return quads_graph(
        extraction_quads(extraction, model=model, version=version), ids.article_graph_iri(extraction.article.id)
    )
