"""Extraction records -> the triples of one article's named graph (pure: no I/O).

:func:`extraction_graph` is the only place records become RDF. Every IRI comes from
:mod:`kg.ids`, so the same extraction always gives the same graph, and every ``kg:`` term
comes from :class:`kg.vocab.KG`, so a term the ontology does not declare raises at once.
No blank nodes are written: a graph can then be compared with the store's copy triple by
triple (``kg.store`` relies on this to skip unchanged articles).

Article text enters the graph only as literals (``nif:isString``, ``nif:anchorOf``, labels);
IRIs that come from outside (``owl:sameAs``, an actor's ``iri``) are checked and dropped when
they are not plain http(s) IRIs.
"""
from __future__ import annotations

import hashlib
import logging
import re
from datetime import date

from rdflib import Graph, Literal, URIRef

import kg
from kg import ids
from kg.records import ACTOR_TYPES, Actor, Extraction, Span, Stance, Statement
from kg.vocab import KG, NIF, ORG, OWL, PREFIXES, PROV, RDF, RDFS, SCHEMA, SKOS, XSD

log = logging.getLogger(__name__)

DEFAULT_MODEL = "unspecified"

# An IRI we accept from outside the package: http(s), none of the characters IRIs forbid.
_SAFE_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")
_POLARITY = {"positive": KG.positive, "negative": KG.negative, "neutral": KG.neutral}
_ACTOR_CLASS = {name: KG[name] for name in ACTOR_TYPES}


def content_hash(text: str) -> str:
    """SHA-256 (hex) of an article body: what ``kg:contentHash`` holds."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def safe_iri(value: str | None) -> URIRef | None:
    """``value`` as an IRI if it is a plain http(s) IRI, else None."""
    if value and _SAFE_IRI.match(value):
        return URIRef(value)
    return None


def iso_date(value: str | None) -> Literal | None:
    """``"2019-06-06"`` (or a timestamp starting with it) as an ``xsd:date`` literal; None if not a date."""
    if not value:
        return None
    m = _ISO_DATE.match(value.strip())
    if not m:
        return None
    try:
        date.fromisoformat(m.group(1))
    except ValueError:
        return None
    return Literal(m.group(1), datatype=XSD.date)


def decimal(value: float) -> Literal:
    """A confidence as an ``xsd:decimal`` with a stable lexical form (``0.8``, ``1.0``)."""
    text = f"{float(value):.4f}".rstrip("0")
    if text.endswith("."):
        text += "0"
    return Literal(text, datatype=XSD.decimal)


def new_graph(identifier: str | None = None) -> Graph:
    g = Graph(identifier=URIRef(identifier) if identifier else None)
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    return g


class _Builder:
    """Holds the graph and the IRI lookups while one extraction is written."""

    def __init__(self, extraction: Extraction, model: str, version: str) -> None:
        self.x = extraction
        self.article_id = extraction.article.id
        self.article = URIRef(ids.article_iri(self.article_id))
        self.g = new_graph(ids.article_graph_iri(self.article_id))
        self.model = model
        self.version = version
        self.actor_iris: dict[str, URIRef] = {}
        self.statement_iris: dict[str, URIRef] = {}

    # ---------------------------------------------------------------- pieces
    def span(self, span: Span | None) -> URIRef | None:
        """The TextSpan node for ``span`` (added once; the same offsets give the same IRI).

        Offsets are ``xsd:integer`` rather than NIF's ``xsd:nonNegativeInteger``: Oxigraph
        stores the latter as the former anyway, and the shapes check they are not negative.
        """
        if span is None:
            return None
        node = URIRef(ids.span_iri(self.article_id, span.start, span.end))
        g = self.g
        if (node, RDF.type, KG.TextSpan) not in g:
            g.add((node, RDF.type, KG.TextSpan))
            g.add((node, NIF.beginIndex, Literal(span.start, datatype=XSD.integer)))
            g.add((node, NIF.endIndex, Literal(span.end, datatype=XSD.integer)))
            g.add((node, NIF.anchorOf, Literal(span.text)))
            g.add((node, NIF.referenceContext, self.article))
        for frag in span.fragments:
            frag_node = self.span(frag)
            if frag_node is not None and frag_node != node:
                g.add((node, KG.fragment, frag_node))
        return node

    def article_node(self) -> None:
        art, g, node = self.x.article, self.g, self.article
        g.add((node, RDF.type, KG.Article))
        g.add((node, RDF.type, SCHEMA.NewsArticle))
        g.add((node, RDF.type, NIF.Context))
        g.add((node, SCHEMA.identifier, Literal(art.id)))
        published = iso_date(art.date)
        if published is not None:
            g.add((node, SCHEMA.datePublished, published))
        elif art.date:
            log.warning("article %s: date %r is not an ISO date; left out", art.id, art.date)
        if art.title:
            g.add((node, SCHEMA.headline, Literal(art.title)))
        if art.url:
            g.add((node, SCHEMA.url, Literal(art.url, datatype=XSD.anyURI)))
        if art.source:
            g.add((node, SCHEMA.publisher, Literal(art.source)))
        g.add((node, KG.contentHash, Literal(content_hash(art.text))))
        g.add((node, NIF.isString, Literal(art.text)))

    def provenance(self) -> None:
        g = self.g
        run = URIRef(ids.run_iri(self.version, self.model))
        graph_node = URIRef(str(g.identifier))
        g.add((graph_node, PROV.wasDerivedFrom, self.article))
        g.add((graph_node, PROV.wasGeneratedBy, run))
        g.add((run, RDF.type, PROV.Activity))
        g.add((run, RDFS.label, Literal(f"kg {self.version} with {self.model}")))
        g.add((run, KG.softwareVersion, Literal(self.version)))
        g.add((run, KG.model, Literal(self.model)))

    def actor_iri(self, actor: Actor) -> URIRef:
        return safe_iri(actor.iri) or URIRef(ids.actor_iri(actor.label, actor.type))

    def actors(self) -> None:
        g = self.g
        for actor in self.x.actors:
            self.actor_iris[actor.id] = self.actor_iri(actor)
        for actor in self.x.actors:
            node = self.actor_iris[actor.id]
            cls = _ACTOR_CLASS.get(actor.type)
            if cls is None:
                log.warning("actor %s: unknown type %r, written as Organization", actor.label, actor.type)
                cls = KG.Organization
            g.add((node, RDF.type, KG.Actor))
            g.add((node, RDF.type, cls))
            g.add((node, RDFS.label, Literal(actor.label)))
            for alias in actor.aliases:
                if alias and alias != actor.label:
                    g.add((node, SKOS.altLabel, Literal(alias)))
            for same in actor.same_as:
                iri = safe_iri(same)
                if iri is None:
                    log.warning("actor %s: owl:sameAs %r is not an http(s) IRI; left out", actor.label, same)
                else:
                    g.add((node, OWL.sameAs, iri))
            for local, prop in ((actor.part_of, KG.partOf), (actor.leader, KG.ledBy)):
                other = self.actor_iris.get(local) if local else None
                if other is not None and other != node:
                    g.add((node, prop, other))
            for mention in actor.mentions:
                g.add((node, KG.mention, self.span(mention)))
            for role in actor.roles:
                self.membership(node, role.title, self.actor_iris.get(role.organization or ""))

    def membership(self, actor: URIRef, title: str, organization: URIRef | None) -> None:
        if not title or not title.strip():
            return
        g = self.g
        role = URIRef(ids.role_iri(title))
        m = URIRef(ids.membership_iri(str(actor), title, str(organization) if organization else None))
        g.add((m, RDF.type, ORG.Membership))
        g.add((m, ORG.member, actor))
        g.add((m, ORG.role, role))
        if organization is not None:
            g.add((m, ORG.organization, organization))
        g.add((role, RDF.type, ORG.Role))
        g.add((role, RDF.type, SKOS.Concept))
        g.add((role, SKOS.prefLabel, Literal(title)))
        g.add((role, SKOS.inScheme, KG.RoleScheme))

    def statement(self, st: Statement) -> None:
        g = self.g
        node = URIRef(ids.statement_iri(self.article_id, st.content.start, st.content.end))
        if (node, RDF.type, KG.Statement) in g:
            # Two records with the same content offsets are one statement; keep the first.
            log.info("article %s: statement %s repeats offsets %d-%d; kept the first",
                     self.article_id, st.id, st.content.start, st.content.end)
            self.statement_iris[st.id] = node
            return
        self.statement_iris[st.id] = node
        g.add((node, RDF.type, KG.Statement))
        g.add((node, RDF.type, KG.DirectQuote if st.direct else KG.ReportedSpeech))
        g.add((node, KG.content, self.span(st.content)))
        speaker = self.actor_iris.get(st.speaker) if st.speaker else None
        if speaker is not None:
            g.add((node, KG.speaker, speaker))
        if st.source_span is not None:
            g.add((node, KG.sourceMention, self.span(st.source_span)))
        if st.cue is not None:
            g.add((node, KG.cue, self.span(st.cue)))
        g.add((node, PROV.wasDerivedFrom, self.article))

    def stance(self, t: Stance, seen: set[URIRef]) -> None:
        g = self.g
        holder = self.actor_iris.get(t.holder)
        target = self.actor_iris.get(t.target) if t.target else None
        topic_label = (t.topic or "").strip()
        polarity = _POLARITY.get(t.polarity)
        if holder is None or polarity is None or (target is None and not topic_label):
            log.warning("article %s: stance %s lacks a known holder, target/topic or polarity; left out",
                        self.article_id, t.id)
            return
        node = URIRef(ids.stance_iri(
            self.article_id, str(holder), str(target) if target is not None else f"topic:{topic_label}",
            t.polarity, t.cue.start if t.cue else None, t.evidence.start if t.evidence else None))
        if node in seen:
            log.info("article %s: stance %s repeats a more confident one; left out", self.article_id, t.id)
            return
        seen.add(node)
        g.add((node, RDF.type, KG.Stance))
        g.add((node, KG.holder, holder))
        if target is not None:
            g.add((node, KG.target, target))
        else:
            topic = URIRef(ids.topic_iri(topic_label))
            g.add((node, KG.topic, topic))
            g.add((topic, RDF.type, KG.Topic))
            g.add((topic, RDF.type, SKOS.Concept))
            g.add((topic, SKOS.prefLabel, Literal(topic_label)))
            g.add((topic, SKOS.inScheme, KG.TopicScheme))
        g.add((node, KG.polarity, polarity))
        g.add((node, KG.confidence, decimal(t.confidence)))
        for span, prop in ((t.cue, KG.cue), (t.evidence, KG.evidence), (t.holder_span, KG.holderMention),
                           (t.target_span, KG.targetMention)):
            if span is not None:
                g.add((node, prop, self.span(span)))
        statement = self.statement_iris.get(t.statement) if t.statement else None
        if statement is not None:
            g.add((node, KG.fromStatement, statement))
        reporter = self.actor_iris.get(t.reported_by) if t.reported_by else None
        if reporter is not None:
            g.add((node, KG.reportedBy, reporter))
        if t.negated:
            g.add((node, KG.negated, Literal(True)))
        extractor = getattr(t, "extractor", None)  # optional field, added by the stance extractor
        if extractor:
            g.add((node, KG.extractor, Literal(str(extractor))))
        g.add((node, PROV.wasDerivedFrom, self.article))

    def build(self) -> Graph:
        self.article_node()
        self.provenance()
        self.actors()
        for st in self.x.statements:
            self.statement(st)
        seen: set[URIRef] = set()
        # of stances that repeat one another (same holder, target, polarity, cue and evidence,
        # read from different mentions of the same actors), the most confident is kept
        for t in sorted(self.x.stances, key=lambda t: -float(t.confidence)):
            self.stance(t, seen)
        return self.g


def extraction_graph(extraction: Extraction, *, model: str = DEFAULT_MODEL,
                     version: str = kg.__version__) -> Graph:
    """The named graph of one article: its metadata, actors, roles, statements and stances.

    ``model`` names the spaCy pipeline and ``version`` the kg version that made the extraction
    (recorded as the PROV activity that generated the graph). The graph's identifier is
    ``ids.article_graph_iri(article.id)``. Pure and deterministic: the same input gives the
    same triples.
    """
    return _Builder(extraction, model, version).build()
