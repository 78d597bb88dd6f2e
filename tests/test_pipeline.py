"""The pipeline keeps input order and isolates failures."""

from __future__ import annotations

import logging

from kg.articles import ReadError
from kg.pipeline import ExtractError, extract_articles
from kg.records import Article, Extraction


def test_order_and_errors_pass_through(nlp, monkeypatch):
    import kg.pipeline

    real = kg.pipeline.extract_statements

    def flaky(doc, actors):
        if doc.text.startswith("Anything"):
            raise RuntimeError("a bug in a rule")
        return real(doc, actors)

    monkeypatch.setattr(kg.pipeline, "extract_statements", flaky)
    items = [
        Article("one", "The minister said the talks would resume."),
        ReadError("bad.txt", "empty article"),
        Article("boom", "Anything at all."),
        Article("two", "Nobody said anything."),
    ]
    out = list(extract_articles(items, nlp=nlp, batch_size=2))
    assert [type(x) for x in out] == [Extraction, ReadError, ExtractError, Extraction]
    assert [x.article.id for x in out if isinstance(x, Extraction)] == ["one", "two"]
    assert "a bug in a rule" in out[2].reason
    assert out[2].stage == "statements" and out[2].reason.startswith("statements failed")


def test_messy_text_does_not_crash(extract, caplog):
    """extract_text runs the extractors without the pipeline's per-article guard: a rule that
    raises on messy text fails this test, and so does an error logged on the way."""
    for text in [
        "He said “unbalanced quote and no end",
        "” stray closer. “ And “ nested “ marks",
        "\u201c\u201d\u201c\u201d",
        "...",
        "said said said",
        "‘Single curly’ he said.",
        "A\n\n\nB",
    ]:
        with caplog.at_level(logging.WARNING):
            ex = extract(text)
        assert ex.article.text == text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


STANCE_TEXTS = [
    "Senator Mary Lund criticised President Okafor over the budget. Lund said Okafor had failed the country.",
    "The Liberal Party praised Prime Minister Anne Varga for her handling of the strike.",
    "Varga accused the opposition leader, Tom Reyes, of spreading lies about the ministry.",
    "The union backed Governor Diaz in the dispute with Mayor Chen, a spokesman said.",
    "Reyes rejected the plan proposed by the Finance Ministry and attacked Varga's cabinet.",
]


def test_encoder_worker_answers_like_this_process(nlp):
    """The worker process (one BLAS thread) gives the in-process encoder's probabilities."""
    import numpy as np

    from kg.encoder_process import start_worker
    from kg.extract.encoder import default_encoder
    from kg.extract.pair_scores import candidate_pairs, encoder_inputs

    encoder = default_encoder()
    doc = nlp(STANCE_TEXTS[0] + " " + STANCE_TEXTS[3])
    inputs, _ = encoder_inputs(encoder, candidate_pairs(doc))
    assert inputs
    worker = start_worker()
    try:
        there = worker.submit(inputs).result(timeout=120)
    finally:
        worker.close()
    here = encoder.probabilities(inputs)
    assert len(there) == len(here)
    for a, b in zip(there, here):
        np.testing.assert_allclose(a, b, atol=1e-4)


def test_extraction_with_worker_equals_without(nlp, monkeypatch):
    import kg.pipeline
    from kg.encoder_process import start_worker

    used = []

    def ready_worker(settings=None):  # wait for it, so that it (not this process) encodes most articles
        worker = start_worker(settings)
        assert worker.wait_ready(timeout=120)
        used.append(worker)
        return worker

    monkeypatch.setattr(kg.pipeline, "start_worker", ready_worker)
    articles = [Article(f"a{k}", t) for k, t in enumerate(STANCE_TEXTS * 2)]
    with_worker = [x.to_json() for x in extract_articles(articles, nlp=nlp, batch_size=2)]
    assert used[0].answered >= 3
    alone = [x.to_json() for x in extract_articles(articles, nlp=nlp, encoder_process=False)]
    assert with_worker == alone
    assert any(x["stances"] for x in alone)


def test_a_dead_worker_loses_nothing(nlp, monkeypatch):
    """If the worker process dies, its jobs are encoded in this process instead."""
    import kg.pipeline
    from kg.encoder_process import start_worker

    def doomed(settings=None):
        worker = start_worker(settings)
        worker._proc.kill()
        return worker

    monkeypatch.setattr(kg.pipeline, "start_worker", doomed)
    articles = [Article(f"a{k}", t) for k, t in enumerate(STANCE_TEXTS)]
    out = [x.to_json() for x in extract_articles(articles, nlp=nlp, batch_size=1)]
    alone = [x.to_json() for x in extract_articles(articles, nlp=nlp, encoder_process=False)]
    assert out == alone


def test_worker_starts_only_for_a_stream_of_several_articles(nlp, monkeypatch):
    """A single article is encoded here (a worker would cost more to start than it saves); a
    longer stream starts the worker before its first parse, so it loads while that runs."""
    import kg.pipeline

    started = []
    monkeypatch.setattr(kg.pipeline, "start_worker", lambda settings=None: started.append(len(parsed)) or None)
    parsed = []
    real_begin = kg.pipeline._begin
    monkeypatch.setattr(
        kg.pipeline,
        "_begin",
        lambda doc, item, worker, settings: parsed.append(doc) or real_begin(doc, item, worker, settings),
    )
    one = [Article("solo", STANCE_TEXTS[0])]
    assert [type(x) for x in extract_articles(one, nlp=nlp)] == [Extraction]
    assert started == []
    two = iter([Article("a", STANCE_TEXTS[0]), Article("b", STANCE_TEXTS[1])])  # a one-pass iterator
    out = list(extract_articles(two, nlp=nlp))
    assert [x.article.id for x in out] == ["a", "b"]
    assert started == [1]  # started once, before the two-article stream's first parse (one doc of the solo run)


def test_a_failing_rule_is_named_and_costs_its_article_only(nlp, monkeypatch, caplog):
    """A rule that raises is not swallowed inside the extractor: the pipeline fails that
    article alone and says which step and which function of kg it failed in."""
    from kg.extract import statements

    def broken(self, tok):
        raise KeyError("planted")

    monkeypatch.setattr(statements._Extractor, "_attribution_of", broken)
    items = [Article("a", "The minister said the talks would resume."), Article("b", "Nothing here.")]
    with caplog.at_level(logging.ERROR):
        out = list(extract_articles(items, nlp=nlp, encoder_process=False))
    assert all(isinstance(x, ExtractError) for x in out)
    assert out[0].stage == "statements" and "in kg.extract.statements." in out[0].reason
    assert "KeyError" in out[0].reason
    assert any("statements failed on a" in r.getMessage() for r in caplog.records)
