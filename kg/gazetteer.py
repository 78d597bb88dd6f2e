"""Well-known actors: canonical names, aliases, Wikidata ids, parts and posts.

The data lives in ``kg/data/gazetteer.ttl`` (RDF, the ontology's own terms; see the comment at
its top for the conventions). A user adds or overrides entries with a Turtle file of the same
shape, named by the ``KG_GAZETTEER`` environment variable (several files separated by
``os.pathsep``) or passed to :func:`load_gazetteer`; a label given there replaces the shipped one.

>>> gaz = load_gazetteer()
>>> gaz.lookup("the U.S.").label
'United States'
>>> gaz.seat("Tripoli").iri
'https://w3id.org/kg-stance/id/actor/libya-government'
>>> gaz.seat("Tripoli").label
'Government of Libya'

Lookups ignore case, accents, dots, apostrophes, hyphens and a leading "the". The extractor
(:mod:`kg.extract.actors`) uses them to type and name actors; :func:`gazetteer_graph` is what the
store loads into its gazetteer named graph.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg import ids
from kg.records import ACTOR_TYPES, ActorType
from kg.settings import Settings
from kg.vocab import KG, ORG, SCHEMA

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "gazetteer.ttl"


# a bare name ("Libya") means the country rather than its government of the same name
_DEFAULT_ORDER = (
    ActorType.Person,
    ActorType.Country,
    ActorType.InternationalOrganization,
    ActorType.Party,
    ActorType.Media,
    ActorType.Group,
    ActorType.Organization,
    ActorType.Government,
)


_WITH_THE = re.compile(
    r"^(?:united|republic|democratic|federated|holy|kingdom|state|commonwealth|people's)\b"
    r"|\b(?:republic|islands|emirates|states|kingdom|netherlands|philippines|bahamas|gambia|"
    r"maldives|comoros|seychelles|vatican|union|federation|territories)$",
    re.IGNORECASE,
)


def government_label(place: str) -> str:
    """The label of the government of a country or other place: ``"Libya"`` -> ``"Government of
    Libya"``, ``"United States"`` -> ``"Government of the United States"``, ``"Texas"`` ->
    ``"Government of Texas"``; a country and its government never share a label. Its IRI is
    :func:`kg.ids.government_iri` of the place's name.

    >>> government_label("Netherlands")
    'Government of the Netherlands'
    """
    place = place.strip()
    if place.lower().startswith("the "):
        place = place[4:]
    return f"Government of the {place}" if _WITH_THE.search(place) else f"Government of {place}"


class GazetteerError(ValueError):
    """A gazetteer file could not be read (the message names the file)."""


def normalize(name: str) -> str:
    """The lookup key of a name: ``"the U. S."`` and ``"US"`` -> ``"us"``; ``"Erdoğan"`` -> ``"erdogan"``."""
    text = unicodedata.normalize("NFKD", name)
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[.'`]", "", text)
    words = re.findall(r"[a-z0-9]+", text)
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    # "u s" (from "U. S.") -> "us": a run of single letters is one initialism
    out: list[str] = []
    run = ""
    for w in words:
        if len(w) == 1 and w.isalpha():
            run += w
            continue
        if run:
            out.append(run)
            run = ""
        out.append(w)
    if run:
        out.append(run)
    return " ".join(out)


@dataclass(frozen=True)
class Entry:
    """One well-known actor."""

    iri: str
    label: str
    type: str
    aliases: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()  # demonyms of a country; seat and metonyms of a government
    same_as: tuple[str, ...] = ()
    part_of: str | None = None
    gender: str | None = None  # "male" | "female" | None
    roles: tuple[tuple[str, str], ...] = ()  # (post title, organisation IRI)


@dataclass
class Gazetteer:
    """Entries indexed by IRI and by every normalised name."""

    graph: rdflib.Graph
    entries: dict[str, Entry] = field(default_factory=dict)
    _names: dict[str, list[tuple[Entry, str]]] = field(default_factory=dict)  # key -> [(entry, kind)]
    _governments: dict[str, Entry] = field(default_factory=dict)  # country IRI -> its government
    _cased: dict | None = None

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, iri: str | None) -> Entry | None:
        return self.entries.get(iri) if iri else None

    def candidates(self, name: str) -> list[tuple[Entry, str]]:
        """Every ``(entry, kind)`` whose label (kind ``label``), alias (``alt``) or hidden label
        (``hidden``) normalises like ``name``."""
        return self._names.get(normalize(name), [])

    def lookup(self, name: str, types: tuple[str, ...] | None = None, *, hidden: bool = False) -> Entry | None:
        """The entry called ``name`` (label or alias; hidden labels only with ``hidden=True``),
        restricted to ``types`` and preferring the earlier type in ``types``."""
        found = [
            (e, k) for e, k in self.candidates(name) if (hidden or k != "hidden") and (types is None or e.type in types)
        ]
        if not found:
            return None
        rank = {t: i for i, t in enumerate(types or _DEFAULT_ORDER)}
        found.sort(key=lambda ek: (rank.get(ek[0].type, 99), {"label": 0, "alt": 1, "hidden": 2}[ek[1]]))
        return found[0][0]

    def cased_names(self) -> dict[str, list[tuple[tuple[str, ...], Entry]]]:
        """Labels and aliases written with a capital, by first word: ``"U."`` -> ``[(("U.", "S."), United
        States)]`` (for finding names the model missed; case-sensitive so "WHO" is not "who")."""
        if self._cased is None:
            cased: dict[str, list[tuple[tuple[str, ...], Entry]]] = {}
            for e in self.entries.values():
                for n in (e.label,) + e.aliases:
                    words = tuple(n.replace("the ", "", 1).split()) if n.startswith("the ") else tuple(n.split())
                    if words and words[0][:1].isupper() and len(n) > 1:
                        cased.setdefault(words[0], []).append((words, e))
            for v in cased.values():
                v.sort(key=lambda we: -len(we[0]))
            self._cased = cased
        return self._cased

    def demonym(self, word: str) -> Entry | None:
        """The country whose demonym is ``word`` ("Libyan", "Americans")."""
        for e, k in self.candidates(word):
            if k == "hidden" and e.type == ActorType.Country:
                return e
        return None

    def seat(self, word: str) -> Entry | None:
        """The government seated at or named by the metonym ``word`` ("Tripoli", "Kremlin")."""
        for e, k in self.candidates(word):
            if k == "hidden" and e.type == ActorType.Government:
                return e
        return None

    def government_of(self, country: Entry | str | None) -> Entry | None:
        """The government entry of a country entry (or IRI)."""
        iri = country.iri if isinstance(country, Entry) else country
        return self._governments.get(iri) if iri else None

    def posts(self, entry: Entry, title: str) -> list[Entry]:
        """The organisations in which the person ``entry`` held a post titled ``title``."""
        want = normalize(title)
        return [self.entries[org] for t, org in entry.roles if normalize(t) == want and org in self.entries]


def _type_of(graph: rdflib.Graph, subject: rdflib.term.Node) -> str | None:
    for t in graph.objects(subject, RDF.type):
        if isinstance(t, rdflib.URIRef) and str(t).startswith(ids.ONTOLOGY):
            name = str(t)[len(ids.ONTOLOGY) :]
            if name in ACTOR_TYPES:
                return name
    return None


def _build(graph: rdflib.Graph) -> Gazetteer:
    gaz = Gazetteer(graph=graph)
    roles: dict[str, list[tuple[str, str]]] = {}
    for m in graph.subjects(RDF.type, ORG.Membership):
        member, org, role = (graph.value(m, p) for p in (ORG.member, ORG.organization, ORG.role))
        title = graph.value(role, SKOS.prefLabel) if role is not None else None
        if member is not None and org is not None and title is not None:
            roles.setdefault(str(member), []).append((str(title), str(org)))
    for s in set(graph.subjects(RDFS.label, None)):
        actor_type = _type_of(graph, s)
        if actor_type is None or not isinstance(s, rdflib.URIRef):
            continue
        labels = sorted(str(x) for x in graph.objects(s, RDFS.label))
        gender = graph.value(s, SCHEMA.gender)
        entry = Entry(
            iri=str(s),
            label=labels[0],
            type=actor_type,
            aliases=tuple(sorted(str(x) for x in graph.objects(s, SKOS.altLabel))),
            hidden=tuple(sorted(str(x) for x in graph.objects(s, SKOS.hiddenLabel))),
            same_as=tuple(sorted(str(x) for x in graph.objects(s, OWL.sameAs))),
            part_of=str(graph.value(s, KG.partOf)) if graph.value(s, KG.partOf) is not None else None,
            gender=str(gender).rsplit("/", 1)[-1].lower() if gender is not None else None,
            roles=tuple(roles.get(str(s), ())),
        )
        gaz.entries[entry.iri] = entry
    for e in gaz.entries.values():
        for kind, names in (("label", (e.label,)), ("alt", e.aliases), ("hidden", e.hidden)):
            for n in names:
                key = normalize(n)
                if key and all(x is not e for x, _ in gaz._names.get(key, [])):
                    gaz._names.setdefault(key, []).append((e, kind))
        if e.type == ActorType.Government and e.part_of:
            country = gaz.entries.get(e.part_of)
            if country is not None and country.type == ActorType.Country and e.iri == ids.government_iri(country.label):
                gaz._governments[country.iri] = e
    return gaz


def _parse(path: Path) -> rdflib.Graph:
    try:
        return rdflib.Graph().parse(str(path), format="turtle")
    except FileNotFoundError:
        raise GazetteerError(f"gazetteer file not found: {path}") from None
    except Exception as exc:  # rdflib raises many kinds of errors on bad Turtle
        raise GazetteerError(f"gazetteer file {path} is not valid Turtle: {exc}") from None


@functools.lru_cache(maxsize=8)
def _load(paths: tuple[str, ...], stamps: tuple[float, ...]) -> Gazetteer:
    graph = _parse(DEFAULT_PATH)
    for p in paths:
        extra = _parse(Path(p))
        # a label given by the user replaces the shipped one (its IRI stays what it was)
        for s in set(extra.subjects(RDFS.label, None)):
            graph.remove((s, RDFS.label, None))
        for triple in extra:
            graph.add(triple)
    return _build(graph)


def _extra_paths(extra: str | os.PathLike | None, settings: Settings | None) -> tuple[str, ...]:
    raw = [str(extra)] if extra else []
    return tuple(raw) + (settings or Settings.load()).gazetteer


def load_gazetteer(extra: str | os.PathLike | None = None, *, settings: Settings | None = None) -> Gazetteer:
    """The shipped gazetteer with ``extra`` and the settings' gazetteer files (``KG_GAZETTEER``)
    merged on top (cached; a changed file is read again). Raises :class:`GazetteerError`
    naming a bad file."""
    paths = _extra_paths(extra, settings)
    stamps = tuple(os.path.getmtime(p) if os.path.exists(p) else -1.0 for p in paths)
    return _load(paths, stamps)


def gazetteer_graph(extra: str | os.PathLike | None = None, *, settings: Settings | None = None) -> rdflib.Graph:
    """The gazetteer as an rdflib Graph (a copy: safe to change), for the store's gazetteer graph."""
    out = rdflib.Graph()
    for triple in load_gazetteer(extra, settings=settings).graph:
        out.add(triple)
    for prefix, ns in (
        ("kg", ids.ONTOLOGY),
        ("actor", ids.DATA + "actor/"),
        ("skos", str(SKOS)),
        ("owl", str(OWL)),
        ("org", str(ORG)),
        ("schema", str(SCHEMA)),
        ("wd", "http://www.wikidata.org/entity/"),
    ):
        out.bind(prefix, ns)
    return out
