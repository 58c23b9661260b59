"""The ``beacon`` command: Django's management commands under friendlier names.

    beacon serve [--host 127.0.0.1] [--port 8000] [--workers N]\n                                                    run the web server (and the task worker); --workers: gunicorn
    beacon migrate                                  create or update the database
    beacon seed [--demo|--no-demo]                  load Missouri reference data, and the demo outside production
    beacon token create USERNAME                    print a new API token
    beacon check                                    run Django's system checks (add --deploy)
    beacon totp USERNAME                            current TOTP code of a demo user (development)
    beacon keys generate|rotate                     field-encryption keys
    beacon ads scan|ingest ...                      online ad monitoring
    beacon <any manage.py command> ...
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys


def _django(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beacon.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["beacon", *argv])


def _serve(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="beacon serve", description="Serve Beacon (development server) and run the task worker.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--no-worker", action="store_true", help="Do not start the background task worker.")
    parser.add_argument("--workers", type=int, default=0,
                        help="Serve with gunicorn and this many worker processes (production-style; 0 = Django's development server).")
    parser.add_argument("--threads", type=int, default=4, help="Threads per gunicorn worker.")
    args = parser.parse_args(argv)
    worker = None
    if not args.no_worker:
        # django-tasks' database worker: background notifications, imports and reports.
        worker = subprocess.Popen([sys.executable, "-m", "beacon.cli", "db_worker", "--interval", "1", "--no-reload"])  # noqa: S603
    try:
        if args.workers > 0:
            from gunicorn.app.wsgiapp import run as gunicorn_run

            sys.argv = ["gunicorn", "beacon.wsgi:application", "--bind", f"{args.host}:{args.port}",
                        "--workers", str(args.workers), "--threads", str(args.threads), "--worker-class", "gthread",
                        "--config", "python:beacon.gunicorn_conf",
                        "--access-logfile", "-", "--access-logformat", '"%(r)s" %(s)s %(b)s %(M)sms']
            gunicorn_run()
        else:
            _django(["runserver", f"{args.host}:{args.port}", "--noreload"])
    finally:
        if worker is not None:
            worker.terminate()


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return
    command, rest = argv[0], argv[1:]
    if command == "serve":
        _serve(rest)
    else:
        _django([command, *rest])


if __name__ == "__main__":
    main()
