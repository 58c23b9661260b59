"""Production start-up, for real: ``beacon serve --workers 1`` with ``BEACON_ENV=production`` as a
subprocess, behind a TLS-terminating proxy's header, against a fresh database (SQLite, or a
scratch PostgreSQL database when the suite runs on PostgreSQL). The HTML pages answer 200,
which they cannot do unless the static files were collected with their manifest, and a static
file is answered compressed, under its hashed name, with a far-future Cache-Control."""

from __future__ import annotations

import gzip
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
HOST = "beacon.example.org"
PAGES = ["/", "/report/", "/es/report/", "/accounts/login/"]

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A fresh database of the kind the suite runs on."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / 'beacon.sqlite3'}"
        return
    import psycopg

    parts = urlsplit(base)
    name = f"{parts.path.lstrip('/') or 'beacon'}_serve_{os.getpid()}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _env(tmp_path: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("BEACON_", "DJANGO_", "PYTEST_")) and k not in {"SECRET_KEY", "DATABASE_URL", "DEBUG"}}
    env.update({
        "BEACON_ENV": "production",
        "SECRET_KEY": "p9Vb2-xQ7rT4yU1iO8pA3sD6fG0hJ5kL_zX9cV2bN7mQ4wE1rT6y",
        "BEACON_FIELD_KEY": Fernet.generate_key().decode(),
        "BEACON_INDEX_KEY": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": database_url,
        "BEACON_VAR_DIR": str(tmp_path / "var"),
        "BEACON_STATIC_ROOT": str(tmp_path / "static"),
        "BEACON_MEDIA_ROOT": str(tmp_path / "media"),
        "PYTHONPATH": str(ROOT / "src"),
    })
    return env


def _beacon(*args: str) -> list[str]:
    return [sys.executable, "-m", "beacon.cli", *args]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _get(port: int, path: str, proto: str = "https", **headers: str) -> tuple[int, dict[str, str], bytes]:
    """GET as the TLS-terminating proxy forwards it (``X-Forwarded-Proto: https``, the public Host)."""
    sent = {"Host": HOST} | headers
    if proto:
        sent["X-Forwarded-Proto"] = proto
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=sent)  # noqa: S310 - local test server
    try:
        with _OPENER.open(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def _wait_until_up(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"beacon serve exited with {server.returncode}:\n{log.read_text()}")
        try:
            if _get(port, "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"beacon serve did not answer within 90 s:\n{log.read_text()}")


def test_beacon_serve_in_production_serves_pages_and_compressed_static(tmp_path: Path, database_url: str) -> None:
    env = _env(tmp_path, database_url)
    for args in (["migrate", "--no-input"], ["createcachetable"], ["seed", "--no-demo"]):
        done = subprocess.run(_beacon(*args), env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
    assert not (tmp_path / "static" / "staticfiles.json").exists()  # serve collects them itself

    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(_beacon("serve", "--workers", "1", "--threads", "2", "--port", str(port)),
                                  env=env, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_until_up(port, server, log)
        for path in PAGES:
            status, headers, body = _get(port, path)
            assert status == 200, (path, status, body[:2000])
            assert "default-src 'self'" in headers["content-security-policy"], path
            assert "geolocation=" in headers["permissions-policy"], path
        # Without the proxy's header the request is sent to HTTPS (SECURE_SSL_REDIRECT).
        status, headers, _ = _get(port, "/", proto="")
        assert status == 301 and headers["location"] == f"https://{HOST}/"

        # The page names the stylesheet by its hashed name; it comes gzip-compressed, cached a year or more.
        html = _get(port, "/")[2].decode()
        css = re.search(r'href="(/static/vendor/uswds/css/uswds\.min\.[0-9a-f]{12}\.css)"', html)
        assert css, html[:3000]
        status, headers, body = _get(port, css.group(1), **{"Accept-Encoding": "gzip"})
        assert status == 200
        assert headers.get("content-encoding") == "gzip"
        max_age = int(re.search(r"max-age=(\d+)", headers["cache-control"]).group(1))  # type: ignore[union-attr]
        assert max_age >= 365 * 24 * 3600 and "immutable" in headers["cache-control"]
        assert b".usa-button" in gzip.decompress(body)
        # htmx is on no page that does not use it.
        assert "htmx" not in html
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def test_serve_refuses_to_start_in_production_without_collected_static(tmp_path: Path) -> None:
    env = _env(tmp_path, f"sqlite:///{tmp_path / 'beacon.sqlite3'}")
    done = subprocess.run(_beacon("serve", "--workers", "1", "--no-collectstatic", "--no-worker", "--port", str(_free_port())),
                          env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "staticfiles.json is missing" in done.stderr and "beacon collectstatic" in done.stderr


def test_beacon_serve_in_development_serves_static_compressed_through_whitenoise(tmp_path: Path) -> None:
    """Django's development server behind `beacon serve` does not serve static files itself
    (whitenoise.runserver_nostatic): WhiteNoise answers them, from the collected, compressed copies."""
    env = _env(tmp_path, f"sqlite:///{tmp_path / 'beacon.sqlite3'}")
    for name in ("BEACON_ENV", "SECRET_KEY", "BEACON_FIELD_KEY", "BEACON_INDEX_KEY", "ALLOWED_HOSTS"):
        env.pop(name)
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(_beacon("serve", "--no-worker", "--port", str(port)), env=env, cwd=tmp_path,
                                  stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                status, headers, body = _get(port, "/static/vendor/uswds/css/uswds.min.css", proto="",
                                             Host="127.0.0.1", **{"Accept-Encoding": "gzip"})
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"beacon serve did not start:\n{log.read_text()}")
                time.sleep(0.3)
        assert status == 200 and headers.get("content-encoding") == "gzip"
        assert headers.get("access-control-allow-origin") == "*"  # WhiteNoise's answer, not runserver's
        assert b".usa-button" in gzip.decompress(body)
        assert (tmp_path / "static" / "staticfiles.json").exists()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_mail_relay_sign_in_and_tls_are_read_from_the_environment(tmp_path: Path) -> None:
    """Most mail relays of a real deployment ask for a sign-in and TLS: the invitations and
    enrolment links cannot leave without these settings (docs/operations.md, first-day setup)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMAIL_")}
    env.update(BEACON_ENV="production", SECRET_KEY=secrets.token_urlsafe(60), BEACON_FIELD_KEY=Fernet.generate_key().decode(),
               BEACON_INDEX_KEY="i" * 64, ALLOWED_HOSTS="beacon.example.org", BEACON_VAR_DIR=str(tmp_path / "var"),
               EMAIL_HOST="smtp.example.org", EMAIL_PORT="587", EMAIL_HOST_USER="beacon@example.org",
               EMAIL_HOST_PASSWORD="relay-secret", EMAIL_USE_TLS="1", PYTHONPATH=str(ROOT / "src"))
    code = ("import beacon.settings as s; print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, "
            "s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL)")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.split() == ["django.core.mail.backends.smtp.EmailBackend", "smtp.example.org", "587",
                                   "beacon@example.org", "relay-secret", "True", "False"]
