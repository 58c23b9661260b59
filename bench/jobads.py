"""Quality of the job-ad indicators and of the ranking of job-ad operations.

    PYTHONPATH=src:. .venv/bin/python bench/jobads.py
    ... --seed 3 --operations-per-cell 6      # another draw of the labelled set

Builds the labelled set of ``tests/adscan/jobads_data.py`` (hand-written templates, English and
Spanish; legitimate and exploitative ads differ only in what the indicators name), scans it with
``beacon.adscan.scan_records`` as the command line does, and prints

* per indicator: true positives, false positives, false negatives, precision and recall over ads
  (by language, and overall);
* the ranking: the share of exploitative operations among the top 20 operations (and among the
  top k, k = the number of exploitative operations), how many found operations mix two labelled
  operations, and the highest-ranked legitimate operation (which shows housing or transport).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from tests.adscan.jobads_data import EVALUATED, HELD_OUT, labelled_ads  # noqa: E402

from beacon.adscan import Ad, analyse_ad, scan_records  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--operations-per-cell", type=int, default=4)
    ap.add_argument("--ads-per-operation", type=int, default=4)
    args = ap.parse_args()
    ops = labelled_ads(args.seed, args.operations_per_cell, args.ads_per_operation)
    ads = [a for op in ops for a in op.ads]
    truth = {a.record["id"]: a for a in ads}
    language = {o.key: o.language for o in ops}
    result = scan_records([a.record for a in ads], min_cluster_size=1)
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for analysed in result.ads:
        lab = truth[analysed.ad.id]
        lang = language[lab.operation]
        got = {i.code for i in analysed.indicators}
        for code in EVALUATED:
            for scope in (lang, "all"):
                c = counts[(code, scope)]
                if code in got and code in lab.expected:
                    c["tp"] += 1
                elif code in got:
                    c["fp"] += 1
                elif code in lab.expected:
                    c["fn"] += 1
    print(f"labelled set: {len(ads)} ads in {len(ops)} operations "
          f"({sum(o.exploitative for o in ops)} exploitative), seed {args.seed}\n")
    print(f"{'indicator':30} {'scope':5} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>9} {'recall':>7}")
    for code in EVALUATED:
        for scope in ("en", "es", "all"):
            c = counts[(code, scope)]
            tp, fp, fn = c["tp"], c["fp"], c["fn"]
            p = f"{tp / (tp + fp):.3f}" if tp + fp else "—"
            r = f"{tp / (tp + fn):.3f}" if tp + fn else "—"
            print(f"{code:30} {scope:5} {tp:4d} {fp:4d} {fn:4d} {p:>9} {r:>7}")
    # ranking of operations (highest risk first, as in the review queue)
    ranked = result.operations
    exploit_of: list[bool] = []
    mixed = 0
    for op in ranked:
        labels = {truth[i].operation for i in op.ad_ids}
        kinds = {truth[i].exploitative for i in op.ad_ids}
        mixed += len(labels) > 1
        exploit_of.append(sum(truth[i].exploitative for i in op.ad_ids) * 2 > len(op.ad_ids) or kinds == {True})
    n_exploit = sum(o.exploitative for o in ops)
    top20 = exploit_of[:20]
    topk = exploit_of[:n_exploit]
    print(f"\noperations found: {len(ranked)} (labelled: {len(ops)}); found operations mixing labelled ones: {mixed}")
    print(f"top 20: {sum(top20)} of {len(top20)} exploitative ({sum(top20) / max(1, len(top20)):.0%})")
    print(f"top {n_exploit} (number of exploitative operations): {sum(topk)} exploitative "
          f"({sum(topk) / max(1, len(topk)):.0%})")
    first_legit = next((k for k, e in enumerate(exploit_of) if not e), None)
    if first_legit is not None:
        op = ranked[first_legit]
        print(f"highest legitimate operation: rank {first_legit + 1}, risk {op.risk:.2f}, reasons "
              + ", ".join(f"{r.code} {r.weight:g}" for r in op.reasons))
    # held-out paraphrases: each sentence inside a lawful ad (recall only)
    base = "Farm workers in Sikeston. $15.50/hr. Delta Farms LLC, 1200 County Road 4, Sikeston, MO. {s} Call 573-555-0101."
    print("\nheld-out paraphrases (not written from the lexicon): recall")
    total = hit = 0
    for code, sentences in HELD_OUT.items():
        found = [code in {i.code for i in analyse_ad(Ad(id="h", kind="job", body=base.format(s=s))).indicators}
                 for s in sentences]
        total += len(found)
        hit += sum(found)
        print(f"{code:30} {sum(found)}/{len(found)}")
    print(f"{'all':30} {hit}/{total} ({hit / total:.0%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
