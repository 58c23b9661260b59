"""Extraction precision and recall per field on the evaluation generators.

    PYTHONPATH=src .venv/bin/python bench/adscan_fields.py                 # 5 settings x 3 generators, 3,000 ads
    PYTHONPATH=src .venv/bin/python bench/adscan_fields.py --settings 10 --n 5000 --seed 2

The generators (``bench/gen``, written without ``beacon.adscan``) record
what each ad's title and body really contain: the phone numbers (10 digits,
however they are written: Spanish and English number words, look-alike
letters, keycaps, slashes), the places (Census places of Missouri and
interstate cities of the neighbouring states, sometimes with a state code),
the names (written in lower case, upper case, with or without "I'm"/"ask
for"), and which photo each image hash was made from (re-encodes and
re-crops flip 1-6 bits, one in ten 7-10 bits).  This script runs

* ``extract_phones``, ``find_places`` and ``extract_names`` on title + body
  and compares with those fields per ad (micro-averaged precision and
  recall; spurious phones per ad);
* ``canonical_images`` (Hamming distance <= 6) on all image hashes of a
  corpus and scores it pairwise against the true photos (pairs of hashes of
  one photo that got one representative, and pairs that got one
  representative but are different photos).

Printed as a Markdown table (min / median over the settings).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from bench.adscan_eval import GENERATORS, draw_settings, pair_counts  # noqa: E402

from beacon.adscan import extract_names, extract_phones, find_places  # noqa: E402
from beacon.adscan.images import canonical_images  # noqa: E402


def score_corpus(records: list[dict[str, Any]], fields: dict[str, dict[str, list[Any]]],
                 photos: dict[str, str]) -> dict[str, float]:  # fmt: skip
    c: Counter[str] = Counter()
    for r in records:
        text = f"{r['title']}\n{r['body']}"
        truth = fields[r["id"]]
        got_p = {p.e164[2:] for p in extract_phones(text)}
        want_p = set(truth["phones"])
        c["phone_tp"] += len(got_p & want_p)
        c["phone_fp"] += len(got_p - want_p)
        c["phone_fn"] += len(want_p - got_p)
        got_l = {(m.place.name.lower(), m.place.state) for m in find_places(text)}
        want_l = {(n.lower(), s) for n, s in truth["places"]}
        c["place_tp"] += len(got_l & want_l)
        c["place_fp"] += len(got_l - want_l)
        c["place_fn"] += len(want_l - got_l)
        got_n = set(extract_names(text))
        want_n = set(truth["names"])
        c["name_tp"] += len(got_n & want_n)
        c["name_fp"] += len(got_n - want_n)
        c["name_fn"] += len(want_n - got_n)
    hashes = sorted(photos)
    canon = canonical_images(f"img:{h}" for h in hashes)
    pred = [canon.get(f"img:{h}", f"img:{h}") for h in hashes]
    both, in_pred, in_truth = pair_counts(pred, [photos[h] for h in hashes])
    out: dict[str, float] = {"ads": len(records), "spurious_phones_per_ad": c["phone_fp"] / max(1, len(records))}
    for f in ("phone", "place", "name"):
        tp, fp, fn = c[f"{f}_tp"], c[f"{f}_fp"], c[f"{f}_fn"]
        out[f"{f}_p"] = tp / (tp + fp) if tp + fp else 1.0
        out[f"{f}_r"] = tp / (tp + fn) if tp + fn else 1.0
    out["image_p"] = both / in_pred if in_pred else 1.0
    out["image_r"] = both / in_truth if in_truth else 1.0
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--settings", type=int, default=5)
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    cols = ["phone_p", "phone_r", "spurious_phones_per_ad", "place_p", "place_r", "name_p", "name_r", "image_p",
            "image_r"]  # fmt: skip
    print("| generator | " + " | ".join(cols) + " |")
    print("|---" * (len(cols) + 1) + "|")
    t0 = time.perf_counter()
    for gname, gen in GENERATORS.items():
        rows = []
        for params in draw_settings(gname, args.settings, args.seed, args.n, args.n):
            g = gen(int(params["seed"]), params)
            rows.append(score_corpus(g.records, g.fields, g.photos))
        cells = []
        for col in cols:
            vals = [r[col] for r in rows]
            cells.append(f"{min(vals):.3f} / {statistics.median(vals):.3f}")
        print(f"| {gname} | " + " | ".join(cells) + " |")
    print(f"\n(min / median over {args.settings} settings per generator, {args.n} ads each; "
          f"{time.perf_counter() - t0:.0f} s)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
