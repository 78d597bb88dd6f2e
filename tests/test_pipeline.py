"""The pipeline keeps input order and isolates failures."""
from __future__ import annotations

from kg.articles import ReadError
from kg.pipeline import ExtractError, extract_articles
from kg.records import Article, Extraction


def test_order_and_errors_pass_through(nlp, monkeypatch):
    import kg.pipeline

    real = kg.pipeline.extract_doc

    def flaky(doc, article):
        if article.id == "boom":
            raise RuntimeError("a bug in a rule")
        return real(doc, article)

    monkeypatch.setattr(kg.pipeline, "extract_doc", flaky)
    items = [Article("one", "The minister said the talks would resume."), ReadError("bad.txt", "empty article"),
             Article("boom", "Anything at all."), Article("two", "Nobody said anything.")]
    out = list(extract_articles(items, nlp=nlp, batch_size=2))
    assert [type(x) for x in out] == [Extraction, ReadError, ExtractError, Extraction]
    assert [x.article.id for x in out if isinstance(x, Extraction)] == ["one", "two"]
    assert "a bug in a rule" in out[2].reason


def test_messy_text_does_not_crash(extract):
    for text in ['He said “unbalanced quote and no end', '” stray closer. “ And “ nested “ marks',
                 "\u201c\u201d\u201c\u201d", "...", "said said said", "‘Single curly’ he said.", "A\n\n\nB"]:
        ex = extract(text)
        assert ex.article.text == text
