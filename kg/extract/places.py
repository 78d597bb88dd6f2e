"""Places from maintained data: which names are countries, which are places below a country.

A place is not an actor unless it acts; a country that acts is its government (the gazetteer's,
or "Government of <country>"), and so is a US state or a city ("Texas sued" -> "Government of
Texas"). The data comes from maintained packages, read once per process:

- countries: ``pycountry`` (ISO 3166-1 names, common and official names, and the short form
  before a comma: "Korea, Republic of" -> "Korea"), plus the gazetteer's countries and their aliases;
- US states, the District of Columbia and the territories: ``us``, with their postal codes
  ("NH") and AP abbreviations ("N.H.", "Calif.", "Fla."), and a few older ones ("Tex.", "Penn.");
- other subdivisions (provinces, regions, English counties): ``pycountry``'s ISO 3166-2 names.

Cities are not listed: a GPE entity that is neither a country nor a known subdivision is taken for
a city or other place (the model called it a geopolitical entity; it is not a country).

>>> place("Calif.").name, place("N.H.").name, place("new hampshire").name
('California', 'New Hampshire', 'New Hampshire')
>>> country_name("Korea, Republic of"), country_name("Texas")
('South Korea', None)
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from kg.gazetteer import GazetteerError, normalize
from kg.records import ActorType

# subdivision names that are ordinary words or directions, or are better known as something else
_NOT_SUBDIVISIONS = {
    "centre",
    "center",
    "central",
    "north",
    "south",
    "east",
    "west",
    "northern",
    "southern",
    "eastern",
    "western",
    "capital",
    "coast",
    "lakes",
    "islands",
    "delta",
    "plateau",
    "upper",
    "lower",
    "interior",
    "littoral",
    "national",
    "federal",
    "midlands",
    "highlands",
    "north east",
    "north west",
    "south east",
    "south west",
    "mountain",
    "valley",
    "river",
    "lake",
    "sea",
    "gulf",
    "atlantic",
    "pacific",
    "bay",
    "city",
    "border",
    "frontier",
    "mid",
    "greater",
    "kingdom",
    "orange",
    "grant",
}
# older or common abbreviations that the AP style list of the ``us`` package does not give
_EXTRA_ABBREVIATIONS = {
    "Tex.": "TX",
    "Penn.": "PA",
    "Cal.": "CA",
    "Calif": "CA",
    "Wash. D.C.": "DC",
    "Mass": "MA",
    "Conn": "CT",
    "Fla": "FL",
    "Ill": "IL",
    "Mich": "MI",
    "Wis": "WI",
    "Minn": "MN",
    "Tenn": "TN",
    "Okla": "OK",
    "Ariz": "AZ",
    "Colo": "CO",
    "Nev": "NV",
    "Vt": "VT",
    "Ky": "KY",
    "Va": "VA",
    "Md": "MD",
    "Ga": "GA",
    "Pa": "PA",
    "Tex": "TX",
    "W. Va.": "WV",
    "Wash., D.C.": "DC",
}


@dataclass(frozen=True)
class Place:
    """A place below a country: ``name`` is its readable name ("New Hampshire"), ``kind`` is
    "state" (a US state, DC or territory) or "subdivision" (ISO 3166-2)."""

    name: str
    kind: str
    country: str = "US"


@dataclass
class _Tables:
    countries: dict[str, str]  # normalised name -> canonical name
    places: dict[str, Place]  # normalised full name -> place
    abbreviations: dict[str, Place]  # abbreviation as written ("N.H.", "Calif.") -> state
    postal: dict[str, Place]  # "NH" -> state


def _clean(name: str) -> str:
    """A pycountry name without its bracketed variants: "Bayern [Bavaria]" -> "Bayern"."""
    return re.sub(r"\s*[\[(].*?[\])]", "", name).strip()


@functools.lru_cache(maxsize=1)
def _tables() -> _Tables:
    import pycountry
    import us

    countries: dict[str, str] = {}
    for c in pycountry.countries:
        names = [getattr(c, a, None) for a in ("common_name", "name", "official_name")]
        canonical = next(n for n in names if n)
        for n in names:
            if n:
                countries.setdefault(normalize(n), canonical)
                short = n.split(",")[0].strip()  # "Korea, Republic of" -> "Korea"
                countries.setdefault(normalize(short), short if "," in n else canonical)
    for historical in pycountry.historic_countries:
        countries.setdefault(normalize(historical.name), historical.name)
    try:
        from kg.gazetteer import load_gazetteer

        for e in load_gazetteer().entries.values():
            if e.type == ActorType.Country:
                for n in (e.label,) + e.aliases:
                    countries[normalize(n)] = e.label
    except GazetteerError:  # a broken user gazetteer must not stop place lookups (kg ingest names it)
        pass
    places: dict[str, Place] = {}
    abbreviations: dict[str, Place] = {}
    postal: dict[str, Place] = {}
    for s in us.states.STATES_AND_TERRITORIES:
        p = Place(s.name, "state")
        places[normalize(s.name)] = p
        postal[s.abbr] = p
        if s.ap_abbr and s.ap_abbr != s.name:
            abbreviations[s.ap_abbr] = p
    by_code = {p_.name: p_ for p_ in postal.values()}
    for text, code in _EXTRA_ABBREVIATIONS.items():
        if code in postal:
            abbreviations.setdefault(text, postal[code])
    places[normalize("Washington, D.C.")] = by_code["District of Columbia"]
    places[normalize("Washington D.C.")] = by_code["District of Columbia"]
    places[normalize("New York City")] = Place("New York City", "city")
    for sub in pycountry.subdivisions:
        name = _clean(sub.name)
        key = normalize(name)
        if not key or key in _NOT_SUBDIVISIONS or key in places or key in countries:
            continue
        places[key] = Place(name, "subdivision", sub.country_code)
    # a US state is the state even where a country has its name ("Georgia" in US news)
    for key, p_ in list(places.items()):
        if p_.kind == "state":
            countries.pop(key, None)
    return _Tables(countries, places, abbreviations, postal)


def country_name(name: str) -> str | None:
    """The canonical name of the country called ``name``, or None (US states are not countries)."""
    return _tables().countries.get(normalize(name)) if name else None


def place(name: str, *, postal: bool = False) -> Place | None:
    """The place below a country called ``name`` (full name, or an abbreviation as written: "N.H.",
    "Calif."; two-letter postal codes only with ``postal=True``), or None."""
    if not name:
        return None
    t = _tables()
    text = name.strip()
    found = t.abbreviations.get(text)
    if found is None and text.isupper() and len(text) > 3:
        found = t.abbreviations.get(text.title())  # "CALIF."
    if found is None and postal:
        found = t.postal.get(text.replace(".", "").upper()) if len(text.replace(".", "")) == 2 else None
    if found is None:
        key = normalize(text)
        if key not in t.countries:
            found = t.places.get(key)
    return found


def us_state(name: str) -> Place | None:
    """The US state (or DC, or territory) called or abbreviated ``name``, postal codes included."""
    found = place(name, postal=True)
    return found if found is not None and found.kind == "state" else None
