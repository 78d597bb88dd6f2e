"""What Discourse Network Analyzer (DNA 3, Leifeld) users expect of the views, on stance rows:
duplicate handling, two-mode normalisation (activity, prominence) and the event list.

Pure functions of the rows of :func:`kg.network.rows.stance_rows`; the views in
:mod:`kg.network.views` call them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from datetime import date
from typing import Any

from kg.network.rows import NORMALIZATIONS, Rows, resolve_rows

# How often an actor's repeated stance counts. DNA 3 calls these include / document / week /
# month / year / acrossrange; "none" counts every stance, "range" once over the whole range.
DUPLICATES = ("none", "article", "week", "month", "year", "range")
ONE_MODE_NORMALIZATIONS = NORMALIZATIONS
TWO_MODE_NORMALIZATIONS = ("none", "activity", "prominence")

EVENT_COLUMNS = (
    "date",
    "holder",
    "target",
    "polarity",
    "confidence",
    "article_id",
    "article_title",
    "quote",
    "holder_type",
    "target_type",
    "target_kind",
    "cue",
    "negated",
    "reported_by",
    "repeats",
    "stance",
    "holder_iri",
    "target_iri",
    "article",
)


def check_duplicates(duplicates: str | None) -> str:
    """The duplicates setting in its canonical spelling; ``ValueError`` for an unknown one.

    DNA's own names are accepted too (``include``, ``document``, ``acrossrange``).

    Examples
    --------
    >>> check_duplicates("Document"), check_duplicates("acrossrange"), check_duplicates(None)
    ('article', 'range', 'none')
    """
    name = (duplicates or "none").lower()
    name = {"include": "none", "document": "article", "acrossrange": "range"}.get(name, name)
    if name not in DUPLICATES:
        raise ValueError(f"duplicates must be one of {', '.join(DUPLICATES)}, not {duplicates!r}")
    return name


def period_key(row: Mapping[str, Any], duplicates: str) -> Hashable:
    """The period within which a repeated stance counts once.

    Weeks are ISO weeks (from Monday, as DNA's UK calendar weeks); months and years are
    calendar ones (with their year: DNA compares the month number only, so its "month" also
    merges the same month of different years). A stance without a date cannot be placed in a
    week, month or year, so it falls back to its article: repeats in one article are surely in
    one period.

    Examples
    --------
    >>> row = {"stance": "s1", "article": "ex:a1", "date": "2019-06-06"}
    >>> [period_key(row, d) for d in ("article", "week", "month", "year", "range")]
    ['ex:a1', (2019, 23), '2019-06', '2019', '']
    >>> period_key(row, "none")
    ('stance', 's1')
    """
    if duplicates == "none":
        return ("stance", row.get("stance") or id(row))
    if duplicates == "range":
        return ""
    day = row.get("date")
    if duplicates == "article" or not day:
        article = row.get("article") or row.get("article_id")
        return article if article else ("stance", row.get("stance") or id(row))
    if duplicates == "week":
        return tuple(date.fromisoformat(str(day)[:10]).isocalendar()[:2])
    return str(day)[:7] if duplicates == "month" else str(day)[:4]


def stance_key(row: Mapping[str, Any], duplicates: str) -> tuple[Hashable, ...]:
    """What makes two stances duplicates: same holder, target (or topic), polarity and period."""
    return (row.get("holder"), row.get("target"), row.get("polarity"), period_key(row, duplicates))


def deduplicate(rows: Iterable[Mapping[str, Any]], duplicates: str = "none") -> Rows:
    """Keep the first stance (by date, then stance IRI) of each group of duplicates.

    Each kept row gets ``repeats``: how many stances it stands for (itself included).

    Examples
    --------
    >>> rows = [{"stance": f"s{i}", "holder": "a", "target": "b", "polarity": "negative",
    ...          "article": art, "date": day}
    ...         for i, (art, day) in enumerate([("x", "2019-06-01"), ("x", "2019-06-01"),
    ...                                         ("y", "2019-06-20")])]
    >>> [(r["stance"], r["repeats"]) for r in deduplicate(rows, "article")]
    [('s0', 2), ('s2', 1)]
    >>> [(r["stance"], r["repeats"]) for r in deduplicate(rows, "month")]
    [('s0', 3)]
    """
    duplicates = check_duplicates(duplicates)
    kept: dict[tuple[Hashable, ...], dict[str, Any]] = {}
    for row in sorted(rows, key=lambda r: (r.get("date") or "", str(r.get("stance") or ""))):
        key = stance_key(row, duplicates)
        if key in kept:
            kept[key]["repeats"] += 1
        else:
            kept[key] = dict(row, repeats=1)
    return list(kept.values())


def count_distinct(rows: Iterable[Mapping[str, Any]], duplicates: str) -> int:
    """How many stances ``rows`` count for once duplicates are merged.

    Examples
    --------
    >>> rows = [{"stance": "1", "holder": "a", "target": "b", "polarity": "positive", "article": "x"},
    ...         {"stance": "2", "holder": "a", "target": "b", "polarity": "positive", "article": "x"}]
    >>> count_distinct(rows, "none"), count_distinct(rows, "article")
    (2, 1)
    """
    return len({stance_key(r, duplicates) for r in rows})


# ------------------------------------------------------------------------------ two-mode weights
def check_normalization(normalization: str | None, allowed: tuple[str, ...]) -> str:
    """The normalisation in canonical spelling (DNA's ``"no"`` is ``"none"``); ``ValueError``
    when it is not one of ``allowed`` (one-mode and two-mode networks take different ones)."""
    name = (normalization or "none").lower()
    name = "none" if name == "no" else name
    if name not in allowed:
        raise ValueError(f"normalization must be one of {', '.join(allowed)} for this network, not {normalization!r}")
    return name


def two_mode_weights(counts: Mapping[tuple[str, str], float], normalization: str) -> dict[tuple[str, str], float]:
    """Edge weights of a two-mode (actor x concept) matrix, normalised as DNA does.

    ``activity`` divides each cell by its actor's row sum (the share of the actor's stances
    that go to this concept: a prolific speaker does not outweigh a quiet one);
    ``prominence`` by its concept's column sum (the share of the concept's stances that come
    from this actor: a much-discussed concept does not outweigh a rare one).

    Parameters
    ----------
    counts : dict
        (actor, concept) -> count of stances (after duplicate handling).
    normalization : {"none", "activity", "prominence"}

    Examples
    --------
    >>> counts = {("A", "x"): 3, ("A", "y"): 1, ("B", "x"): 1}
    >>> two_mode_weights(counts, "activity")
    {('A', 'x'): 0.75, ('A', 'y'): 0.25, ('B', 'x'): 1.0}
    >>> two_mode_weights(counts, "prominence")
    {('A', 'x'): 0.75, ('A', 'y'): 1.0, ('B', 'x'): 0.25}
    """
    normalization = check_normalization(normalization, TWO_MODE_NORMALIZATIONS)
    if normalization == "none":
        return {k: float(v) for k, v in counts.items()}
    side = 0 if normalization == "activity" else 1
    totals: dict[str, float] = defaultdict(float)
    for key, value in counts.items():
        totals[key[side]] += value
    return {k: (v / totals[k[side]] if totals[k[side]] else 0.0) for k, v in counts.items()}


# ------------------------------------------------------------------------------ event list
def event_rows(
    store_or_rows: Any,
    *,
    duplicates: str = "none",
    date_from: Any = None,
    date_to: Any = None,
    actors: Iterable[str] | None = None,
    actor_types: Iterable[str] | None = None,
    min_confidence: float | None = None,
) -> Rows:
    """The event list: one row per stance, in time order (DNA's "eventlist" export).

    Parameters
    ----------
    store_or_rows : pyoxigraph.Store or list of dict
    duplicates : {"none", "article", "week", "month", "year", "range"}
        ``"none"`` lists every stance; otherwise only the first of each group of duplicates
        (same holder, target, polarity and period), with ``repeats`` saying how many it stands for.
    date_from, date_to, actors, actor_types, min_confidence
        See :func:`kg.network.rows.stance_rows`.

    Returns
    -------
    list of dict
        Keys :data:`EVENT_COLUMNS`: ``holder``/``target`` are labels (IRIs in ``holder_iri``,
        ``target_iri``), ``reported_by`` a label.

    Examples
    --------
    >>> rows = [{"stance": "s1", "holder": "ex:a", "holder_label": "A", "target": "ex:b",
    ...          "target_label": "B", "target_kind": "actor", "polarity": "negative",
    ...          "confidence": 0.9, "date": "2019-06-06", "article_id": "a1", "quote": "A hit B"}]
    >>> e = event_rows(rows)[0]
    >>> e["date"], e["holder"], e["target"], e["polarity"], e["article_id"], e["quote"]
    ('2019-06-06', 'A', 'B', 'negative', 'a1', 'A hit B')
    """
    filters = dict(
        date_from=date_from, date_to=date_to, actors=actors, actor_types=actor_types, min_confidence=min_confidence
    )
    rows = deduplicate(resolve_rows(store_or_rows, filters), duplicates)
    events = []
    for r in rows:
        events.append(
            {
                "date": r.get("date"),
                "holder": r.get("holder_label") or r.get("holder"),
                "target": r.get("target_label") or r.get("target"),
                "polarity": r.get("polarity"),
                "confidence": r.get("confidence"),
                "article_id": r.get("article_id"),
                "article_title": r.get("article_title"),
                "quote": r.get("quote"),
                "holder_type": r.get("holder_type"),
                "target_type": r.get("target_type"),
                "target_kind": r.get("target_kind"),
                "cue": r.get("cue"),
                "negated": r.get("negated"),
                "reported_by": r.get("reported_by_label"),
                "repeats": r["repeats"],
                "stance": r.get("stance"),
                "holder_iri": r.get("holder"),
                "target_iri": r.get("target"),
                "article": r.get("article"),
            }
        )
    events.sort(
        key=lambda e: (e["date"] or "", str(e["article_id"] or ""), str(e["holder"] or ""), str(e["stance"] or ""))
    )
    return events
