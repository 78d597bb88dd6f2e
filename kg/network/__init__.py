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
- :func:`time_slices` — any of these per time window;
- :mod:`kg.network.dna` — what DNA users expect of them: ``duplicates`` (count a repeated stance
  once per article, week, month, year, range, or every time), the two-mode normalisations
  ``activity`` and ``prominence``, and the event list (:func:`event_rows`);
- :func:`disparity_backbone` — the significant edges of a big network (Serrano et al. 2009);
- :func:`polarisation_series` — how far the actors split into two opposed camps, per window.

Every view takes the same filters: ``date_from``, ``date_to`` (ISO dates, inclusive),
``actors`` (labels or IRIs), ``actor_types`` (``"Person"``, ``"Government"``, ...),
``min_confidence``, ``min_count`` (edges backed by fewer stances are dropped) and
``duplicates``. :func:`write_network` writes any of them as GraphML, GEXF, a CSV edge list,
UCINET DL or interactive HTML.

Node ids are actor IRIs (targets in the two-mode network are ``"target:" + IRI``); each edge
keeps the IRIs of the stances behind it and their quotes, so every edge can be traced back to
the text it rests on.
"""

from __future__ import annotations

from kg.network.backbone import BACKBONE_METHODS, disparity_alphas, disparity_backbone  # noqa: F401
from kg.network.dna import (  # noqa: F401
    DUPLICATES,
    EVENT_COLUMNS,
    ONE_MODE_NORMALIZATIONS,
    TWO_MODE_NORMALIZATIONS,
    check_duplicates,
    count_distinct,
    deduplicate,
    event_rows,
    period_key,
    two_mode_weights,
)
from kg.network.polarisation import (  # noqa: F401
    SERIES_COLUMNS,
    TIES,
    measure_polarisation,
    polarisation_series,
    tie_network,
    two_camps,
)
from kg.network.rows import (  # noqa: F401
    AFFILIATION_QUERY,
    FILTER_KEYS,
    KG_NS,
    NORMALIZATIONS,
    POLARITY_SIGN,
    STANCE_QUERIES,
    TYPE_PRIORITY,
    Rows,
    affiliations,
    filter_rows,
    local_name,
    org_closure,
    resolve_rows,
    role_strings,
    stance_rows,
)
from kg.network.views import (  # noqa: F401
    DEFAULT_DUPLICATES,
    VIEWS,
    actor_network,
    affiliation_array,
    agreement_pairs,
    conflict_network,
    congruence_network,
    stance_evidence,
    subtract_network,
    time_slices,
    topic_network,
)
from kg.network.write import (  # noqa: F401
    NETWORK_FORMATS,
    dl_label,
    flat_copy,
    write_csv,
    write_dl,
    write_events,
    write_network,
    write_polarisation,
    write_table,
)

__all__ = [
    "AFFILIATION_QUERY",
    "FILTER_KEYS",
    "KG_NS",
    "NORMALIZATIONS",
    "POLARITY_SIGN",
    "STANCE_QUERIES",
    "TYPE_PRIORITY",
    "Rows",
    "affiliations",
    "filter_rows",
    "local_name",
    "org_closure",
    "resolve_rows",
    "role_strings",
    "stance_rows",
    "VIEWS",
    "actor_network",
    "conflict_network",
    "congruence_network",
    "stance_evidence",
    "subtract_network",
    "time_slices",
    "topic_network",
    "flat_copy",
    "write_csv",
    "write_network",
    # DNA options, backbone, polarisation, more writers
    "DUPLICATES",
    "EVENT_COLUMNS",
    "ONE_MODE_NORMALIZATIONS",
    "TWO_MODE_NORMALIZATIONS",
    "check_duplicates",
    "count_distinct",
    "deduplicate",
    "event_rows",
    "period_key",
    "two_mode_weights",
    "DEFAULT_DUPLICATES",
    "affiliation_array",
    "agreement_pairs",
    "BACKBONE_METHODS",
    "disparity_alphas",
    "disparity_backbone",
    "SERIES_COLUMNS",
    "TIES",
    "measure_polarisation",
    "polarisation_series",
    "tie_network",
    "two_camps",
    "NETWORK_FORMATS",
    "dl_label",
    "write_dl",
    "write_events",
    "write_polarisation",
    "write_table",
]
