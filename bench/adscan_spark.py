"""Benchmark: the Spark engine (``beacon ads scan --engine spark``) beside the single process.

    .venv/bin/python bench/adscan_spark.py --n 100000                 # local[2], 8 input files
    .venv/bin/python bench/adscan_spark.py --n 1000000 --cache var/bench   # (idle machine)
    ... --master local[2] --partitions 8 --files 8 --no-single

Generates the synthetic corpus of ``bench/adscan.py`` (``bench/gen/synth_v1.py``, gzip JSONL,
reused from ``--cache``), splits it into ``--files`` plain JSON-lines files (a gzip file is one
Spark task), then runs each engine as its own command (``python -m beacon.adscan scan ...
--json``) and samples the process tree every 0.2 s from ``/proc``: peak resident memory of the
driver (the Python process), of the JVM (Spark's driver + executor in ``local`` mode) and of the
Python workers (summed), and the CPU seconds of the whole tree (user + system), which is what
counts on a loaded machine.  Reports wall time, CPU time, CPU per 1,000 ads, the stage timings
of ``summary.json``, the per-core analysis throughput (ads / (analysis seconds x cores)), the
component rounds, and whether the two engines' outputs are identical.  The load average is
printed with the figures.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.adscan import make_corpus  # noqa: E402

_TICK = os.sysconf("SC_CLK_TCK")
_PAGE = os.sysconf("SC_PAGE_SIZE")


def _procs() -> dict[int, tuple[int, str, float, int]]:
    """pid -> (parent pid, command, cpu seconds, rss bytes) of every process."""
    out: dict[int, tuple[int, str, float, int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = Path(f"/proc/{d}/stat").read_text()
            cmd = Path(f"/proc/{d}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        rest = stat[stat.rindex(")") + 2 :].split()
        out[int(d)] = (int(rest[1]), cmd, (int(rest[11]) + int(rest[12])) / _TICK, int(rest[21]) * _PAGE)
    return out


def _kind(cmd: str, root: int, pid: int) -> str:
    if pid == root:
        return "driver"
    if "java" in cmd.split(" ")[0] or "org.apache.spark" in cmd:
        return "jvm"
    return "python_workers"


def run_measured(argv: list[str]) -> dict[str, Any]:
    """Run ``argv``; wall time, CPU seconds and peak memory (MB) by kind of its process tree."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak: dict[str, float] = {"driver": 0.0, "jvm": 0.0, "python_workers": 0.0, "total": 0.0}
    cpu: dict[int, float] = {}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            ps = _procs()
            tree = {proc.pid}
            changed = True
            while changed:
                changed = False
                for pid, (ppid, _, _, _) in ps.items():
                    if ppid in tree and pid not in tree:
                        tree.add(pid)
                        changed = True
            now: dict[str, float] = {"driver": 0.0, "jvm": 0.0, "python_workers": 0.0}
            for pid in tree:
                if pid in ps:
                    _, cmd, c, rss = ps[pid]
                    cpu[pid] = max(cpu.get(pid, 0.0), c)
                    now[_kind(cmd, proc.pid, pid)] += rss / 2**20
            for k, v in now.items():
                peak[k] = max(peak[k], v)
            peak["total"] = max(peak["total"], sum(now.values()))
            time.sleep(0.2)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    stdout, stderr = proc.communicate()
    done.set()
    th.join()
    wall = time.perf_counter() - t0
    if proc.returncode:
        raise SystemExit(f"{argv[:6]}... exited {proc.returncode}: {stderr.strip()[-2000:]}")
    return {"wall_s": round(wall, 1), "cpu_s": round(sum(cpu.values()), 1),
            "peak_mb": {k: round(v) for k, v in peak.items()}, "summary": json.loads(stdout)}  # fmt: skip


def split_corpus(src: Path, files: int, folder: Path) -> Path:
    """The gzip corpus as ``files`` plain JSON-lines files of consecutive records."""
    folder.mkdir(parents=True, exist_ok=True)
    with gzip.open(src, "rt", encoding="utf-8") as f:
        lines = f.readlines()
    step = -(-len(lines) // files)
    for k in range(files):
        (folder / f"part-{k:03d}.jsonl").write_text("".join(lines[k * step : (k + 1) * step]), encoding="utf-8")
    return folder


def _lines(path: Path) -> list[str]:
    if path.is_dir():
        return [x for p in sorted(path.glob("part-*")) for x in p.read_text(encoding="utf-8").splitlines()]
    return path.read_text(encoding="utf-8").splitlines()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--partitions", type=int, default=8, help="Spark shuffle partitions")
    ap.add_argument("--files", type=int, default=8, help="input files for Spark (each split further by Spark)")
    ap.add_argument("--cache", type=Path, help="keep the corpus (and outputs) here")
    ap.add_argument("--no-single", action="store_true", help="skip the single process")
    ap.add_argument("--json", type=Path, help="write the figures here")
    args = ap.parse_args(argv)
    tmp = None
    if args.cache:
        work = args.cache
        work.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="adscan-spark-")
        work = Path(tmp.name)
    src, _, _ = make_corpus(args.n, args.seed, work)
    folder = work / f"split-{args.n}-{args.seed}-{args.files}"
    if not (folder / f"part-{args.files - 1:03d}.jsonl").exists():
        split_corpus(src, args.files, folder)
    py = sys.executable
    res: dict[str, Any] = {"n": args.n, "master": args.master, "partitions": args.partitions,
                           "files": args.files, "load_before": os.getloadavg()}  # fmt: skip
    if not args.no_single:
        out = work / "out-single"
        res["single"] = run_measured([py, "-m", "beacon.adscan", "scan", str(src), "--out", str(out), "--store",
                                      "--quiet", "--json"])  # fmt: skip
    out_s = work / "out-spark"
    res["spark"] = run_measured([py, "-m", "beacon.adscan", "scan", str(folder), "--out", str(out_s), "--store",
                                 "--quiet", "--json", "--engine", "spark", "--master", args.master,
                                 "--partitions", str(args.partitions)])  # fmt: skip
    res["load_after"] = os.getloadavg()
    s = res["spark"]["summary"]
    cores = int(args.master[6:-1]) if args.master.startswith("local[") and args.master[6:-1].isdigit() else os.cpu_count() or 1
    analyse_s = s["seconds"].get("read_analyse", 0.0)
    res["spark"]["analysis_ads_per_core_s"] = round(args.n / (analyse_s * cores), 1) if analyse_s else None
    for k in ("single", "spark"):
        if k in res:
            res[k]["cpu_ms_per_ad"] = round(1000 * res[k]["cpu_s"] / args.n, 2)
    if "single" in res:
        # (store lines differ: their line numbers are per input file)
        same = all(_lines(work / "out-single" / f"{name}.jsonl") == _lines(out_s / name) for name in ("ads", "clusters"))
        res["clusters_identical"] = same
    print(json.dumps(res, indent=2))
    if args.json:
        args.json.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    if tmp:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
