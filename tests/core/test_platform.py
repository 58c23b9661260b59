from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.test import Client

from beacon.core import crypto
from beacon.core.models import Agency, County, TaskForce, User

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "BEACON_FIELD_KEY", "BEACON_INDEX_KEY", "DATABASE_URL"}}
    full_env.update(env)
    full_env["PYTHONPATH"] = str(ROOT / "src")
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], capture_output=True, text=True, env=full_env,
                          cwd=ROOT, timeout=120)


def test_production_refuses_to_start_without_secret_key(tmp_path: Path) -> None:
    result = _run(["check"], BEACON_ENV="production", ALLOWED_HOSTS="beacon.example.org", BEACON_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY must be set when BEACON_ENV=production" in result.stderr


def test_production_refuses_to_start_without_field_key(tmp_path: Path) -> None:
    result = _run(["check"], BEACON_ENV="production", ALLOWED_HOSTS="beacon.example.org", SECRET_KEY="k" * 30 + "abcdefghijklmnopqrstuvwxyz",
                  BEACON_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "BEACON_FIELD_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_index_key(tmp_path: Path) -> None:
    result = _run(["check"], BEACON_ENV="production", ALLOWED_HOSTS="beacon.example.org",
                  SECRET_KEY="k" * 30 + "abcdefghijklmnopqrstuvwxyz", BEACON_FIELD_KEY=Fernet.generate_key().decode(),
                  BEACON_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "BEACON_INDEX_KEY must be set" in result.stderr
    assert not (tmp_path / "index_key").exists()


def test_production_check_deploy_is_clean(tmp_path: Path) -> None:
    result = _run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        BEACON_ENV="production", ALLOWED_HOSTS="beacon.example.org",
        SECRET_KEY="x7Kq9-pL2mN8vB4cR6tY1wE3uI5oP0aSdFgHjKlZxCvBnM_qWeRtY",
        BEACON_FIELD_KEY=Fernet.generate_key().decode(), BEACON_INDEX_KEY="i" * 40 + "-index-key-0123456789",
        BEACON_VAR_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_no_missing_migrations(db: Any) -> None:
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)


def test_healthz_ok(db: Any) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_database_down(db: Any) -> None:
    from django.db import OperationalError

    with mock.patch("beacon.core.views.connection.cursor", side_effect=OperationalError("connection refused")):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error" and "unreachable" in response.json()["database"]


def test_seed_is_idempotent(mo: Any) -> None:
    out = StringIO()
    call_command("seed", stdout=out)
    counts = (County.objects.count(), Agency.objects.count(), TaskForce.objects.count(), User.objects.count())
    assert "admin" in out.getvalue() and "TOTP secret" in out.getvalue()
    call_command("seed", stdout=StringIO())
    assert (County.objects.count(), Agency.objects.count(), TaskForce.objects.count(), User.objects.count()) == counts
    assert counts[0] == 115
    statewide = TaskForce.objects.get(statewide=True)
    assert statewide.counties.count() == 115
    assert TaskForce.objects.filter(is_demo=True, statewide=False).count() >= 6
    assert all(tf.name.endswith("(demo)") for tf in TaskForce.objects.all())


def test_token_command_prints_a_working_token(mo: Any) -> None:
    call_command("seed", stdout=StringIO())
    out = StringIO()
    call_command("token", "create", "analyst", stdout=out)
    token = out.getvalue().strip()
    assert len(token) == 40
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/me/").json()["username"] == "analyst"


def test_totp_command_refused_in_production(mo: Any, settings: Any) -> None:
    from django.core.management.base import CommandError

    call_command("seed", stdout=StringIO())
    out = StringIO()
    call_command("totp", "admin", stdout=out)
    assert out.getvalue().strip().isdigit()
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("totp", "admin", stdout=StringIO())


def test_beacon_cli_help_and_check() -> None:
    from beacon import cli

    result = subprocess.run([sys.executable, "-m", "beacon.cli", "check"], capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "serve" in (cli.__doc__ or "") and "token create" in (cli.__doc__ or "")


def test_field_encryption_roundtrip_and_rotation(settings: Any) -> None:
    old = settings.BEACON_FIELD_KEYS
    token = crypto.encrypt("Jane Doe")
    assert token.startswith("fernet:") and "Jane Doe" not in token
    assert crypto.decrypt(token) == "Jane Doe"
    new_key = Fernet.generate_key().decode()
    settings.BEACON_FIELD_KEYS = [new_key, *old]
    rotated = crypto.rotate_token(token)
    settings.BEACON_FIELD_KEYS = [new_key]
    assert crypto.decrypt(rotated) == "Jane Doe"
    with pytest.raises(ValueError, match="cannot be read"):
        crypto.decrypt(token)


def test_public_pages_render_in_english_and_spanish(db: Any) -> None:
    client = Client()
    en = client.get("/")
    assert en.status_code == 200 and b'lang="en"' in en.content and b"Skip to main content" in en.content
    assert b"/static/vendor/uswds/css/uswds.min.css" in en.content
    es = client.get("/es/")
    assert es.status_code == 200 and b'lang="es"' in es.content
    assert "Aprenda las señales" in es.content.decode() and "Ir al contenido principal" in es.content.decode()


def test_request_id_header(db: Any) -> None:
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="abcdef12-3456")
    assert response["X-Request-ID"] == "abcdef12-3456"
    assert len(Client().get("/healthz")["X-Request-ID"]) == 32


def test_gunicorn_workers_freeze_the_loaded_app(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from beacon import gunicorn_conf

    # the start-up sweep of tips left "being processed" reads the database (tests/tips/test_intake.py)
    monkeypatch.setattr(gunicorn_conf, "_sweep_tips", lambda: None)
    assert gc.get_freeze_count() == 0
    try:
        gunicorn_conf.post_worker_init(None)
        assert gc.get_freeze_count() > 10_000  # Django, the URL patterns and every view module
    finally:
        gc.unfreeze()
