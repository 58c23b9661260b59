"""Near-duplicate photo matching (``beacon.adscan.images.canonical_hashes``) at scale.

    PYTHONPATH=src .venv/bin/python bench/images.py                  # 1,000,000 hashes
    PYTHONPATH=src .venv/bin/python bench/images.py --photos 20000 --copies 5

Draws ``--photos`` random 64-bit photo hashes and ``--copies`` - 1 re-encoded
copies of each (1-6 bits flipped), canonicalises all of them (Hamming
distance <= 6, multi-index hashing over 9 blocks) and prints the time, the
peak memory, and how many photos were split or merged.
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from collections import defaultdict

from beacon.adscan.images import DEFAULT_K, canonical_hashes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--photos", type=int, default=200_000)
    ap.add_argument("--copies", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    values: list[int] = []
    photo: dict[int, int] = {}
    for p in range(args.photos):
        h = rng.getrandbits(64)
        for c in range(args.copies):
            v = h
            if c:
                for bit in rng.sample(range(64), rng.randint(1, DEFAULT_K)):
                    v ^= 1 << bit
            values.append(v)
            photo[v] = p
    t = time.perf_counter()
    rep = canonical_hashes(values)
    dt = time.perf_counter() - t
    reps_of: dict[int, set[int]] = defaultdict(set)
    photos_of: dict[int, set[int]] = defaultdict(set)
    for v, r in rep.items():
        reps_of[photo[v]].add(r)
        photos_of[r].add(photo[v])
    split = sum(len(s) > 1 for s in reps_of.values())
    merged = sum(len(s) > 1 for s in photos_of.values())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(values):,} hashes ({len(rep):,} distinct) of {args.photos:,} photos: {dt:.1f} s, "
          f"{len(values) / dt:,.0f} hashes/s, peak RSS {peak:.0f} MB; photos split: {split}, "
          f"components holding more than one photo: {merged}")


if __name__ == "__main__":
    main()
