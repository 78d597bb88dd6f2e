"""DNA options on hand-built stance rows: duplicates, activity/prominence, the event list."""

from __future__ import annotations

import csv

import pytest

from kg import network as N


def row(
    stance: str, holder: str, target: str, polarity: str, article: str, day: str, kind: str = "actor", **extra
) -> dict:
    return {
        "stance": stance,
        "holder": holder,
        "holder_label": holder.upper(),
        "holder_type": "Person",
        "target": target,
        "target_label": target.upper(),
        "target_type": "Topic" if kind == "topic" else "Person",
        "target_kind": kind,
        "polarity": polarity,
        "confidence": 0.9,
        "article": "art:" + article,
        "article_id": article,
        "article_title": f"Title {article}",
        "date": day,
        "quote": f"{holder} on {target}",
        **extra,
    }


# a criticises b: twice in one article, then in another article the same month (another ISO
# week), then in July; once in 2020. Weeks: 2019-06-01 is in ISO week 22, 06-20 in 25, 07-03 in 27.
REPEATS = [
    row("s1", "a", "b", "negative", "x", "2019-06-01"),
    row("s2", "a", "b", "negative", "x", "2019-06-01"),
    row("s3", "a", "b", "negative", "y", "2019-06-20"),
    row("s4", "a", "b", "negative", "z", "2019-07-03"),
    row("s5", "a", "b", "negative", "w", "2020-06-01"),
    row("s6", "a", "b", "positive", "x", "2019-06-01"),
]


@pytest.mark.parametrize(
    "duplicates, negative", [("none", 5), ("article", 4), ("week", 4), ("month", 3), ("year", 2), ("range", 1)]
)
def test_duplicates_in_the_actor_network(duplicates, negative):
    e = N.actor_network(REPEATS, duplicates=duplicates).edges["a", "b"]
    assert e["negative"] == negative and e["positive"] == 1
    assert e["count"] == negative + 1 and e["weight"] == e["count"]
    assert len(e["stances"]) == len(e["evidence"]) == 6  # every quote is still there to read


def test_duplicates_per_article_vs_per_month_differ_where_they_should():
    # two articles in the same June: one per article counts both, one per month only one
    june = [r for r in REPEATS if r["date"].startswith("2019-06") and r["polarity"] == "negative"]
    assert N.actor_network(june, duplicates="article").edges["a", "b"]["negative"] == 2
    assert N.actor_network(june, duplicates="month").edges["a", "b"]["negative"] == 1
    # and weeks are ISO weeks, years calendar years (2019 and 2020 are two)
    assert N.count_distinct(REPEATS[:5], "week") == 4 and N.count_distinct(REPEATS[:5], "year") == 2


def test_undated_stances_fall_back_to_their_article():
    rows = [dict(REPEATS[0], date=None), dict(REPEATS[1], date=None), dict(REPEATS[2], date=None)]
    assert N.count_distinct(rows, "month") == 2  # articles x and y


def test_default_duplicates_keep_todays_counts():
    assert N.DEFAULT_DUPLICATES["actors"] == "none"
    assert N.actor_network(REPEATS).edges["a", "b"]["negative"] == 5
    assert N.actor_network(REPEATS).graph["duplicates"] == "none"
    assert N.congruence_network([]).graph["duplicates"] == "range"


def test_duplicates_in_the_one_mode_array():
    # a supports x three times (twice in article p), b once, c opposes x once
    rows = [
        row("1", "a", "x", "positive", "p", "2019-01-01", "topic"),
        row("2", "a", "x", "positive", "p", "2019-01-01", "topic"),
        row("3", "a", "x", "positive", "q", "2019-01-02", "topic"),
        row("4", "b", "x", "positive", "r", "2019-01-03", "topic"),
        row("5", "c", "x", "negative", "r", "2019-01-03", "topic"),
    ]
    cong = {d: N.congruence_network(rows, duplicates=d).edges["a", "b"]["weight"] for d in ("range", "article", "none")}
    assert cong == {"range": 1.0, "article": 2.0, "none": 3.0}  # n_a * n_b
    conf = {d: N.conflict_network(rows, duplicates=d).edges["a", "c"]["weight"] for d in ("range", "article", "none")}
    assert conf == {"range": 1.0, "article": 2.0, "none": 3.0}
    # DNA's normalisations on counts: a holds 3, b 1; average = 3 / ((3 + 1) / 2)
    assert N.congruence_network(rows, duplicates="none", normalization="average").edges["a", "b"]["weight"] == 1.5
    # jaccard: m11 = 3 * 1, m10 = m01 = 0; cosine: 3 / (3 * 1)
    assert N.congruence_network(rows, duplicates="none", normalization="jaccard").edges["a", "b"]["weight"] == 1.0
    assert N.congruence_network(rows, duplicates="none", normalization="cosine").edges["a", "b"]["weight"] == 1.0
    # evidence keeps every stance either way
    assert len(N.congruence_network(rows).edges["a", "b"]["stances"]) == 4


def test_bad_duplicates_setting():
    with pytest.raises(ValueError):
        N.actor_network(REPEATS, duplicates="fortnight")
    assert N.check_duplicates("acrossrange") == "range" and N.check_duplicates("include") == "none"


# ------------------------------------------------------------------------------ two-mode normalisation
def topic_rows() -> list[dict]:
    # A: x three times (twice in one article), y once; B: x once.
    return [
        row("1", "A", "x", "positive", "p", "2019-01-01", "topic"),
        row("2", "A", "x", "positive", "p", "2019-01-01", "topic"),
        row("3", "A", "x", "negative", "q", "2019-01-02", "topic"),
        row("4", "A", "y", "positive", "q", "2019-01-02", "topic"),
        row("5", "B", "x", "positive", "r", "2019-01-03", "topic"),
    ]


def weights(G) -> dict:
    return {(u, v.removeprefix("target:")): d["weight"] for u, v, d in G.edges(data=True)}


def test_activity_and_prominence_by_hand():
    rows = topic_rows()
    # counts: A-x 3, A-y 1, B-x 1; rows (actors) sum to A 4, B 1; columns (targets) to x 4, y 1
    assert weights(N.topic_network(rows)) == {("A", "x"): 3, ("A", "y"): 1, ("B", "x"): 1}
    assert weights(N.topic_network(rows, normalization="activity")) == {
        ("A", "x"): 0.75,
        ("A", "y"): 0.25,
        ("B", "x"): 1.0,
    }
    assert weights(N.topic_network(rows, normalization="prominence")) == {
        ("A", "x"): 0.75,
        ("A", "y"): 1.0,
        ("B", "x"): 0.25,
    }
    # per article, A-x counts 2 (p: positive once, q: negative once): activity 2 / 3
    G = N.topic_network(rows, normalization="activity", duplicates="article")
    assert G.edges["A", "target:x"]["weight"] == pytest.approx(2 / 3, abs=1e-6)
    assert G.edges["A", "target:x"]["count"] == 2 and G.graph["normalization"] == "activity"


def test_normalisations_refused_where_they_do_not_apply():
    with pytest.raises(ValueError):
        N.topic_network(topic_rows(), normalization="jaccard")
    with pytest.raises(ValueError):
        N.congruence_network(topic_rows(), normalization="activity")


# ------------------------------------------------------------------------------ event list
def test_event_list_one_row_per_stance_in_time_order():
    events = N.event_rows(list(reversed(REPEATS)))
    assert len(events) == 6
    assert [e["date"] for e in events] == sorted(e["date"] for e in events)
    first = events[0]
    assert {k: first[k] for k in ("holder", "target", "article_id", "article_title", "confidence")} == {
        "holder": "A",
        "target": "B",
        "article_id": "x",
        "article_title": "Title x",
        "confidence": 0.9,
    }
    assert first["holder_iri"] == "a" and first["repeats"] == 1
    per_article = N.event_rows(REPEATS, duplicates="article")
    assert len(per_article) == 5 and max(e["repeats"] for e in per_article) == 2


def test_event_csv_is_guarded(tmp_path):
    rows = [
        row("s1", "a", "b", "negative", "x", "2019-06-01", quote='=HYPERLINK("http://x")'),
        row("s2", "a", "b", "negative", "x", "2019-06-02", quote='line one\nline two, "quoted"'),
    ]
    path = N.write_events(N.event_rows(rows), tmp_path / "events.csv")
    with open(path, newline="", encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    assert list(table[0])[:8] == [
        "date",
        "holder",
        "target",
        "polarity",
        "confidence",
        "article_id",
        "article_title",
        "quote",
    ]
    assert table[0]["quote"].startswith("'=") and table[1]["quote"] == 'line one\nline two, "quoted"'
    with pytest.raises(ValueError):
        N.write_events([], tmp_path / "events.xlsx")
