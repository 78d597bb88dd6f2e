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

from kg.network.rows import (  # noqa: F401
    AFFILIATION_QUERY, FILTER_KEYS, KG_NS, NORMALIZATIONS, POLARITY_SIGN, STANCE_QUERIES, TYPE_PRIORITY, Rows,
    affiliations, filter_rows, local_name, org_closure, resolve_rows, role_strings, stance_rows,
)
from kg.network.views import (  # noqa: F401
    VIEWS, actor_network, conflict_network, congruence_network, stance_evidence, subtract_network,
    time_slices, topic_network,
)
from kg.network.write import flat_copy, write_csv, write_network  # noqa: F401

__all__ = [
    "AFFILIATION_QUERY", "FILTER_KEYS", "KG_NS", "NORMALIZATIONS", "POLARITY_SIGN", "STANCE_QUERIES",
    "TYPE_PRIORITY", "Rows", "affiliations", "filter_rows", "local_name", "org_closure", "resolve_rows",
    "role_strings", "stance_rows", "VIEWS", "actor_network", "conflict_network", "congruence_network",
    "stance_evidence", "subtract_network", "time_slices", "topic_network", "flat_copy", "write_csv",
    "write_network",
]
