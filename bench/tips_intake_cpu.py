"""CPU per tip of the lean intake against the full path, through Django's WSGI handler, no HTTP server (issue #14).

    DATABASE_URL=postgres://... .venv/bin/python bench/tips_intake_cpu.py [--n 500]

Builds the WSGI environ of ``POST /api/v1/tips/`` (JSON) by hand and calls Beacon's WSGI
application in this process, so every middleware, the lean path or DRF, and the database
round trips are counted, but not gunicorn's HTTP parsing.  In alternating rounds:

- *lean*: the lean intake (``tips/intake.py``), tips left "being processed" (database task
  backend, no worker), then ``enrich.enrich_pending`` over them (the background work, counted
  separately);
- *full*: ``BEACON_TIP_LEAN_INTAKE`` off: DRF and ``services.tip_submit`` (placement, routing,
  linking, triage in the request).

Prints this process's CPU and its PostgreSQL backend's CPU (``/proc``) per tip, and the load
average.  Writes tips: run it against a scratch database (migrated, ``beacon seed --demo``)
that no running Beacon server or task worker uses (a worker would enrich the tips itself).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="tips per round")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beacon.settings")
    os.environ["BEACON_RATE_TIP_SUBMIT"] = "100000000/3600"
    os.environ.setdefault("DEBUG", "0")
    import django

    django.setup()
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    import tips_load
    from beacon.tips import enrich

    app = WSGIHandler()
    connection.settings_dict["CONN_MAX_AGE"] = None  # one backend for the whole run (its CPU is read from /proc)

    def pg_cpu() -> float:
        if connection.vendor != "postgresql":
            return 0.0
        with connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            pid = cur.fetchone()[0]
        return tips_load._stat(pid)[1]  # type: ignore[index]

    def environ(body: bytes) -> dict[str, Any]:
        return {"REQUEST_METHOD": "POST", "PATH_INFO": "/api/v1/tips/", "SCRIPT_NAME": "", "QUERY_STRING": "",
                "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body)), "SERVER_NAME": "127.0.0.1",
                "SERVER_PORT": "8000", "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1:8000",
                "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http", "SERVER_PROTOCOL": "HTTP/1.1",
                "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": True,
                "wsgi.run_once": False, "wsgi.version": (1, 0)}

    def start_response(status: str, headers: Any, exc_info: Any = None) -> None:
        if not status.startswith("201"):
            raise SystemExit(f"unexpected answer {status}")

    def post(body: bytes) -> None:
        response = app(environ(body), start_response)
        b"".join(response)
        response.close()  # type: ignore[attr-defined]

    rng = random.Random(11)
    bodies = [json.dumps(tips_load.tip_body(i, rng)).encode() for i in range(args.n + 20)]
    enrich.enrich_pending()
    for _ in range(args.rounds):
        for lean in (True, False):
            settings.BEACON_TIP_LEAN_INTAKE = lean
            for body in bodies[:20]:
                post(body)
            enrich.enrich_pending()
            cpu, pg = time.process_time(), pg_cpu()
            for body in bodies[20:]:
                post(body)
            line = (f"{'lean' if lean else 'full':>4}: request {(time.process_time() - cpu) / args.n * 1000:.2f} ms app "
                    f"+ {(pg_cpu() - pg) / args.n * 1000:.2f} ms PostgreSQL")
            if lean:
                cpu, pg = time.process_time(), pg_cpu()
                done = enrich.enrich_pending()
                line += (f"; background enrichment of {done}: {(time.process_time() - cpu) / max(done, 1) * 1000:.2f} ms "
                         f"app + {(pg_cpu() - pg) / max(done, 1) * 1000:.2f} ms PostgreSQL per tip")
            print(line, flush=True)
    print(f"load average (1 min) {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
