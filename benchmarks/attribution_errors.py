#!/usr/bin/env python3
"""Error analysis for statement extraction against PolNeAR-style gold (use the TRAIN split).

Run the scorer with ``--keep DIR`` first, then::

    python3 benchmarks/attribution_errors.py --gold .../polnear_train.jsonl --pred DIR/pred.jsonl \
        [--show fp|fn|speaker|summary] [--n 40]

It matches predictions to gold exactly as ``score.py`` does (content token Dice >= 0.5, greedy
by Dice; speaker right when the source span covers the gold source's last token) and prints
counts of false positives by cue and by kind (direct / reported), misses by gold cue, and
examples of each error class. It prints article text to the terminal only; nothing is saved.
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import sys
from pathlib import Path


def _load_scorer(path: str):
    spec = importlib.util.spec_from_file_location("kg_eval_score", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def analyse(sc, gold_rows, preds):
    """Yield one record per gold attribution / prediction with its match status."""
    for g in gold_rows:
        text = g["text"]
        toks = sc.tokens(text)
        pred = preds.get(g["id"], {"statements": []})
        gold = []
        for a in g.get("attributions", []):
            if not a.get("content"):
                continue
            ct = sc.token_ids(toks, sc.span_pieces(a["content"]))
            if not ct:
                continue
            st = sc.token_ids(toks, sc.span_pieces(a.get("source"))) if a.get("source") else set()
            gold.append({"a": a, "content": ct, "last": max(st) if st else None, "speech": sc.is_speech(text, a)})
        ps = []
        for s in pred.get("statements", []):
            ct = sc.token_ids(toks, sc.span_pieces(s["content"]))
            src = s.get("source_span")
            ps.append({"s": s, "content": ct, "source": sc.token_ids(toks, sc.span_pieces(src)) if src else set()})
        pairs = []
        for i, p in enumerate(ps):
            for j, x in enumerate(gold):
                inter = len(p["content"] & x["content"])
                if inter:
                    d = 2 * inter / (len(p["content"]) + len(x["content"]))
                    pairs.append((d, i, j))
        pairs.sort(reverse=True)
        up, ug, match = set(), set(), {}
        best = {}
        for d, i, j in pairs:
            best.setdefault(i, (d, j))
            best.setdefault(("g", j), (d, i))
            if d < 0.5 or i in up or j in ug:
                continue
            up.add(i)
            ug.add(j)
            match[i] = j
        for i, p in enumerate(ps):
            j = match.get(i)
            rec = {
                "kind": "pred",
                "id": g["id"],
                "text": text,
                "p": p,
                "gold": gold[j] if j is not None else None,
                "near": gold[best[i][1]] if i in best else None,
                "dice": best[i][0] if i in best else 0.0,
            }
            yield rec
        for j, x in enumerate(gold):
            if j not in ug:
                b = best.get(("g", j))
                yield {
                    "kind": "miss",
                    "id": g["id"],
                    "text": text,
                    "gold": x,
                    "near": ps[b[1]] if b else None,
                    "dice": b[0] if b else 0.0,
                }


def _ctx(text, start, end, width=90):
    return (
        text[max(0, start - width) : start].replace("\n", "/")
        + " [["
        + text[start:end].replace("\n", "/")
        + "]] "
        + text[end : end + width].replace("\n", "/")
    )


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold", required=True)
    ap.add_argument("--pred", required=True)
    # the shared scorer beside the checkout (../shared/eval), as the README's commands use it
    ap.add_argument("--scorer", default=str(Path(__file__).resolve().parents[2] / "shared" / "eval" / "score.py"))
    ap.add_argument("--show", default="summary", choices=["summary", "fp", "fn", "speaker", "partial"])
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--speech", action="store_true", help="only the speech subset of gold")
    args = ap.parse_args(argv)
    sc = _load_scorer(args.scorer)
    preds = sc.load_preds(args.pred)
    rows = [g for g in sc.read_jsonl(args.gold) if g["id"] in preds]
    recs = list(analyse(sc, rows, preds))
    fp_cue, fn_cue, spk = collections.Counter(), collections.Counter(), collections.Counter()
    shown = 0
    for r in recs:
        if r["kind"] == "pred" and r["gold"] is None:
            s = r["p"]["s"]
            key = ("direct" if s["direct"] else "reported", (s.get("cue") or {}).get("text", "-").lower())
            near = r["near"]
            if near is not None and r["dice"] > 0.2:
                key = key + ("near",)
            fp_cue[key] += 1
            if args.show == "fp" and shown < args.n:
                shown += 1
                c = s["content"]
                print(f"FP {key} dice={r['dice']:.2f} src={s.get('source_span') and s['source_span']['text']!r}")
                print("   ", _ctx(r["text"], c["start"], c["end"]))
                if near is not None and r["dice"] > 0.2:
                    print("    gold:", near["a"]["content"]["text"][:200].replace("\n", "/"))
        elif r["kind"] == "miss":
            if args.speech and not r["gold"]["speech"]:
                continue
            a = r["gold"]["a"]
            fn_cue[((a.get("cue") or {}).get("text", "-").lower())] += 1
            if args.show == "fn" and shown < args.n:
                shown += 1
                c = a["content"]
                print(
                    f"FN cue={a.get('cue', {}).get('text')!r} src={(a.get('source') or {}).get('text')!r} "
                    f"near_dice={r['dice']:.2f}"
                )
                print("   ", _ctx(r["text"], c["start"], c["end"]))
                if r["near"] is not None and r["dice"] > 0.1:
                    print("    ours:", r["near"]["s"]["content"]["text"][:200].replace("\n", "/"))
        elif r["kind"] == "pred" and r["gold"] is not None:
            g = r["gold"]
            if args.speech and not g["speech"]:
                continue
            s = r["p"]["s"]
            ok = g["last"] is not None and g["last"] in r["p"]["source"]
            a = g["a"]
            if args.show == "partial" and r["dice"] < 0.8 and shown < args.n:
                shown += 1
                print(f"PARTIAL dice={r['dice']:.2f} cue={(s.get('cue') or {}).get('text')!r}")
                print("    ours:", s["content"]["text"][:250].replace("\n", "/"))
                print("    gold:", a["content"]["text"][:250].replace("\n", "/"))
            if not ok:
                why = "no-gold-source" if g["last"] is None else ("no-pred-source" if not r["p"]["source"] else "wrong")
                spk[why] += 1
                if args.show == "speaker" and why != "no-gold-source" and shown < args.n:
                    shown += 1
                    print(
                        f"SPK {why}: ours={s.get('source_span') and s['source_span']['text']!r} "
                        f"gold={(a.get('source') or {}).get('text')!r} cue={(s.get('cue') or {}).get('text')!r}"
                        f" gold-cue={(a.get('cue') or {}).get('text')!r}"
                    )
                    c = s["content"]
                    print("   ", _ctx(r["text"], c["start"], c["end"], 120))
    if args.show == "summary":
        print("false positives by (kind, cue):", fp_cue.most_common(40))
        print("misses by gold cue:", fn_cue.most_common(40))
        print("speaker errors on matches:", dict(spk))


if __name__ == "__main__":
    sys.exit(main())
