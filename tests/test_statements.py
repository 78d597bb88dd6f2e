"""Statements: direct quotes and reported speech, on short texts written for these tests."""

from __future__ import annotations

import pytest

from kg.extract.quotes import find_quotes

# ---------------------------------------------------------------- helpers


def _pieces(st):
    """The content's fragments' texts (or the content text when it is one piece)."""
    return [f.text for f in st.content.fragments] or [st.content.text]


def _with(ex, words):
    """The statements whose content holds ``words``."""
    return [s for s in ex.statements if words in s.content.text]


def _one(ex, words):
    found = _with(ex, words)
    assert found, f"no statement holds {words!r}: {[s.content.text for s in ex.statements]}"
    return found[0]


def _label(ex, st):
    actor = ex.actor(st.speaker)
    return actor.label if actor else None


def _spans_ok(ex):
    body = ex.article.text
    for s in ex.statements:
        for span in (s.content, s.source_span, s.cue):
            if span is None:
                continue
            assert span.text == body[span.start : span.end]
            for f in span.fragments:
                assert f.text == body[f.start : f.end]
    assert [s.id for s in ex.statements] == [f"s{i}" for i in range(1, len(ex.statements) + 1)]


# ---------------------------------------------------------------- quotation marks (no model)


@pytest.mark.parametrize(
    "text, expected",
    [
        ('He said "we will win" today.', ['"we will win"']),
        ("He said \u201cwe will win\u201d today.", ["\u201cwe will win\u201d"]),
        ("''We will win,'' she said.", ["''We will win,''"]),
        ("\u2018We will win,\u201d she said.", ["\u2018We will win,\u201d"]),
        ("It\u2019s Trump\u2019s \u2018plan\u2019 now.", ["\u2018plan\u2019"]),
    ],
)
def test_quote_marks(text, expected):
    assert [text[q.start : q.end] for q in find_quotes(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        '"',
        "\u201d stray closer",
        "\u201c never closed",
        '"a" "b" "',
        "\u2019\u2018\u201d\u201c",
        "",
        "''",
        "\u201cfirst\n\nsecond\u201d",
        'x="1" y="2"',
    ],
)
def test_odd_marks_never_raise(text):
    for q in find_quotes(text):
        assert 0 <= q.start < q.end <= len(text)


def test_quote_open_at_paragraph_end_is_flagged():
    text = "\u201cThe first part runs on.\n\n\u201cAnd this is the end,\u201d she said."
    quotes = find_quotes(text)
    assert quotes[0].open_ended and text[quotes[0].start : quotes[0].end] == "\u201cThe first part runs on."
    assert not quotes[1].open_ended


# ---------------------------------------------------------------- direct quotes


def test_quote_after_attribution_straight(extract):
    ex = extract('The senator spoke on Monday. Senator Jane Miller said: "The bill will pass this week."')
    st = _one(ex, "The bill will pass")
    assert st.direct and st.source_span.text.endswith("Jane Miller")
    assert st.cue.text == "said"
    _spans_ok(ex)


def test_quote_before_attribution_curly(extract):
    ex = extract("\u201cWe will never accept this deal,\u201d Governor Tom Brady told reporters on Friday.")
    st = _one(ex, "never accept")
    assert st.direct and "Tom Brady" in st.source_span.text and st.cue.text == "told"
    assert st.content.text.startswith("\u201c") and st.content.text.endswith("\u201d")
    _spans_ok(ex)


def test_inverted_attribution(extract):
    ex = extract("\u201cThe plan is dead,\u201d said Maria Lopez, a spokeswoman for the union.")
    st = _one(ex, "The plan is dead")
    assert "Maria Lopez" in st.source_span.text


def test_multi_sentence_quote_and_split_attribution(extract):
    ex = extract(
        "\u201cThe army cannot take the city. It has tried twice. It will fail again,\u201d "
        "Mr. Karimi said. \u201cWe are ready.\u201d"
    )
    direct = [s for s in ex.statements if s.direct]
    assert len(direct) == 1, [s.content.text for s in direct]
    st = direct[0]
    assert _pieces(st)[0].startswith("\u201cThe army") and _pieces(st)[-1] == "\u201cWe are ready.\u201d"
    assert "Karimi" in st.source_span.text
    _spans_ok(ex)


def test_continued_quote_keeps_pronoun_speaker(extract):
    ex = extract(
        "\u201cThe talks have failed,\u201d Mr. Karimi said.\n\n"
        "\u201cThe people are tired of war,\u201d he continued. \u201cThey want peace.\u201d"
    )
    st = _one(ex, "tired of war")
    assert st.source_span.text == "he" and st.cue.text == "continued"
    assert _pieces(st)[-1] == "\u201cThey want peace.\u201d"
    assert _label(ex, st) and "Karimi" in _label(ex, st)


def test_quote_running_over_paragraphs(extract):
    ex = extract(
        "Mayor Anne Holt said: \u201cThe bridge will open in May.\n\n"
        "\u201cThe road will follow in June.\u201d\n\nThe council did not comment."
    )
    st = _one(ex, "bridge will open")
    assert any("road will follow" in p for p in _pieces(st))
    assert "Anne Holt" in st.source_span.text


def test_unattributed_quote_paragraph_joins_previous_quote(extract):
    ex = extract(
        "\u201cWe need more money for schools,\u201d said Mayor Anne Holt.\n\n"
        "\u201cTeachers have waited long enough for a raise this year.\u201d"
    )
    st = _one(ex, "more money")
    assert any("Teachers have waited" in p for p in _pieces(st))


def test_scare_quotes_are_not_statements(extract):
    ex = extract("The so-called \u201creform\u201d was passed by the council on Tuesday.")
    assert not [s for s in ex.statements if s.direct]


def test_partial_quote_stays_in_reported_speech(extract):
    ex = extract("The minister said the plan was \u201ca disaster for farmers\u201d and should be dropped.")
    assert len(ex.statements) == 1
    st = ex.statements[0]
    assert not st.direct and "a disaster for farmers" in st.content.text and st.content.text.startswith("the plan")


@pytest.mark.parametrize(
    "text",
    [
        "\u201cUnclosed quote and then nothing. He said so.",
        "He said \u201d backwards \u201c marks \u201d here.",
        '"" "" said the man.',
        "\u2018We ... \u201d \u2019 \u2018 \u201c",
        "said said said \u201c\u201d",
        "\n\n\u201c\n\n\u201d\n\n",
    ],
)
def test_unbalanced_quotes_do_not_crash(extract, text):
    ex = extract(text)
    _spans_ok(ex)


# ---------------------------------------------------------------- reported speech


def test_reported_speech_with_that(extract):
    ex = extract("Prime Minister Omar Haddad said that the government would hold elections in March.")
    st = _one(ex, "the government would hold elections")
    assert not st.direct and st.content.text.startswith("that")
    assert "Omar Haddad" in st.source_span.text and st.cue.text == "said"
    _spans_ok(ex)


def test_reported_speech_without_that(extract):
    ex = extract("The central bank warned inflation would rise sharply next year.")
    st = _one(ex, "inflation would rise")
    assert not st.direct and st.source_span.text == "The central bank" and st.cue.text == "warned"


def test_a_source_span_never_cuts_a_name(extract):
    """The small model parses "Wal-Mart criticised" with each of "Wal", "-", "Mart" a subject;
    the words naming the speaker are the whole name all the same."""
    ex = extract("Wal-Mart criticised the new tariffs on Monday. Coca-Cola said it would cut jobs.")
    assert _one(ex, "the new tariffs").source_span.text == "Wal-Mart"
    assert _one(ex, "it would cut jobs").source_span.text == "Coca-Cola"
    _spans_ok(ex)


def test_reported_speech_after_content(extract):
    ex = extract("The ceasefire will hold, the general told reporters.")
    st = _one(ex, "ceasefire will hold")
    assert st.source_span.text == "the general" and st.cue.text == "told"


def test_according_to(extract):
    ex = extract("According to the United Nations, more than a million people have fled the fighting.")
    st = _one(ex, "a million people have fled")
    assert "the United Nations" in st.source_span.text and st.cue.text.lower() == "according to"
    assert "According" not in st.content.text


def test_pronoun_speaker_resolved(extract):
    ex = extract("Senator Maria Gomez spoke in Denver. She said the vote would be close.")
    st = _one(ex, "the vote would be close")
    assert st.source_span.text == "She"
    assert _label(ex, st) and "Gomez" in _label(ex, st)


@pytest.mark.parametrize("cue", ["claimed", "argued", "insisted", "denied", "explained", "added", "noted"])
def test_common_cues(extract, cue):
    ex = extract(f"The opposition leader {cue} that the election had been unfair.")
    st = _one(ex, "the election had been unfair")
    assert st.cue.text == cue and st.source_span.text == "The opposition leader"


def test_quoted_speaker_inside_quote_is_not_a_statement(extract):
    ex = extract("\u201cI think we will win easily,\u201d the candidate said.")
    assert len(ex.statements) == 1 and ex.statements[0].direct


# ---------------------------------------------------------------- the seed article


def test_seed_maiteeq_quotes(seed_extraction):
    ex = seed_extraction
    _spans_ok(ex)
    for words in (
        "Haftar cannot be trusted",
        "Talking with Haftar is out of the question",
        "Why is the U.S. backing",
        "We can defend the city",
        "We are not looking for financial",
    ):
        st = _one(ex, words)
        assert st.direct, words
        assert _label(ex, st) and "Maiteeq" in _label(ex, st), (words, _label(ex, st))


def test_seed_white_house_readout(seed_extraction):
    st = _one(seed_extraction, "President Donald J. Trump spoke on April 15")
    assert st.direct and st.source_span.text == "the White House"
    assert any("The president recognized" in p for p in _pieces(st))


def test_seed_reported_speech(seed_extraction):
    st = _one(seed_extraction, "the militia leader will have little role")
    assert not st.direct and "Maiteeq" in (_label(seed_extraction, st) or "")
    first = _one(seed_extraction, "was a \u201cconfusing\u201d move")
    assert first.source_span.text == "a top Libyan official" and first.cue.text == "told"


def test_relative_pronoun_speaker_is_its_noun(extract):
    ex = extract("The plan was attacked by several economists who argued that it would raise prices.")
    st = _one(ex, "it would raise prices")
    assert "economists" in st.source_span.text and st.source_span.text != "who"


def test_dateline_is_not_the_speaker(extract):
    ex = extract("BERLIN (Reuters) \u2014 Chancellor Karl Weber said on Monday that taxes would not rise.")
    st = _one(ex, "taxes would not rise")
    assert "Karl Weber" in st.source_span.text and "BERLIN" not in st.source_span.text


def test_naming_verb_with_quote(extract):
    ex = extract("Senator Ann Cole called the proposal \u201ca gift to the banks.\u201d")
    st = _one(ex, "a gift to the banks")
    assert "Ann Cole" in st.source_span.text and st.cue.text == "called"


def test_colon_introduces_quote(extract):
    ex = extract(
        "The ministry released a short statement:\n\n"
        "\u201cThe talks will resume next week in Geneva with all parties present.\u201d"
    )
    st = _one(ex, "talks will resume")
    assert st.direct and st.source_span.text == "The ministry"
