"""Benchmark for beacon.adscan: speed, memory and clustering quality.

    PYTHONPATH=src .venv/bin/python bench/adscan.py --n 10000
    PYTHONPATH=src .venv/bin/python bench/adscan.py --n 100000
    PYTHONPATH=src .venv/bin/python bench/adscan.py --n 1000000 --no-baseline

Generates a synthetic corpus (``beacon.adscan.synth``) with planted
operations and ground truth, writes it as gzip JSONL, scans it end to end
(read + extract + cluster + write outputs) and reports ads/s, peak memory
(``ru_maxrss`` of this process) and pairwise precision / recall / F1 against
ground truth.  In the same run, a baseline of datasketch's ``MinHashLSH``
with the same word shingles (text only, as in Memex-style clustering) is
scored on the same corpus.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from beacon.adscan import scan_file, write_outputs
from beacon.adscan.analyse import analyse_ad
from beacon.adscan.cluster import UnionFind
from beacon.adscan.records import parse_record
from beacon.adscan.synth import generate


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


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


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


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000, help="number of ads")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-baseline", action="store_true", help="skip the datasketch baseline")
    ap.add_argument("--keep", type=Path, default=None, help="keep corpus and outputs in this directory")
    args = ap.parse_args(argv)

    t = time.perf_counter()
    corpus = generate(args.n, seed=args.seed)
    gen_s = time.perf_counter() - t
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="adscan-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    src = work / "corpus.jsonl.gz"
    with gzip.open(src, "wt", encoding="utf-8", compresslevel=1) as f:
        for r in corpus.records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    truth = [corpus.truth[str(r["id"])] for r in corpus.records]
    n_groups = len(set(truth))
    print(
        f"corpus: {args.n:,} ads, {len(corpus.planted):,} planted operations, {n_groups:,} true groups "
        f"(generated in {gen_s:.1f}s) -> {src}"
    )

    rss0 = peak_rss_mb()
    t0 = time.perf_counter()
    c0 = time.process_time()
    result = scan_file(src)
    write_outputs(result, work / "out")
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0
    rss1 = peak_rss_mb()
    label_of = {a.ad.id: (a.cluster_id or "solo:" + a.ad.id) for a in result.ads}
    pred = [label_of[str(r["id"])] for r in corpus.records]
    p, r, f1 = pairwise_prf(pred, truth)
    timing = ", ".join(f"{k} {v:.1f}s" for k, v in result.timings.items())
    print(f"beacon:   {args.n / elapsed:,.0f} ads/s end to end ({elapsed:.1f}s: {timing}; write included)")
    print(
        f"          CPU time {cpu:.1f}s ({args.n / cpu:,.0f} ads per CPU-second; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    print(f"          peak RSS {rss1:,.0f} MB (before scan {rss0:,.0f} MB)")
    print(
        f"          pairwise precision {p:.4f} recall {r:.4f} F1 {f1:.4f}; "
        f"{len(result.operations):,} operations, hubs: {len(result.hubs)}"
    )
    # risk ranking: how many of the top-100 operations are planted?
    planted_ops = 0
    top = result.operations[:100]
    for o in top:
        lab = Counter(corpus.truth[i] for i in o.ad_ids).most_common(1)[0][0]
        planted_ops += lab in corpus.planted
    print(f"          top-{len(top)} operations by risk that are planted: {planted_ops}/{len(top)}")

    if not args.no_baseline:
        labels, secs, sig_s = datasketch_baseline(corpus.records, 0.5, 64)
        bp, br, bf = pairwise_prf(labels, truth)
        print(
            f"baseline: datasketch MinHashLSH (threshold 0.5, 64 perms, text only): "
            f"{args.n / secs:,.0f} ads/s for hashing+LSH alone ({secs:.1f}s, of which MinHash {sig_s:.1f}s)"
        )
        print(f"          pairwise precision {bp:.4f} recall {br:.4f} F1 {bf:.4f}")
        # MinHash engines head to head on the same shingles
        from beacon.adscan.minhash import MinHashParams, WordHasher, signatures

        h = WordHasher()
        flat: list[int] = []
        offs = [0]
        for rec in corpus.records:
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
