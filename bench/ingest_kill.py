"""``kill -9`` during ``beacon ads ingest``, then a rerun: every ad stored once, operations identical.

    PYTHONPATH=src:. .venv/bin/python bench/ingest_kill.py --n 100000 --kills 10 \\
        --clean postgres://postgres@127.0.0.1:54329/beacon_a --killed postgres://postgres@127.0.0.1:54329/beacon_b

Both databases must exist, be migrated and hold no ads. The input (``--input``, or ``--n`` ads from
``bench.gen.synth_v1``) is ingested once without interruption into ``--clean``; into ``--killed`` it
is ingested, killed with SIGKILL at ``--kills`` random points (each when a random number of ads is
stored, plus a random delay, so that kills land inside chunks as well as between them), rerun
each time, and finished. The digests of ``bench/ingest_state.py`` must be equal.

``tests/monitoring/test_bulk_ingest.py`` runs the same functions on a small corpus.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _env(db_url: str) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": db_url, "DEBUG": "0", "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def ingest_cmd(source: Path, chunk_size: int) -> list[str]:
    return [sys.executable, "-m", "beacon.cli", "ads", "ingest", str(source), "--quiet", "--chunk-size",
            str(chunk_size)]


def stored_ads(db_url: str) -> int:
    """Ads stored (committed) in the database, read without Django."""
    if db_url.startswith("sqlite:///"):
        con = sqlite3.connect(db_url.removeprefix("sqlite:///"), timeout=30)
        try:
            return int(con.execute("SELECT count(*) FROM monitoring_ad").fetchone()[0])
        except sqlite3.OperationalError:  # locked by the writer a moment too long: ask again later
            return -1
        finally:
            con.close()
    import psycopg

    with psycopg.connect(db_url) as con:
        row = con.execute("SELECT count(*) FROM monitoring_ad").fetchone()
        return int(row[0]) if row else 0


def state(db_url: str) -> dict[str, Any]:
    """``bench/ingest_state.py``'s digest of a database."""
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "ingest_state.py")], env=_env(db_url),
                         check=True, capture_output=True, text=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def ingest(db_url: str, source: Path, chunk_size: int) -> str:
    out = subprocess.run(ingest_cmd(source, chunk_size), env=_env(db_url), check=True, capture_output=True,
                         text=True)
    return out.stdout.strip()


STAGES = ("copy", "update", "between", "random")
"""Where a kill lands (PostgreSQL): during a ``COPY``, during an ``UPDATE`` (the operation update of
a chunk, or the summaries), between chunks (the connection idle, no transaction open), or at a
random moment.  On SQLite every kill is ``random``."""
APP = "beacon_ingest_kill"  # application_name of the killed run's connection (PostgreSQL)


def _stage_of(state: str | None, query: str) -> str:
    q = query.lstrip().upper()
    if state == "active" and q.startswith("COPY"):
        return "copy"
    if state == "active" and q.startswith("UPDATE"):
        return "update"
    if state == "idle":
        return "between"
    return ""


def _wait_for_stage(con: Any, proc: subprocess.Popen[bytes], stage: str, timeout: float) -> str:
    """Poll ``pg_stat_activity`` until the killed run's backend is in ``stage``; returns the stage seen
    (``ended`` if the run finished first, ``timeout:...`` if the stage was not seen in time)."""
    end = time.monotonic() + timeout
    seen = ""
    while time.monotonic() < end:
        if proc.poll() is not None:
            return "ended"
        row = con.execute("SELECT state, left(query, 60) FROM pg_stat_activity WHERE application_name = %s",
                          [APP]).fetchone()
        if row is not None:
            seen = _stage_of(row[0], row[1] or "")
            if seen == stage:
                return stage
        time.sleep(0.001)
    return f"timeout:{seen}"


def kill_and_resume(db_url: str, source: Path, total: int, kills: int, chunk_size: int, seed: int,
                    max_delay: float = 0.5, stages: Sequence[str] = ("random",),
                    stage_timeout: float = 60.0) -> list[dict[str, Any]]:
    """Ingest ``source`` killed at ``kills`` random points, rerun after each, finished by a last
    run; returns what happened at each kill (ads stored when killed, the stage it landed in, or
    that the run had ended).

    A kill point is a number of stored ads drawn below ``total``: once that many ads are stored,
    the run is killed at the next moment of its stage (``stages``, taken in turn; PostgreSQL only,
    see :data:`STAGES`), or for ``random`` (and on SQLite) a random delay of at most ``max_delay``
    seconds later."""
    rng = random.Random(seed)
    targets = sorted(rng.randrange(0, max(1, total)) for _ in range(kills))
    pg = db_url.startswith("postgres")
    child_url = db_url + ("&" if "?" in db_url else "?") + f"application_name={APP}" if pg else db_url
    events: list[dict[str, Any]] = []
    con: Any = None
    if pg:
        import psycopg

        con = psycopg.connect(db_url, autocommit=True)
    try:
        for n, target in enumerate(targets):
            stage = stages[n % len(stages)] if pg else "random"
            proc = subprocess.Popen(ingest_cmd(source, chunk_size), env=_env(child_url), stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            while proc.poll() is None and stored_ads(db_url) < target:
                time.sleep(0.02)
            if stage == "random":
                time.sleep(rng.uniform(0, max_delay))
                seen = stage
            else:
                seen = _wait_for_stage(con, proc, stage, stage_timeout)
            alive = proc.poll() is None
            if alive:
                os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            events.append({"target": target, "stage": seen, "killed": alive, "stored_after": stored_ads(db_url)})
    finally:
        if con is not None:
            con.close()
    events.append({"final": ingest(db_url, source, chunk_size), "stored_after": stored_ads(db_url)})
    return events


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", type=Path, help="JSONL/CSV file or scan folder (default: --n generated ads)")
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--kills", type=int, default=10)
    ap.add_argument("--chunk-size", type=int, default=2000)
    ap.add_argument("--clean", required=True, help="DATABASE_URL of the uninterrupted run")
    ap.add_argument("--killed", required=True, help="DATABASE_URL of the killed and resumed runs")
    ap.add_argument("--work", type=Path, default=ROOT / "var" / "bench")
    args = ap.parse_args(argv)
    source = args.input
    if source is None:
        from bench.ingest import make_corpus

        source = make_corpus(args.n, args.seed, args.work)
    total = sum(1 for _ in source.open(encoding="utf-8")) if source.is_file() else args.n
    t = time.perf_counter()
    print("uninterrupted:", ingest(args.clean, source, args.chunk_size), flush=True)
    print(f"  {time.perf_counter() - t:.0f} s", flush=True)
    t = time.perf_counter()
    for e in kill_and_resume(args.killed, source, total, args.kills, args.chunk_size, args.seed, stages=STAGES):
        print(" ", e, flush=True)
    print(f"  {time.perf_counter() - t:.0f} s", flush=True)
    a, b = state(args.clean), state(args.killed)
    print("clean :", a)
    print("killed:", b)
    same = a == b
    print("identical" if same else "DIFFERENT")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
