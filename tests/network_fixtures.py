"""What the network and analysis tests share: the hand-written TriG fixtures and their IRIs.

tests/data/network_story.trig holds short illustrative articles written for these tests (a
country backs a government, a general attacks it, the country's president praises the
general); network_consistent.trig is a control in which nobody contradicts their camp.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

DATA = Path(__file__).parent / "data"
A = "https://w3id.org/kg-stance/id/actor/"
S = "https://w3id.org/kg-stance/id/stance/"
TRUMP, HAFTAR, MAITEEQ, POMPEO = A + "donald-trump", A + "khalifa-haftar", A + "ahmed-maiteeq", A + "mike-pompeo"
US, GNA, EGYPT, TURKEY, UN = A + "united-states", A + "gna", A + "egypt", A + "turkey", A + "united-nations"


def load(name: str) -> ox.Store:
    """An in-memory store holding one fixture file's named graphs. The fixtures are written in
    the layout of kg's first stores (labels and types in each article graph), which is also
    what they test: kg.upgrade brings them to the current layout, corpus graph included."""
    from kg.upgrade import upgrade_layout

    store = ox.Store()
    store.load(path=str(DATA / name), format=ox.RdfFormat.TRIG)
    upgrade_layout(store)
    return store
