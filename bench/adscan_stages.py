"""Stage-by-stage timing of ``beacon ads scan`` (one process).

    PYTHONPATH=src .venv/bin/python bench/adscan_stages.py --n 100000 --cache var/adscan-bench
    ... --generator behaviour       # design B corpus from bench/gen/behaviour.py
    ... --profile 30                # also print cProfile's top 30 functions of the whole scan

Runs each stage of the scan over the whole corpus in turn, timing it with
``time.perf_counter``: read + parse, then the parts of ``analyse_ad``
(tokenise, phones, e-mail/URL/handle, prices + ages, lexicon + places,
names), the whole ``analyse_ad`` (which includes the glue between the parts),
the ``ads.jsonl`` line (``to_dict`` + JSON), word hashing, MinHash signatures,
LSH banding + verification, connected components with the identifier links,
operations and writing.  The rows of ``analyse_ad``'s parts add up to less
than the whole (the glue: flags, shingle words, identifiers).  Finally the
real ``scan_to_dir`` runs end to end for the reference figure.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from array import array
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from beacon.adscan import scan_to_dir
from beacon.adscan.analyse import _LEX, analyse_ad
from beacon.adscan.cluster import ClusterParams, IdentifierLinks, cluster_signed
from beacon.adscan.extract import (
    ages_from_tokens,
    extract_emails,
    extract_handles,
    names_from_tokens,
    numeric_starts,
    phones_from_tokens,
    prices_from_tokens,
    tokenise,
)
from beacon.adscan.minhash import WordHasher, lsh_edges, signatures
from beacon.adscan.models import Ad
from beacon.adscan.records import iter_file
from beacon.adscan.scan import file_image_hasher, gc_paused

ROOT = Path(__file__).resolve().parent.parent
# mid-range settings of bench/adscan_eval.py's draws (the other generators)
PARAMS = {"spin": 0.15, "phones_max": 3, "op_max": 200, "boilerplate": 0.25, "aggregator": 0.1,
          "one_off": 0.5, "agent_share": 0.1, "obfuscate": 0.25}  # fmt: skip


def make_corpus(generator: str, n: int, seed: int, work: Path) -> Path:
    """Write (or reuse) ``work/<generator>-<n>-<seed>.jsonl.gz`` in a child process."""
    src = work / f"{generator}-{n}-{seed}.jsonl.gz"
    if src.exists():
        return src
    if generator == "synth_v1":
        gen = "from bench.gen.synth_v1 import generate\nrecs = generate(n, seed=seed).records\n"
    else:
        gen = (
            f"from bench.gen.{generator} import generate\nPARAMS = {PARAMS!r}\n"
            "recs = []\n"
            "k = 0\n"
            "while len(recs) < n:\n"
            "    g = generate(seed + k, dict(PARAMS, n=min(20000, n - len(recs))))\n"
            "    for r in g.records: r['id'] = f'{k}-' + str(r['id'])\n"
            "    recs.extend(g.records)\n"
            "    k += 1\n"
            "recs = recs[:n]\n"
        )
    code = (
        "import gzip, json, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "n, seed, src = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]\n"
        + gen
        + "with gzip.open(src, 'wt', encoding='utf-8', compresslevel=1) as f:\n"
        "    for r in recs: f.write(json.dumps(r, ensure_ascii=False, default=str) + '\\n')\n"
    )
    subprocess.run([sys.executable, "-c", code, str(n), str(seed), str(src)], check=True)
    return src


def timed(rows: list[tuple[str, float, float]], name: str, fn: Callable[[], Any]) -> Any:
    """Run ``fn``; record its CPU seconds (robust to the machine's load) and wall seconds."""
    c, t = time.process_time(), time.perf_counter()
    out = fn()
    rows.append((name, time.process_time() - c, time.perf_counter() - t))
    return out


def stages(src: Path) -> tuple[list[tuple[str, float, float]], int]:
    rows: list[tuple[str, float, float]] = []
    items = timed(
        rows, "read + parse (JSON, validation)", lambda: list(iter_file(src, file_image_hasher(src, True)))
    )
    ads: list[Ad] = [a for a in items if isinstance(a, Ad)]
    texts = [f"{a.title}\n{a.body}" if a.title else a.body for a in ads]
    tk = timed(rows, "  tokenise", lambda: [tokenise(t) for t in texts])
    timed(
        rows,
        "  phones",
        lambda: [phones_from_tokens(t, k[0], "US", k[1]) for t, k in zip(texts, tk, strict=True)],
    )
    lows = [list(map(str.lower, k[1])) for k in tk]
    lowsets = [set(x) for x in lows]

    def ident() -> None:
        for t, k, lw in zip(texts, tk, lows, strict=True):
            em = extract_emails(t) if "@" in t else []
            extract_handles(t, k[0], lw, em)

    timed(rows, "  e-mails, handles", ident)

    def numbers() -> None:
        for t, k, lw in zip(texts, tk, lows, strict=True):
            st = numeric_starts(t, k[0])
            prices_from_tokens(t, k[0], st)
            ages_from_tokens(t, k[0], st, lw)

    timed(rows, "  prices, ages", numbers)
    timed(
        rows,
        "  lexicon + places",
        lambda: [_LEX.scan_spans(k[0], lw, ls) for k, lw, ls in zip(tk, lows, lowsets, strict=True)],
    )
    timed(
        rows,
        "  names",
        lambda: [
            names_from_tokens(t, k[0], lw, ls) for t, k, lw, ls in zip(texts, tk, lows, lowsets, strict=True)
        ],
    )
    analysed = timed(rows, "analyse_ad (whole, incl. the parts above)", lambda: [analyse_ad(a) for a in ads])
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    lines = timed(rows, "ads.jsonl line (to_dict + JSON)", lambda: [dumps(a.to_dict()) for a in analysed])
    hasher = WordHasher()

    def hash_words() -> tuple[np.ndarray, np.ndarray]:
        flat = array("I")
        offs = array("q", [0])
        for a in analysed:
            flat.extend(hasher(a.shingle_text.split()))
            offs.append(len(flat))
        return np.frombuffer(flat, dtype=np.uint32).astype(np.uint64), np.frombuffer(offs, dtype=np.int64)

    wh, offs = timed(rows, "word hashing (crc32, cached)", hash_words)
    params = ClusterParams()
    sig, ok = timed(rows, "MinHash signatures (numpy)", lambda: signatures(wh, offs, params.minhash))
    timed(rows, "LSH banding + verification", lambda: lsh_edges(sig, ok, params.minhash))

    def links() -> IdentifierLinks:
        lk = IdentifierLinks(params.stop_identifiers)
        for i, a in enumerate(analysed):
            lk.add(i, a.identifiers)
        return lk

    lk = timed(rows, "identifier links (interning)", links)
    timed(
        rows,
        "cluster_signed (LSH again + components + hubs)",
        lambda: cluster_signed(sig, ok, *lk.arrays(), lk.names(), params),
    )
    out = Path(tempfile.mkdtemp(prefix="adscan-stages-"))

    def write() -> None:
        with (out / "ads.jsonl").open("w", encoding="utf-8") as f:
            f.write("\n".join(lines))

    timed(rows, "write ads.jsonl", write)
    return rows, len(ads)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--generator", choices=["synth_v1", "behaviour", "grammar", "mutate"], default="synth_v1")
    ap.add_argument("--cache", type=Path, default=None, help="keep/reuse the corpus in this directory")
    ap.add_argument("--profile", type=int, default=0, help="print cProfile's top N functions of scan_to_dir")
    args = ap.parse_args(argv)
    work = Path(args.cache or tempfile.mkdtemp(prefix="adscan-stages-"))
    work.mkdir(parents=True, exist_ok=True)
    src = make_corpus(args.generator, args.n, args.seed, work)
    load = os.getloadavg()[0]
    with gc_paused():  # as the scan does
        rows, n = stages(src)
    c, t = time.process_time(), time.perf_counter()
    res = scan_to_dir(src, work / "out")
    end_cpu, end = time.process_time() - c, time.perf_counter() - t
    print(f"corpus {src.name}: {n:,} ads; load average {load:.1f} before, {os.getloadavg()[0]:.1f} after")
    print("| stage | CPU s | CPU µs per ad | wall s |\n|---|---:|---:|---:|")
    for name, cs, ws in rows:
        print(f"| {name} | {cs:.2f} | {cs / max(1, n) * 1e6:,.0f} | {ws:.2f} |")
    print(
        f"| **scan_to_dir end to end** | **{end_cpu:.2f}** | **{end_cpu / max(1, n) * 1e6:,.0f}** | {end:.2f} |"
    )
    print("scan_to_dir's own timer (wall): " + ", ".join(f"{k} {v:.2f}s" for k, v in res.timings.items()))
    if args.profile:
        prof = cProfile.Profile()
        prof.runcall(scan_to_dir, src, work / "out-prof")
        pstats.Stats(prof).sort_stats("tottime").print_stats(args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
