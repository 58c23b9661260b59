"""``kill -9`` of a server worker in the middle of a load of tips (issue #14): every tip answered
201 is stored, and no tip is stored twice.

``beacon serve --workers 2`` runs as a subprocess against a fresh database of the kind the suite
runs on (SQLite, or a scratch PostgreSQL database); 16 clients send 240 tips, each with a unique
marker in its text.  Once a third are acknowledged, one gunicorn worker gets SIGKILL; gunicorn
starts another and the load goes on.  A request the killed worker had in hand gets no answer (the
client sees the connection drop), and its tip is either committed or not; never half of it, and
never twice.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import sqlite3
import subprocess
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ..core.test_production_serve import _beacon, _env, _free_port, database_url  # noqa: F401 - fixture

pytestmark = pytest.mark.slow

TIPS = 240
CLIENTS = 16


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2:].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _gunicorn_workers(serve_pid: int) -> list[int]:
    """The gunicorn workers: ``beacon serve --workers N --no-worker`` is the gunicorn master itself."""
    return _children(serve_pid)


def _post(port: int, i: int) -> tuple[int, str]:
    body = json.dumps({"narrative": f"Kill test tip marker-{i:04d}: women kept in a house on Main Street."}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/tips/", data=body, method="POST",  # noqa: S310
                                     headers={"Content-Type": "application/json", "Host": "127.0.0.1"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - local test server
            return response.status, json.loads(response.read())["receipt_code"]
    except urllib.error.HTTPError as error:
        return error.code, ""
    except (OSError, ValueError, http.client.HTTPException):  # the worker died with the request in hand:
        # no answer, or an answer cut short (IncompleteRead) that never gave the reporter a receipt
        return 0, ""


def _stored(database_url: str) -> list[tuple[str, str]]:  # noqa: F811
    sql = "SELECT receipt_code, narrative FROM tips_tip"
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as conn:
            return conn.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(database_url) as conn:
        return conn.execute(sql).fetchall()  # type: ignore[return-value]


def test_kill_9_of_a_worker_loses_no_acknowledged_tip_and_stores_none_twice(
        tmp_path: Path, database_url: str) -> None:  # noqa: F811
    env = _env(tmp_path, database_url)
    for name in ("BEACON_ENV", "SECRET_KEY", "BEACON_FIELD_KEY", "BEACON_INDEX_KEY", "ALLOWED_HOSTS"):
        env.pop(name)  # development settings: no TLS proxy needed in front
    env["BEACON_RATE_TIP_SUBMIT"] = "1000000/3600"
    done = subprocess.run(_beacon("migrate", "--no-input"), env=env, cwd=tmp_path, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    subprocess.run(_beacon("createcachetable"), env=env, cwd=tmp_path, check=True, capture_output=True, timeout=120)

    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(_beacon("serve", "--workers", "2", "--threads", "4", "--no-worker", "--port", str(port)),
                                  env=env, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while len(_gunicorn_workers(server.pid)) < 2 or _post(port, 9999)[0] != 201:
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"beacon serve did not start:\n{log.read_text()}")
            time.sleep(0.3)
        workers = _gunicorn_workers(server.pid)

        answers: dict[int, tuple[int, str]] = {}
        lock = threading.Lock()
        acknowledged = threading.Event()

        def send(i: int) -> None:
            answer = _post(port, i)
            with lock:
                answers[i] = answer
                if sum(status == 201 for status, _ in answers.values()) >= TIPS // 3:
                    acknowledged.set()

        with ThreadPoolExecutor(CLIENTS) as pool:
            futures = [pool.submit(send, i) for i in range(TIPS)]
            assert acknowledged.wait(120), log.read_text()
            victim = workers[0]
            os.kill(victim, signal.SIGKILL)
            killed_at = len(answers)
            for future in futures:
                future.result()

        statuses = [status for status, _ in answers.values()]
        assert len(answers) == TIPS and killed_at < TIPS  # killed mid-run
        assert set(statuses) <= {201, 0}, sorted(set(statuses))
        # gunicorn replaced the worker and the load went on.
        assert victim not in _gunicorn_workers(server.pid) and len(_gunicorn_workers(server.pid)) == 2
        late = [answers[i][0] for i in range(TIPS) if i >= killed_at + CLIENTS]
        assert late and late.count(201) == len(late), late

        rows = _stored(database_url)
        stored_codes = [code for code, _ in rows]
        markers = [int(narrative.split("marker-")[1][:4]) for _, narrative in rows if "marker-" in narrative]
        markers = [m for m in markers if m < TIPS]  # not the start-up probes (9999)
        acked = {code: i for i, (status, code) in answers.items() if status == 201}
        assert len(stored_codes) == len(set(stored_codes))  # no receipt twice
        assert len(markers) == len(set(markers))  # no tip (request) stored twice
        missing = set(acked) - set(stored_codes)
        assert not missing, f"{len(missing)} acknowledged tips are not stored"
        by_code = dict(rows)
        assert all(f"marker-{i:04d}" in by_code[code] for code, i in acked.items())  # each code is its own tip
        # Unanswered requests were stored or not, at most once (checked above); say how many for the log.
        print(f"{len(acked)} acknowledged, {statuses.count(0)} unanswered, {len(markers)} stored")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
