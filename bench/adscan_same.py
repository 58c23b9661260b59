"""Do two versions of ``beacon ads scan`` write the same bytes?

    PYTHONPATH=src .venv/bin/python bench/adscan_same.py --record var/adscan-same/ref.json --cache var/adscan-same
    ... (change the code) ...
    PYTHONPATH=src .venv/bin/python bench/adscan_same.py --check var/adscan-same/ref.json --cache var/adscan-same

Scans the bench corpora (the old ``synth_v1`` corpus and the three generators of issue 13:
``behaviour``, ``grammar``, ``mutate``, made by ``bench/adscan_stages.make_corpus``, plus a
file of bad lines and a job ad appended to the behaviour corpus) with several settings of the
command line (``--workers 1`` and ``2``, ``--store``, other MinHash parameters,
``--min-cluster-size 1``), and records the SHA-256 of ``ads.jsonl``, ``clusters.jsonl``,
``rejected.jsonl``, ``store.jsonl`` and ``summary.json`` (minus its timings) for each run.
``--record`` writes the digests of the code at hand; ``--check`` compares against them and
exits 1 on any difference (naming the corpus, the setting and the file).  Record with the code
before a change, check with the code after it.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from adscan_stages import make_corpus  # noqa: E402
from beacon.adscan.cli import main as cli_main  # noqa: E402

CORPORA = [("synth_v1", 20_000), ("behaviour", 10_000), ("grammar", 10_000), ("mutate", 10_000)]
SETTINGS: dict[str, list[str]] = {
    "default-store": ["--store"],
    "workers2-store": ["--workers", "2", "--store"],
    "mh128-t0.4-single": ["--num-perm", "128", "--bands", "32", "--threshold", "0.4", "--min-cluster-size", "1"],
}
FILES = ("ads.jsonl", "clusters.jsonl", "rejected.jsonl", "store.jsonl", "summary.json")
BAD_LINES = [
    "{broken",
    '{"id": 12345678901234567890123, "body": "big"}',
    "\ufeff{}",
    '{"id": "nan-1", "body": NaN}',
    '{"id": "sur-1", "body": "lone \\ud800 surrogate"}',
    '{"id": ["nested"], "body": "x"}',
    json.dumps({"id": "job-1", "kind": "job", "title": "Farm workers needed",
                "body": "Earn $40/hr, housing deducted from your pay. Fee of $450. Call 573-555-0101."}),
    json.dumps({"id": "es-1", "body": "Hola soy Valentina, nueva en la ciudad, llama ocho uno seis 555 cero uno "
                "cero uno o 816/234/5678, SlS-ESS-OIOI, recien llegada, 21 años"}),
]  # fmt: skip


def mixed_corpus(work: Path) -> Path:
    """The behaviour corpus (first 5,000 lines) with bad lines, a job ad and a Spanish ad."""
    dst = work / "mixed.jsonl"
    if dst.exists():
        return dst
    src = make_corpus("behaviour", 10_000, 7, work)
    with gzip.open(src, "rt", encoding="utf-8") as f:
        lines = [next(f).rstrip("\n") for _ in range(5_000)]
    lines[100:100] = BAD_LINES
    lines.append(lines[0])  # duplicate id
    dst.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dst


def digest(out: Path, name: str) -> str:
    p = out / name
    if not p.exists():
        return "-"
    data = p.read_bytes()
    if name == "summary.json":
        s = json.loads(data)
        s.pop("seconds", None)
        data = json.dumps(s, sort_keys=True).encode()
    return hashlib.sha256(data).hexdigest()


def run_all(work: Path) -> dict[str, str]:
    inputs = {f"{g}-{n}": make_corpus(g, n, 7, work) for g, n in CORPORA}
    inputs["mixed"] = mixed_corpus(work)
    out: dict[str, str] = {}
    for cname, src in inputs.items():
        for sname, flags in SETTINGS.items():
            with tempfile.TemporaryDirectory(prefix="adscan-same-") as tmp:
                rc = cli_main(["scan", str(src), "--out", tmp, "--quiet", *flags])
                out[f"{cname} {sname} exit"] = str(rc)
                for name in FILES:
                    out[f"{cname} {sname} {name}"] = digest(Path(tmp), name)
            print(f"{cname} {sname}: done", file=sys.stderr)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--record", type=Path, help="write the digests of this code to this JSON file")
    g.add_argument("--check", type=Path, help="compare this code's digests with this JSON file")
    ap.add_argument("--cache", type=Path, default=Path("var/adscan-same"), help="corpora are kept here")
    args = ap.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    got = run_all(args.cache)
    if args.record:
        args.record.parent.mkdir(parents=True, exist_ok=True)
        args.record.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n")
        print(f"recorded {len(got)} digests in {args.record}")
        return 0
    want = json.loads(args.check.read_text())
    bad = [k for k in sorted(set(want) | set(got)) if want.get(k) != got.get(k)]
    for k in bad:
        print(f"DIFFERENT: {k}")
    print(f"{len(want) - len(bad)} of {len(want)} outputs identical" + ("" if bad else " (all)"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
