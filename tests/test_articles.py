"""Readers: the seed format, text, JSON Lines, JSON, folders, stdin, and bad input."""

from __future__ import annotations

import io
import json

from kg.articles import ReadError, content_id, iter_articles, split_date_prefix
from kg.records import Article


def ok(items):
    return [a for a in items if isinstance(a, Article)]


def errors(items):
    return [e for e in items if isinstance(e, ReadError)]


def test_seed_format_sets_date_and_strips_prefix(tmp_path):
    f = tmp_path / "story.txt"
    f.write_text(" date 2019-06-06 The minister said it was over.\n", encoding="utf-8")
    (art,) = list(iter_articles([f]))
    assert art.date == "2019-06-06"
    assert art.text.startswith("The minister said")
    assert art.id == "story"


def test_date_line_prefix():
    assert split_date_prefix("date 2020-01-02\nBody here.") == ("2020-01-02", "Body here.")
    assert split_date_prefix("No date here.") == (None, "No date here.")


def test_plain_text_has_no_date(tmp_path):
    f = tmp_path / "plain.txt"
    f.write_text("The senator criticised the plan.", encoding="utf-8")
    (art,) = list(iter_articles([f]))
    assert art.date is None and art.text == "The senator criticised the plan."


def test_jsonl_keeps_ids_and_metadata(tmp_path):
    f = tmp_path / "batch.jsonl"
    rows = [
        {"id": "x/1", "text": "One.", "date": "2021-03-04T10:00:00Z", "title": "T", "url": "http://e.org"},
        {"text": "Two."},
    ]
    f.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    a, b = list(iter_articles([f]))
    assert (a.id, a.date, a.title, a.url) == ("x/1", "2021-03-04", "T", "http://e.org")
    assert b.id == content_id("Two.") and b.id.startswith("doc-")


def test_bad_jsonl_line_is_reported_and_others_kept(tmp_path):
    f = tmp_path / "mixed.jsonl"
    f.write_text(
        '{"id": "a", "text": "Fine."}\n{not json\n{"id": "c", "text": ""}\n{"id": "d", "text": "Also fine."}\n',
        encoding="utf-8",
    )
    items = list(iter_articles([f]))
    assert [a.id for a in ok(items)] == ["a", "d"]
    errs = errors(items)
    assert [e.where for e in errs] == [f"{f}:2", f"{f}:3"]
    assert "not valid JSON" in errs[0].reason and "empty" in errs[1].reason


def test_json_list_and_object(tmp_path):
    (tmp_path / "list.json").write_text(json.dumps([{"id": "1", "text": "A."}, {"id": "2", "text": "B."}]))
    (tmp_path / "one.json").write_text(json.dumps({"id": "3", "text": "C."}))
    ids = [a.id for a in ok(iter_articles([tmp_path / "list.json", tmp_path / "one.json"]))]
    assert ids == ["1", "2", "3"]


def test_folder_is_read_recursively_in_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "a.txt").write_text("First.")
    (tmp_path / "b" / "c.txt").write_text("Second.")
    (tmp_path / ".hidden.txt").write_text("Hidden.")
    (tmp_path / "notes.md").write_text("Ignored.")
    assert [a.id for a in ok(iter_articles([tmp_path]))] == ["a", "c"]


def test_empty_binary_non_utf8_and_missing_give_clear_errors(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"   \n")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "latin1.txt").write_bytes("Le ministre a d\xe9clar\xe9.".encode("latin-1"))
    (tmp_path / "good.txt").write_text("The minister spoke.")
    items = list(iter_articles([tmp_path, tmp_path / "nope.txt"]))
    assert [a.id for a in ok(items)] == ["good"]
    reasons = {e.where.rsplit("/", 1)[-1]: e.reason for e in errors(items)}
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "not UTF-8" in reasons["latin1.txt"]
    assert "no such file" in reasons["nope.txt"]


def test_huge_article_is_refused(tmp_path):
    (tmp_path / "big.txt").write_text("word " * 50)
    (err,) = list(iter_articles([tmp_path / "big.txt"], max_chars=100))
    assert isinstance(err, ReadError) and "too long" in err.reason


def test_stdin_text_and_jsonl():
    (art,) = list(iter_articles(["-"], stdin=io.StringIO("date 2019-01-01 Hello there.")))
    assert art.date == "2019-01-01" and art.id == content_id("Hello there.")
    items = list(iter_articles(["-"], stdin=io.StringIO('{"id": "s1", "text": "From stdin."}\n')))
    assert [a.id for a in ok(items)] == ["s1"]


def test_utf8_bom_is_accepted(tmp_path):
    (tmp_path / "bom.txt").write_bytes("\ufeffThe envoy said so.".encode("utf-8"))
    (art,) = list(iter_articles([tmp_path / "bom.txt"]))
    assert art.text == "The envoy said so."
