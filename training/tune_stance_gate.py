"""Choose how the linear pair model and the encoder are combined (gate, blend, threshold).

On DSA rows held out from both models' training (``fit_stance_model.py --heldout-out`` writes
them; fit both models with ``--partial-out`` / without ``--all`` first), this script parses
each sentence, scores every candidate pair with both models (:mod:`kg.extract.pair_scores`),
and replays the scorer's rule (a pair whose mentions overlap p and q predicts the row's label;
the most confident wins; nothing predicts "neutral") for a grid of

* ``gate``: pairs the linear model calls neutral with at least this probability skip the encoder;
* ``blend``: weight of the encoder's probabilities against the linear model's;
* ``threshold``: least stance probability for a stance to be emitted.

It prints macro-F1 over the five classes and the share of pairs the encoder reads, and with
``--write FILE`` stores the chosen setting in that encoder file. Rules are left out of the
replay, so the end-to-end figure (``score.py``) differs a little.

Usage: .venv/bin/python -m training.tune_stance_gate --heldout /tmp/heldout.jsonl \
         --linear /tmp/linear_partial.npz --encoder /tmp/encoder_partial.npz [--window 8] \
         [--write kg/data/stance_encoder.npz]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from kg.extract.encoder import load_encoder
from kg.extract.pair_scores import candidate_pairs, encoder_probabilities
from kg.extract.stance_model import StanceModel, pair_features
from kg.extract.stance_rules import find_cues
from kg.nlp import load_nlp
from training.common import macro_f1

# class of the pair (a, b) -> the row's label, when a is p / when a is q
AS_P = {1: 1, 2: 2, 3: 3, 4: 4}  # a_pos_b = p_pos_q ...
AS_Q = {1: 2, 2: 1, 3: 4, 4: 3}  # a_pos_b = q_pos_p ...
GOLD = {"neutral": 0, "p_pos_q": 1, "q_pos_p": 2, "p_neg_q": 3, "q_neg_p": 4}


def collect(rows, linear, encoder):
    """Per row: a list of (table, linear probs, encoder probs) for the pairs that touch p and q."""
    nlp = load_nlp()
    out = []
    n_pairs = 0
    for row, doc in zip(rows, nlp.pipe((r["sentence"] for r in rows), batch_size=64)):
        pairs = candidate_pairs(doc)
        n_pairs += len(pairs)
        cues = find_cues(doc)
        hits = []
        for k, (sent, a, b) in enumerate(pairs):
            ca = (doc[a[0]].idx, doc[a[1] - 1].idx + len(doc[a[1] - 1]))
            cb = (doc[b[0]].idx, doc[b[1] - 1].idx + len(doc[b[1] - 1]))
            p, q = row["p"]["word"], row["q"]["word"]
            ov = lambda x, w: x[0] < w["end"] and w["start"] < x[1]  # noqa: E731
            if ov(ca, p) and ov(cb, q):
                hits.append((k, AS_P))
            elif ov(ca, q) and ov(cb, p):
                hits.append((k, AS_Q))
        if hits:
            sel = [pairs[k] for k, _ in hits]
            lin = linear.probabilities([pair_features(doc, a, b, cues) for _, a, b in sel])
            enc = encoder_probabilities(encoder, sel)
            out.append([(t, lin[i], enc[i]) for i, (_, t) in enumerate(hits)])
        else:
            out.append([])
    return out, n_pairs


def replay(collected, gold, gate, blend, threshold, back=None):
    """The scorer's prediction per row; ``back``: another threshold for the b-about-a classes."""
    pred = np.zeros(len(gold), dtype=int)
    encoded = total = 0
    for r, hits in enumerate(collected):
        best = None
        for table, lin, enc in hits:
            total += 1
            p = lin
            if lin[0] < gate:
                encoded += 1
                p = blend * enc + (1 - blend) * lin
            k = int(p[1:].argmax()) + 1
            th = back if back is not None and k in (2, 4) else threshold
            if p[k] >= th and (best is None or p[k] > best[0]):
                best = (p[k], table[k])
        pred[r] = best[1] if best else 0
    return pred, encoded / max(total, 1)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--heldout", required=True)
    ap.add_argument("--linear", required=True)
    ap.add_argument("--encoder", required=True)
    ap.add_argument("--gates", type=float, nargs="+", default=[0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 1.1])
    ap.add_argument("--blends", type=float, nargs="+", default=[0.0, 0.25, 0.5, 0.75, 1.0])
    ap.add_argument(
        "--window",
        type=int,
        default=None,
        help="pair mode: pieces kept round the pair at inference (0: whole sentence); stored with --write",
    )
    ap.add_argument("--write", default=None, help="encoder .npz to store the best setting in")
    ap.add_argument(
        "--accurate",
        action="store_true",
        help="--encoder is an accurate-mode file (fit_stance_teacher.py --save-weights)",
    )
    ap.add_argument("--back", action="store_true", help="also try a threshold of its own for the b-about-a classes")
    ap.add_argument("--max-encoded", type=float, default=1.0, help="largest share of pairs the encoder may read")
    ap.add_argument(
        "--device", default="auto", help="with --accurate: auto, cpu, numpy, cuda[:N] or mps, as kg --device"
    )
    args = ap.parse_args(argv)

    rows = [json.loads(x) for x in open(args.heldout, encoding="utf-8") if x.strip()]
    rows = [r for r in rows if r.get("eval_clean", True)]
    gold = np.array([GOLD[r["label"]] for r in rows])
    if args.accurate:
        from kg.extract.accurate import load_accurate
        from kg.extract.accurate_torch import pick_device

        encoder = load_accurate(Path(args.encoder), device=pick_device(args.device))
    else:
        encoder = load_encoder(Path(args.encoder))
    if args.window is not None:
        encoder.window = args.window
    collected, n_pairs = collect(rows, StanceModel.load(Path(args.linear)), encoder)
    print(
        f"{len(rows)} clean held-out rows, {n_pairs} candidate pairs, "
        f"{sum(1 for h in collected if h)} rows with a pair on p and q",
        file=sys.stderr,
    )
    best = None
    for gate in args.gates:
        for blend in args.blends:
            line = None
            for th in np.arange(0.2, 0.95, 0.025):
                pred, share = replay(collected, gold, gate, blend, th)
                m, per = macro_f1(gold, pred)
                if line is None or m > line[0]:
                    line = (m, float(th), share, per)
            print(
                f"gate {gate:.2f} blend {blend:.2f}: macro-F1 {line[0]:.3f} at threshold {line[1]:.3f}, "
                f"encoder reads {line[2]:.0%} of matched pairs; per class {[round(x, 3) for x in line[3]]}"
            )
            if line[2] <= args.max_encoded and (best is None or line[0] > best[0]):
                best = (line[0], gate, blend, line[1])
    print(
        json.dumps({"macro_f1_5": round(best[0], 4), "gate": best[1], "blend": best[2], "threshold": round(best[3], 3)})
    )
    if args.back:  # a threshold of its own for the later-mention-holds classes, at the best setting
        for back in np.arange(0.2, 0.7, 0.025):
            pred, _ = replay(collected, gold, best[1], best[2], best[3], float(back))
            m, per = macro_f1(gold, pred)
            print(
                f"threshold {best[3]:.3f}, b-about-a classes {back:.3f}: macro-F1 {m:.3f}; per class {[round(x, 3) for x in per]}"
            )
    if args.write:
        with np.load(args.write, allow_pickle=False) as z:
            data = {k: z[k] for k in z.files}
        data.update(
            gate=np.float32(best[1]),
            blend=np.float32(best[2]),
            threshold=np.float32(best[3]),
            window=np.int32(encoder.window),
        )
        np.savez_compressed(args.write, **data)
        print(f"wrote gate/blend/threshold into {args.write}", file=sys.stderr)


if __name__ == "__main__":
    main()
