"""Networks from the store: networkx views of who takes which stance towards whom.

Every view starts from *stance rows*: one plain ``dict`` per ``kg:Stance``, read from the store
by a few flat SPARQL queries (:func:`stance_rows`). The views are pure functions of those rows, so each
one accepts either a store or a list of rows, and they are easy to test:

- :func:`actor_network` — the signed actor -> actor network (one edge per holder/target pair);
- :func:`topic_network` — the two-mode actor -> target/topic network;
- :func:`congruence_network`, :func:`conflict_network`, :func:`subtract_network` — one-mode
  actor networks in the manner of Leifeld's Discourse Network Analyzer (DNA): two actors are
  linked by how often they take the same (congruence) or the opposite (conflict) polarity
  towards the same target or topic;
- :func:`time_slices` — any of these per time window.

Every view takes the same filters: ``date_from``, ``date_to`` (ISO dates, inclusive),
``actors`` (labels or IRIs), ``actor_types`` (``"Person"``, ``"Government"``, ...),
``min_confidence`` and ``min_count`` (edges backed by fewer stances are dropped).
:func:`write_network` writes any of them as GraphML, GEXF, a CSV edge list or interactive HTML.

Node ids are actor IRIs (targets in the two-mode network are ``"target:" + IRI``); each edge
keeps the IRIs of the stances behind it and their quotes, so every edge can be traced back to
the text it rests on.
"""
from __future__ import annotations

import csv
import json
import logging
import math
from collections import defaultdict
from datetime import date, datetime, timedelta
from itertools import combinations
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

import networkx as nx

log = logging.getLogger(__name__)

KG_NS = "https://w3id.org/kg-stance/ontology#"
POLARITY_SIGN = {"positive": 1, "negative": -1, "neutral": 0}
NORMALIZATIONS = ("none", "average", "jaccard", "cosine")
# When an actor carries several kg: types, the most specific one names it.
TYPE_PRIORITY = ("Government", "Country", "InternationalOrganization", "Party", "Media", "Group",
                 "Person", "Organization", "Topic", "Actor")
FILTER_KEYS = ("date_from", "date_to", "actors", "actor_types", "min_confidence")

Rows = list[dict[str, Any]]

_PREFIXES = """\
PREFIX kg: <https://w3id.org/kg-stance/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <http://schema.org/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
"""

# Stance rows are read with a few flat queries joined in Python rather than one query with a
# dozen OPTIONALs: Oxigraph evaluates such a query in time that grows much faster than the
# number of stances (minutes for 2,000), while each flat query below is one index scan.
STANCE_QUERIES = {
    # the stances' own properties
    "stances": _PREFIXES + """\
SELECT ?s ?p ?o WHERE {
  VALUES ?p { kg:holder kg:target kg:topic kg:polarity kg:confidence kg:fromStatement
              prov:wasDerivedFrom kg:reportedBy kg:negated kg:extractor }
  ?s a kg:Stance ; ?p ?o .
}""",
    # the text of their cue and evidence spans
    "spans": _PREFIXES + """\
SELECT ?s ?p ?o WHERE {
  VALUES ?p { kg:cue kg:evidence }
  ?s a kg:Stance ; ?p ?span . ?span nif:anchorOf ?o .
}""",
    # the content of the statement a stance was read from (the quote when there is no evidence)
    "contents": _PREFIXES + """\
SELECT ?s ?o WHERE { ?s a kg:Stance ; kg:fromStatement ?st . ?st kg:content ?span . ?span nif:anchorOf ?o . }""",
    # labels and types of actors and topics
    "labels": _PREFIXES + """\
SELECT ?a ?o WHERE { ?a rdfs:label|skos:prefLabel ?o . }""",
    "types": _PREFIXES + """\
SELECT ?a ?o WHERE {
  VALUES ?o { kg:Person kg:Organization kg:Government kg:Country kg:Group kg:Media
              kg:InternationalOrganization kg:Party kg:Topic kg:Actor }
  ?a a ?o .
}""",
    # the articles' dates, headlines and ids
    "articles": _PREFIXES + """\
SELECT ?a ?p ?o WHERE {
  VALUES ?p { schema:datePublished schema:headline schema:identifier }
  ?a a kg:Article ; ?p ?o .
}""",
    # fallback for a stance without prov:wasDerivedFrom: the article its named graph comes from
    "graphs": _PREFIXES + """\
SELECT ?s ?o WHERE { GRAPH ?g { ?s a kg:Stance } ?g prov:wasDerivedFrom ?o . }""",
}

# Who belongs to what: memberships (with the post held) and parts (kg:partOf).
AFFILIATION_QUERY = _PREFIXES + """\
SELECT DISTINCT ?actor ?org ?orgLabel ?role ?via
WHERE {
  { ?m org:member ?actor .
    OPTIONAL { ?m org:organization ?org . OPTIONAL { ?org rdfs:label ?orgLabel } }
    OPTIONAL { ?m org:role/(skos:prefLabel|rdfs:label) ?role }
    BIND("membership" AS ?via) }
  UNION
  { ?actor kg:partOf ?org . OPTIONAL { ?org rdfs:label ?orgLabel } BIND("partOf" AS ?via) }
}
"""


# ------------------------------------------------------------------------------ reading
def _value(term: Any) -> Any:
    """A pyoxigraph term as plain Python: IRIs and strings as ``str``, numbers as numbers."""
    if term is None:
        return None
    value = getattr(term, "value", str(term))
    datatype = getattr(getattr(term, "datatype", None), "value", "")
    if datatype.endswith(("#decimal", "#double", "#float")):
        try:
            return float(value)
        except ValueError:
            return None
    if datatype.endswith(("#integer", "#int", "#long")):
        try:
            return int(value)
        except ValueError:
            return None
    if datatype.endswith("#boolean"):
        return value in ("true", "1")
    return value


def _tuples(store: Any, sparql: str) -> list[tuple]:
    """Run a SELECT on all graphs; one tuple of plain values per solution."""
    result = store.query(sparql, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    return [tuple(_value(sol[n]) for n in names) for sol in result]


def _first(values: Iterable[Any]) -> Any:
    """One value of several (the union of graphs may repeat a triple): the smallest, for
    results that do not change from one run to the next."""
    present = [v for v in values if v is not None]
    return min(present, key=str) if present else None


def _stance_table(store: Any) -> list[dict[str, Any]]:
    """One dict per stance with its raw values (IRIs, texts, numbers), read with the flat
    queries of :data:`STANCE_QUERIES`."""
    props: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for s, p, o in _tuples(store, STANCE_QUERIES["stances"]):
        props[s][local_name(p)].append(o)
    for s, p, o in _tuples(store, STANCE_QUERIES["spans"]):
        if s in props:
            props[s][local_name(p) + "_text"].append(o)
    for s, o in _tuples(store, STANCE_QUERIES["contents"]):
        if s in props:
            props[s]["content_text"].append(o)
    if any(not v.get("wasDerivedFrom") for v in props.values()):
        for s, o in _tuples(store, STANCE_QUERIES["graphs"]):
            if s in props and not props[s].get("wasDerivedFrom"):
                props[s]["graph_article"].append(o)
    labels: dict[str, list[str]] = defaultdict(list)
    for a, o in _tuples(store, STANCE_QUERIES["labels"]):
        labels[a].append(o)
    types: dict[str, list[str]] = defaultdict(list)
    for a, o in _tuples(store, STANCE_QUERIES["types"]):
        types[a].append(o)
    articles: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for a, p, o in _tuples(store, STANCE_QUERIES["articles"]):
        articles[a][local_name(p)].append(o)

    table = []
    for stance, v in props.items():
        holder, polarity = _first(v["holder"]), _first(v["polarity"])
        if holder is None or polarity is None:
            continue  # not a stance kg can draw
        target, topic, reporter = _first(v["target"]), _first(v["topic"]), _first(v["reportedBy"])
        # prov:wasDerivedFrom may also name a statement; the article is the one typed kg:Article
        derived = [a for a in v["wasDerivedFrom"] if a in articles] or v["graph_article"]
        article = _first(derived)
        art = articles.get(article, {})
        confidence = _first(v["confidence"])
        table.append({
            "stance": stance, "holder": holder, "polarity": polarity,
            "holderLabel": _first(labels.get(holder, ())), "holderTypes": " ".join(types.get(holder, ())),
            "target": target, "targetLabel": _first(labels.get(target, ())) if target else None,
            "targetTypes": " ".join(types.get(target, ())) if target else "",
            "topic": topic, "topicLabel": _first(labels.get(topic, ())) if topic else None,
            "confidence": max(c for c in v["confidence"] if c is not None) if confidence is not None else None,
            "cue": _first(v["cue_text"]), "evidence": _first(v["evidence_text"]),
            "content": _first(v["content_text"]), "statement": _first(v["fromStatement"]),
            "article": article, "date": _first(str(d) for d in art.get("datePublished", ())),
            "title": _first(art.get("headline", ())), "articleId": _first(art.get("identifier", ())),
            "reportedBy": reporter, "reportedByLabel": _first(labels.get(reporter, ())) if reporter else None,
            "negated": any(v["negated"]), "extractor": _first(v["extractor"]),
        })
    return table


def _select(store: Any, sparql: str) -> list[dict[str, Any]]:
    """Run a SELECT on all graphs of a pyoxigraph store; one dict of plain values per solution."""
    result = store.query(sparql, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    return [{n: _value(sol[n]) for n in names} for sol in result]


def local_name(iri: str | None) -> str:
    """The last part of an IRI (``".../actor/khalifa-haftar"`` -> ``"khalifa-haftar"``)."""
    if not iri:
        return ""
    return iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _pick_type(types: str | None) -> str | None:
    names = {local_name(t) for t in (types or "").split() if t.startswith(KG_NS)}
    for name in TYPE_PRIORITY:
        if name in names:
            return name
    return sorted(names)[0] if names else None


def affiliations(store: Any) -> dict[str, list[dict[str, Any]]]:
    """Every actor's direct affiliations: memberships (``org:Membership``) and parts (``kg:partOf``).

    Returns
    -------
    dict
        actor IRI -> list of ``{"org": IRI or None, "org_label": str or None, "role": str or None,
        "via": "membership" | "partOf"}``.
    """
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in _select(store, AFFILIATION_QUERY):
        entry = {"org": row["org"], "org_label": row["orgLabel"], "role": row["role"], "via": row["via"]}
        if entry not in out[row["actor"]]:
            out[row["actor"]].append(entry)
    return dict(out)


def role_strings(affs: Iterable[Mapping[str, Any]]) -> list[str]:
    """Posts as readable strings: ``"Deputy Prime Minister (Government of National Accord)"``."""
    roles = []
    for a in affs:
        if not a.get("role"):
            continue
        text = f"{a['role']} ({a['org_label']})" if a.get("org_label") else a["role"]
        if text not in roles:
            roles.append(text)
    return roles


def org_closure(actor: str, affs: Mapping[str, Sequence[Mapping[str, Any]]]) -> list[str]:
    """The organisations ``actor`` belongs to, directly or through parts and memberships
    (a minister -> the ministry -> the government), nearest first, the actor itself excluded."""
    seen: list[str] = []
    frontier = [actor]
    while frontier:
        nxt = []
        for node in frontier:
            for a in affs.get(node, ()):
                org = a.get("org")
                if org and org != actor and org not in seen:
                    seen.append(org)
                    nxt.append(org)
        frontier = nxt
    return seen


def _iso(value: Any) -> str | None:
    """An ISO date string (``YYYY-MM-DD``) from a date, a datetime or a string; None if none."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text[:10] if len(text) >= 10 else text


def stance_rows(store: Any, *, date_from: Any = None, date_to: Any = None,
                actors: Iterable[str] | None = None, actor_types: Iterable[str] | None = None,
                min_confidence: float | None = None, min_count: int | None = None) -> Rows:
    """Read every stance in ``store`` as a plain dict, filtered.

    Parameters
    ----------
    store : pyoxigraph.Store
        The store (all named graphs are queried as one).
    date_from, date_to : str or date, optional
        Keep stances whose article date lies in this range (inclusive). Stances without a date
        are dropped when either bound is given.
    actors : iterable of str, optional
        Keep stances whose holder or target has one of these labels (case-insensitive) or IRIs.
    actor_types : iterable of str, optional
        Keep stances whose holder, and target when it is an actor, have one of these types.
    min_confidence : float, optional
        Keep stances with at least this confidence.
    min_count : int, optional
        Accepted for symmetry with the network views; rows are not aggregated, so unused here.

    Returns
    -------
    list of dict
        Keys: ``stance``, ``holder``, ``holder_label``, ``holder_type``, ``holder_roles``,
        ``holder_orgs``, ``target`` (actor or topic IRI), ``target_label``, ``target_type``
        (``"Topic"`` for topics), ``target_kind`` (``"actor"``/``"topic"``), ``target_roles``,
        ``target_orgs``, ``topic`` (the topic IRI or None), ``polarity``, ``confidence``, ``cue``,
        ``quote`` (the evidence, else the statement's content), ``statement``, ``date``,
        ``article``, ``article_id``, ``article_title``, ``reported_by``, ``reported_by_label``,
        ``negated``, ``extractor`` (what produced the stance, e.g. ``"rule"``, if recorded).
        ``*_orgs`` are the organisations the actor belongs to (transitively).

    Examples
    --------
    >>> import pyoxigraph
    >>> stance_rows(pyoxigraph.Store())
    []
    """
    affs = affiliations(store)
    roles: dict[str, list[str]] = {}
    orgs: dict[str, list[str]] = {}

    def about(actor: str) -> tuple[list[str], list[str]]:
        if actor not in roles:
            roles[actor], orgs[actor] = role_strings(affs.get(actor, ())), org_closure(actor, affs)
        return list(roles[actor]), list(orgs[actor])

    rows: Rows = []
    for r in _stance_table(store):
        polarity = local_name(r["polarity"])
        topic = r["topic"]
        target = r["target"] or topic
        if target is None:
            continue  # a stance without target or topic cannot be drawn
        is_topic = r["target"] is None
        holder = r["holder"]
        holder_roles, holder_orgs = about(holder)
        target_roles, target_orgs = ([], []) if is_topic else about(target)
        rows.append({
            "stance": r["stance"],
            "holder": holder,
            "holder_label": r["holderLabel"] or local_name(holder),
            "holder_type": _pick_type(r["holderTypes"]) or "Actor",
            "holder_roles": holder_roles,
            "holder_orgs": holder_orgs,
            "target": target,
            "target_label": (r["topicLabel"] if is_topic else r["targetLabel"]) or local_name(target),
            "target_type": "Topic" if is_topic else (_pick_type(r["targetTypes"]) or "Actor"),
            "target_kind": "topic" if is_topic else "actor",
            "target_roles": target_roles,
            "target_orgs": target_orgs,
            "topic": topic if is_topic else None,
            "polarity": polarity,
            "confidence": r["confidence"],
            "cue": r["cue"],
            "quote": r["evidence"] or r["content"],
            "statement": r["statement"],
            "date": _iso(r["date"]),
            "article": r["article"],
            "article_id": r["articleId"],
            "article_title": r["title"],
            "reported_by": r["reportedBy"],
            "reported_by_label": r["reportedByLabel"],
            "negated": bool(r["negated"]),
            "extractor": r["extractor"],
        })
    rows.sort(key=lambda x: (x["date"] or "", x["stance"]))
    return filter_rows(rows, date_from=date_from, date_to=date_to, actors=actors,
                       actor_types=actor_types, min_confidence=min_confidence)


# ------------------------------------------------------------------------------ filters
def _matches(row: Mapping[str, Any], side: str, wanted: set[str]) -> bool:
    return (row.get(side) in wanted) or (str(row.get(f"{side}_label") or "").casefold() in wanted)


def filter_rows(rows: Iterable[Mapping[str, Any]], *, date_from: Any = None, date_to: Any = None,
                actors: Iterable[str] | None = None, actor_types: Iterable[str] | None = None,
                min_confidence: float | None = None, actor_side: str = "either") -> Rows:
    """Keep the rows that pass the filters (see :func:`stance_rows`).

    ``actor_side="holder"`` matches ``actors`` against holders only (the one-mode views, whose
    nodes are holders); ``"either"`` against holders or targets.

    Examples
    --------
    >>> rows = [{"holder": "h", "holder_label": "A", "holder_type": "Person", "target": "t",
    ...          "target_label": "B", "target_type": "Country", "target_kind": "actor",
    ...          "polarity": "positive", "confidence": 0.9, "date": "2019-06-06"}]
    >>> len(filter_rows(rows, date_from="2019-07-01"))
    0
    >>> len(filter_rows(rows, actors=["b"], actor_types=["person", "country"]))
    1
    """
    lo, hi = _iso(date_from), _iso(date_to)
    if isinstance(actors, str):
        actors = [actors]
    if isinstance(actor_types, str):
        actor_types = [actor_types]
    wanted = {a.casefold() if not a.startswith(("http://", "https://")) else a for a in actors} if actors else None
    types = {t.casefold() for t in actor_types} if actor_types else None
    out: Rows = []
    for row in rows:
        d = row.get("date")
        if (lo or hi) and not d:
            continue
        if lo and d < lo:
            continue
        if hi and d > hi:
            continue
        if min_confidence is not None and (row.get("confidence") is None or row["confidence"] < min_confidence):
            continue
        if types is not None:
            if str(row.get("holder_type", "")).casefold() not in types:
                continue
            if row.get("target_kind") == "actor" and str(row.get("target_type", "")).casefold() not in types:
                continue
        if wanted is not None:
            hit = _matches(row, "holder", wanted)
            if actor_side == "either":
                hit = hit or (row.get("target_kind") == "actor" and _matches(row, "target", wanted))
            if not hit:
                continue
        out.append(dict(row))
    return out


def resolve_rows(store_or_rows: Any, filters: Mapping[str, Any], actor_side: str = "either") -> Rows:
    """Rows from a store (queried) or from a list of rows (filtered again: filtering is idempotent)."""
    kw = {k: filters.get(k) for k in FILTER_KEYS}
    if isinstance(store_or_rows, (list, tuple)):
        return filter_rows(store_or_rows, actor_side=actor_side, **kw)
    rows = stance_rows(store_or_rows)
    return filter_rows(rows, actor_side=actor_side, **kw)


# ------------------------------------------------------------------------------ building blocks
def stance_evidence(row: Mapping[str, Any]) -> dict[str, Any]:
    """What a tooltip or an analyst needs to check one stance."""
    return {
        "stance": row.get("stance"),
        "holder": row.get("holder_label"),
        "target": row.get("target_label"),
        "quote": row.get("quote"),
        "cue": row.get("cue"),
        "polarity": row.get("polarity"),
        "confidence": row.get("confidence"),
        "date": row.get("date"),
        "article": row.get("article"),
        "article_title": row.get("article_title"),
        "article_id": row.get("article_id"),
        "reported_by": row.get("reported_by_label"),
    }


def _new_edge() -> dict[str, Any]:
    return {"positive": 0, "negative": 0, "neutral": 0, "count": 0, "weight": 0,
            "mean_polarity": 0.0, "sign": 0, "mean_confidence": None, "first_date": None,
            "last_date": None, "stances": [], "evidence": [], "_conf": []}


def _add_to_edge(edge: dict[str, Any], row: Mapping[str, Any]) -> None:
    pol = row.get("polarity")
    if pol in ("positive", "negative", "neutral"):
        edge[pol] += 1
    edge["count"] += 1
    edge["weight"] = edge["count"]
    edge["stances"].append(row.get("stance"))
    edge["evidence"].append(stance_evidence(row))
    if row.get("confidence") is not None:
        edge["_conf"].append(float(row["confidence"]))
    d = row.get("date")
    if d:
        edge["first_date"] = min(edge["first_date"] or d, d)
        edge["last_date"] = max(edge["last_date"] or d, d)


def _finish_edge(edge: dict[str, Any]) -> dict[str, Any]:
    edge["mean_polarity"] = (edge["positive"] - edge["negative"]) / edge["count"] if edge["count"] else 0.0
    edge["sign"] = (edge["mean_polarity"] > 0) - (edge["mean_polarity"] < 0)
    conf = edge.pop("_conf")
    edge["mean_confidence"] = round(sum(conf) / len(conf), 4) if conf else None
    edge["evidence"].sort(key=lambda e: (e.get("date") or "", e.get("stance") or ""))
    return edge


def _actor_nodes(rows: Rows) -> dict[str, dict[str, Any]]:
    """Node attributes of every actor in ``rows`` (as holder or as actor target)."""
    nodes: dict[str, dict[str, Any]] = {}
    said: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        sides = ["holder"] + (["target"] if row.get("target_kind") == "actor" else [])
        for side in sides:
            iri = row[side]
            if iri not in nodes:
                nodes[iri] = {"label": row.get(f"{side}_label") or local_name(iri),
                              "type": row.get(f"{side}_type") or "Actor", "iri": iri,
                              "roles": list(row.get(f"{side}_roles") or []), "statements": 0,
                              "stances_out": 0, "stances_in": 0}
        # a statement may carry several stances; without a statement each stance counts once
        said[row["holder"]].add(row.get("statement") or row.get("stance"))
    for iri, keys in said.items():
        nodes[iri]["statements"] = len(keys)
    return nodes


def _graph_meta(kind: str, filters: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    meta = {"kind": kind}
    for k in FILTER_KEYS + ("min_count",):
        v = filters.get(k)
        if v is not None and v != [] and v != ():
            meta[k] = list(v) if isinstance(v, (list, tuple, set)) else v
    meta.update(extra)
    return meta


# ------------------------------------------------------------------------------ views
def actor_network(store_or_rows: Any, *, date_from: Any = None, date_to: Any = None,
                  actors: Iterable[str] | None = None, actor_types: Iterable[str] | None = None,
                  min_confidence: float | None = None, min_count: int | None = None) -> nx.DiGraph:
    """The signed actor -> actor network: one edge per holder/target pair.

    Stances towards topics and an actor's stances towards itself are left out.

    Parameters
    ----------
    store_or_rows : pyoxigraph.Store or list of dict
        A store, or rows from :func:`stance_rows`.
    date_from, date_to, actors, actor_types, min_confidence
        See :func:`stance_rows`.
    min_count : int, optional
        Drop edges backed by fewer stances.

    Returns
    -------
    networkx.DiGraph
        Nodes are actor IRIs with ``label``, ``type``, ``iri``, ``roles`` (list of str),
        ``statements`` (statements or stances behind the actor's stances), ``stances_out``,
        ``stances_in``. Edges carry ``positive``, ``negative``, ``neutral``, ``count``,
        ``weight`` (= count), ``mean_polarity`` in [-1, 1] (neutral counts as 0), ``sign``
        (-1, 0, 1), ``mean_confidence``, ``first_date``, ``last_date``, ``stances`` (IRIs) and
        ``evidence`` (list of dicts: ``quote``, ``cue``, ``polarity``, ``confidence``, ``date``,
        ``article``, ``article_title``, ``stance``, ``holder``, ``target``, ``reported_by``).

    Examples
    --------
    >>> rows = [{"stance": "s1", "holder": "ex:a", "holder_label": "A", "holder_type": "Person",
    ...          "target": "ex:b", "target_label": "B", "target_type": "Person",
    ...          "target_kind": "actor", "polarity": "negative", "confidence": 0.8,
    ...          "date": "2019-06-06", "quote": "A attacked B"}]
    >>> G = actor_network(rows)
    >>> G.edges["ex:a", "ex:b"]["negative"], G.edges["ex:a", "ex:b"]["mean_polarity"]
    (1, -1.0)
    """
    filters = dict(date_from=date_from, date_to=date_to, actors=actors, actor_types=actor_types,
                   min_confidence=min_confidence, min_count=min_count)
    rows = [r for r in resolve_rows(store_or_rows, filters)
            if r.get("target_kind") == "actor" and r["holder"] != r["target"]]
    edges: dict[tuple[str, str], dict[str, Any]] = defaultdict(_new_edge)
    for row in rows:
        _add_to_edge(edges[(row["holder"], row["target"])], row)
    nodes = _actor_nodes(rows)
    G = nx.DiGraph(**_graph_meta("actors", filters))
    for (h, t), edge in sorted(edges.items()):
        if min_count and edge["count"] < min_count:
            continue
        _finish_edge(edge)
        for n in (h, t):
            if n not in G:
                G.add_node(n, **nodes[n])
        G.add_edge(h, t, **edge)
        G.nodes[h]["stances_out"] += edge["count"]
        G.nodes[t]["stances_in"] += edge["count"]
    return G


def topic_network(store_or_rows: Any, *, date_from: Any = None, date_to: Any = None,
                  actors: Iterable[str] | None = None, actor_types: Iterable[str] | None = None,
                  min_confidence: float | None = None, min_count: int | None = None) -> nx.DiGraph:
    """The two-mode network: actors -> the targets and topics they take positions on.

    An actor that is also a target appears twice, once per mode, as in DNA's affiliation
    networks: actor nodes are their IRIs, target nodes are ``"target:" + IRI``.

    Returns
    -------
    networkx.DiGraph
        Actor nodes: ``kind="actor"``, ``bipartite=0``, ``label``, ``type``, ``iri``, ``roles``,
        ``statements``, ``stances_out``. Target nodes: ``kind="target"``, ``bipartite=1``,
        ``label``, ``type`` (``"Topic"`` for topics), ``target_kind`` (``"actor"``/``"topic"``),
        ``iri``, ``stances_in``. Edges (actor -> target) carry the same attributes as
        :func:`actor_network`'s.

    Examples
    --------
    >>> rows = [{"stance": "s1", "holder": "ex:a", "holder_label": "A", "holder_type": "Person",
    ...          "target": "ex:ceasefire", "target_label": "ceasefire", "target_type": "Topic",
    ...          "target_kind": "topic", "polarity": "positive", "confidence": 0.8}]
    >>> G = topic_network(rows)
    >>> sorted(G.nodes(data="kind"))
    [('ex:a', 'actor'), ('target:ex:ceasefire', 'target')]
    """
    filters = dict(date_from=date_from, date_to=date_to, actors=actors, actor_types=actor_types,
                   min_confidence=min_confidence, min_count=min_count)
    rows = resolve_rows(store_or_rows, filters)
    holders = _actor_nodes([dict(r, target_kind="topic") for r in rows])  # holders only
    edges: dict[tuple[str, str], dict[str, Any]] = defaultdict(_new_edge)
    targets: dict[str, dict[str, Any]] = {}
    for row in rows:
        tid = "target:" + row["target"]
        targets.setdefault(tid, {"label": row.get("target_label") or local_name(row["target"]),
                                 "type": row.get("target_type") or "Actor", "iri": row["target"],
                                 "target_kind": row.get("target_kind") or "actor", "kind": "target",
                                 "bipartite": 1, "stances_in": 0})
        _add_to_edge(edges[(row["holder"], tid)], row)
    G = nx.DiGraph(**_graph_meta("topics", filters))
    for (h, t), edge in sorted(edges.items()):
        if min_count and edge["count"] < min_count:
            continue
        _finish_edge(edge)
        if h not in G:
            G.add_node(h, kind="actor", bipartite=0, **holders[h])
        if t not in G:
            G.add_node(t, **targets[t])
        G.add_edge(h, t, **edge)
        G.nodes[h]["stances_out"] += edge["count"]
        G.nodes[t]["stances_in"] += edge["count"]
    return G


def _one_mode(store_or_rows: Any, mode: str, normalization: str, filters: Mapping[str, Any]) -> nx.Graph:
    """Congruence / conflict / subtract networks (see :func:`congruence_network`)."""
    norm_name = (normalization or "none").lower()
    if norm_name == "no":
        norm_name = "none"
    if norm_name not in NORMALIZATIONS:
        raise ValueError(f"normalization must be one of {', '.join(NORMALIZATIONS)}, not {normalization!r}")
    rows = resolve_rows(store_or_rows, filters, actor_side="holder")
    # DNA's affiliation array, binary ("ignore duplicates"): actor -> {(concept, sign)}.
    # Neutral stances take no side and so neither agree nor disagree with anyone.
    held: dict[str, dict[tuple[str, int], list[dict]]] = defaultdict(lambda: defaultdict(list))
    by_target: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    labels: dict[str, str] = {}
    for row in rows:
        sign = POLARITY_SIGN.get(row.get("polarity"), 0)
        if sign == 0 or row["holder"] == row["target"]:
            continue
        held[row["holder"]][(row["target"], sign)].append(row)
        by_target[row["target"]][sign].add(row["holder"])
        labels[row["target"]] = row.get("target_label") or local_name(row["target"])

    pairs: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {"congruence": 0, "conflict": 0, "targets": set(), "rows": []})

    def note(a: str, b: str, kind: str, target: str, sa: int, sb: int) -> None:
        key = (a, b) if a < b else (b, a)
        p = pairs[key]
        p[kind] += 1
        p["targets"].add(target)
        p["rows"].extend(held[a][(target, sa)] + held[b][(target, sb)])

    for target, signs in by_target.items():
        for sign, group in signs.items():
            for a, b in combinations(sorted(group), 2):
                note(a, b, "congruence", target, sign, sign)
        for a in sorted(signs.get(1, ())):
            for b in sorted(signs.get(-1, ())):
                if a != b:
                    note(a, b, "conflict", target, 1, -1)

    size = {a: len(keys) for a, keys in held.items()}
    nodes = _actor_nodes([dict(r, target_kind="topic") for r in rows])  # holders only
    G = nx.Graph(**_graph_meta(mode, filters, normalization=norm_name))
    min_count = filters.get("min_count")
    for (a, b), p in sorted(pairs.items()):
        cong, conf = p["congruence"], p["conflict"]
        raw = {"congruence": cong, "conflict": conf, "subtract": cong + conf}[mode]
        numerator = {"congruence": cong, "conflict": conf, "subtract": cong - conf}[mode]
        if raw == 0 or (mode == "subtract" and numerator == 0):
            continue
        if min_count and raw < min_count:
            continue
        shared = len(set(held[a]) & set(held[b]))  # DNA's m11 on a binary array
        norm = {
            "none": 1.0,
            "average": (size[a] + size[b]) / 2,
            "jaccard": size[a] + size[b] - shared,
            "cosine": math.sqrt(size[a] * size[b]),
        }[norm_name]
        weight = numerator / norm if norm else 0.0
        seen: set[str] = set()
        ev_rows = [r for r in p["rows"] if not (r["stance"] in seen or seen.add(r["stance"]))]
        ev_rows.sort(key=lambda r: (r.get("date") or "", r["stance"]))
        for n in (a, b):
            if n not in G:
                G.add_node(n, concepts=size[n], **nodes[n])
        # conflict weights are positive (how much two actors disagree) but the tie is hostile
        sign = -1 if mode == "conflict" else (weight > 0) - (weight < 0)
        G.add_edge(a, b, weight=round(weight, 6), count=raw, congruence=cong, conflict=conf, sign=sign,
                   targets=sorted(labels[t] for t in p["targets"]), target_iris=sorted(p["targets"]),
                   stances=[r["stance"] for r in ev_rows], evidence=[stance_evidence(r) for r in ev_rows])
    for n in G:
        G.nodes[n]["stances_out"] = sum(len(v) for v in held[n].values())
    return G


def congruence_network(store_or_rows: Any, *, normalization: str = "none", date_from: Any = None,
                       date_to: Any = None, actors: Iterable[str] | None = None,
                       actor_types: Iterable[str] | None = None, min_confidence: float | None = None,
                       min_count: int | None = None) -> nx.Graph:
    """Actors linked by how often they take the *same* polarity towards the same target or topic.

    This is DNA's one-mode network with qualifier aggregation "congruence", on a binary
    actor x (concept, polarity) array (DNA's default of ignoring duplicate statements): the raw
    weight of a pair is the number of (target, polarity) pairs both actors hold. Neutral stances
    take no side and are left out; ``actors`` filters holders only (they are the nodes).

    Parameters
    ----------
    normalization : {"none", "average", "jaccard", "cosine"}
        As in DNA, with n_i the number of (target, polarity) pairs actor i holds and m11 the
        number both hold: ``average`` divides by (n_i + n_j) / 2, ``jaccard`` by
        n_i + n_j - m11, ``cosine`` by sqrt(n_i * n_j) (the cosine of two binary vectors; DNA's
        code divides by n_i * n_j, which equals it only when both are 1).
    other parameters
        See :func:`actor_network`; ``min_count`` applies to the raw (unnormalised) count.

    Returns
    -------
    networkx.Graph
        Nodes as in :func:`actor_network` plus ``concepts`` (n_i). Edges: ``weight``
        (normalised), ``count`` (raw), ``congruence``, ``conflict`` (raw counts), ``sign`` (-1 for
        conflict edges and negative subtract weights, else 1),
        ``targets`` (labels), ``target_iris``, ``stances``, ``evidence``.

    Examples
    --------
    >>> def row(s, h, t, pol):
    ...     return {"stance": s, "holder": h, "holder_label": h, "holder_type": "Country",
    ...             "target": t, "target_label": t, "target_type": "Topic",
    ...             "target_kind": "topic", "polarity": pol}
    >>> rows = [row("1", "A", "x", "positive"), row("2", "B", "x", "positive"),
    ...         row("3", "B", "y", "negative")]
    >>> congruence_network(rows).edges["A", "B"]["weight"]
    1.0
    >>> congruence_network(rows, normalization="average").edges["A", "B"]["weight"]
    0.666667
    """
    filters = dict(date_from=date_from, date_to=date_to, actors=actors, actor_types=actor_types,
                   min_confidence=min_confidence, min_count=min_count)
    return _one_mode(store_or_rows, "congruence", normalization, filters)


def conflict_network(store_or_rows: Any, *, normalization: str = "none", date_from: Any = None,
                     date_to: Any = None, actors: Iterable[str] | None = None,
                     actor_types: Iterable[str] | None = None, min_confidence: float | None = None,
                     min_count: int | None = None) -> nx.Graph:
    """Actors linked by how often they take *opposite* polarities towards the same target or topic.

    The raw weight of a pair is the number of targets one actor supports and the other opposes
    (counted for each direction). Normalisations and attributes as in :func:`congruence_network`.

    Examples
    --------
    >>> def row(s, h, t, pol):
    ...     return {"stance": s, "holder": h, "holder_label": h, "holder_type": "Country",
    ...             "target": t, "target_label": t, "target_type": "Topic",
    ...             "target_kind": "topic", "polarity": pol}
    >>> G = conflict_network([row("1", "A", "x", "positive"), row("2", "B", "x", "negative")])
    >>> G.edges["A", "B"]["weight"], G.edges["A", "B"]["targets"]
    (1.0, ['x'])
    """
    filters = dict(date_from=date_from, date_to=date_to, actors=actors, actor_types=actor_types,
                   min_confidence=min_confidence, min_count=min_count)
    return _one_mode(store_or_rows, "conflict", normalization, filters)


def subtract_network(store_or_rows: Any, *, normalization: str = "none", date_from: Any = None,
                     date_to: Any = None, actors: Iterable[str] | None = None,
                     actor_types: Iterable[str] | None = None, min_confidence: float | None = None,
                     min_count: int | None = None) -> nx.Graph:
    """Congruence minus conflict (DNA's "subtract"): positive weights join allies, negative
    weights opponents; pairs whose agreements and disagreements cancel out get no edge.

    ``count`` (and ``min_count``) is congruence + conflict; both raw counts stay on the edge.

    Examples
    --------
    >>> def row(s, h, t, pol):
    ...     return {"stance": s, "holder": h, "holder_label": h, "holder_type": "Country",
    ...             "target": t, "target_label": t, "target_type": "Topic",
    ...             "target_kind": "topic", "polarity": pol}
    >>> rows = [row("1", "A", "x", "positive"), row("2", "B", "x", "negative"),
    ...         row("3", "A", "y", "negative"), row("4", "B", "y", "negative"),
    ...         row("5", "A", "z", "negative"), row("6", "B", "z", "positive")]
    >>> subtract_network(rows).edges["A", "B"]["weight"]
    -1.0
    """
    filters = dict(date_from=date_from, date_to=date_to, actors=actors, actor_types=actor_types,
                   min_confidence=min_confidence, min_count=min_count)
    return _one_mode(store_or_rows, "subtract", normalization, filters)


VIEWS: dict[str, Callable[..., nx.Graph]] = {
    "actors": actor_network,
    "topics": topic_network,
    "congruence": congruence_network,
    "conflict": conflict_network,
    "subtract": subtract_network,
}


# ------------------------------------------------------------------------------ time
def _to_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _window_start(d: date, window: str | int, origin: date) -> date:
    if window == "year":
        return date(d.year, 1, 1)
    if window == "month":
        return date(d.year, d.month, 1)
    if window == "week":
        return d - timedelta(days=d.weekday())
    return origin + timedelta(days=((d - origin).days // int(window)) * int(window))


def _next_start(start: date, window: str | int) -> date:
    if window == "year":
        return date(start.year + 1, 1, 1)
    if window == "month":
        return date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    if window == "week":
        return start + timedelta(days=7)
    return start + timedelta(days=int(window))


def time_slices(view_fn: Callable[..., nx.Graph], store_or_rows: Any, window: str | int = "month", *,
                date_from: Any = None, date_to: Any = None, **kwargs: Any) -> list[tuple[date, date, nx.Graph]]:
    """The same view per time window, to see stances change.

    Parameters
    ----------
    view_fn : callable
        One of the views (e.g. :func:`actor_network`).
    store_or_rows : pyoxigraph.Store or list of dict
    window : {"month", "year", "week"} or int
        Calendar months, calendar years, ISO weeks (from Monday), or a number of days counted
        from the first date.
    date_from, date_to : optional
        Bound the range; by default it runs from the first to the last dated stance.
    **kwargs
        The other filters and the view's own options (e.g. ``normalization``).

    Returns
    -------
    list of (start, end, graph)
        ``start`` and ``end`` are inclusive ``datetime.date``s; windows with no stance are kept
        (with an empty graph) so a series has no gaps. Each graph records ``start`` and ``end``
        in ``graph.graph``. Stances without a date are left out.

    Examples
    --------
    >>> rows = [{"stance": "s1", "holder": "a", "holder_label": "A", "holder_type": "Person",
    ...          "target": "b", "target_label": "B", "target_type": "Person", "target_kind": "actor",
    ...          "polarity": "positive", "date": "2019-04-19"},
    ...         {"stance": "s2", "holder": "b", "holder_label": "B", "holder_type": "Person",
    ...          "target": "a", "target_label": "A", "target_type": "Person", "target_kind": "actor",
    ...          "polarity": "negative", "date": "2019-06-06"}]
    >>> [(str(s), g.number_of_edges()) for s, e, g in time_slices(actor_network, rows)]
    [('2019-04-01', 1), ('2019-05-01', 0), ('2019-06-01', 1)]
    """
    if isinstance(window, str) and window.isdigit():
        window = int(window)
    if not (window in ("month", "year", "week") or (isinstance(window, int) and window > 0)):
        raise ValueError(f"window must be 'month', 'year', 'week' or a positive number of days, not {window!r}")
    filters = {k: kwargs.get(k) for k in FILTER_KEYS if k not in ("date_from", "date_to")}
    rows = resolve_rows(store_or_rows, dict(filters, date_from=date_from, date_to=date_to),
                 actor_side="either")
    dated = [r for r in rows if r.get("date")]
    if not dated:
        return []
    first = _to_date(date_from) if date_from else min(_to_date(r["date"]) for r in dated)
    last = _to_date(date_to) if date_to else max(_to_date(r["date"]) for r in dated)
    slices = []
    start = _window_start(first, window, first)
    while start <= last:
        nxt = _next_start(start, window)
        end = nxt - timedelta(days=1)
        lo, hi = start.isoformat(), end.isoformat()
        part = [r for r in dated if lo <= r["date"] <= hi]
        graph = view_fn(part, date_from=lo, date_to=hi, **kwargs)
        graph.graph["start"], graph.graph["end"] = lo, hi
        slices.append((start, end, graph))
        start = nxt
    return slices


# ------------------------------------------------------------------------------ writing
def _flat(value: Any) -> Any:
    """A value GraphML/GEXF can hold: lists and dicts become JSON text, dates ISO strings."""
    if isinstance(value, (list, tuple, set, dict)):
        return json.dumps(sorted(value) if isinstance(value, set) else value, ensure_ascii=False, default=str)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float, str)):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return str(value)


def flat_copy(graph: nx.Graph) -> nx.Graph:
    """A copy of ``graph`` whose attributes are all scalars (lists/dicts as JSON), Nones dropped."""
    H = graph.__class__()
    H.graph.update({k: _flat(v) for k, v in graph.graph.items() if v is not None})
    for n, data in graph.nodes(data=True):
        H.add_node(n, **{k: _flat(v) for k, v in data.items() if v is not None})
    for u, v, data in graph.edges(data=True):
        H.add_edge(u, v, **{k: _flat(x) for k, x in data.items() if x is not None})
    return H


_CSV_FIRST = ["source", "target", "source_label", "target_label", "weight", "count", "positive",
              "negative", "neutral", "mean_polarity", "congruence", "conflict", "first_date", "last_date"]


def _csv_cell(value: Any) -> Any:
    value = _flat(value)
    # Keep spreadsheets from running article text as a formula (CSV injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_csv(graph: nx.Graph, path: str | Path) -> Path:
    """Write the edge list: ``source``, ``target``, their labels, then every edge attribute
    (lists and dicts as JSON)."""
    path = Path(path)
    keys: list[str] = []
    for _, _, data in graph.edges(data=True):
        for k in data:
            if k not in keys:
                keys.append(k)
    columns = [c for c in _CSV_FIRST if c in ("source", "target", "source_label", "target_label") or c in keys]
    columns += [k for k in keys if k not in columns]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        for u, v, data in graph.edges(data=True):
            row = {"source": u, "target": v,
                   "source_label": graph.nodes[u].get("label", u), "target_label": graph.nodes[v].get("label", v)}
            row.update(data)
            writer.writerow({k: _csv_cell(row.get(k)) for k in columns})
    return path


def write_network(graph: nx.Graph, path: str | Path, *, title: str | None = None) -> Path:
    """Write ``graph`` in the format its file name asks for.

    ``.graphml`` and ``.gexf`` (Gephi, visone) hold scalars only, so list and dict attributes
    (``stances``, ``evidence``, ``roles``, ...) are written as JSON text; ``.csv`` is an edge
    list; ``.html`` is the interactive page drawn by :func:`kg.viz.write_html`.

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import tempfile, os, networkx as nx
    >>> G = nx.DiGraph(); G.add_edge("a", "b", weight=1, stances=["s1"])
    >>> p = write_network(G, os.path.join(tempfile.mkdtemp(), "g.graphml"))
    >>> nx.read_graphml(p).edges["a", "b"]["stances"]
    '["s1"]'
    """
    path = Path(path)
    ext = path.suffix.lower()
    if ext == ".html":
        from kg.viz import write_html  # pyvis lives only in kg.viz

        kind = graph.graph.get("kind", "network")
        return Path(write_html(graph, path, title=title or f"kg: {kind} network"))
    if ext == ".graphml":
        nx.write_graphml(flat_copy(graph), path, encoding="utf-8")
    elif ext == ".gexf":
        nx.write_gexf(flat_copy(graph), path, encoding="utf-8")
    elif ext == ".csv":
        write_csv(graph, path)
    else:
        raise ValueError(f"unknown network format {ext or path.name!r}: use .html, .graphml, .gexf or .csv")
    return path
