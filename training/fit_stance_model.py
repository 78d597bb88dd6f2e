"""Fit the pair classifier of :mod:`kg.extract.stance_model` on the DSA training split.

Data: Kunwoo Park, Zhufeng Pan, Jungseock Joo. 2021. *Who Blames or Endorses Whom?
Entity-to-Entity Directed Sentiment Extraction in News Text.* Findings of ACL. Its README allows
use with citation; only the learned parameters (feature names and weights) are written to
``kg/data/stance_model.npz``, never the rows.

What it does
1. parses the training sentences with the project's pipeline (or reads ``--cache``, a DocBin);
2. for each row, finds the candidate mentions overlapping the marked entities p and q (the
   gold span when no candidate does) and computes :func:`pair_features` for that pair;
3. holds out ~15% of the rows (by a hash of the sentence, so duplicates stay on one side), fits
   a multinomial logistic regression on the rest, and picks the abstention threshold (the
   least probability of a stance class for a stance to be emitted) that maximises macro-F1 over
   the five classes on the held-out part;
4. refits on all training rows with that setting and writes the weights.

Usage:  .venv/bin/python -m training.fit_stance_model --train ../shared/eval/data/dsa_train.jsonl
        [--cache /tmp/train.spacy] [--heldout-out /tmp/heldout.jsonl] [--C 0.5]
scikit-learn is needed here only (the dev extra); inference is plain numpy.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from kg.extract.stance_model import CLASSES, MODEL_PATH, candidate_mentions, pair_features
from kg.extract.stance_rules import find_cues
from kg.nlp import load_nlp
from training.common import CITATION, heldout, heldout_row, heldout_set, macro_f1  # noqa: F401 (re-exported)

LABEL_TO_CLASS = {
    "neutral": "neutral",
    "p_pos_q": "a_pos_b",
    "q_pos_p": "b_pos_a",
    "p_neg_q": "a_neg_b",
    "q_neg_p": "b_neg_a",
}


def parse(rows, cache):
    nlp = load_nlp()
    from spacy.tokens import DocBin

    if cache and Path(cache).exists():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
        if len(docs) == len(rows):
            return docs
    t = time.time()
    docs = list(nlp.pipe((r["sentence"] for r in rows), batch_size=64))
    print(f"parsed {len(docs)} sentences in {time.time() - t:.0f}s", file=sys.stderr)
    if cache:
        db = DocBin(
            attrs=["ORTH", "TAG", "HEAD", "DEP", "ENT_IOB", "ENT_TYPE", "LEMMA", "POS", "MORPH", "SENT_START", "SPACY"]
        )
        for d in docs:
            db.add(d)
        db.to_disk(cache)
    return docs


def locate(doc, word, mentions):
    """The candidate mention overlapping the gold entity, else the gold span's tokens."""
    s, e = word["start"], word["end"]
    for m in mentions:
        if doc[m[0]].idx < e and doc[m[1] - 1].idx + len(doc[m[1] - 1]) > s:
            return m, True
    span = doc.char_span(s, e, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None, False
    return (span.start, span.end), False


def examples(rows, docs):
    feats, labels, keep, found = [], [], [], Counter()
    for k, (row, doc) in enumerate(zip(rows, docs)):
        sent = doc[:]
        mentions = candidate_mentions(sent)
        a, fa = locate(doc, row["p"]["word"], mentions)
        b, fb = locate(doc, row["q"]["word"], mentions)
        found[(fa, fb)] += 1
        if a is None or b is None or a == b or not (a[1] <= b[0] or b[1] <= a[0]):
            continue
        if a[0] > b[0]:
            continue
        feats.append(pair_features(doc, a, b, find_cues(doc)))
        labels.append(CLASSES.index(LABEL_TO_CLASS[row["label"]]))
        keep.append(k)
    print(f"mentions found (p, q): {dict(found)}; pairs: {len(feats)} of {len(rows)}", file=sys.stderr)
    return feats, np.array(labels), keep


def decide(probs, threshold):
    best = probs[:, 1:].argmax(axis=1) + 1
    conf = probs[np.arange(len(probs)), best]
    return np.where(conf >= threshold, best, 0)


def fit(X, y, C, weight):
    from sklearn.linear_model import LogisticRegression

    counts = np.bincount(y, minlength=len(CLASSES)).astype(float)
    cw = {c: (len(y) / (len(CLASSES) * max(counts[c], 1))) ** weight for c in range(len(CLASSES))}
    clf = LogisticRegression(C=C, max_iter=3000, class_weight=cw)
    clf.fit(X, y)
    return clf


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", required=True)
    ap.add_argument("--cache", default=None, help="DocBin file to reuse the parse of the training sentences")
    ap.add_argument("--heldout-out", default=None, help="write the held-out gold rows here (for score.py)")
    ap.add_argument("--C", type=float, nargs="+", default=[0.1])
    ap.add_argument(
        "--weight", type=float, nargs="+", default=[0.75], help="class-weight exponent: 0 = none, 1 = balanced"
    )
    ap.add_argument("--min-count", type=int, default=4)
    ap.add_argument("--split-by", choices=["sentence", "entity", "story"], default="sentence")
    ap.add_argument("--drop", nargs="*", default=[], help="feature prefixes to leave out (ablation)")
    ap.add_argument("--out", default=str(MODEL_PATH))
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument(
        "--partial-out",
        default=None,
        help="also write the model fitted without the held-out rows here (to score them with "
        "KG_STANCE_MODEL=this file)",
    )
    args = ap.parse_args(argv)

    from sklearn.feature_extraction import DictVectorizer

    rows = [json.loads(line) for line in open(args.train, encoding="utf-8") if line.strip()]
    docs = parse(rows, args.cache)
    feats, y, keep = examples(rows, docs)
    if args.drop:
        feats = [[x for x in f if not x.startswith(tuple(args.drop))] for f in feats]
    held_out = heldout_set(rows, args.split_by)
    held = np.array([rows[k]["sentence"] in held_out for k in keep])
    clean = np.array([bool(rows[k].get("eval_clean", True)) for k in keep])
    if args.heldout_out:
        with open(args.heldout_out, "w", encoding="utf-8") as fh:
            for r in rows:
                if r["sentence"] in held_out:
                    fh.write(json.dumps(r, ensure_ascii=False) + "\n")

    def design(idx, dv):
        return dv.transform([{x: 1 for x in feats[i]} for i in idx])

    def vectoriser(idx):
        counts = Counter(x for i in idx for x in set(feats[i]))
        vocab = sorted(x for x, c in counts.items() if c >= args.min_count)
        dv = DictVectorizer(dtype=np.float32)
        dv.fit([{v: 1 for v in vocab}])
        return dv

    tr = np.where(~held)[0]
    te = np.where(held & clean)[0]  # threshold chosen on clean held-out rows, as the scorer scores
    dv = vectoriser(tr)
    print(f"features: {len(dv.feature_names_)}; fit {len(tr)} / held-out {len(te)}", file=sys.stderr)
    best = None
    Xtr, Xte = design(tr, dv), design(te, dv)
    for C in args.C:
        for w in args.weight:
            clf = fit(Xtr, y[tr], C, w)
            probs = clf.predict_proba(Xte)
            local = None
            for th in np.arange(0.2, 0.9, 0.025):
                m, per = macro_f1(y[te], decide(probs, th))
                if local is None or m > local[0]:
                    local = (m, C, w, float(th), per)
            print(f"C={C} weight={w}: held-out macro-F1 {local[0]:.3f} at th={local[3]:.3f}", file=sys.stderr)
            if best is None or local[0] > best[0]:
                best = local
    m, C, w, th, per = best
    print(
        json.dumps(
            {
                "heldout_pair_macro_f1_5": round(m, 4),
                "per_class": [round(x, 3) for x in per],
                "C": C,
                "weight": w,
                "threshold": round(th, 3),
            }
        )
    )
    if args.partial_out:
        clf = fit(Xtr, y[tr], C, w)
        save(args.partial_out, dv.feature_names_, clf, th, f"dsa_train minus held-out ({len(tr)} pairs)")
    if args.no_write:
        return
    alli = np.arange(len(y))
    dv = vectoriser(alli)
    clf = fit(design(alli, dv), y[alli], C, w)
    save(args.out, dv.feature_names_, clf, th, f"dsa_train ({len(alli)} pairs), C={C}, class-weight exponent {w}")


def save(path, feature_names, clf, threshold, fitted_on):
    """Weights as float16 (features x classes), features with all-zero weights dropped."""
    W = clf.coef_.T.astype(np.float16)
    names = np.array(feature_names)
    nz = np.abs(W).max(axis=1) > 1e-3
    np.savez_compressed(
        path,
        features=names[nz],
        weights=W[nz],
        bias=clf.intercept_.astype(np.float32),
        threshold=np.float32(threshold),
        classes=np.array(CLASSES),
        citation=np.array(CITATION),
        fitted_on=np.array(fitted_on),
    )
    print(f"wrote {path}: {int(nz.sum())} features, {Path(path).stat().st_size // 1024} KB", file=sys.stderr)


if __name__ == "__main__":
    main()
