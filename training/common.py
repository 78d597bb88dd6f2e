"""What the fitting scripts share: the corpus citation, the held-out split of the DSA
training rows, the gold label codes and macro-F1 over the five classes."""

from __future__ import annotations

import hashlib

import numpy as np

from kg.extract.stance_model import CLASSES

CITATION = (
    "Park, Pan & Joo (2021). Who Blames or Endorses Whom? Entity-to-Entity Directed "
    "Sentiment Extraction in News Text. Findings of ACL."
)
# the scorer's labels (p is the row's first entity, q its second) -> class index
GOLD = {"neutral": 0, "p_pos_q": 1, "q_pos_p": 2, "p_neg_q": 3, "q_neg_p": 4}
LABELS = ("neutral", "p_pos_q", "q_pos_p", "p_neg_q", "q_neg_p")


def heldout(sentence: str) -> bool:
    """The ~15 % of DSA training rows every fitting script holds out (by a hash of the
    sentence, so duplicates stay on one side): choices are made on them, never on dev."""
    return int(hashlib.sha1(sentence.encode()).hexdigest(), 16) % 100 < 15


def heldout_row(row: dict, by: str = "sentence") -> bool:
    """Held-out rows: by sentence hash, or by the entities' names ("entity": rows naming the same
    people go to the same side, a proxy for splitting by article, which the corpus does not mark)."""
    if by == "entity":
        key = "|".join(sorted(row[k]["word"]["text"].lower().strip("’' ") for k in ("p", "q")))
        return int(hashlib.sha1(key.encode()).hexdigest(), 16) % 100 < 15
    return heldout(row["sentence"])


def macro_f1(gold, pred, n=len(CLASSES)):
    """Macro-F1 over ``n`` classes and the per-class F1 list."""
    fs = []
    for c in range(n):
        tp = int(((gold == c) & (pred == c)).sum())
        p = tp / max(int((pred == c).sum()), 1)
        r = tp / max(int((gold == c).sum()), 1)
        fs.append(2 * p * r / (p + r) if p + r else 0.0)
    return float(np.mean(fs)), fs
