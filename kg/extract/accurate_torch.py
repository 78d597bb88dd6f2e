"""The accurate stance model's forward pass in PyTorch: on a GPU where one is present, else on
the CPU, where it is about 1.6x faster than numpy (README "Speed").

:class:`kg.extract.accurate.AccurateEncoder` computes in numpy, which needs nothing but the CPU.
When PyTorch is installed the same weights run here instead: the same arithmetic (post-norm
layers, the relative-position bias added to every attention score, exact GELU), so the two
agree to float32 rounding (tests compare them on the CPU). PyTorch is never required: ``auto``
(the default) and ``cpu`` fall back to numpy without it, and only a GPU asked for by name
(``--device cuda``, ``KG_DEVICE=cuda``) that cannot be had is an error.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kg.settings import DEVICES, DEVICES_TEXT


class DeviceUnavailable(RuntimeError):
    """A device was asked for by name and PyTorch cannot give it."""


def _import_torch() -> Any:
    try:
        import torch
    except ImportError:
        return None
    return torch


def pick_device(choice: str, torch: Any = None) -> str | None:
    """The PyTorch device the accurate model runs on, or None for the numpy pass.

    ``auto``: the first GPU PyTorch sees (CUDA, then MPS), else PyTorch on the CPU, else (no
    PyTorch) numpy; ``cpu``: PyTorch on the CPU, else numpy; ``numpy``: numpy; ``cuda``,
    ``cuda:N``, ``mps``: that device, or :class:`DeviceUnavailable`. ``torch`` is the module to
    ask (by default ``import torch``; None when it is not installed).

    >>> pick_device("numpy") is None
    True
    """
    if not DEVICES.match(choice):
        raise ValueError(f"device must be {DEVICES_TEXT}; got {choice!r}")
    if choice == "numpy":
        return None
    if torch is None:
        torch = _import_torch()
    if torch is None:
        if choice in ("auto", "cpu"):
            return None
        raise DeviceUnavailable(
            f"--device {choice} needs PyTorch (pip install torch, or `make install-accurate`); "
            "without it the accurate mode runs in numpy on the CPU (--device numpy)"
        )
    has_mps = bool(getattr(getattr(torch.backends, "mps", None), "is_available", lambda: False)())
    if choice == "auto":
        if torch.cuda.is_available():
            return "cuda"
        return "mps" if has_mps else "cpu"
    if choice == "cpu":
        return "cpu"
    if choice.startswith("cuda"):
        index = int(choice.split(":")[1]) if ":" in choice else 0
        if not torch.cuda.is_available() or index >= torch.cuda.device_count():
            raise DeviceUnavailable(f"--device {choice}: PyTorch sees no such CUDA device; use --device auto or cpu")
        return choice
    if not has_mps:
        raise DeviceUnavailable("--device mps: PyTorch sees no MPS device; use --device auto or cpu")
    return "mps"


def _blas_threads() -> int:
    """The BLAS thread limit in force here (kg keeps one per process when processes share the
    cores), so that PyTorch on the CPU keeps to it too: its own pool ignores threadpoolctl."""
    from threadpoolctl import threadpool_info

    counts = [int(info["num_threads"]) for info in threadpool_info() if info.get("user_api") == "blas"]
    return max(1, min(counts)) if counts else 1


class TorchForward:
    """The accurate model's hidden states on one PyTorch device (weights copied there once)."""

    def __init__(self, weights: dict[str, np.ndarray], frozen: int, device: str, heads: int, eps: float):
        import torch

        self.torch = torch
        self.device = torch.device(device)
        self.frozen, self.heads, self.eps = frozen, heads, eps
        self.w = {
            k: torch.from_numpy(np.ascontiguousarray(v, dtype=np.float32)).to(self.device) for k, v in weights.items()
        }

    def hidden(self, ids: np.ndarray, pad: int, buckets: np.ndarray) -> np.ndarray:
        """(batch, pieces, 768) float32 for the padded ``ids``; ``buckets`` is
        :func:`kg.extract.accurate.relative_buckets` for their length."""
        torch, w = self.torch, self.w
        functional = torch.nn.functional
        if self.device.type == "cpu":
            torch.set_num_threads(_blas_threads())
        with torch.inference_mode():
            ids_t = torch.from_numpy(ids).to(self.device)
            mask = ids_t != pad
            pos = torch.cumsum(mask, dim=1) * mask + pad
            x = w["embeddings.word_embeddings.weight"][ids_t] + w["embeddings.position_embeddings.weight"][pos]
            d = x.shape[-1]
            x = functional.layer_norm(
                x, (d,), w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps
            )
            pad_bias = torch.zeros(mask.shape, device=self.device).masked_fill(~mask, -1e9)[:, None, None, :]
            where = torch.from_numpy(buckets).to(self.device)
            low = w["encoder.relative_attention_bias.weight"][where].permute(2, 0, 1)[None] + pad_bias
            high = w["top.positions.relative_attention_bias.weight"][where].permute(2, 0, 1)[None] + pad_bias
            for k in range(12):
                x = self._layer(x, k, low if k < self.frozen else high)
            return x.float().cpu().numpy()

    def _layer(self, x: Any, k: int, bias: Any) -> Any:
        functional, w = self.torch.nn.functional, self.w
        p = f"encoder.layer.{k}." if k < self.frozen else f"top.layers.{k - self.frozen}."
        bsz, n, d = x.shape
        hd = d // self.heads

        def lin(v: Any, name: str) -> Any:
            return functional.linear(v, w[p + name + ".weight"], w[p + name + ".bias"])

        q, kk, v = (lin(x, f"attention.attn.{c}").reshape(bsz, n, self.heads, hd).transpose(1, 2) for c in "qkv")
        # the additive mask carries the relative-position bias, as MPNet adds it to the scores
        ctx = functional.scaled_dot_product_attention(q, kk, v, attn_mask=bias)
        ctx = ctx.transpose(1, 2).reshape(bsz, n, d)
        y = functional.layer_norm(
            lin(ctx, "attention.attn.o") + x,
            (d,),
            w[p + "attention.LayerNorm.weight"],
            w[p + "attention.LayerNorm.bias"],
            self.eps,
        )
        h = functional.gelu(lin(y, "intermediate.dense"))  # exact (erf) GELU, as the numpy pass
        return functional.layer_norm(
            lin(h, "output.dense") + y, (d,), w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], self.eps
        )
