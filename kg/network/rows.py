"""Stance rows: every ``kg:Stance`` in a store as one plain dict, read with a few flat SPARQL
queries and joined in Python (the views in :mod:`kg.network.views` are pure functions of them)."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from kg.corpus import MIN_POST_SHARE
from kg.records import ActorType
from kg.vocab import KG, PREFIXES

log = logging.getLogger(__name__)

KG_NS = str(KG)
POLARITY_SIGN = {"positive": 1, "negative": -1, "neutral": 0}
NORMALIZATIONS = ("none", "average", "jaccard", "cosine")
# When an actor carries several kg: types, the most specific one names it.
TYPE_PRIORITY = (
    ActorType.Government,
    ActorType.Country,
    ActorType.InternationalOrganization,
    ActorType.Party,
    ActorType.Media,
    ActorType.Group,
    ActorType.Person,
    ActorType.Organization,
    "Topic",
    "Actor",
)
FILTER_KEYS = ("date_from", "date_to", "actors", "actor_types", "min_confidence")

Rows = list[dict[str, Any]]

# the queries below run on any store (a remote one too), so they declare their prefixes
_PREFIXES = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("kg", "rdfs", "skos", "schema", "prov", "org", "nif"))

# Stance rows are read with a few flat queries joined in Python rather than one query with a
# dozen OPTIONALs: Oxigraph evaluates such a query in time that grows much faster than the
# number of stances (minutes for 2,000), while each flat query below is one index scan.
STANCE_QUERIES = {
    # the stances' own properties
    "stances": _PREFIXES
    + """\
SELECT ?s ?p ?o WHERE {
  VALUES ?p { kg:holder kg:target kg:topic kg:polarity kg:confidence kg:fromStatement
              prov:wasDerivedFrom kg:reportedBy kg:negated kg:extractor }
  ?s a kg:Stance ; ?p ?o .
}""",
    # the text of their cue and evidence spans
    "spans": _PREFIXES
    + """\
SELECT ?s ?p ?o WHERE {
  VALUES ?p { kg:cue kg:evidence }
  ?s a kg:Stance ; ?p ?span . ?span nif:anchorOf ?o .
}""",
    # the content of the statement a stance was read from (the quote when there is no evidence)
    "contents": _PREFIXES
    + """\
SELECT ?s ?o WHERE { ?s a kg:Stance ; kg:fromStatement ?st . ?st kg:content ?span . ?span nif:anchorOf ?o . }""",
    # labels and types of actors and topics
    "labels": _PREFIXES
    + """\
SELECT ?a ?o WHERE { ?a rdfs:label|skos:prefLabel ?o . }""",
    "types": _PREFIXES
    + """\
SELECT ?a ?o WHERE {
  VALUES ?o { kg:Person kg:Organization kg:Government kg:Country kg:Group kg:Media
              kg:InternationalOrganization kg:Party kg:Topic kg:Actor }
  ?a a ?o .
}""",
    # the articles' dates, headlines and ids
    "articles": _PREFIXES
    + """\
SELECT ?a ?p ?o WHERE {
  VALUES ?p { schema:datePublished schema:headline schema:identifier }
  ?a a kg:Article ; ?p ?o .
}""",
    # fallback for a stance without prov:wasDerivedFrom: the article its named graph comes from
    "graphs": _PREFIXES
    + """\
SELECT ?s ?o WHERE { GRAPH ?g { ?s a kg:Stance } ?g prov:wasDerivedFrom ?o . }""",
}

# Who belongs to what: the posts each article (or the gazetteer) says an actor holds, counted
# per article, and the parts (kg:partOf, resolved once in the corpus or gazetteer graph).
# Grouped before anything is joined, so each row is one (actor, post) or one link however many
# articles state it; labels are looked up afterwards (ACTOR_LABELS), once per resource.
AFFILIATION_QUERY = (
    _PREFIXES
    + """\
SELECT ?actor ?org ?role ?via (COUNT(DISTINCT ?g) AS ?articles) (MAX(?fromGazetteer) AS ?gazetteer)
WHERE {
  { GRAPH ?g { ?m a org:Membership ; org:member ?actor .
               OPTIONAL { ?m org:organization ?org } OPTIONAL { ?m org:role ?role } }
    BIND("membership" AS ?via)
    BIND(IF(?g = <https://w3id.org/kg-stance/id/graph/gazetteer>, 1, 0) AS ?fromGazetteer) }
  UNION
  { ?actor kg:partOf ?org . BIND("partOf" AS ?via) BIND(1 AS ?fromGazetteer) }
}
GROUP BY ?actor ?org ?role ?via
"""
)
# Every resource's label (one per resource in the union of graphs) and actors' article counts.
LABELS_QUERY = (
    _PREFIXES
    + """\
SELECT ?a ?o WHERE { ?a rdfs:label|skos:prefLabel ?o . }"""
)
ARTICLE_COUNTS_QUERY = (
    _PREFIXES
    + """\
SELECT ?a ?n WHERE { GRAPH <https://w3id.org/kg-stance/id/graph/corpus> { ?a a kg:Actor ; kg:articleCount ?n } }"""
)
# A post is shown (role_strings) when the gazetteer states it or when at least MIN_POST_SHARE of
# the articles naming the actor state it (the rule the corpus graph's org:memberOf follows).


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
        table.append(
            {
                "stance": stance,
                "holder": holder,
                "polarity": polarity,
                "holderLabel": _first(labels.get(holder, ())),
                "holderTypes": " ".join(types.get(holder, ())),
                "target": target,
                "targetLabel": _first(labels.get(target, ())) if target else None,
                "targetTypes": " ".join(types.get(target, ())) if target else "",
                "topic": topic,
                "topicLabel": _first(labels.get(topic, ())) if topic else None,
                "confidence": max(c for c in v["confidence"] if c is not None) if confidence is not None else None,
                "cue": _first(v["cue_text"]),
                "evidence": _first(v["evidence_text"]),
                "content": _first(v["content_text"]),
                "statement": _first(v["fromStatement"]),
                "article": article,
                "date": _first(str(d) for d in art.get("datePublished", ())),
                "title": _first(art.get("headline", ())),
                "articleId": _first(art.get("identifier", ())),
                "reportedBy": reporter,
                "reportedByLabel": _first(labels.get(reporter, ())) if reporter else None,
                "negated": any(v["negated"]),
                "extractor": _first(v["extractor"]),
            }
        )
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
    """Every actor's direct affiliations: posts (``org:Membership``) and parts (``kg:partOf``).

    Returns
    -------
    dict
        actor IRI -> list of ``{"org": IRI or None, "org_label": str or None, "role": str or None,
        "via": "membership" | "partOf", "articles": how many articles state it, "gazetteer":
        whether the gazetteer (or the corpus graph, for parts) states it, "supported": whether
        it is shown (see :data:`MIN_POST_SHARE`)}``, most supported first.
    """
    labels: dict[str, str] = {}
    for a, o in _tuples(store, LABELS_QUERY):
        if a not in labels or str(o) < labels[a]:
            labels[a] = o
    named = {a: int(n) for a, n in _tuples(store, ARTICLE_COUNTS_QUERY)}
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in _select(store, AFFILIATION_QUERY):
        role = labels.get(row["role"]) if row["role"] else None
        if row["role"] and role is None:
            role = local_name(row["role"]).replace("-", " ")
        articles, gazetteer = int(row["articles"] or 0), bool(int(row["gazetteer"] or 0))
        entry = {
            "org": row["org"],
            "org_label": labels.get(row["org"]) if row["org"] else None,
            "role": role,
            "via": row["via"],
            "articles": 0 if gazetteer and row["via"] == "membership" else articles,
            "gazetteer": gazetteer,
        }
        entry["supported"] = post_supported(entry, named.get(row["actor"], 0))
        out[row["actor"]].append(entry)
    for entries in out.values():
        entries.sort(key=lambda e: (not e["gazetteer"], -e["articles"], e["role"] or "", e["org"] or ""))
    return dict(out)


def post_supported(entry: Mapping[str, Any], actor_articles: int) -> bool:
    """Whether a post is well enough attested to show: stated by the gazetteer, or by at least
    :data:`MIN_POST_SHARE` of the articles naming the actor.

    >>> post_supported({"gazetteer": False, "articles": 1}, 40), post_supported({"gazetteer": False, "articles": 5}, 40)
    (False, True)
    >>> post_supported({"gazetteer": False, "articles": 1}, 1), post_supported({"gazetteer": True, "articles": 0}, 90)
    (True, True)
    """
    if entry.get("gazetteer"):
        return True
    n = int(entry.get("articles") or 0)
    return n >= 1 and n >= MIN_POST_SHARE * actor_articles


def role_strings(affs: Iterable[Mapping[str, Any]]) -> list[str]:
    """Supported posts as readable strings, most supported first: ``"Deputy Prime Minister
    (Government of National Accord)"``."""
    roles = []
    for a in affs:
        if not a.get("role") or not a.get("supported", True):
            continue
        text = f"{a['role']} ({a['org_label']})" if a.get("org_label") else a["role"]
        if text not in roles:
            roles.append(text)
    return roles


def org_closure(actor: str, affs: Mapping[str, Sequence[Mapping[str, Any]]]) -> list[str]:
    """The organisations ``actor`` belongs to, directly or through parts and memberships
    (a minister -> the ministry -> the government), nearest first, the actor itself excluded.
    Posts too weakly attested to show (``supported`` False) do not count."""
    seen: list[str] = []
    frontier = [actor]
    while frontier:
        nxt = []
        for node in frontier:
            for a in affs.get(node, ()):
                org = a.get("org")
                if org and org != actor and org not in seen and a.get("supported", True):
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


def stance_rows(
    store: Any,
    *,
    date_from: Any = None,
    date_to: Any = None,
    actors: Iterable[str] | None = None,
    actor_types: Iterable[str] | None = None,
    min_confidence: float | None = None,
    min_count: int | None = None,
) -> Rows:
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
        ``negated``, ``extractor`` (what read the stance: ``"rule"``, ``"phrase"`` or ``"model"``; None
        on graphs written before it was recorded).
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
        rows.append(
            {
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
            }
        )
    rows.sort(key=lambda x: (x["date"] or "", x["stance"]))
    return filter_rows(
        rows,
        date_from=date_from,
        date_to=date_to,
        actors=actors,
        actor_types=actor_types,
        min_confidence=min_confidence,
    )


# ------------------------------------------------------------------------------ filters
def _matches(row: Mapping[str, Any], side: str, wanted: set[str]) -> bool:
    return (row.get(side) in wanted) or (str(row.get(f"{side}_label") or "").casefold() in wanted)


def filter_rows(
    rows: Iterable[Mapping[str, Any]],
    *,
    date_from: Any = None,
    date_to: Any = None,
    actors: Iterable[str] | None = None,
    actor_types: Iterable[str] | None = None,
    min_confidence: float | None = None,
    actor_side: str = "either",
) -> Rows:
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
        if lo and d is not None and d < lo:
            continue
        if hi and d is not None and d > hi:
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
