"""The CLI: --help for every command, extract's contract, model errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kg.cli import cli

COMMANDS = sorted(cli.commands)


def test_expected_commands_exist():
    for name in ("ingest", "extract", "query", "viz", "validate", "stats", "export", "network"):
        assert name in cli.commands, name


@pytest.mark.parametrize("name", [None] + COMMANDS)
def test_help(name):
    args = ["--help"] if name is None else [name, "--help"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


SPAN_KEYS = {"start", "end", "text"}


def _check_span(body: str, span, where: str) -> None:
    if span is None:
        return
    assert set(span) >= SPAN_KEYS, where
    assert body[span["start"] : span["end"]] == span["text"], where
    for frag in span.get("fragments", []):
        assert body[frag["start"] : frag["end"]] == frag["text"], where


def check_contract(obj: dict, body: str) -> None:
    """Every key and meaning of the extraction contract (docs/CONTRACT.md)."""
    assert {"id", "date", "actors", "statements", "stances"} <= set(obj)
    actor_ids = {a["id"] for a in obj["actors"]}
    assert len(actor_ids) == len(obj["actors"])
    for a in obj["actors"]:
        assert {"id", "label", "type", "iri", "roles", "mentions"} <= set(a)
        assert a["iri"].startswith("http")
        for r in a["roles"]:
            assert "title" in r and (r["organization"] is None or r["organization"] in actor_ids)
        # an actor only known through another (the government a post belongs to) may have no mention
        referenced = any(r["organization"] == a["id"] for b in obj["actors"] for r in b["roles"]) or any(
            a["id"] in (b.get("part_of"), b.get("leader")) for b in obj["actors"]
        )
        assert a["mentions"] or referenced, a
        for m in a["mentions"]:
            _check_span(body, m, f"mention of {a['label']}")
    statement_ids = {s["id"] for s in obj["statements"]}
    for s in obj["statements"]:
        assert {"id", "speaker", "source_span", "cue", "content", "direct"} <= set(s)
        assert s["speaker"] is None or s["speaker"] in actor_ids
        assert isinstance(s["direct"], bool)
        _check_span(body, s["content"], "content")
        assert s["content"] is not None
        _check_span(body, s["source_span"], "source")
        _check_span(body, s["cue"], "cue")
    for t in obj["stances"]:
        assert {"id", "holder", "target", "topic", "polarity", "cue", "evidence", "statement", "confidence"} <= set(t)
        assert t["holder"] in actor_ids
        assert t["target"] is None or t["target"] in actor_ids
        assert t["polarity"] in ("positive", "negative", "neutral")
        assert t["statement"] is None or t["statement"] in statement_ids
        assert 0.0 <= t["confidence"] <= 1.0
        for key in ("holder_span", "target_span", "cue", "evidence"):
            _check_span(body, t.get(key), key)


def test_extract_jsonl_on_seed_follows_the_contract(seed_path):
    from kg.articles import split_date_prefix

    result = CliRunner().invoke(cli, ["extract", "--format", "jsonl", str(seed_path.parent)])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1
    obj = json.loads(lines[0])
    assert obj["id"] == "000_b5901d612eddb4ca" and obj["date"] == "2019-06-06"
    date, body = split_date_prefix(seed_path.read_text(encoding="utf-8"))
    check_contract(obj, body)
    assert obj["actors"] and obj["statements"] and obj["stances"]


def test_extract_jsonl_keeps_input_ids_and_order(tmp_path):
    f = tmp_path / "in.jsonl"
    f.write_text(
        '{"id": "z-9", "text": "The senator said the plan was reckless."}\n'
        '{"id": "a-1", "text": "Nothing happened today."}\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["extract", "--format", "jsonl", str(f)])
    assert result.exit_code == 0
    objs = [json.loads(x) for x in result.stdout.splitlines()]
    assert [o["id"] for o in objs] == ["z-9", "a-1"]
    for o, text in zip(objs, ["The senator said the plan was reckless.", "Nothing happened today."]):
        check_contract(o, text)


def test_extract_reports_bad_files_and_continues(tmp_path):
    (tmp_path / "good.txt").write_text("The mayor said the bridge would reopen.", encoding="utf-8")
    # (b"\xff\xfe..." is no longer binary: it is a UTF-16 byte-order mark, and such text is decoded)
    (tmp_path / "bad.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01binary")
    result = CliRunner().invoke(cli, ["extract", str(tmp_path)])
    assert result.exit_code == 1
    assert "bad.txt" in result.stderr
    assert len([x for x in result.stdout.splitlines() if x.strip()]) == 1


def test_missing_model_gives_clear_error(tmp_path):
    (tmp_path / "a.txt").write_text("Hello.")
    result = CliRunner().invoke(cli, ["--model", "no_such_pipeline_xyz", "extract", str(tmp_path)])
    assert result.exit_code == 1
    assert "no_such_pipeline_xyz" in result.stderr and "not installed" in result.stderr
