"""The ``beacon`` command: Django's management commands under friendlier names.

    beacon serve [--host 127.0.0.1] [--port 8000] [--workers N] [--no-collectstatic]
                                                    run the web server (and the task worker); --workers: gunicorn;
                                                    the static files are collected first (compressed)
    beacon migrate                                  create or update the database
    beacon seed [--demo|--no-demo]                  load Missouri reference data, and the demo outside production
    beacon token create USERNAME                    print a new API token
    beacon createadmin USERNAME --email E           first administrator: prints a one-time enrolment link
    beacon taskforce list|create|add-agency|remove-agency|cover|uncover ...
                                                    task forces, agencies, county coverage (tip routing)
    beacon check                                    run Django's system checks (add --deploy)
    beacon totp USERNAME                            current TOTP code of a demo user (development)
    beacon keys generate|generate-index             print a new field / index key (reads no settings)
    beacon keys rotate|rotate-index                 re-encrypt fields / recompute blind indexes under the newest key
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


def _prepare_static(*, collect: bool) -> None:
    """``beacon serve`` serves the collected static files (WhiteNoise: compressed copies, hashed
    names and far-future caching when DEBUG is off), in production and in development alike.
    Make sure every file and the manifest are in STATIC_ROOT: collect them (quietly; a second
    run changes nothing), or, with ``--no-collectstatic``, refuse to start when the manifest is
    missing.  Without it every page that names a static file would answer 500."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beacon.settings")
    os.environ.setdefault("BEACON_COLLECTED_STATIC", "1")  # also in development (settings.COLLECTED_STATIC)
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
    from django.core.management import call_command

    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return  # BEACON_COLLECTED_STATIC=0: WhiteNoise serves the files straight from the apps
    manifest = os.path.join(settings.STATIC_ROOT, staticfiles_storage.manifest_name)
    if collect:
        try:
            call_command("collectstatic", interactive=False, verbosity=0)
        except Exception as exc:  # any failure stops the start, with the reason
            sys.exit(f"beacon serve: collecting the static files into {settings.STATIC_ROOT} failed, "
                     f"so Beacon does not start: {exc}")
    elif not os.path.exists(manifest):
        sys.exit(f"beacon serve: {manifest} is missing, so every page would fail. Run "
                 "`beacon collectstatic --noinput` first, or start without --no-collectstatic.")


def _serve(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="beacon serve", description="Serve Beacon (development server) and run the task worker.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--no-worker", action="store_true", help="Do not start the background task worker.")
    parser.add_argument("--workers", type=int, default=0,
                        help="Serve with gunicorn and this many worker processes (production-style; 0 = Django's development server).")
    parser.add_argument("--threads", type=int, default=4, help="Threads per gunicorn worker.")
    parser.add_argument("--no-collectstatic", action="store_true",
                        help="Do not collect the static files at start (they must have been collected "
                             "already; Beacon refuses to start otherwise).")
    args = parser.parse_args(argv)
    _prepare_static(collect=not args.no_collectstatic)
    worker = None
    if not args.no_worker:
        # django-tasks' database worker: background notifications, imports and reports.
        # Polls every 0.2 s when idle, so that a P1 tip accepted by the lean intake is enriched and
        # its supervisors notified within 2 s (issue #14); a poll is one indexed query.
        worker = subprocess.Popen([sys.executable, "-m", "beacon.cli", "db_worker", "--interval", "0.2", "--no-reload"])  # noqa: S603
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
    if command == "keys" and rest[:1] in (["generate"], ["generate-index"]) and len(rest) == 1:
        # New keys are made before the deployment has any (docs/operations.md, first-day step 1):
        # no settings are read, so nothing is asked for and no key file is written.
        print(_new_key(rest[0]))
        return
    from django.core.exceptions import ImproperlyConfigured

    try:
        if command == "serve":
            _serve(rest)
        else:
            _django([command, *rest])
    except ImproperlyConfigured as exc:  # a missing or bad setting: its message, not a traceback
        sys.exit(f"beacon: {exc}")


def _new_key(kind: str) -> str:
    import secrets

    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode() if kind == "generate" else secrets.token_urlsafe(48)


if __name__ == "__main__":
    main()
