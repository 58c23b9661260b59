"""Ingestion into the platform (``beacon ads ingest``): rate, CPU per ad, memory, and the cost as
the store grows.

    PYTHONPATH=src:. .venv/bin/python bench/ingest.py --db postgres://postgres@127.0.0.1:54329/beacon_x \\
        --batch 20000 --stored 10000,100000
    PYTHONPATH=src:. .venv/bin/python bench/ingest.py --db sqlite:///var/bench/ingest.sqlite3 ...

For each store size S of ``--stored``: empty the monitoring tables, pre-fill the store with S ads
(another corpus, through the bulk path: ``beacon ads scan`` then ``beacon ads ingest DIR``), then
time ingesting a fresh batch of ``--batch`` ads in a child process, both ways:

- ``file``: ``beacon ads ingest batch.jsonl`` (the ads are analysed during the ingestion);
- ``folder``: ``beacon ads ingest DIR`` on the folder ``beacon ads scan batch.jsonl --out DIR``
  wrote (the scan's analysis is stored; the scan's own time is printed too).

Printed per run: wall time and ads/s (process start included), CPU of Beacon's process per ad
(``os.wait4`` rusage), CPU of its PostgreSQL backends per ad (their ``/proc/PID/stat``, sampled
while they run), and the child's peak RSS. The database (PostgreSQL: must exist and be migrated;
SQLite: created and migrated here) is emptied between runs: use a database of your own.
Ads come from ``bench.gen.synth_v1`` (seeded; the batch and the pre-fill use different seeds).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TABLES = ("monitoring_adband", "monitoring_adkey", "monitoring_adversion", "monitoring_rejectedrow",
          "monitoring_operationdecision", "monitoring_identifierlink", "monitoring_ad", "monitoring_operation",
          "monitoring_ingestrun")


def make_corpus(n: int, seed: int, work: Path) -> Path:
    """``work/ingest-N-SEED.jsonl``, ``n`` synthetic ads (written once, in a child process)."""
    work.mkdir(parents=True, exist_ok=True)
    out = work / f"ingest-{n}-{seed}.jsonl"
    if out.exists():
        return out
    code = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from bench.gen.synth_v1 import generate\n"
        "n, seed, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]\n"
        "with open(out + '.part', 'w', encoding='utf-8') as f:\n"
        "    for k in range(0, n, 50000):\n"
        "        c = generate(min(50000, n - k), seed=seed * 1000 + k // 50000)\n"
        "        for r in c.records:\n"
        "            r['id'] = f'{seed}-{k // 50000}-{r[\"id\"]}'\n"
        "            f.write(json.dumps(r, ensure_ascii=False) + '\\n')\n"
    )
    subprocess.run([sys.executable, "-c", code, str(n), str(seed), str(out)], check=True)
    Path(str(out) + ".part").rename(out)
    return out


def _env(db: str) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": db, "DEBUG": "0", "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def beacon(db: str, *args: str) -> str:
    out = subprocess.run([sys.executable, "-m", "beacon.cli", *args], env=_env(db), check=True,
                         capture_output=True, text=True)
    return out.stdout.strip()


def scan(corpus: Path, work: Path) -> tuple[Path, float]:
    folder = work / f"{corpus.stem}.scan"
    t = time.perf_counter()
    if not (folder / "store.jsonl").exists():
        beacon("sqlite:///:memory:", "ads", "scan", str(corpus), "--out", str(folder), "--quiet")
    return folder, time.perf_counter() - t


def empty(db: str, template: Path | None) -> None:
    if db.startswith("sqlite:///"):
        assert template is not None
        path = Path(db.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        shutil.copyfile(template, path)
        return
    import psycopg

    with psycopg.connect(db, autocommit=True) as con:
        con.execute(f"TRUNCATE {', '.join(TABLES)} CASCADE")  # (bench database only)
        con.execute("VACUUM ANALYZE")


def _cpu_of(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(db: str, source: Path, total: int) -> dict[str, Any]:
    """Run ``beacon ads ingest source`` in a child; its wall time, CPU, peak RSS and its backends' CPU."""
    backends: dict[int, float] = {}
    stop = threading.Event()

    def sample() -> None:
        import psycopg

        name = db.rsplit("/", 1)[1]
        with psycopg.connect(db, autocommit=True) as con:
            own = con.execute("SELECT pg_backend_pid()").fetchone()[0]  # type: ignore[index]
            while not stop.wait(0.2):
                for (pid,) in con.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> %s",
                                          [name, own]).fetchall():
                    backends[pid] = max(backends.get(pid, 0.0), _cpu_of(pid))

    sampler = None
    if db.startswith("postgres"):
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "beacon.cli", "ads", "ingest", str(source), "--quiet"],
                            env=_env(db), stdout=subprocess.PIPE, text=True)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    out = proc.stdout.read().strip() if proc.stdout else ""
    stop.set()
    if sampler is not None:
        sampler.join()
    if status != 0:
        raise SystemExit(f"ingest failed ({status}): {out}")
    cpu = usage.ru_utime + usage.ru_stime
    return {"seconds": round(wall, 1), "ads_per_s": round(total / wall), "cpu_ms_per_ad": round(1000 * cpu / total, 3),
            "db_cpu_ms_per_ad": round(1000 * sum(backends.values()) / total, 3) if sampler else None,
            "peak_rss_mb": round(usage.ru_maxrss / 1024), "output": out}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True, help="DATABASE_URL of a bench database (emptied)")
    ap.add_argument("--batch", type=int, default=20_000)
    ap.add_argument("--stored", default="10000,100000", help="store sizes before the batch (comma separated)")
    ap.add_argument("--ways", default="folder,file")
    ap.add_argument("--prefill-seed", type=int, default=2, help="seed of the pre-fill corpora (the batch's is 1)")
    ap.add_argument("--measure-prefill", action="store_true",
                    help="measure the pre-fill too (the rate, CPU and memory of ingesting S ads into an empty store)")
    ap.add_argument("--work", type=Path, default=ROOT / "var" / "bench")
    args = ap.parse_args(argv)
    work: Path = args.work
    template = None
    if args.db.startswith("sqlite:///"):
        template = work / "ingest-template.sqlite3"
        if not template.exists():
            beacon(f"sqlite:///{template}", "migrate", "--no-input")
    batch = make_corpus(args.batch, 1, work)
    batch_dir, scan_s = scan(batch, work)
    print(json.dumps({"batch": args.batch, "scan_seconds": round(scan_s, 1),
                      "load_average": os.getloadavg()}), flush=True)
    for stored in [int(s) for s in args.stored.split(",") if s]:
        prefill_dir = None
        if stored:
            prefill_dir, _ = scan(make_corpus(stored, args.prefill_seed, work), work)
        for way in args.ways.split(","):
            empty(args.db, template)
            t = time.perf_counter()
            if prefill_dir is not None and args.measure_prefill:
                print(json.dumps({"prefill": stored, **measure(args.db, prefill_dir, stored),
                                  "load_average": [round(x, 2) for x in os.getloadavg()]}), flush=True)
            elif prefill_dir is not None:
                beacon(args.db, "ads", "ingest", str(prefill_dir), "--quiet")
            fill_s = time.perf_counter() - t
            row = measure(args.db, batch_dir if way == "folder" else batch, args.batch)
            print(json.dumps({"stored": stored, "prefill_seconds": round(fill_s, 1), "way": way, **row,
                              "load_average": [round(x, 2) for x in os.getloadavg()]}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
