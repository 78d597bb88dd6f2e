"""Stance confidence as a probability: a calibration map per source of stances.

The extractor's raw confidence of a stance is a score of its source (a rule's by the kind of
cue, hedging and negation; the learned pair models' class probability), and the sources are
not equally reliable at the same score. ``training/calibrate_stances.py`` runs the extraction
on DSA training rows held out from every model's fitting, keeps the stances that fall on a row's
labelled pair, marks each right (its holder, target and polarity are the row's) or wrong, and
fits one Platt map per source: ``P(right) = sigmoid(a * logit(raw) + b)``, or, for the accurate
mode's model, whose scores pile up just above its threshold, an isotonic curve. The maps, the
figures behind them and the views' default threshold (the lowest confidence at which the
held-out stances are right at least 75 % of the time) are stored in
``kg/data/stance_calibration.json``; :func:`calibrate` applies them. The maps are monotone, so
within a source the order of stances is unchanged.
"""

from __future__ import annotations

import bisect
import functools
import json
import logging
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

from kg.settings import Settings

log = logging.getLogger(__name__)

CALIBRATION_PATH = Path(__file__).resolve().parent.parent / "data" / "stance_calibration.json"
# the views' threshold when no calibration file is readable: the value they used before
FALLBACK_VIEW_THRESHOLD = 0.6
_EPS = 1e-4


def source_group(source: str) -> str:
    """The calibration group of a stance's source: ``rule`` (cue words, quote phrases),
    ``model`` (the learned pair models of the default mode) or ``accurate`` (of the accurate mode)."""
    return source if source in ("model", "accurate") else "rule"


Curve = tuple[tuple[float, ...], tuple[float, ...]]  # isotonic knots: raw scores, P(right)


@dataclass
class Calibration:
    """Platt maps per source group (``{"rule": [a, b], "model": [a, b]}``) and isotonic curves
    (``{"accurate": (xs, ys)}``, which win over a Platt map of the same group); a group with
    neither keeps its raw score."""

    maps: dict[str, tuple[float, float]] = field(default_factory=dict)
    view_threshold: float = FALLBACK_VIEW_THRESHOLD
    meta: dict = field(default_factory=dict)
    curves: dict[str, Curve] = field(default_factory=dict)

    def __call__(self, source: str, raw: float) -> float:
        group = source_group(source)
        if group in self.curves:
            return on_curve(raw, self.curves[group])
        ab = self.maps.get(group)
        if ab is None:
            return raw
        return platt(raw, *ab)

    @classmethod
    def load(cls, path: Path = CALIBRATION_PATH) -> Calibration:
        """The maps of a calibration file: a group's entry holds ``a`` and ``b`` (Platt) or ``x``
        and ``y`` (an isotonic curve's knots)."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        meta = {k: v for k, v in data.items() if k not in ("maps",)}
        return cls.from_entries(data["maps"], float(data["view_threshold"]), meta)

    @classmethod
    def from_entries(
        cls, entries: dict[str, dict], view_threshold: float = FALLBACK_VIEW_THRESHOLD, meta: dict | None = None
    ) -> Calibration:
        """The calibration of a file's ``maps`` entries: ``a`` and ``b`` (Platt) or ``x`` and
        ``y`` (an isotonic curve's knots) per group."""
        maps = {k: (float(v["a"]), float(v["b"])) for k, v in entries.items() if "x" not in v}
        curves = {
            k: (tuple(float(x) for x in v["x"]), tuple(float(y) for y in v["y"]))
            for k, v in entries.items()
            if "x" in v
        }
        return cls(maps, view_threshold, meta or {}, curves)


def on_curve(raw: float, curve: Curve) -> float:
    """The isotonic curve's value at ``raw``: linear between knots, flat beyond the end ones.

    >>> on_curve(0.55, ((0.5, 0.6), (0.4, 0.8))), on_curve(0.9, ((0.5, 0.6), (0.4, 0.8)))
    (0.6, 0.8)
    """
    xs, ys = curve
    if raw <= xs[0]:
        return ys[0]
    if raw >= xs[-1]:
        return ys[-1]
    k = bisect.bisect_right(xs, raw)
    x0, x1, y0, y1 = xs[k - 1], xs[k], ys[k - 1], ys[k]
    return round(y0 + (y1 - y0) * (raw - x0) / (x1 - x0), 12) if x1 > x0 else y1


def fit_isotonic(raw: list[float], right: list[bool], floor: float = 0.02) -> Curve:
    """The non-decreasing map from raw score to share right that fits ``right`` best in squared
    error (pool-adjacent-violators): one knot per pooled block, at its mean raw score, with its
    share right kept within [floor, 1 - floor] so that no stance is ever certain.

    Where one slope cannot bend (scores piled just above a threshold, right half of the time,
    and a clear jump above them) a step can; it needs more stances than Platt's two parameters.

    >>> fit_isotonic([0.6, 0.62, 0.65, 0.75, 0.8], [True, False, False, True, True])
    ((0.623333, 0.775), (0.333333, 0.98))
    """
    if not raw:
        return (0.0, 1.0), (0.0, 1.0)
    tied: dict[float, list[float]] = {}  # equal scores are one block from the start
    for r, y in zip(raw, right):
        t = tied.setdefault(r, [0.0, 0.0, 0.0])
        t[0], t[1], t[2] = t[0] + (1.0 if y else 0.0), t[1] + 1.0, t[2] + r
    blocks: list[list[float]] = []  # [sum right, count, sum raw]
    for r in sorted(tied):
        blocks.append(list(tied[r]))
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] >= blocks[-1][0] / blocks[-1][1]:
            s, n, x = blocks.pop()
            blocks[-1][0] += s
            blocks[-1][1] += n
            blocks[-1][2] += x
    xs = tuple(round(b[2] / b[1], 6) for b in blocks)
    ys = tuple(round(min(1.0 - floor, max(floor, b[0] / b[1])), 6) for b in blocks)
    return xs, ys


def logit(p: float) -> float:
    p = min(1.0 - _EPS, max(_EPS, p))
    return math.log(p / (1.0 - p))


def platt(raw: float, a: float, b: float) -> float:
    """sigmoid(a * logit(raw) + b)."""
    z = a * logit(raw) + b
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def fit_platt(raw: list[float], right: list[bool], iters: int = 200, l2: float = 1e-3) -> tuple[float, float]:
    """The Platt map (a, b) that maximises the likelihood of ``right`` given ``raw`` scores
    (Newton's method on the two parameters, a little ridge so that separable data stays finite)."""
    if not raw:
        return 1.0, 0.0
    xs = [logit(r) for r in raw]
    ys = [1.0 if y else 0.0 for y in right]
    a, b = 1.0, 0.0
    for _ in range(iters):
        ga, gb = l2 * (a - 1.0), l2 * b
        haa, hab, hbb = l2, 0.0, l2
        for x, y in zip(xs, ys):
            p = (
                1.0 / (1.0 + math.exp(-(a * x + b)))
                if a * x + b >= 0
                else math.exp(a * x + b) / (1.0 + math.exp(a * x + b))
            )
            ga += (p - y) * x
            gb += p - y
            w = p * (1.0 - p)
            haa += w * x * x
            hab += w * x
            hbb += w
        det = haa * hbb - hab * hab
        if det <= 1e-12:
            break
        da, db = (hbb * ga - hab * gb) / det, (haa * gb - hab * ga) / det
        a, b = a - da, b - db
        if abs(da) < 1e-9 and abs(db) < 1e-9:
            break
    return a, b


def fit_platt_groups(
    raw: list[float], right: list[bool], groups: list[str], iters: int = 200, l2: float = 1e-3
) -> dict[str, tuple[float, float]]:
    """Platt maps that share one slope and have an intercept per group: P(right) =
    sigmoid(a * logit(raw) + b[group]). Fewer parameters than a map per group, for groups of a
    few dozen stances. Newton's method with a little ridge, as :func:`fit_platt`."""
    names = sorted(set(groups))
    if not raw:
        return {g: (1.0, 0.0) for g in names}
    xs = [logit(r) for r in raw]
    gi = [names.index(g) for g in groups]
    k = len(names)
    theta = [1.0] + [0.0] * k  # a, then one b per group
    for _ in range(iters):
        grad = [l2 * (theta[0] - 1.0)] + [l2 * t for t in theta[1:]]
        hess = [[0.0] * (k + 1) for _ in range(k + 1)]
        for j in range(k + 1):
            hess[j][j] = l2
        for x, y, g in zip(xs, right, gi):
            z = theta[0] * x + theta[1 + g]
            p = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
            d, w = p - (1.0 if y else 0.0), p * (1.0 - p)
            grad[0] += d * x
            grad[1 + g] += d
            hess[0][0] += w * x * x
            hess[0][1 + g] += w * x
            hess[1 + g][0] += w * x
            hess[1 + g][1 + g] += w
        step = _solve(hess, grad)
        if step is None:
            break
        theta = [t - s for t, s in zip(theta, step)]
        if max(abs(s) for s in step) < 1e-9:
            break
    return {g: (theta[0], theta[1 + n]) for n, g in enumerate(names)}


def _solve(a: list[list[float]], b: list[float]) -> list[float] | None:
    """x with a x = b (Gaussian elimination with partial pivoting); None if singular."""
    n = len(b)
    m = [row[:] + [v] for row, v in zip(a, b)]
    for c in range(n):
        piv = max(range(c, n), key=lambda r: abs(m[r][c]))
        if abs(m[piv][c]) < 1e-12:
            return None
        m[c], m[piv] = m[piv], m[c]
        for r in range(n):
            if r != c:
                f = m[r][c] / m[c][c]
                m[r] = [x - f * y for x, y in zip(m[r], m[c])]
    return [m[i][n] / m[i][i] for i in range(n)]


def expected_precision_threshold(probs: list[float], precision: float = 0.75) -> float:
    """The lowest threshold t (0.01 steps) at which the stances of confidence >= t have a mean
    calibrated confidence — their expected precision — of at least ``precision`` (else 1.0).
    Read off the calibration itself rather than off a few dozen labels."""
    for k in range(0, 101):
        t = k / 100
        kept = [p for p in probs if p >= t]
        if kept and sum(kept) / len(kept) >= precision:
            return t
    return 1.0


def reliability(probs: list[float], right: list[bool], bins: int = 10) -> list[dict]:
    """Per equal-width bin of confidence: count, mean confidence and share right."""
    out = []
    for k in range(bins):
        lo, hi = k / bins, (k + 1) / bins
        idx = [i for i, p in enumerate(probs) if lo <= p < hi or (k == bins - 1 and p == 1.0)]
        out.append(
            {
                "bin": f"{lo:.1f}-{hi:.1f}",
                "n": len(idx),
                "confidence": sum(probs[i] for i in idx) / len(idx) if idx else None,
                "right": sum(1 for i in idx if right[i]) / len(idx) if idx else None,
            }
        )
    return out


def ece(probs: list[float], right: list[bool], bins: int = 10) -> float:
    """Expected calibration error over ``bins`` equal-width bins: the mean over stances of
    |share right - mean confidence| of their bin."""
    n = len(probs)
    if not n:
        return 0.0
    return sum(r["n"] / n * abs(r["right"] - r["confidence"]) for r in reliability(probs, right, bins) if r["n"])


def ece_if_calibrated(probs: list[float], bins: int = 10, draws: int = 1000, seed: int = 13) -> list[float]:
    """The ECE that a perfectly calibrated extractor with these confidences would show on this
    many stances, once per draw (each stance right with probability its confidence), sorted.

    ECE is never zero on a finite sample: with a few hundred stances spread over ten bins, a
    bin of 30 has a sampling error of about 0.09 in its share right. This is that floor, to read
    an observed ECE against (its mean, its 95th percentile, and the share of draws at or above
    the observed value: a p-value for "calibrated")."""
    rnd = random.Random(seed)
    out = []
    for _ in range(draws):
        drawn = [rnd.random() < p for p in probs]
        out.append(ece(probs, drawn, bins))
    return sorted(out)


def bootstrap_ece(
    probs: list[float], right: list[bool], bins: int = 10, draws: int = 1000, seed: int = 13
) -> list[float]:
    """ECE over ``draws`` resamples of the stances (with replacement), sorted: its 2.5th and
    97.5th percentiles are a 95 % interval of the observed ECE."""
    rnd = random.Random(seed)
    n = len(probs)
    out = []
    for _ in range(draws):
        idx = [rnd.randrange(n) for _ in range(n)]
        out.append(ece([probs[i] for i in idx], [right[i] for i in idx], bins))
    return sorted(out)


def wilson_interval(right: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95 % Wilson score interval of a share ``right`` / ``n`` (a precision on few stances)."""
    if n == 0:
        return (0.0, 1.0)
    p = right / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def view_threshold(probs: list[float], right: list[bool], precision: float = 0.75, min_kept: int = 20) -> float:
    """The lowest threshold t (on a 0.01 grid) at which the stances of confidence >= t are
    right at least ``precision`` of the time, with at least ``min_kept`` of them kept (else 1.0)."""
    for k in range(0, 101):
        t = k / 100
        kept = [r for p, r in zip(probs, right) if p >= t]
        if len(kept) >= min_kept and sum(kept) / len(kept) >= precision:
            return t
    return 1.0


@functools.lru_cache(maxsize=4)
def calibration_at(path: str | None) -> Calibration | None:
    """The maps in the file ``path``, loaded once per path; None (raw scores) when switched off
    (``path`` None) or unreadable (logged once)."""
    if path is None:
        return None
    try:
        return Calibration.load(Path(path))
    except (OSError, KeyError, ValueError) as exc:
        log.warning("stance calibration unavailable (%s): raw confidence", exc)
        return None


def default_calibration(settings: Settings | None = None) -> Calibration | None:
    """The maps the settings name (``stance_calibration``, ``KG_STANCE_CALIBRATION``; default
    :meth:`Settings.load`: the shipped file)."""
    return calibration_at((settings or Settings.load()).stance_calibration)


def calibrate(source: str, raw: float, settings: Settings | None = None) -> float:
    """``raw`` confidence of a stance from ``source`` as a probability of being right."""
    cal = default_calibration(settings)
    return raw if cal is None else cal(source, raw)


def _shipped_view_threshold() -> float:
    try:
        return float(json.loads(CALIBRATION_PATH.read_text(encoding="utf-8"))["view_threshold"])
    except (OSError, KeyError, ValueError):
        return FALLBACK_VIEW_THRESHOLD


# The views' default ``--min-confidence`` (``kg network``, ``kg viz``): the threshold derived
# from the shipped calibration (the lowest confidence at which held-out stances are right at
# least 75 % of the time), whatever ``KG_STANCE_CALIBRATION`` says.
VIEW_MIN_CONFIDENCE = _shipped_view_threshold()
