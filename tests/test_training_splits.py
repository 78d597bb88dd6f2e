"""How the stance fitting scripts split the DSA training rows (training/common.py): the "story"
split (DSA does not mark articles, so sentences that share rare names are grouped into
pseudo-stories and held out whole), and the copied pairs left out of the rows calibration is
fitted on (as the scorer leaves dev's copies of training rows out)."""

from __future__ import annotations

import itertools

from training.common import copied_pairs, heldout_set, pair_key, stories

SYLLABLES = ("ka", "lo", "mi", "ren", "tu", "vas", "do", "quin")


def _corpus(n_stories: int = 40) -> list[list[str]]:
    """``n_stories`` made-up stories of three sentences; each story's two people have names no
    other story uses, and every story also names the same common one (Europe), which must not
    join them."""
    names = ("".join(p).capitalize() for p in itertools.product(SYLLABLES, repeat=3))
    out = []
    for k in range(n_stories):
        a, b = next(names), next(names)
        out.append(
            [
                f"On day {k}, {a} accused {b} of lying to Europe about the deal.",
                f"Later, {b} denied that {a} had been misled.",
                f"The deal, {a} said, would cost Europe millions, and {b} knew it.",
            ]
        )
    return out


def test_sentences_sharing_rare_names_fall_in_one_story():
    corpus = _corpus()
    story = stories(s for told in corpus for s in told)
    ids = [{story[s] for s in told} for told in corpus]
    assert all(len(found) == 1 for found in ids)  # each story whole
    assert len(set().union(*ids)) == len(corpus)  # and apart from the others


def test_the_split_keeps_stories_whole_and_does_not_depend_on_row_order():
    corpus = _corpus()
    rows = [{"sentence": s} for told in corpus for s in told]
    held = heldout_set(rows, "story")
    assert heldout_set(list(reversed(rows)), "story") == held
    assert 0 < len(held) < len(rows)
    for told in corpus:
        assert len({s in held for s in told}) == 1  # all in or all out


def _row(sentence: str, p: tuple[int, int], q: tuple[int, int], label: str = "neutral") -> dict:
    return {"sentence": sentence, "p": {"start": p[0], "end": p[1]}, "q": {"start": q[0], "end": q[1]}, "label": label}


def test_a_pair_is_copied_when_the_same_sentence_and_spans_occur_twice():
    text = "Okafor accused Brandt of lying, and Varga agreed."
    first = _row(text, (0, 6), (15, 21), "p_neg_q")
    again = _row(text, (0, 6), (15, 21), "p_neg_q")  # the wire copy
    other_pair = _row(text, (0, 6), (36, 41))  # same sentence, another pair: not a copy
    other_text = _row(text.replace("lying", "lies"), (0, 6), (15, 21))
    copied = copied_pairs([first, again, other_pair, other_text])
    assert copied == {pair_key(first)}


def test_scoring_with_copies_marks_every_row_clean(tmp_path):
    """benchmarks/evaluate.py --with-copies rewrites the gold rows with every row clean, as the
    published figures count them, and keeps everything else as it was."""
    import importlib.util
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "benchmarks" / "evaluate.py"
    spec = importlib.util.spec_from_file_location("kg_benchmarks_evaluate", path)
    evaluate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(evaluate)
    rows = [
        {"id": "r1", "sentence": "Ana Lopez praised Tomas Berg.", "label": "p_pos_q", "eval_clean": True},
        {"id": "r2", "sentence": "Ana Lopez praised Tomas Berg.", "label": "p_pos_q", "eval_clean": False},
        {"id": "r3", "sentence": "Berg met Lopez.", "label": "neutral"},
    ]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in rows) + "\n", encoding="utf-8")
    out = evaluate.every_row_clean(gold, tmp_path / "all.jsonl")
    written = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r["eval_clean"] for r in written] == [True, True, True]
    assert [{k: v for k, v in r.items() if k != "eval_clean"} for r in written] == [
        {k: v for k, v in r.items() if k != "eval_clean"} for r in rows
    ]
