"""The stance calibration map (kg.extract.calibration) on hand-built inputs."""

from __future__ import annotations

import json
import math
import random
import re
from pathlib import Path

import pytest

from kg.extract import calibration as C


def test_platt_is_identity_at_one_zero():
    for p in (0.05, 0.3, 0.5, 0.77, 0.99):
        assert C.platt(p, 1.0, 0.0) == pytest.approx(p, abs=1e-9)


def test_platt_is_monotone_and_bounded():
    xs = [k / 100 for k in range(0, 101)]
    ys = [C.platt(x, 1.7, -0.4) for x in xs]
    assert all(0.0 < y < 1.0 for y in ys)
    assert ys == sorted(ys)


def test_fit_platt_recovers_the_map_that_made_the_data():
    rng = random.Random(3)
    raw = [rng.uniform(0.05, 0.95) for _ in range(4000)]
    right = [rng.random() < C.platt(r, 2.0, -0.5) for r in raw]
    a, b = C.fit_platt(raw, right)
    assert a == pytest.approx(2.0, abs=0.25)
    assert b == pytest.approx(-0.5, abs=0.15)


def test_fit_platt_on_already_calibrated_scores_stays_near_identity():
    rng = random.Random(5)
    raw = [rng.uniform(0.05, 0.95) for _ in range(4000)]
    right = [rng.random() < r for r in raw]
    a, b = C.fit_platt(raw, right)
    assert a == pytest.approx(1.0, abs=0.15) and b == pytest.approx(0.0, abs=0.12)


def test_fit_platt_on_separable_data_stays_finite():
    a, b = C.fit_platt([0.2, 0.3, 0.8, 0.9], [False, False, True, True])
    assert math.isfinite(a) and math.isfinite(b) and a > 0


def test_fit_platt_without_data_is_identity():
    assert C.fit_platt([], []) == (1.0, 0.0)


def test_ece_by_hand():
    # bin 0.2-0.3: two stances at 0.25, one right (share 0.5, gap 0.25); bin 0.9-1.0: two at
    # 0.95, both right (gap 0.05): ECE = 2/4 * 0.25 + 2/4 * 0.05 = 0.15
    probs, right = [0.25, 0.25, 0.95, 0.95], [True, False, True, True]
    assert C.ece(probs, right) == pytest.approx(0.15)
    table = C.reliability(probs, right)
    assert len(table) == 10
    assert table[2] == {"bin": "0.2-0.3", "n": 2, "confidence": 0.25, "right": 0.5}
    assert table[9]["n"] == 2 and table[9]["right"] == 1.0
    assert C.ece([], []) == 0.0


def test_ece_is_zero_when_confidence_matches_the_share_right():
    probs = [0.7] * 10
    right = [True] * 7 + [False] * 3
    assert C.ece(probs, right) == pytest.approx(0.0)


def test_a_calibrated_extractor_still_shows_an_ece_on_a_finite_sample():
    # all stances at 0.5: the ECE of a draw is |share right - 0.5| in the one bin, whose mean
    # over draws is about sqrt(2 / pi) * 0.5 / sqrt(n) (0.040 for n = 100), never zero
    floor = C.ece_if_calibrated([0.5] * 100, draws=400)
    assert floor == sorted(floor) and len(floor) == 400
    assert sum(floor) / len(floor) == pytest.approx(math.sqrt(2 / math.pi) * 0.05, abs=0.008)
    # four times the stances halve it
    bigger = C.ece_if_calibrated([0.5] * 400, draws=400)
    assert sum(bigger) / len(bigger) == pytest.approx(sum(floor) / len(floor) / 2, rel=0.25)
    # certain stances leave nothing to chance
    assert C.ece_if_calibrated([1.0] * 30, draws=20) == [0.0] * 20


def test_bootstrap_ece_brackets_the_observed_value():
    rnd = random.Random(3)
    probs = [rnd.random() for _ in range(300)]
    right = [rnd.random() < min(1.0, p + 0.15) for p in probs]  # underconfident by 0.15
    observed = C.ece(probs, right)
    boots = C.bootstrap_ece(probs, right, draws=300)
    assert boots[7] <= observed <= boots[292]
    assert C.bootstrap_ece([0.9] * 10, [True] * 9 + [False], draws=50) == sorted(
        C.bootstrap_ece([0.9] * 10, [True] * 9 + [False], draws=50)
    )


def test_wilson_interval_by_hand():
    lo, hi = C.wilson_interval(7, 10)
    assert (lo, hi) == (pytest.approx(0.3968, abs=1e-4), pytest.approx(0.8922, abs=1e-4))
    assert C.wilson_interval(0, 0) == (0.0, 1.0)
    lo, hi = C.wilson_interval(20, 20)
    assert hi == 1.0 and 0.83 < lo < 0.85


def test_view_threshold_is_the_lowest_with_enough_precision():
    probs = [0.3] * 20 + [0.5] * 20 + [0.8] * 20
    right = [False] * 20 + [True] * 10 + [False] * 10 + [True] * 20
    # >= 0.3: 30/60; >= 0.31 .. 0.5: 30/40 = 0.75; so 0.31
    assert C.view_threshold(probs, right, 0.75, min_kept=5) == pytest.approx(0.31)
    assert C.view_threshold(probs, right, 0.99, min_kept=5) == pytest.approx(0.51)
    assert C.view_threshold(probs, [False] * 60, 0.75) == 1.0


def test_calibration_applies_the_map_of_the_source_group():
    cal = C.Calibration({"rule": (1.0, 1.0), "model": (2.0, 0.0)})
    assert cal("verb", 0.5) == pytest.approx(1 / (1 + math.exp(-1.0)))  # rules and phrases share a map
    assert cal("phrase", 0.5) == cal("rule", 0.5)
    assert cal("model", 0.5) == pytest.approx(0.5)
    assert cal("model", 0.8) > 0.8
    assert cal("accurate", 0.42) == 0.42  # no map for that group: the raw score
    assert C.source_group("accurate") == "accurate" and C.source_group("quote") == "rule"


def test_isotonic_curve_is_monotone_and_fits_a_step():
    # scores piled just above a threshold right half of the time, a clear jump above them:
    # one Platt slope cannot follow that, a step can
    raw = [0.65] * 20 + [0.8, 0.85, 0.9] * 10
    right = [True, False] * 10 + [True, True, True] * 10
    xs, ys = C.fit_isotonic(raw, right)
    assert list(xs) == sorted(xs) and list(ys) == sorted(ys)  # knots and values non-decreasing
    cal = C.Calibration(curves={"accurate": (xs, ys)})
    assert cal("accurate", 0.65) == pytest.approx(0.5)
    assert cal("accurate", 0.95) == pytest.approx(0.98)  # never certain: the floor keeps 0.02 off
    assert cal("accurate", 0.1) == pytest.approx(0.5)  # flat beyond the end knots
    assert cal("model", 0.3) == 0.3  # other groups: their own map, or the raw score
    assert C.fit_isotonic([0.3, 0.3, 0.7], [True, False, True]) == ((0.3, 0.7), (0.5, 0.98))  # ties: one block


def test_a_curve_wins_over_a_platt_map_and_loads_from_file(tmp_path):
    path = tmp_path / "cal.json"
    maps = {"model": {"a": 1.0, "b": 0.0}, "accurate": {"x": [0.5, 0.9], "y": [0.2, 0.8], "n": 9}}
    path.write_text(json.dumps({"maps": maps, "view_threshold": 0.5}))
    cal = C.Calibration.load(path)
    assert cal.curves == {"accurate": ((0.5, 0.9), (0.2, 0.8))} and set(cal.maps) == {"model"}
    assert cal("accurate", 0.7) == pytest.approx(0.5)
    assert cal("model", 0.7) == pytest.approx(0.7)


def test_load_round_trip(tmp_path):
    path = tmp_path / "cal.json"
    path.write_text(json.dumps({"maps": {"model": {"a": 1.5, "b": 0.1, "n": 3}}, "view_threshold": 0.55}))
    cal = C.Calibration.load(path)
    assert cal.maps == {"model": (1.5, 0.1)} and cal.view_threshold == 0.55


def test_environment_turns_calibration_off(monkeypatch):
    monkeypatch.setenv("KG_STANCE_CALIBRATION", "none")
    assert C.calibrate("model", 0.37) == 0.37
    monkeypatch.delenv("KG_STANCE_CALIBRATION")
    assert C.calibrate("model", 0.37) != 0.37


def test_shipped_map_and_view_threshold_agree():
    data = json.loads(C.CALIBRATION_PATH.read_text())
    assert set(data["maps"]) >= {"rule", "model", "accurate"}
    assert data["view_threshold"] == C.VIEW_MIN_CONFIDENCE
    assert 0.0 < C.VIEW_MIN_CONFIDENCE < 1.0
    for group in ("rule", "model"):  # monotone increasing maps
        assert data["maps"][group]["a"] > 0
    curve = data["maps"]["accurate"]  # an isotonic curve: non-decreasing knots and values
    assert curve["x"] == sorted(curve["x"]) and curve["y"] == sorted(curve["y"])


def test_views_and_bundled_query_use_the_one_threshold():
    """kg network / kg viz default to VIEW_MIN_CONFIDENCE; the bundled mixed_signals query
    writes the same number (SPARQL files cannot import it)."""
    from kg.cli import cli

    checked = 0
    for name, command in cli.commands.items():
        for param in command.params:
            if param.name == "min_confidence":
                assert param.default == C.VIEW_MIN_CONFIDENCE, name
                checked += 1
    assert checked >= 4  # viz, network, events, polarisation
    rq = (Path(C.__file__).resolve().parents[1] / "queries" / "mixed_signals.rq").read_text()
    numbers = set(re.findall(r">= ([0-9.]+)\)", rq))
    assert numbers == {str(C.VIEW_MIN_CONFIDENCE)}


def test_the_settings_choose_the_calibration(nlp):
    """Stance extraction calibrates with the map its settings name; without one, confidence is
    the raw score."""
    from kg.pipeline import extract_text
    from kg.settings import Settings

    text = "Foreign Minister Anna Berg praised the United Nations. Berg criticised the plan."
    raw = extract_text(text, nlp=nlp, settings=Settings(stance_calibration=None)).stances
    calibrated = extract_text(text, nlp=nlp, settings=Settings()).stances
    assert raw and len(raw) == len(calibrated)
    assert all(s.confidence == round(s.raw_confidence, 4) for s in raw)
    assert any(c.confidence != r.confidence for r, c in zip(raw, calibrated))
