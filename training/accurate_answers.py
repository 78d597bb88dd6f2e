"""Write the accurate mode's answers for distillation, without fitting it again.

``fit_stance_teacher.py --out`` writes a teacher's answers at the end of its own fit. The shipped
accurate-mode weights (``kg/data/stance_accurate.npz``, fitted without the held-out rows) are a
teacher already: this script reads the DSA training rows and, with ``--transfer ARTICLES``, the
gated pairs of unlabelled articles (marked as the default encoder reads them at run time,
:func:`training.fit_stance_encoder.transfer_set`) through that model, in the runtime's own numpy
code (:class:`kg.extract.accurate.AccurateEncoder`), and writes the pickle that
``fit_stance_encoder.py --answers`` reads: ``{"name", "rows": {row id: probabilities},
"transfer": [(ids, range_a, range_b, probabilities)]}``.

Its answers on the held-out rows are those of a model that never saw them; on the other rows they
are close to the labels it learned.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from pathlib import Path

from kg.extract.accurate import ACCURATE_PATH, base_dir, load_accurate
from kg.extract.accurate_torch import pick_device
from kg.extract.encoder import OPEN_A, OPEN_B
from training.fit_stance_teacher import Marker, marked_rows


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", required=True, help="DSA training rows (dsa_train.jsonl)")
    ap.add_argument("--weights", type=Path, default=ACCURATE_PATH, help="accurate-mode weights (.npz)")
    ap.add_argument("--base", default=None, help="the unzipped all-mpnet-base-v2 folder (default: as kg finds it)")
    ap.add_argument("--transfer", default=None, help="unlabelled articles whose gated pairs are labelled too")
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--limit", type=int, default=0, help="the first N rows and articles only (a trial)")
    ap.add_argument("--device", default="auto", help="auto, cpu, numpy, cuda[:N] or mps, as kg --device")
    args = ap.parse_args(argv)

    model = load_accurate(args.weights, args.base, pick_device(args.device))
    marker = Marker(base_dir(args.base), model.marker.context)  # the runtime's, and it reads MiniLM's marks
    examples, rows = marked_rows(marker, args.train, args.limit)
    kept = [r["id"] for r in rows]
    inputs = [(ids, [((pa, pa + 1), (pb, pb + 1))]) for ids, pa, pb, _ in examples]
    t0 = time.time()
    answers = model.probabilities(inputs)
    print(f"{len(inputs)} rows in {time.time() - t0:.0f}s", file=sys.stderr, flush=True)

    transfer: list = []
    if args.transfer:
        from kg.extract.encoder import load_encoder
        from training.fit_stance_encoder import transfer_set

        # a few very long inputs lose a marker to the length limit; the encoder reads them as neutral
        pairs = [
            p
            for p in transfer_set(args.transfer, load_encoder(), limit=args.limit, answer=False)
            if OPEN_A in p[0] and OPEN_B in p[0]
        ]
        marked = [marker.from_minilm(ids) for ids, _, _, _ in pairs]
        t0 = time.time()
        probs = model.probabilities([(ids, [((pa, pa + 1), (pb, pb + 1))]) for ids, pa, pb in marked])
        print(f"{len(pairs)} transfer pairs in {time.time() - t0:.0f}s", file=sys.stderr, flush=True)
        transfer = [(ids, ra, rb, p[0]) for (ids, ra, rb, _), p in zip(pairs, probs)]

    out = {
        "name": f"the accurate mode ({Path(args.weights).name}: {model.meta.get('fitted_on', '?')})",
        "rows": {i: p[0] for i, p in zip(kept, answers)},
        "transfer": transfer,
    }
    args.out.write_bytes(pickle.dumps(out))
    print(f"wrote {args.out}: {len(out['rows'])} rows, {len(transfer)} transfer pairs", file=sys.stderr)


if __name__ == "__main__":
    main()
