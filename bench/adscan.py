"""Benchmark for beacon.adscan: speed, memory and clustering quality.

    PYTHONPATH=src .venv/bin/python bench/adscan.py --n 10000
    PYTHONPATH=src .venv/bin/python bench/adscan.py --n 100000
    PYTHONPATH=src .venv/bin/python bench/adscan.py --n 1000000 --no-baseline
    ... --workers 2          # analyse in 2 processes (default: 1, the target)
    ... --cache DIR          # keep/reuse the generated corpus and truth in DIR

Generates a synthetic corpus (``bench/gen/synth_v1.py``) with planted
operations and ground truth in a child process (so this process's peak
memory is the scan's, not the generator's), writes it as gzip JSONL, scans
it end to end with the streaming ``scan_to_dir`` (read + extract + cluster +
write outputs, as the command line does) and reports ads/s, peak memory
(``ru_maxrss`` of this process, plus the workers' when ``--workers`` > 1) and
pairwise precision / recall / F1 against ground truth.  In the same run, two
baselines on the same file:

* ``datasketch_baseline``: datasketch's ``MinHashLSH`` with the same word
  shingles (text only, as in Memex-style clustering), timed for hashing + LSH
  alone (the shingle words come from Beacon's analysis, untimed);
* ``end_to_end_baseline``: what the issue compares against, end to end in
  one process like the scan: read the gzip JSONL, words of title + body,
  ``phonenumbers.PhoneNumberMatcher`` for phones, datasketch MinHash +
  MinHashLSH, union-find over text and phone links, labels written out.

The speed ratio is the baseline's seconds over the scan's seconds.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from beacon.adscan import scan_to_dir
from beacon.adscan.analyse import analyse_ad
from beacon.adscan.cluster import UnionFind
from beacon.adscan.records import parse_record


def pairwise_prf(pred: Sequence[str], truth: Sequence[str]) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1 of a clustering against ground truth."""

    def pairs(c: Counter[object]) -> int:
        return sum(v * (v - 1) // 2 for v in c.values())

    tp = pairs(Counter(zip(pred, truth, strict=True)))
    pp = pairs(Counter(pred))
    tt = pairs(Counter(truth))
    p = tp / pp if pp else 1.0
    r = tp / tt if tt else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024.0


def make_corpus(n: int, seed: int, work: Path) -> tuple[Path, Path, float]:
    """Write ``corpus-N-SEED.jsonl.gz`` and its truth (JSON: labels in record
    order, planted labels) into ``work`` in a child process; reuse them if
    present.  Returns the paths and the generation time."""
    src = work / f"corpus-{n}-{seed}.jsonl.gz"
    truth = work / f"truth-{n}-{seed}.json"
    if src.exists() and truth.exists():
        return src, truth, 0.0
    code = (
        "import gzip, json, sys\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parent.parent)!r})\n"
        "from bench.gen.synth_v1 import generate\n"
        "n, seed, src, truth = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]\n"
        "c = generate(n, seed=seed)\n"
        "with gzip.open(src, 'wt', encoding='utf-8', compresslevel=1) as f:\n"
        "    for r in c.records: f.write(json.dumps(r, ensure_ascii=False) + '\\n')\n"
        "json.dump({'labels': [c.truth[str(r['id'])] for r in c.records], 'planted': sorted(c.planted)},"
        " open(truth, 'w'))\n"
    )
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, str(n), str(seed), str(src), str(truth)], check=True)
    return src, truth, time.perf_counter() - t


def read_records(src: Path) -> list[dict[str, object]]:
    with gzip.open(src, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def datasketch_baseline(
    records: Sequence[dict[str, object]], threshold: float, num_perm: int
) -> tuple[list[str], float, float]:
    """Cluster with datasketch MinHash + MinHashLSH (same shingles, text only).

    Returns labels, total seconds and seconds spent computing signatures."""
    from datasketch import MinHash, MinHashLSH

    words = []
    for r in records:
        a = analyse_ad(parse_record(r))
        words.append(a.shingle_text.split())
    t1 = time.perf_counter()
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    uf = UnionFind(len(records))
    sig_time = 0.0
    for i, w in enumerate(words):
        ts = time.perf_counter()
        sh = {" ".join(w[k : k + 3]).encode() for k in range(max(1, len(w) - 2))} if w else set()
        m = MinHash(num_perm=num_perm)
        m.update_batch(sh)
        sig_time += time.perf_counter() - ts
        if len(sh) < 6:
            continue
        for j in lsh.query(m):
            uf.union(i, int(j))
        lsh.insert(str(i), m)
    labels = [str(uf.find(i)) for i in range(len(records))]
    return labels, time.perf_counter() - t1, sig_time


_WORD_RE = re.compile(r"[^\W\d_]+")


def end_to_end_baseline(
    src: Path, out: Path, threshold: float = 0.5, num_perm: int = 64
) -> tuple[list[str], float]:
    """datasketch MinHashLSH + phonenumbers, end to end on ``src`` (see the
    module docstring).  Returns labels in record order and seconds."""
    import phonenumbers
    from datasketch import MinHash, MinHashLSH

    t0 = time.perf_counter()
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    parent: list[int] = []
    first_of_phone: dict[str, int] = {}
    ids: list[str] = []

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    with gzip.open(src, "rb") as f:
        for line in f:
            try:
                r = json.loads(line)
            except ValueError:
                continue
            i = len(parent)
            parent.append(i)
            ids.append(str(r.get("id")))
            title, body = str(r.get("title") or ""), str(r.get("body") or "")
            w = _WORD_RE.findall(f"{title} {body}".lower())
            sh = {" ".join(w[k : k + 3]).encode() for k in range(max(1, len(w) - 2))} if w else set()
            if len(sh) >= 6:
                m = MinHash(num_perm=num_perm)
                m.update_batch(sh)
                for j in lsh.query(m):
                    union(i, int(j))
                lsh.insert(str(i), m)
            text = f"{title} {body} {r.get('phone') or ''}"
            for pm in phonenumbers.PhoneNumberMatcher(text, "US", leniency=phonenumbers.Leniency.POSSIBLE):
                e164 = phonenumbers.format_number(pm.number, phonenumbers.PhoneNumberFormat.E164)
                union(i, first_of_phone.setdefault(e164, i))
    labels = [str(find(i)) for i in range(len(parent))]
    with out.open("w", encoding="utf-8") as fo:
        fo.writelines(json.dumps({"id": a, "cluster": c}) + "\n" for a, c in zip(ids, labels, strict=True))
    return labels, time.perf_counter() - t0


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000, help="number of ads")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-baseline", action="store_true", help="skip the datasketch baseline")
    ap.add_argument("--keep", type=Path, default=None, help="keep corpus and outputs in this directory")
    ap.add_argument(
        "--cache", type=Path, default=None, help="reuse a corpus generated earlier in this directory"
    )
    ap.add_argument("--workers", type=int, default=1, help="processes analysing ads (the target is 1)")
    args = ap.parse_args(argv)

    work = Path(args.keep or args.cache or tempfile.mkdtemp(prefix="adscan-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    src, truth_path, gen_s = make_corpus(args.n, args.seed, work)
    tj = json.loads(truth_path.read_text())
    truth: list[str] = tj["labels"]
    planted = set(tj["planted"])
    del tj
    print(
        f"corpus: {len(truth):,} ads, {len(planted):,} planted operations, {len(set(truth)):,} true groups "
        f"(generated in {gen_s:.1f}s in a child process) -> {src}"
    )

    rss0 = peak_rss_mb()
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    c0 = time.process_time()
    result = scan_to_dir(src, work / "out", workers=args.workers)
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0
    rss1 = peak_rss_mb()
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    pred = [c or "solo:" + i for i, c in zip(result.ad_ids, result.cluster_ids, strict=True)]
    p, r, f1 = pairwise_prf(pred, truth)
    timing = ", ".join(f"{k} {v:.1f}s" for k, v in result.timings.items())
    n = result.ads
    print(f"beacon:   {n / elapsed:,.0f} ads/s end to end ({elapsed:.1f}s: {timing})")
    if args.workers > 1:
        print(
            f"          {args.workers} worker processes; CPU time: this process {cpu:.1f}s, "
            f"workers {kids.ru_utime + kids.ru_stime:.1f}s (all children of this run)"
        )
    else:
        print(f"          one process; CPU time {cpu:.1f}s ({n / cpu:,.0f} ads per CPU-second)")
    print(
        f"          load average {load0:.1f} before, {os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores"
    )
    print(f"          peak RSS {rss1:,.0f} MB (before scan {rss0:,.0f} MB)", end="")
    print(f"; largest worker {kids.ru_maxrss / 1024:,.0f} MB" if args.workers > 1 else "")
    print(
        f"          pairwise precision {p:.4f} recall {r:.4f} F1 {f1:.4f}; "
        f"{len(result.operations):,} operations, hubs: {len(result.hubs)}"
    )
    # risk ranking: how many of the top-100 operations are planted?
    truth_of = dict(zip(result.ad_ids, truth, strict=True))
    planted_ops = 0
    top = result.operations[:100]
    for o in top:
        lab = Counter(truth_of[i] for i in o.ad_ids).most_common(1)[0][0]
        planted_ops += lab in planted
    print(f"          top-{len(top)} operations by risk that are planted: {planted_ops}/{len(top)}")
    del truth_of, result, pred

    if not args.no_baseline:
        load_b = os.getloadavg()[0]
        ec0 = time.process_time()
        e_labels, e_secs = end_to_end_baseline(src, work / "baseline-labels.jsonl")
        e_cpu = time.process_time() - ec0
        ep, er, ef = pairwise_prf(e_labels, truth)
        print(
            f"baseline: datasketch MinHashLSH + phonenumbers, end to end (read, words, phones, LSH, union, write): "
            f"{n / e_secs:,.0f} ads/s ({e_secs:.1f}s; load average {load_b:.1f} before)"
        )
        print(f"          pairwise precision {ep:.4f} recall {er:.4f} F1 {ef:.4f}")
        print(
            f"ratio:    beacon end to end is {e_secs / elapsed:.2f}x the end-to-end baseline "
            + (
                f"(wall clock; CPU time {e_cpu:.1f}s vs {cpu:.1f}s: {e_cpu / cpu:.2f}x)"
                if args.workers == 1
                else ""
            )
        )
        records = read_records(src)
        words = [len(_WORD_RE.findall(f"{r.get('title') or ''} {r.get('body') or ''}")) for r in records]
        print(f"          words per ad (title + body): mean {sum(words) / max(1, len(words)):.1f}")
        labels, secs, sig_s = datasketch_baseline(records, 0.5, 64)
        bp, br, bf = pairwise_prf(labels, truth)
        print(
            f"baseline: datasketch MinHashLSH (threshold 0.5, 64 perms, text only): "
            f"{args.n / secs:,.0f} ads/s for hashing+LSH alone ({secs:.1f}s, of which MinHash {sig_s:.1f}s)"
        )
        print(f"          pairwise precision {bp:.4f} recall {br:.4f} F1 {bf:.4f}")
        print(f"ratio:    beacon end to end is {secs / elapsed:.2f}x datasketch hashing + LSH alone")
        # MinHash engines head to head on the same shingles
        from beacon.adscan.minhash import MinHashParams, WordHasher, signatures

        h = WordHasher()
        flat: list[int] = []
        offs = [0]
        for rec in records:
            flat.extend(h(analyse_ad(parse_record(rec)).shingle_text.split()))
            offs.append(len(flat))
        ts = time.perf_counter()
        signatures(np.asarray(flat, dtype=np.uint64), np.asarray(offs, dtype=np.int64), MinHashParams())
        print(
            f"minhash:  numpy signatures {time.perf_counter() - ts:.2f}s vs datasketch {sig_s:.2f}s "
            f"(64 permutations, {args.n:,} ads)"
        )
    print(f"peak RSS (whole run) {peak_rss_mb():,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
