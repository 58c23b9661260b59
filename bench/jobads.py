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
  operations, and the highest-ranked legitimate operation (which shows housing or transport);
* the same on the SECOND labelled set (``tests/adscan/jobads_board.py``: job-board and job-order
  conventions, indicators paraphrased from the ILO descriptions), over its drawn settings
  (``SETTINGS``), as the minimum and the median across settings (``--set second`` for it alone).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path
from statistics import median
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from tests.adscan.jobads_board import SETTINGS, board_ads  # noqa: E402
from tests.adscan.jobads_data import (  # noqa: E402
    EVALUATED,
    HELD_OUT,
    HELD_OUT_2,
    HELD_OUT_2_LAWFUL,
    LabelledOperation,
    labelled_ads,
)

from beacon.adscan import Ad, analyse_ad, scan_records  # noqa: E402


def evaluate(ops: list[LabelledOperation]) -> dict[str, Any]:
    """Per-indicator counts (by language and overall) and the ranking of one labelled set."""
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
    ranked = result.operations
    exploit_of: list[bool] = []
    mixed = 0
    for op in ranked:
        labels = {truth[i].operation for i in op.ad_ids}
        mixed += len(labels) > 1
        exploit_of.append(sum(truth[i].exploitative for i in op.ad_ids) * 2 > len(op.ad_ids))
    n_exploit = sum(o.exploitative for o in ops)
    first_legit = next((k for k, e in enumerate(exploit_of) if not e), None)
    return {"ads": len(ads), "ops": len(ops), "exploitative": n_exploit, "counts": counts, "found": len(ranked),
            "mixed": mixed, "top20": sum(exploit_of[:20]) / max(1, len(exploit_of[:20])),
            "topk": sum(exploit_of[:n_exploit]) / max(1, n_exploit),
            "first_legit": (first_legit, ranked[first_legit]) if first_legit is not None else None}


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def _fmt(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


def report_first(seed: int, per_cell: int, per_op: int) -> None:
    ops = labelled_ads(seed, per_cell, per_op)
    ev = evaluate(ops)
    counts = ev["counts"]
    print(f"FIRST SET (templates): {ev['ads']} ads in {ev['ops']} operations ({ev['exploitative']} exploitative), "
          f"seed {seed}\n")
    print(f"{'indicator':30} {'scope':5} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>9} {'recall':>7}")
    for code in EVALUATED:
        for scope in ("en", "es", "all"):
            c = counts[(code, scope)]
            tp, fp, fn = c["tp"], c["fp"], c["fn"]
            print(f"{code:30} {scope:5} {tp:4d} {fp:4d} {fn:4d} {_fmt(_ratio(tp, tp + fp)):>9} "
                  f"{_fmt(_ratio(tp, tp + fn)):>7}")
    print(f"\noperations found: {ev['found']} (labelled: {ev['ops']}); found operations mixing labelled ones: "
          f"{ev['mixed']}")
    print(f"top 20: {ev['top20']:.0%} exploitative; top {ev['exploitative']} (number of exploitative operations): "
          f"{ev['topk']:.0%}")
    if ev["first_legit"] is not None:
        rank, op = ev["first_legit"]
        print(f"highest legitimate operation: rank {rank + 1}, risk {op.risk:.2f}, reasons "
              + ", ".join(f"{r.code} {r.weight:g}" for r in op.reasons))


_BASE = "Farm workers in Sikeston. $15.50/hr. Delta Farms LLC, 1200 County Road 4, Sikeston, MO. {s} Call 573-555-0101."


def _flags(code: str, sentence: str) -> bool:
    return code in {i.code for i in analyse_ad(Ad(id="h", kind="job", body=_BASE.format(s=sentence))).indicators}


def _held_out(title: str, sets: dict[str, list[str]], lawful: dict[str, list[str]] | None = None) -> None:
    print(f"\n{title}")
    total = hit = 0
    for code, sentences in sets.items():
        found = [_flags(code, s) for s in sentences]
        total += len(found)
        hit += sum(found)
        print(f"{code:30} {sum(found)}/{len(found)}")
    print(f"{'all':30} {hit}/{total} ({hit / total:.0%})")
    if lawful:
        wrong = [(c, s) for c, ss in lawful.items() for s in ss if _flags(c, s)]
        n = sum(len(ss) for ss in lawful.values())
        print(f"lawful sentences flagged: {len(wrong)}/{n}" + "".join(f"\n  {c}: {s}" for c, s in wrong))


def report_held_out() -> None:
    _held_out("held-out paraphrases (HELD_OUT, not written from the lexicon): recall", HELD_OUT)
    _held_out("second held-out batch (HELD_OUT_2, written after the sentence rules were frozen): recall",
              HELD_OUT_2, HELD_OUT_2_LAWFUL)


def report_second() -> None:
    """The second set (tests/adscan/jobads_board.py) over its drawn settings: min and median."""
    runs = [(s, evaluate(board_ads(s))) for s in SETTINGS]
    print(f"\nSECOND SET (job-board conventions, ILO-described indicators): {len(runs)} settings "
          f"(seeds {', '.join(str(s.seed) for s, _ in runs)}); "
          f"{sum(e['ads'] for _, e in runs)} ads, {sum(e['ops'] for _, e in runs)} operations in all\n")
    print(f"{'indicator':30} {'scope':5} {'P min':>6} {'P med':>6} {'R min':>6} {'R med':>6} {'TP':>5} {'FP':>5} "
          f"{'FN':>5}")
    for code in EVALUATED:
        for scope in ("en", "es", "all"):
            ps: list[float] = []
            rs: list[float] = []
            tot: Counter[str] = Counter()
            for _, ev in runs:
                c = ev["counts"][(code, scope)]
                tot.update(c)
                p, r = _ratio(c["tp"], c["tp"] + c["fp"]), _ratio(c["tp"], c["tp"] + c["fn"])
                if p is not None:
                    ps.append(p)
                if r is not None:
                    rs.append(r)
            print(f"{code:30} {scope:5} {_fmt(min(ps) if ps else None):>6} {_fmt(median(ps) if ps else None):>6} "
                  f"{_fmt(min(rs) if rs else None):>6} {_fmt(median(rs) if rs else None):>6} "
                  f"{tot['tp']:5d} {tot['fp']:5d} {tot['fn']:5d}")
    t20 = [e["top20"] for _, e in runs]
    tk = [e["topk"] for _, e in runs]
    print(f"\ntop 20 exploitative share: min {min(t20):.0%}, median {median(t20):.0%}; "
          f"top k (k = exploitative operations): min {min(tk):.0%}, median {median(tk):.0%}")
    print("found operations mixing labelled ones: " + ", ".join(str(e["mixed"]) for _, e in runs))
    for s, ev in runs:
        if ev["first_legit"] is not None:
            rank, op = ev["first_legit"]
            print(f"seed {s.seed}: {ev['exploitative']} exploitative of {ev['ops']}; highest legitimate operation "
                  f"rank {rank + 1}, risk {op.risk:.2f} (" + ", ".join(f"{r.code} {r.weight:g}" for r in op.reasons)
                  + ")")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--operations-per-cell", type=int, default=4)
    ap.add_argument("--ads-per-operation", type=int, default=4)
    ap.add_argument("--set", choices=["first", "second", "both"], default="both")
    args = ap.parse_args()
    if args.set in ("first", "both"):
        report_first(args.seed, args.operations_per_cell, args.ads_per_operation)
        report_held_out()
    if args.set in ("second", "both"):
        report_second()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
