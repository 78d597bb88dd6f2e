"""Calibrate stance confidence, and report what the stance extractor gets right and wrong.

Runs the whole extraction (rules, quote phrases, linear pair model, encoder: what ``kg extract``
does) on DSA rows, keeps for each row the stances that fall on its labelled pair (holder on one
entity, target on the other, as the scorer matches them) and marks each right when its
direction and polarity are the row's label.

``--fit FILE`` (on the held-out training rows, the hash split every fitting script holds out):
fits Platt maps (one slope, an intercept per source group: rules, learned pair models) from each
stance's raw score to P(right), derives the views' threshold (the lowest confidence at which
the calibrated confidences of the stances kept average at least 0.75: their expected precision)
and writes both, with the figures behind them, to FILE (``kg/data/stance_calibration.json``).
Run it with ``KG_STANCE_MODEL`` set to the linear model fitted without the held-out rows
(``fit_stance_model.py --partial-out``): the shipped one has seen them.

Which held-out rows: those whose pair has no copy among the training rows (``--subset unique``,
the default). The scorer leaves out the dev rows that copy a training row, and copied pairs are
a kind of their own (wire copy of the most-told stories: 59 % of them carry a stance, 27 % of
the rest); held-out rows with a copy are easier (macro-F1 0.648 against 0.506), so maps fitted
with them overstate confidence on dev and on new text (``training.common.copied_pairs``).
Earlier files were fitted on the rows with a name no training-part row has
(``--subset a-new-name``); on the rows without a copy, two-fold, that choice calibrates worse.

``--report``: on the rows given (held-out training rows, or dev for the final report only),
macro-F1 over the five classes with its bootstrap interval (the scorer's own code, from
``--scorer``), per-class F1, the confusion between classes, the mistake classes with counts, the
expected calibration error (10 bins) before and after calibration, a reliability table, and
the precision and recall of the stances at the views' threshold.

Usage (T = ../shared/eval/data/dsa_train.jsonl, D = ../shared/eval/data/dsa_dev.jsonl)::

    python -m training.calibrate_stances --rows T --heldout --fit kg/data/stance_calibration.json
    python -m training.calibrate_stances --rows T --heldout --report          # choices, error analysis
    python -m training.calibrate_stances --rows D --report                    # the final figures only

``--stances accurate`` runs the accurate mode instead (``KG_STANCES=accurate``) and fits or
reports its own map. The rows are read from outside the repository and nothing of them is
written into it: the output file holds parameters and counts only.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import pickle
import random
import sys
import time
from collections import Counter
from pathlib import Path

from training.common import copied_pairs, heldout, pair_key

LABELS5 = ["neutral", "p_pos_q", "q_pos_p", "p_neg_q", "q_neg_p"]


def _ov(a, b) -> bool:
    return a[0] < b[1] and a[1] > b[0]


def extract_rows(rows: list[dict], mode: str, cache: Path | None) -> list[list[dict]]:
    """Per row, every stance the extractor emits on its sentence (with source and raw score)."""
    key = hashlib.sha1(
        json.dumps(
            [mode, os.environ.get("KG_STANCE_MODEL"), os.environ.get("KG_STANCE_ENCODER")] + [r["id"] for r in rows]
        ).encode()
    ).hexdigest()[:12]
    path = cache / f"stances-{key}.pkl" if cache else None
    if path and path.exists():
        return pickle.loads(path.read_bytes())
    os.environ["KG_STANCES"] = mode
    from kg.articles import Article
    from kg.pipeline import extract_articles

    out, t0 = [], time.time()
    arts = (Article(id=str(r["id"]), text=r["sentence"]) for r in rows)
    for n, ex in enumerate(extract_articles(arts)):
        stances = getattr(ex, "stances", None) or []
        actors = {a.id: a for a in getattr(ex, "actors", [])}
        got = []
        for s in stances:
            if s.polarity not in ("positive", "negative"):
                continue
            hs = (
                [(s.holder_span.start, s.holder_span.end)]
                if s.holder_span
                else [(m.start, m.end) for m in getattr(actors.get(s.holder), "mentions", [])]
            )
            ts = (
                [(s.target_span.start, s.target_span.end)]
                if s.target_span
                else [(m.start, m.end) for m in getattr(actors.get(s.target), "mentions", [])]
            )
            got.append(
                {
                    "polarity": s.polarity,
                    "source": s.source or "rule",
                    "raw": float(s.raw_confidence or 0.0),
                    "confidence": s.confidence,
                    "holder": hs,
                    "target": ts,
                }
            )
        out.append(got)
        if n % 500 == 0:
            print(f"extracted {n}/{len(rows)} rows, {time.time() - t0:.0f}s", file=sys.stderr, flush=True)
    if path:
        path.write_bytes(pickle.dumps(out))
    return out


def read_predictions(rows: list[dict], path: Path) -> list[list[dict]]:
    """Per row, the stances of a ``kg extract --format jsonl`` output (the scorer's ``--keep``
    folder holds one: pred.jsonl), their confidence as emitted (already calibrated)."""
    by_id = {}
    for line in open(path, encoding="utf-8"):
        if line.strip():
            obj = json.loads(line)
            by_id[str(obj.get("id"))] = obj
    out = []
    for r in rows:
        obj = by_id.get(str(r["id"]), {})
        actors = {a["id"]: a for a in obj.get("actors", [])}
        got = []
        for s in obj.get("stances", []):
            if s.get("polarity") not in ("positive", "negative"):
                continue
            spans = {}
            for role in ("holder", "target"):
                sp = s.get(f"{role}_span")
                spans[role] = (
                    [(sp["start"], sp["end"])]
                    if sp
                    else [(m["start"], m["end"]) for m in actors.get(s.get(role), {}).get("mentions", [])]
                )
            got.append(
                {
                    "polarity": s["polarity"],
                    "source": "emitted",
                    "raw": float(s.get("confidence", 0.0)),
                    "confidence": float(s.get("confidence", 0.0)),
                    **spans,
                }
            )
        out.append(got)
    return out


def names(row: dict) -> set[str]:
    return {row[k]["word"]["text"].lower().strip("’' ") for k in ("p", "q")}


def on_pair(row: dict, stance: dict) -> str | None:
    """The row label a stance claims for the row's pair (p_pos_q, ...), or None when it is not
    on the pair (the scorer's matching)."""
    p = (row["p"]["word"]["start"], row["p"]["word"]["end"])
    q = (row["q"]["word"]["start"], row["q"]["word"]["end"])
    hs, ts = stance["holder"], stance["target"]
    pos = stance["polarity"] == "positive"
    if any(_ov(x, p) for x in hs) and any(_ov(x, q) for x in ts):
        return "p_pos_q" if pos else "p_neg_q"
    if any(_ov(x, q) for x in hs) and any(_ov(x, p) for x in ts):
        return "q_pos_p" if pos else "q_neg_p"
    return None


def claims(rows: list[dict], found: list[list[dict]], cal=None) -> list[dict]:
    """Every stance on a row's labelled pair: its group, raw score, calibrated confidence, and
    whether it is right."""
    from kg.extract.calibration import source_group

    out = []
    for row, stances in zip(rows, found):
        for s in stances:
            label = on_pair(row, s)
            if label is None:
                continue
            conf = cal(s["source"], s["raw"]) if cal is not None else s["raw"]
            out.append(
                {
                    "group": source_group(s["source"]),
                    "raw": s["raw"],
                    "conf": conf,
                    "right": label == row["label"],
                    "row": row["id"],
                }
            )
    return out


def predictions(rows: list[dict], found: list[list[dict]], cal=None, threshold: float = 0.0) -> list[str]:
    """The scorer's prediction per row (the most confident stance on the pair), optionally only
    from stances of confidence >= ``threshold``."""
    out = []
    for row, stances in zip(rows, found):
        best = None
        for s in stances:
            label = on_pair(row, s)
            conf = cal(s["source"], s["raw"]) if cal is not None else s["raw"]
            if label and conf >= threshold and (best is None or conf > best[0]):
                best = (conf, label)
        out.append(best[1] if best else "neutral")
    return out


def mistake_classes(rows: list[dict], preds: list[str], nlp=None) -> Counter:
    """Each wrong row in one mistake class."""
    from kg.extract.stance_model import candidate_mentions

    counts: Counter = Counter()
    docs = nlp.pipe([r["sentence"] for r in rows], batch_size=64) if nlp is not None else [None] * len(rows)
    for row, pred, doc in zip(rows, preds, docs):
        gold = row["label"]
        if gold == pred:
            continue
        if gold == "neutral":
            counts["neutral pair read as a stance"] += 1
            continue
        if pred == "neutral":
            if doc is not None:
                spans = [
                    (doc[a].idx, doc[b - 1].idx + len(doc[b - 1])) for s in doc.sents for a, b in candidate_mentions(s)
                ]
                p = (row["p"]["word"]["start"], row["p"]["word"]["end"])
                q = (row["q"]["word"]["start"], row["q"]["word"]["end"])
                if not any(_ov(x, p) for x in spans) or not any(_ov(x, q) for x in spans):
                    counts["stance missed: no candidate mention on p or q"] += 1
                    continue
            counts["stance missed: pair found, nothing emitted"] += 1
            continue
        same_dir = gold[0] == pred[0]
        same_pol = gold[2:5] == pred[2:5]
        if same_pol and not same_dir:
            counts["wrong direction, right polarity"] += 1
        elif same_dir and not same_pol:
            counts["right direction, wrong polarity"] += 1
        else:
            counts["wrong direction and polarity"] += 1
    return counts


def load_scorer(path: str):
    spec = importlib.util.spec_from_file_location("kg_eval_score", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", required=True, help="DSA rows (jsonl)")
    ap.add_argument("--heldout", action="store_true", help="only the held-out training rows (the hash split)")
    ap.add_argument("--stances", choices=["fast", "accurate"], default="fast")
    ap.add_argument("--fit", type=Path, default=None, help="write the calibration maps here")
    ap.add_argument("--report", action="store_true")
    ap.add_argument(
        "--calibration",
        type=Path,
        default=None,
        help="map file to report with (default: the shipped one; with --fit, the new one)",
    )
    ap.add_argument(
        "--subset",
        choices=["unique", "a-new-name", "new-names", "all"],
        default="unique",
        help="--fit on the held-out rows whose pair has no copy among the rows (default; dev's clean rows "
        "are those without a copy in training), with a name that no training-part row has, with two such "
        "names, or on all held-out rows (see the module doc)",
    )
    ap.add_argument(
        "--unique", action="store_true", help="only rows whose pair has no copy among the rows (as dev's clean rows)"
    )
    ap.add_argument(
        "--isotonic",
        nargs="*",
        default=[],
        help="groups fitted as isotonic curves instead of Platt maps (the shipped file: accurate)",
    )
    ap.add_argument("--precision", type=float, default=0.75, help="least precision at the views' threshold")
    ap.add_argument("--scorer", default=str(Path(__file__).resolve().parents[2] / "shared" / "eval" / "score.py"))
    ap.add_argument(
        "--cache",
        type=Path,
        default=Path("/tmp/kg-calibration-cache"),
        help="folder for the extracted stances (outside the repository)",
    )
    ap.add_argument(
        "--pred",
        type=Path,
        default=None,
        help="report on this extraction output (pred.jsonl of score.py --keep) instead of extracting; "
        "its confidences are taken as calibrated",
    )
    ap.add_argument("--errors", action="store_true", help="with --report: parse again to split missed stances")
    ap.add_argument("--json", type=Path, default=None, help="with --report: write the figures here too")
    args = ap.parse_args(argv)

    from kg.extract.calibration import (
        Calibration,
        bootstrap_ece,
        ece,
        ece_if_calibrated,
        expected_precision_threshold,
        fit_isotonic,
        fit_platt_groups,
        reliability,
        view_threshold,
        wilson_interval,
    )

    every = [json.loads(x) for x in open(args.rows, encoding="utf-8") if x.strip()]
    copied = copied_pairs(every)
    rows = [
        r
        for r in every
        if r.get("eval_clean", True)
        and (not args.heldout or heldout(r["sentence"]))
        and not (args.unique and pair_key(r) in copied)
    ]
    seen = set().union(*(names(r) for r in every if not heldout(r["sentence"]))) if args.heldout else set()
    print(f"{len(rows)} clean rows", file=sys.stderr)
    args.cache.mkdir(parents=True, exist_ok=True)
    found = read_predictions(rows, args.pred) if args.pred else extract_rows(rows, args.stances, args.cache)

    cal = None
    if args.fit:
        pick = [
            k
            for k, r in enumerate(rows)
            if args.subset == "all"
            or (args.subset == "unique" and pair_key(r) not in copied)
            or (args.subset == "new-names" and not (names(r) & seen))
            or (args.subset == "a-new-name" and names(r) - seen)
        ]
        sub_rows, sub_found = [rows[k] for k in pick], [found[k] for k in pick]
        raw = claims(sub_rows, sub_found)
        data = json.loads(args.fit.read_text()) if args.fit.exists() else {"maps": {}}
        maps = data.get("maps", {})
        fitted_maps = fit_platt_groups([c["raw"] for c in raw], [c["right"] for c in raw], [c["group"] for c in raw])
        for g, (a, b) in fitted_maps.items():
            if args.stances == "accurate" and g != "accurate":
                continue  # the rule map stays the default mode's
            n = sum(1 for c in raw if c["group"] == g)
            ok = sum(1 for c in raw if c["group"] == g and c["right"])
            if g in args.isotonic:
                xs, ys = fit_isotonic(
                    [c["raw"] for c in raw if c["group"] == g], [c["right"] for c in raw if c["group"] == g]
                )
                maps[g] = {"x": list(xs), "y": list(ys), "n": n, "right": ok}
                print(f"{g}: {n} stances on the pair, {ok} right; isotonic, {len(xs)} knots", file=sys.stderr)
                continue
            maps[g] = {"a": round(a, 5), "b": round(b, 5), "n": n, "right": ok}
            print(f"{g}: {n} stances on the pair, {ok} right; a={a:.3f} b={b:.3f}", file=sys.stderr)
        cal = Calibration.from_entries(maps)
        fitted = claims(sub_rows, sub_found, cal)
        probs, right = [c["conf"] for c in fitted], [c["right"] for c in fitted]
        everyone = claims(rows, found, cal)
        out = dict(data)
        out["maps"] = maps
        if args.stances == "fast":
            out["view_threshold"] = expected_precision_threshold(probs, args.precision)
            out["view_threshold_rule"] = (
                f"lowest confidence (0.01 steps) at which the calibrated confidences of the stances kept average at "
                f"least {args.precision} (their expected precision), over the stances the map was fitted on"
            )
            kept = [c for c in fitted if c["conf"] >= out["view_threshold"]]
            out.setdefault("heldout_figures", {})["fast_at_view_threshold"] = {
                "stances": len(kept),
                "right": sum(c["right"] for c in kept),
                "threshold_from_labels": view_threshold(probs, right, args.precision, min_kept=10),
            }
        out.setdefault("fitted_on", {})[args.stances] = (
            f"dsa_train held-out rows (sha1(sentence) % 100 < 15, eval_clean; {len(rows)} rows), "
            + {
                "unique": "those whose pair has no copy among the training rows ",
                "new-names": "those whose two names occur in no row of the training part ",
                "a-new-name": "those with a name that occurs in no row of the training part ",
                "all": "all of them ",
            }[args.subset]
            + f"({len(sub_rows)} rows): {len(fitted)} stances on a row's labelled pair; "
            + (
                "linear stance model refit without the held-out rows (fit_stance_model.py --partial-out)"
                if os.environ.get("KG_STANCE_MODEL")
                else "the shipped linear stance model (it has seen these rows: for trials only)"
            )
        )
        out.setdefault("heldout_figures", {})[args.stances] = {
            "ece_10_raw": round(ece([c["raw"] for c in raw], right), 4),
            "ece_10": round(ece(probs, right), 4),
            "all_heldout_rows": {
                "stances": len(everyone),
                "right": sum(c["right"] for c in everyone),
                "ece_10": round(ece([c["conf"] for c in everyone], [c["right"] for c in everyone]), 4),
            },
        }
        out["method"] = (
            "Platt scaling with one slope and an intercept per source group: "
            "P(right) = sigmoid(a * logit(raw) + b[group]); a group whose entry holds x and y "
            "is an isotonic curve instead (pool-adjacent-violators; linear between knots)"
        )
        out["script"] = (
            "KG_STANCE_MODEL=linear_partial.npz python -m training.calibrate_stances "
            "--rows dsa_train.jsonl --heldout --fit kg/data/stance_calibration.json; the same with "
            "--stances accurate --isotonic accurate"
        )
        args.fit.write_text(json.dumps(out, indent=1) + "\n")
        print(f"wrote {args.fit}: view threshold {out.get('view_threshold')}", file=sys.stderr)
    if not args.report:
        return
    if args.pred:
        cal = Calibration({})  # the emitted confidences are already calibrated
    elif cal is None:
        cal = Calibration.load(args.calibration) if args.calibration else Calibration.load()
    threshold = json.loads((args.calibration or args.fit or Path("kg/data/stance_calibration.json")).read_text())[
        "view_threshold"
    ]
    scorer = load_scorer(args.scorer)
    preds = predictions(rows, found, cal)
    golds = [r["label"] for r in rows]
    m5, per5 = scorer.macro_f1(golds, preds, LABELS5)
    rnd = random.Random(13)  # the scorer's bootstrap: 1,000 resamples, seed 13, 2.5th and 97.5th

    boots = []
    for _ in range(1000):
        idx = [rnd.randrange(len(golds)) for _ in range(len(golds))]
        boots.append(scorer.macro_f1([golds[i] for i in idx], [preds[i] for i in idx], LABELS5)[0])
    boots.sort()
    conf = {g: Counter() for g in LABELS5}
    for g, p in zip(golds, preds):
        conf[g][p] += 1
    raw = claims(rows, found)
    calibrated = claims(rows, found, cal)
    probs, right = [c["conf"] for c in calibrated], [c["right"] for c in calibrated]
    kept = [c for c in calibrated if c["conf"] >= threshold]
    observed_ece, boot_ece, floor = ece(probs, right), bootstrap_ece(probs, right), ece_if_calibrated(probs)
    gold_stance = [r for r in rows if r["label"] != "neutral"]
    at_th = predictions(rows, found, cal, threshold)
    found_right = sum(1 for r, p in zip(rows, at_th) if r["label"] != "neutral" and p == r["label"])
    rep = {
        "rows": len(rows),
        "mode": args.stances,
        "macro_f1_5": round(m5, 4),
        "macro_f1_5_ci95": [round(boots[24], 4), round(boots[974], 4)],
        "per_class_f1": {k: round(v, 3) for k, v in per5.items()},
        "confusion_gold_to_pred": {g: dict(conf[g]) for g in LABELS5},
        "stances_on_pair": len(calibrated),
        "right": int(sum(right)),
        "by_group": {
            g: {
                "n": sum(1 for c in calibrated if c["group"] == g),
                "right": sum(1 for c in calibrated if c["group"] == g and c["right"]),
            }
            for g in sorted({c["group"] for c in calibrated})
        },
        "ece_10_raw": round(ece([c["raw"] for c in raw], right), 4),
        "ece_10": round(observed_ece, 4),
        # ECE has a floor on a sample this size: what a perfectly calibrated extractor would show
        "ece_10_ci95": [round(boot_ece[24], 4), round(boot_ece[974], 4)],
        "ece_10_if_calibrated": {
            "mean": round(sum(floor) / len(floor), 4),
            "p95": round(floor[949], 4),
            "p_value": round(sum(1 for e in floor if e >= observed_ece) / len(floor), 3),
        },
        "reliability": reliability(probs, right),
        "view_threshold": threshold,
        "at_threshold": {
            "stances": len(kept),
            "precision": round(sum(c["right"] for c in kept) / max(len(kept), 1), 4),
            "precision_ci95": [round(x, 4) for x in wilson_interval(sum(c["right"] for c in kept), len(kept))],
            "expected_precision": round(sum(c["conf"] for c in kept) / max(len(kept), 1), 4),
            "gold_stance_pairs": len(gold_stance),
            "found_exactly": found_right,
            "share_found": round(found_right / max(len(gold_stance), 1), 4),
        },
    }
    if args.errors:
        from kg.nlp import load_nlp

        rep["mistakes"] = dict(mistake_classes(rows, preds, load_nlp()).most_common())
    else:
        rep["mistakes"] = dict(mistake_classes(rows, preds).most_common())
    print(json.dumps(rep, indent=1))
    if args.json:
        args.json.write_text(json.dumps(rep, indent=1) + "\n")


if __name__ == "__main__":
    main()
