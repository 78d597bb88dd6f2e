"""Where the accurate stance model runs: numpy on the CPU, or PyTorch on a GPU when one is
present, else PyTorch on the CPU when installed. This machine has no GPU, so the PyTorch pass is
checked on the CPU (the same code a GPU runs, but for the device) against the numpy pass, and
the choice of device against fake PyTorch modules that see a GPU or none."""

from __future__ import annotations

import types

import numpy as np
import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.extract import accurate as A
from kg.extract.accurate_torch import DeviceUnavailable, pick_device
from kg.settings import ConfigError, Settings


def _fake_torch(cuda: int = 0, mps: bool = False) -> types.SimpleNamespace:
    return types.SimpleNamespace(
        cuda=types.SimpleNamespace(is_available=lambda: cuda > 0, device_count=lambda: cuda),
        backends=types.SimpleNamespace(mps=types.SimpleNamespace(is_available=lambda: mps)),
    )


def test_auto_takes_a_gpu_when_pytorch_sees_one_and_numpy_otherwise():
    assert pick_device("auto", _fake_torch(cuda=1)) == "cuda"
    assert pick_device("auto", _fake_torch(mps=True)) == "mps"
    assert pick_device("auto", _fake_torch()) == "cpu"  # PyTorch on the CPU: faster than numpy
    assert pick_device("cpu", _fake_torch(cuda=2)) == "cpu"
    assert pick_device("numpy", _fake_torch(cuda=2)) is None
    assert pick_device("cuda:1", _fake_torch(cuda=2)) == "cuda:1"


def test_without_pytorch_everything_but_a_named_gpu_falls_back_to_numpy(monkeypatch):
    import kg.extract.accurate_torch as T

    monkeypatch.setattr(T, "_import_torch", lambda: None)
    assert pick_device("auto") is None
    assert pick_device("cpu") is None
    with pytest.raises(DeviceUnavailable, match="needs PyTorch"):
        pick_device("cuda")


def test_a_device_named_but_missing_is_a_clear_error():
    with pytest.raises(DeviceUnavailable, match="no such CUDA device"):
        pick_device("cuda", _fake_torch())
    with pytest.raises(DeviceUnavailable, match="no such CUDA device"):
        pick_device("cuda:2", _fake_torch(cuda=2))
    with pytest.raises(DeviceUnavailable, match="no MPS"):
        pick_device("mps", _fake_torch(cuda=1))
    with pytest.raises(ValueError):
        pick_device("gpu", _fake_torch(cuda=1))


def test_device_setting_from_the_environment():
    assert Settings.load(environ={}).device == "auto"
    assert Settings.load(environ={"KG_DEVICE": " CUDA:0 "}).device == "cuda:0"
    assert Settings.load(environ={"KG_DEVICE": "cpu"}, device="mps").device == "mps"
    with pytest.raises(ConfigError, match="KG_DEVICE"):
        Settings.load(environ={"KG_DEVICE": "gpu"})


def test_both_commands_take_the_device_option(tmp_path):
    for name in ("extract", "ingest"):
        assert any(p.name == "device" for p in cli.commands[name].params), name
    src = tmp_path / "a.txt"
    src.write_text("Haftar attacked the government.")
    result = CliRunner().invoke(cli, ["extract", "--device", "warp", str(src)])
    assert result.exit_code == 2
    assert "device must be" in result.output


def _tiny_weights(frozen: int) -> dict[str, np.ndarray]:
    """An MPNet of 12 layers of width 24 (12 heads of 2) with random weights: both passes must
    agree on any weights, not only on the shipped ones."""
    rng = np.random.default_rng(7)
    d, inner, vocab = 24, 48, 40

    def r(*shape: int, scale: float = 0.3) -> np.ndarray:
        return (rng.normal(size=shape) * scale).astype(np.float32)

    w = {
        "embeddings.word_embeddings.weight": r(vocab, d),
        "embeddings.position_embeddings.weight": r(80, d),
        "embeddings.LayerNorm.weight": 1 + r(d, scale=0.1),
        "embeddings.LayerNorm.bias": r(d, scale=0.1),
        "encoder.relative_attention_bias.weight": r(A.BUCKETS, A.HEADS),
        "top.positions.relative_attention_bias.weight": r(A.BUCKETS, A.HEADS),
    }
    for k in range(12):
        p = f"encoder.layer.{k}." if k < frozen else f"top.layers.{k - frozen}."
        for name, shape in (
            ("attention.attn.q", (d, d)),
            ("attention.attn.k", (d, d)),
            ("attention.attn.v", (d, d)),
            ("attention.attn.o", (d, d)),
            ("intermediate.dense", (inner, d)),
            ("output.dense", (d, inner)),
        ):
            w[p + name + ".weight"], w[p + name + ".bias"] = r(*shape), r(shape[0], scale=0.1)
        for norm in ("attention.LayerNorm", "output.LayerNorm"):
            w[p + norm + ".weight"], w[p + norm + ".bias"] = 1 + r(d, scale=0.1), r(d, scale=0.1)
    return w


def test_the_pytorch_pass_equals_the_numpy_pass():
    pytest.importorskip("torch")
    weights = _tiny_weights(frozen=5)  # lower layers read the base position table, upper the tuned one
    batch = [[0, 5, 9, 3, 3, 17, 2], [0, 8, 2], [0, *range(4, 39), 2]]  # padded to the longest
    on_numpy = A.AccurateEncoder(weights, frozen=5, marker=None).hidden(batch)  # type: ignore[arg-type]
    on_torch = A.AccurateEncoder(weights, frozen=5, marker=None, device="cpu").hidden(batch)  # type: ignore[arg-type]
    assert on_torch.shape == on_numpy.shape == (3, 37, 24)
    for r, row in enumerate(batch):  # padding positions are nobody's answer
        assert np.abs(on_torch[r, : len(row)] - on_numpy[r, : len(row)]).max() < 1e-4, r


@pytest.mark.skipif(not A.ACCURATE_PATH.exists(), reason="no accurate-mode weights")
def test_the_shipped_model_answers_alike_on_either_pass():
    pytest.importorskip("torch")
    try:
        base = A.base_dir()
    except A.AccurateUnavailable:
        pytest.skip("the accurate mode's base model is not installed (make install-accurate)")
    encoder = A.load_accurate(A.ACCURATE_PATH, str(base))
    text = "Senator Maria Gomez praised Governor Tom Reed, but the National Liberation Front condemned him."
    spans = [(8, 19), (37, 45), (55, 80)]
    inputs = [encoder.mark(text, spans[i], spans[j]) for i, j in ((0, 1), (1, 2), (0, 2))]
    encoder.device = None
    on_numpy = encoder.probabilities(inputs)
    encoder.device, encoder._torch = "cpu", None
    on_torch = encoder.probabilities(inputs)
    for a, b in zip(on_numpy, on_torch):
        assert np.abs(a - b).max() < 1e-4
