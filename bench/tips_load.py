"""Load test of the public tip endpoint: sustained tips/s, p50/p99 latency, and zero lost tips.

Run ``beacon serve`` (or any Beacon server) with the submission rate limit lifted, then:

    BEACON_RATE_TIP_SUBMIT=100000000/3600 DATABASE_URL=postgres://... .venv/bin/beacon serve --port 8000 &
    DATABASE_URL=postgres://... .venv/bin/python bench/tips_load.py --url http://127.0.0.1:8000 \
        --rate 200 --duration 30 --workers 32

It sends ``--rate`` tips per second (open loop: a request is due at a fixed time whether or
not earlier ones have answered, so a slow server shows up as latency, not as a lower offered
rate) for ``--duration`` seconds, records each answer's latency and receipt code, then opens
the database the server uses (same ``DATABASE_URL``) and checks every acknowledged (201)
receipt code is stored.  ``--in-process`` skips HTTP and times ``services.tip_submit`` alone
(placement, routing, identifier linking, triage, audit: what happens before the 201).

The summary ends with the verdict against the issue's target (``--target-rate`` 200 tips/s,
``--target-p99-ms`` 100, zero lost) and the machine's load average before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

COUNTIES = ["29095", "29510", "29189", "29077", "29019", "29201", "29001", ""]
PLACES = ["Independence", "Springfield", "St. Louis", "Jefferson City", "Joplin", "Kirksville", ""]


def tip_body(i: int, rng: random.Random) -> dict[str, object]:
    phone = f"816 555 {rng.randrange(100, 200):04d}"
    body: dict[str, object] = {
        "narrative": f"Load test tip {i}: people kept at a motel, the ad gives {phone} and plate MO ABC{rng.randrange(1000, 9999)}.",
        "situation": rng.choice(["sex", "labor", "both", "unsure"]),
        "minor": rng.random() < 0.1,
        "danger": rng.random() < 0.05,
        "indicators": rng.sample(["cannot_leave", "online_ads", "unpaid", "many_visitors"], k=rng.randrange(0, 3)),
    }
    county = rng.choice(COUNTIES)
    if county:
        body["county"] = county
    else:
        body["place_text"] = rng.choice(PLACES)
    return body


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """(status, body, keep-alive) of one HTTP/1.1 response (Content-Length or chunked)."""
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("connection closed")
    status = int(status_line.split()[1])
    length, chunked, keep = 0, False, True
    while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value:
            chunked = True
        elif name == "connection" and value == "close":
            keep = False
    if not chunked:
        return status, await reader.readexactly(length), keep
    parts = []
    while size := int((await reader.readline()).split(b";")[0], 16):
        parts.append(await reader.readexactly(size))
        await reader.readline()
    await reader.readline()
    return status, b"".join(parts), keep


async def _run_http(url: str, rate: float, duration: float, workers: int,
                    seed: int) -> tuple[list[float], list[str], dict[int, int], float, float]:
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 80
    total = int(rate * duration)
    rng = random.Random(seed)
    # Request bytes are made before the clock starts: the generator's CPU during the run is
    # one event loop writing and reading sockets (far less than a thread per connection).
    requests = []
    for i in range(total):
        body = json.dumps(tip_body(i, rng)).encode()
        head = (f"POST /api/v1/tips/ HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode()
        requests.append(head + body)
    jobs: asyncio.Queue[tuple[int, float] | None] = asyncio.Queue()
    latencies: list[float] = []
    codes: list[str] = []
    acked: dict[str, float] = {}
    statuses: dict[int, int] = {}

    async def connection() -> None:
        reader = writer = None
        while (job := await jobs.get()) is not None:
            i, due = job
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(host, port)
                assert reader is not None
                writer.write(requests[i])
                status, data, keep = await _read_response(reader)
                if not keep:
                    writer.close()
                    writer = None
            except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError, IndexError):
                status, data = 0, b""
                if writer is not None:
                    writer.close()
                writer = None
            elapsed = time.perf_counter() - due  # from when the request was due: includes queueing
            statuses[status] = statuses.get(status, 0) + 1
            if status == 201:
                latencies.append(elapsed)
                codes.append(json.loads(data)["receipt_code"])
                acked[codes[-1]] = time.time()
        if writer is not None:
            writer.close()

    tasks = [asyncio.create_task(connection()) for _ in range(workers)]
    cpu = time.process_time()
    start = time.perf_counter()
    i = 0
    while i < total:  # open loop: every request is queued at its due time, answered or not
        now = time.perf_counter()
        while i < total and start + i / rate <= now:
            jobs.put_nowait((i, start + i / rate))
            i += 1
        if i < total:
            await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
    for _ in tasks:
        jobs.put_nowait(None)
    await asyncio.gather(*tasks)
    wall = time.perf_counter() - start
    ACKED.update(acked)
    return latencies, codes, statuses, wall, (time.process_time() - cpu) / max(total, 1)


ACKED: dict[str, float] = {}  # receipt code -> wall-clock time of its 201


def run_http(url: str, rate: float, duration: float, workers: int,
             seed: int = 1) -> tuple[list[float], list[str], dict[int, int], float, float]:
    """Latencies and receipt codes of the acknowledged tips, answers by status, wall seconds
    and the generator's own CPU seconds per request."""
    return asyncio.run(_run_http(url, rate, duration, workers, seed))


# --- Server CPU ---------------------------------------------------------------------------
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: int) -> tuple[int, float, float] | None:
    """(parent pid, own CPU seconds, CPU seconds of reaped children) from /proc/<pid>/stat."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2:].split()  # after "pid (comm) "
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return int(fields[1]), (utime + stime) / _TICK, (cutime + cstime) / _TICK


def tree_cpu(root: int) -> float:
    """CPU seconds of ``root`` and every process below it (gunicorn master, workers, task worker),
    plus what their exited children used (a worker killed and reaped still counts)."""
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (st := _stat(int(entry.name))) is not None:
            stats[int(entry.name)] = st
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            total += stats[pid][1] + stats[pid][2]
            todo.extend(children.get(pid, []))
    return total


def postgres_cpu() -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend connected to this database (not this script's own)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cur:
        cur.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        pids = [row[0] for row in cur.fetchall()]
    return {pid: st[1] for pid in pids if (st := _stat(pid)) is not None}


def p1_delays(codes: list[str]) -> list[float]:
    """Seconds from each acknowledged P1 tip's 201 to the end of the task that notified its
    supervisors (database task backend; with the immediate backend the task ran before the 201)."""
    from django.db.models import Q
    from django_tasks_db.models import DBTaskResult

    from beacon.tips.models import Tip

    ids: dict[int, str] = {}
    for i in range(0, len(codes), 500):
        ids.update(Tip.objects.filter(receipt_code__in=codes[i:i + 500], priority=1, is_spam=False)
                   .values_list("pk", "receipt_code"))
    done = {}
    # notify_supervisors(tip_id) on the full path; notify_supervisors_batch([tip_id, ...]) after
    # the lean intake's background enrichment
    for args, finished in (DBTaskResult.objects.filter(finished_at__isnull=False)
                           .filter(Q(task_path__endswith="notify_supervisors")
                                   | Q(task_path__endswith="notify_supervisors_batch"))
                           .values_list("args_kwargs", "finished_at")):
        first = (args.get("args") or [None])[0]
        for tip_id in first if isinstance(first, list) else [first]:
            if tip_id in ids:
                done[tip_id] = finished.timestamp()
    return [done[t] - ACKED[c] if t in done else float("inf") for t, c in ids.items() if c in ACKED]


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beacon.settings")
    os.environ.setdefault("BEACON_TASKS", "immediate")
    import django

    django.setup()


def verify(codes: list[str]) -> int:
    """How many acknowledged receipt codes are missing from the database."""
    from beacon.tips.models import Tip

    found: set[str] = set()
    for i in range(0, len(codes), 500):
        found |= set(Tip.objects.filter(receipt_code__in=codes[i:i + 500]).values_list("receipt_code", flat=True))
    return len(set(codes) - found)


def run_in_process(n: int) -> list[float]:
    """Wall seconds of each ``tip_submit``; the process CPU per call is left in ``IN_PROCESS_CPU``."""
    from beacon.tips.services import TipInput, tip_submit

    rng = random.Random(1)
    latencies = []
    cpu = time.process_time()
    for i in range(n):
        b = tip_body(i, rng)
        data = TipInput(narrative=str(b["narrative"]), county_fips=str(b.get("county", "")),
                        place_text=str(b.get("place_text", "")), minor=bool(b["minor"]), danger=bool(b["danger"]),
                        situation=str(b["situation"]), indicators=list(b["indicators"]))  # type: ignore[call-overload]
        t0 = time.perf_counter()
        tip_submit(data=data)
        latencies.append(time.perf_counter() - t0)
    IN_PROCESS_CPU.append((time.process_time() - cpu) / max(n, 1))
    return latencies


IN_PROCESS_CPU: list[float] = []


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--rate", type=float, default=200.0, help="offered tips per second")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds")
    parser.add_argument("--workers", type=int, default=32, help="concurrent connections")
    parser.add_argument("--in-process", type=int, metavar="N", help="time N tip_submit calls without HTTP")
    parser.add_argument("--warmup", type=int, default=200, metavar="N",
                        help="tips sent first (at a quarter of --rate) and left out of the figures; "
                             "they are still checked in the database")
    parser.add_argument("--no-verify", action="store_true", help="do not open the database afterwards")
    parser.add_argument("--server-pid", type=int, help="pid of the server (e.g. the `beacon serve` process): its "
                        "process tree's CPU and the database's backends' CPU are divided by the acknowledged tips")
    parser.add_argument("--p1-wait", type=float, default=3.0, metavar="S",
                        help="seconds to wait after the run for the P1 notifications before measuring their delay")
    parser.add_argument("--target-rate", type=float, default=200.0, help="tips/s the run must sustain to pass")
    parser.add_argument("--target-p99-ms", type=float, default=100.0, help="p99 latency the run must stay under")
    args = parser.parse_args()
    django_setup()
    from django.db import connection

    if args.in_process:
        lat = run_in_process(args.in_process)
        print(f"in-process tip_submit on {connection.vendor}: n={len(lat)} "
              f"p50={_ms(percentile(lat, 50))} p99={_ms(percentile(lat, 99))} "
              f"max={_ms(max(lat))} ({len(lat) / sum(lat):.0f} tips/s on one thread), "
              f"{_ms(IN_PROCESS_CPU[-1])} of this process's CPU per tip (PostgreSQL's not counted)")
        return
    warm_codes: list[str] = []
    if args.warmup:  # first requests open connections, load the county lists, fill the workers' caches
        warm_rate = max(args.rate / 4, 1.0)
        _, warm_codes, warm_statuses, _, _ = run_http(args.url, warm_rate, args.warmup / warm_rate, args.workers,
                                                      seed=2)
        print(f"warm-up: {args.warmup} tips at {warm_rate:.0f}/s, answers {dict(sorted(warm_statuses.items()))}")
    load_before = os.getloadavg()
    app0 = tree_cpu(args.server_pid) if args.server_pid else 0.0
    pg0 = postgres_cpu() if args.server_pid else {}
    latencies, codes, statuses, wall, client_cpu = run_http(args.url, args.rate, args.duration, args.workers)
    load_after = os.getloadavg()
    if args.server_pid:
        time.sleep(args.p1_wait)  # background work of the run (P1 notifications) is part of its cost
        app_cpu = tree_cpu(args.server_pid) - app0
        pg_cpu = sum(cpu - pg0.get(pid, 0.0) for pid, cpu in postgres_cpu().items())
    acknowledged = len(codes)
    sustained = acknowledged / wall
    missing = None if args.no_verify else verify(codes + warm_codes)
    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
    ok_rate = sustained >= args.target_rate * 0.98  # open loop: the last answers arrive after the schedule
    ok_p99 = bool(latencies) and p99 * 1000 < args.target_p99_ms
    ok_lost = missing == 0
    rows = [
        ("server", args.url),
        ("offered", f"{args.rate:.0f} tips/s for {args.duration:.0f} s ({int(args.rate * args.duration)} tips), "
                    f"{args.workers} connections, open loop"),
        ("answers", ", ".join(f"{code or 'error'}: {n}" for code, n in sorted(statuses.items()))),
        ("sustained", f"{sustained:.1f} acknowledged tips/s ({acknowledged} in {wall:.1f} s)"),
    ]
    if latencies:
        rows.append(("latency", f"p50 {_ms(p50)}, p90 {_ms(percentile(latencies, 90))}, p99 {_ms(p99)}, "
                                f"max {_ms(max(latencies))}, mean {_ms(statistics.fmean(latencies))} "
                                "(from when each request was due)"))
    rows.append(("database", "not checked (--no-verify)" if missing is None else
                 f"{connection.vendor}: {acknowledged + len(warm_codes) - missing} of "
                 f"{acknowledged + len(warm_codes)} acknowledged tips found (incl. {len(warm_codes)} warm-up), "
                 f"{missing} lost"))
    if args.server_pid and codes:
        per = 1000 / len(codes)
        rows.append(("server CPU", f"{(app_cpu + pg_cpu) * per:.2f} ms per acknowledged tip: app {app_cpu * per:.2f} ms "
                                   f"(process tree of pid {args.server_pid}), PostgreSQL {pg_cpu * per:.2f} ms "
                                   f"(this database's backends)"))
        delays = p1_delays(codes) if not args.no_verify else []
        if delays:
            late = sum(d > 2 for d in delays)
            rows.append(("P1 notify", f"{len(delays)} P1 tips: 201 -> supervisors' notification done p50 "
                                      f"{_ms(percentile(delays, 50))}, max {_ms(max(delays))}; {late} over 2 s"))
    rows.append(("generator", f"{client_cpu * 1000:.2f} ms of this script's CPU per request"))
    rows.append(("machine", f"{os.cpu_count()} CPUs, load average {load_before[0]:.2f} before, "
                            f"{load_after[0]:.2f} after (1 min)"))
    verdict = (f"rate {'PASS' if ok_rate else 'FAIL'} (>= {args.target_rate:.0f}/s), "
               f"p99 {'PASS' if ok_p99 else 'FAIL'} (< {args.target_p99_ms:.0f} ms), "
               f"lost {'PASS' if ok_lost else 'FAIL' if missing else 'n/a'} (zero)")
    rows.append(("target", verdict))
    width = max(len(k) for k, _ in rows)
    print("\n".join(["== tip line load test ==", *(f"{k:<{width}}  {v}" for k, v in rows)]))
    if missing:
        sys.exit(1)


if __name__ == "__main__":
    main()
