"""Evaluate ``beacon ads scan`` on corpora the clusterer was not tuned to.

    PYTHONPATH=src .venv/bin/python bench/adscan_eval.py            # 20 settings x 3 generators
    PYTHONPATH=src .venv/bin/python bench/adscan_eval.py --quick    # 2 settings x 3, small corpora
    ... --settings 20 --n-min 2000 --n-max 20000 --seed 1 --keep DIR --json results.json

Three generators of different design (``bench/gen/grammar.py``,
``behaviour.py``, ``mutate.py``) each draw ``--settings`` parameter settings
over wide ranges (spin rate 0-0.3, phones per operation 1-6, largest
operation 2-1000 ads, boilerplate share 0-0.5, aggregator share 0-0.3,
one-off share 0.2-0.8, booking-agent share 0-0.3, obfuscated phones 0-0.5,
corpus size ``--n-min``..``--n-max``).  Each corpus is written as JSONL with
the ground truth in a separate file, scanned with the installed pipeline
(``scan_to_dir``, what ``beacon ads scan`` runs) and with two baselines on
the same file: datasketch ``MinHashLSH`` on word 3-shingles (text only, from
``bench/adscan.py``) and the same plus linking ads that share a phone number
found by ``phonenumbers.PhoneNumberMatcher`` (toll-free numbers ignored).

Printed per generator and system: pairwise precision / recall / F1 as min /
median over the settings, ads of true operations left in no operation
(median share) and hubs declared (median); for the scan also phone recall
(min / median: the numbers each ad's title, body and phone column really
hold, against the phones the scan wrote to ``ads.jsonl``), spurious phones
per ad (median) and speed in ads per CPU second of this process (median;
CPU time, not wall clock, as the machine may be shared).  Pairwise counts
come from the contingency table (O(n)), not from enumerating pairs.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from bench.gen import behaviour, grammar, mutate  # noqa: E402
from bench.gen._common import Generated, write_corpus  # noqa: E402

GENERATORS: dict[str, Callable[[int, dict[str, Any]], Generated]] = {
    "A grammar": grammar.generate,
    "B behaviour": behaviour.generate,
    "C mutate": mutate.generate,
}
SYSTEMS = ["beacon", "lsh", "lsh+phones"]


# ---------------------------------------------------------------- metrics
def pair_counts(pred: Sequence[object], truth: Sequence[object]) -> tuple[int, int, int]:
    """(pairs together in both, pairs together in ``pred``, pairs together in ``truth``)."""

    def pairs(c: Counter[Any]) -> int:
        return sum(v * (v - 1) // 2 for v in c.values())

    if len(pred) != len(truth):
        raise ValueError(f"{len(pred)} predicted labels for {len(truth)} true labels")
    return pairs(Counter(zip(pred, truth, strict=True))), pairs(Counter(pred)), pairs(Counter(truth))


def pairwise_prf(pred: Sequence[object], truth: Sequence[object]) -> tuple[float, float, float]:
    """Pairwise precision, recall, F1.  No predicted pair: precision 1; no true pair: recall 1."""
    tp, pp, tt = pair_counts(pred, truth)
    p = tp / pp if pp else 1.0
    r = tp / tt if tt else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def singletons_as_own(ids: Sequence[str], clusters: Sequence[str | None]) -> list[str]:
    """Cluster ids with every unclustered ad in a group of its own."""
    return [c if c is not None else "solo:" + i for i, c in zip(ids, clusters, strict=True)]


# ---------------------------------------------------------------- settings
def draw_settings(generator: str, count: int, seed: int, n_min: int, n_max: int) -> list[dict[str, Any]]:
    """``count`` parameter settings drawn over wide ranges (deterministic per seed).

    The largest operation ``op_max`` is log-uniform in [2, 1000] and stratified: the
    ``count`` settings fall one in each of ``count`` equal slices of that log scale (in a
    shuffled order), so every run covers small operations and operations near 1,000 ads
    alike.  A corpus holds its largest operation besides its one-off posters: ``n`` is
    raised to ``op_max / (1 - one_off)`` when it is smaller (never above ``n_max``)."""
    out = []
    strata = list(range(count))
    random.Random(f"{generator}|{seed}|op_max").shuffle(strata)
    for i in range(count):
        rng = random.Random(f"{generator}|{seed}|{i}")
        s = {
            "seed": rng.randrange(2**31),
            "n": int(round(n_min * (n_max / n_min) ** rng.random())) if n_max > n_min else n_min,
            "spin": round(rng.uniform(0.0, 0.3), 3),
            "phones_max": rng.randint(1, 6),
            "op_max": int(round(2 * 500 ** ((strata[i] + rng.random()) / count))),
            "boilerplate": round(rng.uniform(0.0, 0.5), 3),
            "aggregator": round(rng.uniform(0.0, 0.3), 3),
            "one_off": round(rng.uniform(0.2, 0.8), 3),
            "agent_share": round(rng.uniform(0.0, 0.3), 3),
            "obfuscate": round(rng.uniform(0.0, 0.5), 3),
        }
        s["n"] = max(int(s["n"]), min(n_max, math.ceil(int(s["op_max"]) / (1 - float(s["one_off"])))))
        out.append(s)
    return out


# ---------------------------------------------------------------- systems
def run_beacon(path: Path, out: Path) -> tuple[list[str], list[str | None], int]:
    from beacon.adscan import scan_to_dir

    res = scan_to_dir(path, out)
    return list(res.ad_ids), list(res.cluster_ids), len(res.hubs)


def phone_links(records: Sequence[dict[str, Any]]) -> list[list[str]]:
    import phonenumbers

    out = []
    for r in records:
        text = " ".join(str(r.get(k) or "") for k in ("title", "body", "phone"))
        nums = []
        for m in phonenumbers.PhoneNumberMatcher(text, "US", leniency=phonenumbers.Leniency.POSSIBLE):
            e164 = phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
            if not e164.startswith(("+1800", "+1888", "+1877", "+1866", "+1855", "+1844", "+1833")):
                nums.append(e164)
        out.append(nums)
    return out


def run_baselines(records: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    from bench.adscan import datasketch_baseline

    from beacon.adscan.cluster import UnionFind

    text_labels, _, _ = datasketch_baseline(records, 0.5, 64)
    uf = UnionFind(len(records))
    index = {lab: i for i, lab in enumerate(text_labels)}  # one representative per text group
    for i, lab in enumerate(text_labels):
        uf.union(i, index[lab])
    first: dict[str, int] = {}
    for i, nums in enumerate(phone_links(records)):
        for num in nums:
            uf.union(i, first.setdefault(num, i))
    return text_labels, [str(uf.find(i)) for i in range(len(records))]


@dataclass
class Row:
    generator: str
    setting: int
    system: str
    n: int
    precision: float
    recall: float
    f1: float
    unclustered: int
    op_ads: int
    hubs: int
    seconds: float
    cpu_seconds: float = 0.0
    phones_true: int = 0
    phones_found: int = 0
    phones_spurious: int = 0


def _digits(s: str) -> str:
    d = "".join(ch for ch in s if ch.isdigit())
    return d[1:] if len(d) == 11 and d[0] == "1" else d


def phone_scores(records: Sequence[dict[str, Any]], fields: dict[str, dict[str, list[Any]]],
                 ads_jsonl: Path) -> tuple[int, int, int]:  # fmt: skip
    """(true phones, of which found, spurious phones) over the corpus: the 10-digit numbers
    each ad's title and body really hold (``fields``) and its phone column, against the
    phones the scan wrote to ``ads.jsonl``."""
    found: dict[str, set[str]] = {}
    with ads_jsonl.open(encoding="utf-8") as f:
        for line in f:
            a = json.loads(line)
            found[str(a["id"])] = {_digits(p) for p in a.get("phones") or []}
    true = hit = spurious = 0
    for r in records:
        want = set(fields.get(str(r["id"]), {}).get("phones", []))
        if r.get("phone"):
            want.add(_digits(str(r["phone"])))
        got = found.get(str(r["id"]), set())
        true += len(want)
        hit += len(want & got)
        spurious += len(got - want)
    return true, hit, spurious


def evaluate(name: str, records: list[dict[str, Any]], labels: dict[str, str], kinds: dict[str, str], work: Path,
             setting: int, baselines: bool = True,
             fields: dict[str, dict[str, list[Any]]] | None = None) -> list[Row]:  # fmt: skip
    path = work / "ads.jsonl"
    ids = [str(r["id"]) for r in records]
    truth = [labels[i] for i in ids]
    in_op = [kinds.get(t) in {"op", "agent"} for t in truth]
    op_ads = sum(in_op)
    rows = []
    t, c = time.perf_counter(), time.process_time()
    got_ids, clusters, hubs = run_beacon(path, work / "out")
    secs, cpu = time.perf_counter() - t, time.process_time() - c
    if got_ids != ids:
        raise RuntimeError("the scan rejected or reordered ads; the evaluation needs every ad scanned")
    p, r, f = pairwise_prf(singletons_as_own(ids, clusters), truth)
    lost = sum(1 for c, o in zip(clusters, in_op, strict=True) if o and c is None)
    phones = phone_scores(records, fields, work / "out" / "ads.jsonl") if fields is not None else (0, 0, 0)
    rows.append(Row(name, setting, "beacon", len(ids), p, r, f, lost, op_ads, hubs, secs, cpu,
                    phones[0], phones[1], phones[2]))  # fmt: skip
    if baselines:
        t, c = time.perf_counter(), time.process_time()
        text, both = run_baselines(records)
        secs, cpu = time.perf_counter() - t, time.process_time() - c
        for system, pred in (("lsh", text), ("lsh+phones", both)):
            size = Counter(pred)
            p, r, f = pairwise_prf(pred, truth)
            lost = sum(1 for c, o in zip(pred, in_op, strict=True) if o and size[c] == 1)
            rows.append(Row(name, setting, system, len(ids), p, r, f, lost, op_ads, 0, secs, cpu))
    return rows


def old_corpus_f1(n: int, work: Path) -> tuple[float, float, float]:
    return old_corpus(n, work)[:3]  # type: ignore[return-value]


def old_corpus(n: int, work: Path) -> tuple[float, float, float, int, int, int, float]:
    """The old corpus (``synth_v1``): precision, recall, F1, ads of operations left in no
    operation, ads of operations, hubs, CPU seconds of the scan."""
    from bench.gen.synth_v1 import generate

    c = generate(n, seed=7)
    work.mkdir(parents=True, exist_ok=True)
    path = work / "ads.jsonl"
    with path.open("w", encoding="utf-8") as f:
        f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in c.records)
    t = time.process_time()
    ids, clusters, hubs = run_beacon(path, work / "out")
    cpu = time.process_time() - t
    truth = [c.truth[i] for i in ids]
    size = Counter(truth)
    in_op = [size[t] > 1 for t in truth]
    lost = sum(1 for cl, o in zip(clusters, in_op, strict=True) if o and cl is None)
    p, r, f = pairwise_prf(singletons_as_own(ids, clusters), truth)
    return p, r, f, lost, sum(in_op), hubs, cpu


# ---------------------------------------------------------------- report
def summarise(rows: Sequence[Row]) -> list[dict[str, Any]]:
    out = []
    for g in dict.fromkeys(r.generator for r in rows):
        for s in SYSTEMS:
            rs = [r for r in rows if r.generator == g and r.system == s]
            if not rs:
                continue
            d: dict[str, Any] = {"generator": g, "system": s, "settings": len(rs)}
            for m in ("precision", "recall", "f1"):
                vals = [getattr(r, m) for r in rs]
                d[m] = (min(vals), statistics.median(vals))
            d["unclustered"] = statistics.median(r.unclustered / r.op_ads if r.op_ads else 0.0 for r in rs)
            d["hubs"] = statistics.median(r.hubs for r in rs)
            if s == "beacon" and any(r.phones_true for r in rs):
                recall = [r.phones_found / r.phones_true for r in rs if r.phones_true]
                d["phone_recall"] = (min(recall), statistics.median(recall))
                d["spurious_per_ad"] = statistics.median(r.phones_spurious / r.n for r in rs)
            cpu = [r.n / r.cpu_seconds for r in rs if r.cpu_seconds > 0]
            if cpu:
                d["ads_per_cpu_s"] = statistics.median(cpu)
            out.append(d)
    return out


def markdown(summary: Sequence[dict[str, Any]]) -> str:
    lines = [
        "| generator | system | settings | precision min / med | recall min / med | F1 min / med "
        "| op ads unclustered (med) | hubs (med) | phone recall min / med | spurious phones / ad (med) "
        "| ads per CPU s (med) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for d in summary:
        cells = [f"{d[m][0]:.3f} / {d[m][1]:.3f}" for m in ("precision", "recall", "f1")]
        hubs = f"{d['hubs']:.0f}" if d["system"] == "beacon" else "–"
        pr = f"{d['phone_recall'][0]:.3f} / {d['phone_recall'][1]:.3f}" if "phone_recall" in d else "–"
        sp = f"{d['spurious_per_ad']:.4f}" if "spurious_per_ad" in d else "–"
        speed = f"{d['ads_per_cpu_s']:,.0f}" if "ads_per_cpu_s" in d else "–"
        lines.append(
            f"| {d['generator']} | {d['system']} | {d['settings']} | {' | '.join(cells)} "
            f"| {d['unclustered']:.1%} | {hubs} | {pr} | {sp} | {speed} |"
        )
    return "\n".join(lines)


def old_line(old: Sequence[float], n: int) -> str:
    line = (f"old corpus (bench/gen/synth_v1.py, {n:,} ads, seed 7): beacon pairwise "
            f"precision {old[0]:.4f} recall {old[1]:.4f} F1 {old[2]:.4f}")  # fmt: skip
    if len(old) >= 7:
        line += (f"; ads of operations left in no operation {old[3]:,} of {old[4]:,}; hubs {old[5]}; "
                 f"{n / max(old[6], 1e-9):,.0f} ads per CPU s")  # fmt: skip
    return line


def score_kept(base: Path) -> list[Row]:
    """Beacon rows from the corpora a ``--keep`` run has finished (its scan outputs)."""
    names = {k.split()[1]: k for k in GENERATORS}
    rows = []
    for work in sorted(base.glob("*/[0-9][0-9]")):
        if work.parent.name not in names or not (work / "out" / "summary.json").exists():
            continue
        truth = json.loads((work / "truth.json").read_text(encoding="utf-8"))
        with (work / "ads.jsonl").open(encoding="utf-8") as f:
            records = [json.loads(x) for x in f]
        with (work / "out" / "ads.jsonl").open(encoding="utf-8") as f:
            scanned = [json.loads(x) for x in f]
        ids = [str(a["id"]) for a in scanned]
        if ids != [str(r["id"]) for r in records]:
            continue  # the scan of this corpus did not finish
        clusters = [a.get("cluster_id") for a in scanned]
        labels = [truth["labels"][i] for i in ids]
        in_op = [truth["kinds"].get(t) in {"op", "agent"} for t in labels]
        p, r, f = pairwise_prf(singletons_as_own(ids, clusters), labels)
        lost = sum(1 for c, o in zip(clusters, in_op, strict=True) if o and c is None)
        hubs = int(json.loads((work / "out" / "summary.json").read_text(encoding="utf-8"))["hub_identifiers"])
        phones = phone_scores(records, truth.get("fields", {}), work / "out" / "ads.jsonl")
        rows.append(Row(names[work.parent.name], int(work.name), "beacon", len(ids), p, r, f, lost, sum(in_op),
                        hubs, 0.0, 0.0, *phones))  # fmt: skip
    return rows


def merge(paths: Sequence[Path]) -> int:
    """One table from the ``--json`` files of several runs."""
    rows: list[Row] = []
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        rows.extend(Row(**r) for r in data["rows"])
        if data.get("old"):
            print(old_line(data["old"], int(data.get("old_n") or 10000)) + "\n")  # runs before old_n was written: the default
    print(markdown(summarise(rows)))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--settings", type=int, default=20, help="drawn settings per generator (default 20)")
    ap.add_argument("--n-min", type=int, default=2000)
    ap.add_argument("--n-max", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--generators", default=",".join(GENERATORS), help="comma-separated subset")
    ap.add_argument("--quick", action="store_true", help="2 settings per generator, 300-800 ads")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--old-n", type=int, default=10000, help="ads of the old (synth_v1) corpus; 0 skips it")
    ap.add_argument("--keep", type=Path, help="keep corpora (ads.jsonl + truth.json) in this directory")
    ap.add_argument("--json", type=Path, help="write every row and the summary here")
    ap.add_argument("--merge", type=Path, nargs="+", metavar="JSON",
                    help="print the tables of runs already made (their --json files, e.g. one per generator "
                         "run side by side) as one, and exit")  # fmt: skip
    ap.add_argument("--score", type=Path, metavar="DIR",
                    help="score the scan's outputs kept by a run with --keep DIR (finished or not; beacon only, "
                         "no speed) and exit")  # fmt: skip
    args = ap.parse_args(argv)
    if args.merge:
        return merge(args.merge)
    if args.score:
        rows = score_kept(args.score)
        print(markdown(summarise(rows)))
        print(f"\n{len(rows)} corpora scored; {sum(r.n for r in rows):,} ads")
        return 0 if rows else 1
    if args.quick:
        args.settings, args.n_min, args.n_max, args.old_n = 2, 300, 800, min(args.old_n, 1000)
    names = [g.strip() for g in args.generators.split(",") if g.strip()]
    unknown = [g for g in names if g not in GENERATORS]
    if unknown or args.settings < 1 or not 0 < args.n_min <= args.n_max:
        print(f"error: unknown generator(s) {unknown}; choose from {list(GENERATORS)}" if unknown
              else "error: need --settings >= 1 and 0 < --n-min <= --n-max", file=sys.stderr)  # fmt: skip
        return 2

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    base = args.keep or Path(tempfile.mkdtemp(prefix="adscan-eval-"))
    rows: list[Row] = []
    load0 = os.getloadavg()
    t0 = time.perf_counter()
    jobs = [
        (g, i, s)
        for g in names
        for i, s in enumerate(draw_settings(g, args.settings, args.seed, args.n_min, args.n_max))
    ]
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console) as bar:  # fmt: skip
        task = bar.add_task("corpora", total=len(jobs) + (1 if args.old_n else 0))
        for g, i, s in jobs:
            bar.update(task, description=f"{g} #{i} ({s['n']:,} ads)")
            work = base / g.split()[1] / f"{i:02d}"
            gen = GENERATORS[g](s["seed"], s)
            write_corpus(gen, work)
            rows.extend(
                evaluate(g, gen.records, gen.labels, gen.kinds, work, i, not args.no_baseline, gen.fields)
            )
            if not args.keep:
                shutil.rmtree(work)
            bar.advance(task)
        old = None
        if args.old_n:
            bar.update(task, description=f"old corpus synth_v1 ({args.old_n:,} ads)")
            old = old_corpus(args.old_n, base / "old")
            bar.advance(task)
    if not args.keep:
        shutil.rmtree(base)
    summary = summarise(rows)
    print(markdown(summary))
    if old:
        print("\n" + old_line(old, args.old_n))
    el = time.perf_counter() - t0
    print(f"\n{len(jobs)} corpora in {el / 60:.1f} min; load average {load0[0]:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after, {os.cpu_count()} cores")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps({"rows": [asdict(r) for r in rows], "summary": summary,
                                         "old": old, "old_n": args.old_n, "settings": [s for _, _, s in jobs]}, indent=1))  # fmt: skip
    return 0 if all(math.isfinite(r.f1) for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
