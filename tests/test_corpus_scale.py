"""A small synthetic corpus (200 articles, records built here from made-up names): every bundled
query and view answers what plain Python computes from the records, and the number of rows
does not depend on how many articles repeat an actor.

This is the test that would have caught the multiplied rows of a union of article graphs
joined on labels: here actors recur in up to all 200 articles.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict

import pyoxigraph as ox
import pytest

from kg import ids
from kg.network import actor_network, congruence_network, stance_rows, topic_network
from kg.records import Actor, Article, Extraction, Role, Span, Stance, Statement
from kg.store import bundled_query, put_extraction, remove_article, run_query, store_stats

PEOPLE = [
    ("Alma Reyes", "Person"),
    ("Boris Kell", "Person"),
    ("Cora Vance", "Person"),
    ("Dmitri Olen", "Person"),
    ("Edda Stroud", "Person"),
    ("Farid Nasser", "Person"),
    ("Greta Lind", "Person"),
    ("Hugo Marsh", "Person"),
]
BODIES = [
    ("Ruritania", "Country"),
    ("Borduria", "Government"),
    ("Syldavia", "Government"),
    ("United Federation", "InternationalOrganization"),
    ("Green League", "Party"),
    ("Daily Ledger", "Media"),
]
POSTS = ["Foreign Minister", "Senator", "Spokesman"]


def _actor(local: str, name: str, kind: str, text: str, label: str | None = None) -> Actor:
    start = text.index(name)
    return Actor(
        local, label or name, kind, ids.actor_iri(name, kind), mentions=[Span.of(text, start, start + len(name))]
    )


def make_corpus(n: int, seed: int = 7) -> list[Extraction]:
    """``n`` articles; actors drawn with a skewed distribution (the first ones in most
    articles, as presidents are); the same actor is sometimes written in capitals (a dateline)
    and typed differently by a minority of articles, as real extraction does."""
    rng = random.Random(seed)
    pool = PEOPLE + BODIES
    weights = [1 / (i + 1) for i in range(len(pool))]
    out = []
    for i in range(n):
        chosen: list[tuple[str, str]] = []
        while len(chosen) < 3:
            pick = rng.choices(pool, weights)[0]
            if pick not in chosen:
                chosen.append(pick)
        a, b, c = chosen
        text = f"{a[0]} said {b[0]} was wrong. {a[0]} praised {c[0]} on the budget."
        actors = []
        for k, (name, kind) in enumerate(chosen):
            label = name.upper() if rng.random() < 0.1 else None  # a minority in capitals
            typ = "Organization" if (kind != "Person" and rng.random() < 0.2) else kind  # a minority mistyped
            act = _actor(f"a{k}", name, typ, text, label)
            act.iri = ids.actor_iri(name, kind)  # one actor, whatever the article calls it
            actors.append(act)
        if a[1] == "Person" and rng.random() < 0.5:
            actors[0].roles.append(Role(POSTS[i % len(POSTS)], "a2" if c[1] != "Person" else None))
        said_start = text.index(" said ") + 1
        content = Span.of(text, text.index(b[0]), text.index(" was wrong") + len(" was wrong"))
        st = Statement("s1", content=content, speaker="a0", cue=Span.of(text, said_start, said_start + 4), direct=False)
        first = Span.of(text, 0, text.index(". ") + 1)
        second = Span.of(text, text.index(". ") + 2, len(text))
        stances = [
            Stance(
                "t1",
                holder="a0",
                polarity="negative",
                target="a1",
                evidence=first,
                statement="s1",
                cue=st.cue,
                confidence=0.8,
            ),
            Stance(
                "t2",
                holder="a0",
                polarity="positive",
                target="a2",
                evidence=second,
                cue=Span.of(text, text.index("praised"), text.index("praised") + 7),
                confidence=0.9,
            ),
            Stance("t3", holder="a0", polarity="positive", topic="the budget", evidence=second, confidence=0.7),
        ]
        day = f"2019-{1 + i % 12:02d}-{1 + i % 28:02d}"
        out.append(Extraction(Article(f"syn-{i:04d}", text, date=day), actors, [st], stances))
    return out


def fill(extractions: list[Extraction]) -> ox.Store:
    store = ox.Store()
    for x in extractions:
        assert put_extraction(store, x, model="m") == "added"
    return store


@pytest.fixture(scope="module")
def corpus() -> list[Extraction]:
    return make_corpus(200)


@pytest.fixture(scope="module")
def store(corpus) -> ox.Store:
    return fill(corpus)


def _label(extractions: list[Extraction], iri: str) -> str:
    """The reference label: the name most articles give (a readable casing on a tie)."""
    names = Counter(a.label for x in extractions for a in x.actors if a.iri == iri)
    return min(names, key=lambda n: (-names[n], n.isupper(), n))


def _type(extractions: list[Extraction], iri: str) -> str:
    types = Counter(a.type for x in extractions for a in x.actors if a.iri == iri)
    order = ("Government", "Country", "InternationalOrganization", "Party", "Media", "Group", "Person", "Organization")
    return min(types, key=lambda t: (-types[t], order.index(t)))


def test_stances_query_answers_the_records(corpus, store):
    rows = run_query(store, bundled_query("stances")).rows
    expected = Counter()
    for x in corpus:
        local = {a.id: a for a in x.actors}
        for t in x.stances:
            target = _label(corpus, local[t.target].iri) if t.target else f"topic: {t.topic}"
            expected[(_label(corpus, local[t.holder].iri), t.polarity, target, x.article.id, x.article.date)] += 1
    got = Counter((r["holder"], r["polarity"], r["target"], r["article"], r["date"]) for r in rows)
    assert got == expected


def test_actors_query_one_row_per_actor_with_resolved_label_type_and_counts(corpus, store):
    rows = run_query(store, bundled_query("actors")).rows
    named = defaultdict(set)
    for x in corpus:
        for a in x.actors:
            named[a.iri].add(x.article.id)
    assert len(rows) == len({r["actor"] for r in rows}) == len(named)
    for r in rows:
        assert r["label"] == _label(corpus, r["actor"])
        assert r["type"] == _type(corpus, r["actor"])
        assert int(r["articles"]) == len(named[r["actor"]])


def test_statements_and_roles_queries(corpus, store):
    assert len(run_query(store, bundled_query("statements")).rows) == sum(len(x.statements) for x in corpus)
    expected = Counter()
    for x in corpus:
        local = {a.id: a for a in x.actors}
        for a in x.actors:
            for role in a.roles:
                org = local[role.organization].iri if role.organization else None
                expected[(a.iri, role.title, org)] += 1
    rows = run_query(store, bundled_query("roles")).rows
    got = {
        (
            r["member"],
            r["role"],
            None
            if r["organization"] is None
            else next(a.iri for x in corpus for a in x.actors if _label(corpus, a.iri) == r["organization"]),
        ): int(r["articles"])
        for r in rows
    }
    assert got == dict(expected)


def test_stats_count_the_records(corpus, store):
    stats = store_stats(store)
    assert stats["articles"] == 200
    assert stats["stances"] == sum(len(x.stances) for x in corpus)
    assert stats["actors"] == len({a.iri for x in corpus for a in x.actors})
    assert stats["topics"] == 1
    assert (
        sum(
            stats[k]
            for k in (
                "persons",
                "organizations",
                "governments",
                "countries",
                "groups",
                "media",
                "international_organizations",
                "parties",
            )
        )
        == stats["actors"]
    )


def test_views_answer_the_records(corpus, store):
    rows = stance_rows(store)
    assert len(rows) == sum(len(x.stances) for x in corpus)
    G = actor_network(store)
    pairs = Counter()
    for x in corpus:
        local = {a.id: a for a in x.actors}
        for t in x.stances:
            if t.target and t.confidence >= 0:
                pairs[(local[t.holder].iri, local[t.target].iri)] += 1
    assert {(u, v): d["count"] for u, v, d in G.edges(data=True)} == dict(pairs)
    for n, data in G.nodes(data=True):
        assert data["label"] == _label(corpus, n) and data["type"] == _type(corpus, n)
    T = topic_network(store)
    assert sum(d["count"] for _, _, d in T.edges(data=True)) == len(rows)
    C = congruence_network(store)
    assert C.number_of_nodes() > 0


def test_rows_do_not_grow_with_the_articles_that_repeat_an_actor():
    """The same 20 stories told once or five times over: five times the stance rows, the same
    actor rows, and stats that count each actor once."""
    base = make_corpus(20, seed=3)
    repeated = [
        Extraction(Article(f"{x.article.id}-r{k}", x.article.text, x.article.date), x.actors, x.statements, x.stances)
        for k in range(5)
        for x in base
    ]
    once, five = fill(base), fill(repeated)
    for name, factor in (("stances", 5), ("statements", 5), ("actors", 1), ("roles", 1)):
        assert len(run_query(five, bundled_query(name)).rows) == factor * len(
            run_query(once, bundled_query(name)).rows
        ), name
    assert store_stats(five)["actors"] == store_stats(once)["actors"]
    assert len(stance_rows(five)) == 5 * len(stance_rows(once))


def test_removing_every_article_leaves_an_empty_corpus_graph():
    extractions = make_corpus(30, seed=5)
    store = fill(extractions)
    for x in extractions[:15]:
        assert remove_article(store, x.article.id)
    # what is left is what the other 15 articles give, exactly as if only they were ingested
    rest = fill(extractions[15:])
    corpus_graph = ox.NamedNode(ids.CORPUS_GRAPH)
    assert set(store.quads_for_pattern(None, None, None, corpus_graph)) == set(
        rest.quads_for_pattern(None, None, None, corpus_graph)
    )
    for x in extractions[15:]:
        remove_article(store, x.article.id)
    assert list(store.quads_for_pattern(None, None, None, corpus_graph)) == []


def test_one_mode_views_link_the_most_active_actors_and_say_how_many_were_left_out(monkeypatch):
    """Pairs of co-holders, not stances, set a one-mode view's cost: past the limit the most
    active actors are kept and the graph says how many others were left out."""
    import kg.network.views as V

    rows = stance_rows(fill(make_corpus(60, seed=9)))
    holders = {r["holder"] for r in rows}
    monkeypatch.setattr(V, "MAX_ONE_MODE_ACTORS", 3)
    G = congruence_network(rows)
    assert set(G.nodes) <= holders and G.number_of_nodes() <= 3
    assert G.graph["actors_left_out"] == len(holders) - 3


def test_upgrading_a_current_graph_changes_nothing():
    """The upgrade rewrites old layouts only: a graph kg writes now comes through unchanged
    (its role and topic claims included)."""
    from kg.rdf import extraction_quads
    from kg.upgrade import upgraded_graph

    for x in make_corpus(10, seed=2):
        quads = extraction_quads(x, model="m")
        assert set(upgraded_graph(quads)) == set(quads)


def _mixed_signals_reference(corpus: list[Extraction]) -> dict[tuple, tuple[int | None, int | None]]:
    """mixed_signals.rq in plain Python from the records: an organisation's voices are itself
    and the actors whose post in it at least a tenth of the articles naming them state (no
    gazetteer actors and no part-of links here); persons are not organisations."""
    from kg.corpus import MIN_POST_SHARE
    from kg.extract.calibration import VIEW_MIN_CONFIDENCE

    naming, posts = Counter(), Counter()
    for x in corpus:
        local = {a.id: a for a in x.actors}
        for a in {a.iri for a in x.actors}:
            naming[a] += 1
        for a in x.actors:
            for org in {local[r.organization].iri for r in a.roles if r.organization}:
                posts[(a.iri, org)] += 1
    member_of = defaultdict(set)
    for (a, org), n in posts.items():
        if org != a and n >= MIN_POST_SHARE * naming[a]:
            member_of[a].add(org)
    person = {a: _type(corpus, a) == "Person" for a in naming}

    def organisations(actor: str) -> set[str]:
        return ({actor} | member_of[actor]) - {a for a in naming if person[a]}

    voices = defaultdict(lambda: defaultdict(set))  # (organisation, target) -> polarity -> voices
    attacks, backs = set(), defaultdict(set)  # (attacker, target); organisation -> actors backed
    for x in corpus:
        local = {a.id: a for a in x.actors}
        for t in x.stances:
            if t.confidence < VIEW_MIN_CONFIDENCE:
                continue
            h = local[t.holder].iri
            target = local[t.target].iri if t.target else ids.topic_iri(t.topic)
            for o in organisations(h):
                voices[(o, target)][t.polarity].add(h)
                if t.target and t.polarity == "positive":
                    backs[o].add(target)
            if t.target and t.polarity == "negative" and h != target:
                attacks.add((h, target))
    found = {}
    for (o, target), sides in voices.items():
        pro, con = sides["positive"], sides["negative"]
        if pro and con and any(a != b for a in pro for b in con):
            found[("direct", o, target, None)] = (len(pro), len(con))
    for third, target in attacks:
        for o in backs:
            outsiders = o not in member_of[third] and o not in member_of[target] and o not in (third, target)
            if outsiders and target in backs[o] and third in backs[o]:
                found[("third_party", o, target, third)] = (None, None)
    return found


def _spokesman_contradicts_country(i: int) -> Extraction:
    """A voice of Ruritania praises what Ruritania condemns: a direct mixed signal."""
    text = "Cora Vance, Spokesman of Ruritania, praised Syldavia. Ruritania condemned Syldavia."
    cora = _actor("a0", "Cora Vance", "Person", text)
    cora.roles.append(Role("Spokesman", "a1"))
    country, government = _actor("a1", "Ruritania", "Country", text), _actor("a2", "Syldavia", "Government", text)
    first, second = Span.of(text, 0, text.index(". ") + 1), Span.of(text, text.index(". ") + 2, len(text))
    stances = [
        Stance("t1", holder="a0", polarity="positive", target="a2", evidence=first, confidence=0.9),
        Stance("t2", holder="a1", polarity="negative", target="a2", evidence=second, confidence=0.8),
    ]
    return Extraction(Article(f"contra-{i:03d}", text, date="2019-06-01"), [cora, country, government], [], stances)


def test_mixed_signals_query_answers_the_records(corpus):
    records = corpus + [_spokesman_contradicts_country(i) for i in range(30)]
    rows = run_query(fill(records), bundled_query("mixed_signals")).rows
    got = {
        (r["kind"], r["organisation"], r["target"], r["thirdParty"]): (
            int(r["forVoices"]) if r["forVoices"] else None,
            int(r["againstVoices"]) if r["againstVoices"] else None,
        )
        for r in rows
    }
    assert len(got) == len(rows)  # one row per finding and organisation
    expected = _mixed_signals_reference(records)
    assert {k[0] for k in expected} == {"direct", "third_party"}  # the corpus tests both kinds
    assert got == expected
    for r in rows:  # each example is a real stance of the right holder, with its quote
        for i in (1, 2):
            assert r[f"stance{i}"] and r[f"holder{i}Label"] and r[f"quote{i}"]
        assert bool(r["stance3"]) == (r["kind"] == "third_party")
