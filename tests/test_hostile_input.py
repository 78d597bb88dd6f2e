"""Hostile input to the readers (kg.articles): every bad article is named with its reason, and
none takes a good one with it: lone surrogates, parser failures, repeated ids and file names,
unreadable folders, FIFOs and devices, odd file names and encodings, size limits, JSON shapes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading

import pytest

import kg.articles
from kg.articles import ReadError, iter_articles
from kg.records import Article


def ok(items):
    return [a for a in items if isinstance(a, Article)]


def errors(items):
    return [e for e in items if isinstance(e, ReadError)]


def by_name(items) -> dict[str, str]:
    return {e.where.replace(os.sep, "/").rsplit("/", 1)[-1]: e.reason for e in errors(items)}


# ------------------------------------------------------------------ row 1: lone surrogates
def test_lone_surrogates_fail_their_article_only(tmp_path):
    f = tmp_path / "s.jsonl"
    rows = [
        {"id": "good", "text": "Obama criticised Trump."},
        {"id": "bad-text", "text": "x \ud800 y"},
        {"id": "bad-\udc00-id", "text": "Biden praised Merkel."},
        {"id": "bad-title", "text": "Merkel praised Biden.", "title": "t\udfff"},
        {"id": "also-good", "text": "Macron criticised Putin."},
    ]
    f.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    items = list(iter_articles([f]))
    assert [a.id for a in ok(items)] == ["good", "also-good"]
    errs = errors(items)
    assert [e.where for e in errs] == [f"{f}:2", f"{f}:3", f"{f}:4"]
    for e in errs:
        assert "surrogate" in e.reason, e
    assert '"text"' in errs[0].reason and '"id"' in errs[1].reason and '"title"' in errs[2].reason
    for e in errs:  # the reason itself can be printed and encoded
        str(e).encode("utf-8")


def test_a_surrogate_that_reaches_the_pipeline_fails_that_article_only(nlp):
    from kg.pipeline import ExtractError, extract_articles
    from kg.records import Extraction

    arts = [Article("a", "Obama criticised Trump."), Article("b", "x \ud800 y"), Article("c", "Merkel praised Biden.")]
    out = list(extract_articles(arts, nlp=nlp, encoder_process=False))
    assert [type(x) for x in out] == [Extraction, ExtractError, Extraction]
    assert out[1].where == "b" and "surrogate" in out[1].reason


def test_any_parse_failure_fails_that_article_only(nlp, monkeypatch):
    """Whatever spaCy raises on one text (here: a planted failure) costs that article only."""
    from kg.pipeline import ExtractError, extract_articles
    from kg.records import Extraction

    real = nlp.make_doc

    def make_doc(text):
        if "BOOM" in text:
            raise ValueError("planted failure")
        return real(text)

    monkeypatch.setattr(nlp, "make_doc", make_doc)
    arts = [Article(str(i), f"Senator Ann Bolt praised Governor Tom Reyes {i}.") for i in range(12)]
    arts[5] = Article("5", "BOOM")
    out = list(extract_articles(arts, nlp=nlp, batch_size=4, encoder_process=False))
    assert [x.article.id if isinstance(x, Extraction) else x.where for x in out] == [str(i) for i in range(12)]
    assert isinstance(out[5], ExtractError) and "planted failure" in out[5].reason
    assert sum(isinstance(x, Extraction) for x in out) == 11


# ------------------------------------------------------------------ row 2: one id, two articles
def test_same_file_name_in_two_folders_is_refused_not_overwritten(tmp_path):
    for sub, text in (("2019/a", "Anna Berg praised the plan."), ("2020/b", "Erik Lund criticised the plan.")):
        (tmp_path / sub).mkdir(parents=True)
        (tmp_path / sub / "article.txt").write_text(text, encoding="utf-8")
    items = list(iter_articles([tmp_path]))
    (art,) = ok(items)
    assert art.text.startswith("Anna Berg")
    (err,) = errors(items)
    assert err.where.endswith(os.path.join("2020", "b", "article.txt"))
    assert "'article'" in err.reason and os.path.join("2019", "a", "article.txt") in err.reason


def test_repeated_jsonl_id_is_refused(tmp_path):
    f = tmp_path / "b.jsonl"
    f.write_text('{"id": "x", "text": "One."}\n{"id": "y", "text": "Two."}\n{"id": "x", "text": "Three."}\n')
    items = list(iter_articles([f]))
    assert [a.text for a in ok(items)] == ["One.", "Two."]
    (err,) = errors(items)
    assert err.where == f"{f}:3" and f"{f}:1" in err.reason and "'x'" in err.reason


def test_the_same_file_named_twice_is_read_once(tmp_path):
    (tmp_path / "a.txt").write_text("Anna Berg praised the plan.")
    os.symlink(tmp_path / "a.txt", tmp_path / "link-to-a.txt")
    items = list(iter_articles([tmp_path, tmp_path / "a.txt"]))
    assert [a.id for a in ok(items)] == ["a"] and errors(items) == []


# ------------------------------------------------------------------ row 3: folders
def test_unreadable_subfolder_is_named(tmp_path, monkeypatch):
    (tmp_path / "ok.txt").write_text("Anna Berg praised the plan.")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "hidden-away.txt").write_text("Erik Lund criticised the plan.")
    real = os.scandir

    def scandir(path="."):  # what a user without read permission on locked/ meets
        if os.path.basename(os.fspath(path)) == "locked":
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    items = list(iter_articles([tmp_path]))
    assert [a.id for a in ok(items)] == ["ok"]
    reasons = by_name(items)
    assert "locked" in reasons and "Permission denied" in reasons["locked"]


@pytest.mark.skipif(
    os.geteuid() != 0 or not os.path.exists("/usr/bin/setpriv"), reason="needs root to drop to another user"
)
def test_unreadable_subfolder_as_an_ordinary_user():
    """The same with real permissions: a user who cannot list locked/ is told so."""
    import shutil
    import tempfile

    base = tempfile.mkdtemp(prefix="kg-perm-")  # beside pytest's tmp_path, which only root may enter
    try:
        os.chmod(base, 0o755)
        os.mkdir(os.path.join(base, "locked"))
        with open(os.path.join(base, "locked", "x.txt"), "w") as fh:
            fh.write("Erik Lund criticised the plan.")
        os.chmod(os.path.join(base, "locked"), 0o000)
        with open(os.path.join(base, "ok.txt"), "w") as fh:
            fh.write("Anna Berg praised the plan.")
        code = (
            "import sys; from kg.articles import iter_articles; "
            "[print(type(x).__name__, x) for x in iter_articles([sys.argv[1]])]"
        )
        root = os.path.dirname(os.path.dirname(os.path.abspath(kg.articles.__file__)))
        proc = subprocess.run(
            ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-c", code, base],
            capture_output=True,
            text=True,
            env=dict(os.environ, PYTHONPATH=root),
            timeout=60,
        )
    finally:
        os.chmod(os.path.join(base, "locked"), 0o755)
        shutil.rmtree(base)
    if proc.returncode and "Error" in proc.stderr and "Article" not in proc.stdout:
        pytest.skip(f"the other user cannot run kg from here: {proc.stderr.strip().splitlines()[-1]}")
    assert proc.returncode == 0, proc.stderr
    assert "Article" in proc.stdout and "locked: cannot read folder (Permission denied)" in proc.stdout, proc.stdout


def test_symlinked_subfolder_is_read_and_loops_end(tmp_path):
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "far.txt").write_text("Erik Lund criticised the plan.")
    (tmp_path / "main").mkdir()
    (tmp_path / "main" / "near.txt").write_text("Anna Berg praised the plan.")
    os.symlink("../other", tmp_path / "main" / "linkdir")
    os.symlink("..", tmp_path / "main" / "loop")  # a cycle: main/loop/main/loop/...
    items = list(iter_articles([tmp_path / "main"]))
    assert sorted(a.id for a in ok(items)) == ["far", "near"]
    assert errors(items) == []


def test_fifo_in_a_folder_is_named_not_waited_for(tmp_path):
    (tmp_path / "ok.txt").write_text("Anna Berg praised the plan.")
    os.mkfifo(tmp_path / "pipe.txt")
    result: list = []
    t = threading.Thread(target=lambda: result.extend(iter_articles([tmp_path])), daemon=True)
    t.start()
    t.join(10)
    if t.is_alive():  # unblock the reader so the test run can end
        with open(tmp_path / "pipe.txt", "w"):
            pass
        pytest.fail("reading a folder with a FIFO in it hangs")
    assert [a.id for a in ok(result)] == ["ok"]
    assert "not a regular file" in by_name(result)["pipe.txt"]


def test_devices_named_explicitly_are_refused(tmp_path):
    items = list(iter_articles(["/dev/null"]))  # (/dev/zero would never end if read)
    (err,) = errors(items)
    assert "not a regular file" in err.reason


def test_broken_symlink_is_named(tmp_path):
    os.symlink(tmp_path / "nowhere.txt", tmp_path / "dangling.txt")
    (tmp_path / "ok.txt").write_text("Anna Berg praised the plan.")
    items = list(iter_articles([tmp_path]))
    assert [a.id for a in ok(items)] == ["ok"] and "dangling.txt" in by_name(items)


def test_file_name_that_is_not_utf8_gets_a_printable_id(tmp_path):
    name = os.fsdecode(b"caf\xe9.txt")
    (tmp_path / name).write_text("Anna Berg praised the plan.")
    (art,) = ok(iter_articles([tmp_path]))
    assert art.id == "caf\\xe9"
    art.id.encode("utf-8")


# ------------------------------------------------------------------ row 8: the size limit
@pytest.mark.parametrize(
    "value,expected",
    [
        ("2000000", 2_000_000),
        ("1,000,000", 1_000_000),
        ("1_000_000", 1_000_000),
        ("1e6", 1_000_000),
        (" 500000 ", 500_000),
    ],
)
def test_size_limit_accepts_the_usual_spellings(monkeypatch, value, expected):
    from kg.articles import max_article_chars

    monkeypatch.setenv("KG_MAX_ARTICLE_CHARS", value)
    assert max_article_chars() == expected


@pytest.mark.parametrize("value", ["abc", "-5", "0", "1.5", "1e99999"])
def test_size_limit_refuses_nonsense_clearly(monkeypatch, value):
    from kg.articles import ConfigError, max_article_chars

    monkeypatch.setenv("KG_MAX_ARTICLE_CHARS", value)
    with pytest.raises(ConfigError, match="KG_MAX_ARTICLE_CHARS"):
        max_article_chars()


def test_an_article_over_spacys_own_limit_fails_alone(nlp, monkeypatch):
    """A limit above spaCy's max_length lets a long article through to the parser: it is parsed
    (the limit is raised to match), and a text over the parser's limit fails alone."""
    from kg.pipeline import ExtractError, extract_articles
    from kg.records import Extraction

    monkeypatch.setattr(nlp, "max_length", 2000)
    monkeypatch.setenv("KG_MAX_ARTICLE_CHARS", "3000")
    long = "Senator Ann Bolt praised Governor Tom Reyes. " * 60  # 2,700 characters
    arts = [Article("a", "Obama criticised Trump."), Article("long", long), Article("c", "Merkel praised Biden.")]
    out = list(extract_articles(arts, nlp=nlp, encoder_process=False))
    assert [type(x) for x in out] == [Extraction, Extraction, Extraction]
    monkeypatch.setenv("KG_MAX_ARTICLE_CHARS", "1000")
    monkeypatch.setattr(nlp, "max_length", 2000)
    out = list(extract_articles(arts, nlp=nlp, encoder_process=False))
    assert [type(x) for x in out] == [Extraction, ExtractError, Extraction]
    assert "too long" in out[1].reason


# ------------------------------------------------------------------ minor: encodings, dates, JSON
def test_utf16_with_bom_is_decoded(tmp_path):
    body = "Präsident Anna Berg kritisierte den Plan."
    for enc, data in (
        ("utf-16", body.encode("utf-16")),
        ("utf-16-be", ("\ufeff" + body).encode("utf-16-be")),
        ("utf-32", body.encode("utf-32")),
    ):  # Python's utf-16 / utf-32 write the BOM
        assert data[:2] in (b"\xff\xfe", b"\xfe\xff")
        (tmp_path / f"{enc}.txt").write_bytes(data)
    items = list(iter_articles([tmp_path]))
    assert errors(items) == []
    assert {a.text for a in ok(items)} == {"Präsident Anna Berg kritisierte den Plan."}


def test_one_date_rule_for_seed_and_json(tmp_path):
    (tmp_path / "seed.txt").write_text(" date yesterday The minister said it was over.")
    (tmp_path / "slash.txt").write_text("date 2019/06/06\nThe minister said it was over.")
    (tmp_path / "impossible.txt").write_text(" date 2019-13-45 The minister said it was over.")
    (tmp_path / "palms.txt").write_text("Date palms grow well here, the minister said.")
    (tmp_path / "good.txt").write_text(" date 2019-06-06 The minister said it was over.")
    (tmp_path / "rows.jsonl").write_text(
        '{"id": "j1", "text": "It was over.", "date": "yesterday"}\n'
        '{"id": "j2", "text": "It was over.", "date": "2019-02-30"}\n'
        '{"id": "j3", "text": "It was over.", "date": "2019-06-06T10:00:00Z"}\n'
    )
    items = list(iter_articles([tmp_path]))
    assert {a.id: a.date for a in ok(items)} == {"good": "2019-06-06", "palms": None, "j3": "2019-06-06"}
    reasons = by_name(items)
    for name in ("seed.txt", "slash.txt", "impossible.txt", "rows.jsonl:1", "rows.jsonl:2"):
        assert "not an ISO date (YYYY-MM-DD)" in reasons[name], (name, reasons)
    assert "'yesterday'" in reasons["seed.txt"] and "'yesterday'" in reasons["rows.jsonl:1"]


def test_empty_json_list_is_named(tmp_path):
    (tmp_path / "empty.json").write_text("[]")
    (tmp_path / "ok.txt").write_text("Anna Berg praised the plan.")
    items = list(iter_articles([tmp_path]))
    assert [a.id for a in ok(items)] == ["ok"]
    assert "no articles" in by_name(items)["empty.json"]


def test_json_array_and_pretty_object_on_stdin():
    rows = [{"id": "s1", "text": "From stdin."}, {"id": "s2", "text": "Also from stdin."}]
    items = list(iter_articles(["-"], stdin=io.StringIO(json.dumps(rows, indent=2))))
    assert [a.id for a in ok(items)] == ["s1", "s2"]
    items = list(iter_articles(["-"], stdin=io.StringIO(json.dumps(rows[0], indent=2))))
    assert [a.id for a in ok(items)] == ["s1"]
    items = list(iter_articles(["-"], stdin=io.StringIO("[]")))
    assert ok(items) == [] and "no articles" in errors(items)[0].reason


def test_non_scalar_json_id_is_refused(tmp_path):
    f = tmp_path / "ids.jsonl"
    f.write_text('{"id": {"a": 1}, "text": "One."}\n{"id": 7, "text": "Two."}\n')
    items = list(iter_articles([f]))
    assert [a.id for a in ok(items)] == ["7"]
    assert '"id"' in errors(items)[0].reason


def test_a_folder_that_cannot_be_listed_is_named_once(tmp_path, monkeypatch):
    real = os.scandir

    def scandir(path="."):
        if os.fspath(path) == str(tmp_path):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    (err,) = list(iter_articles([tmp_path]))
    assert "cannot read folder (Permission denied)" in err.reason
