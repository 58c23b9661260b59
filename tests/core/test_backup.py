"""``beacon backup`` / ``beacon restore``: a backup taken while a writer writes restores every record
(SQLite, through the commands in fresh processes) and a pg_dump backup restores into a scratch
PostgreSQL database."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from beacon.core import crypto
from beacon.core.backup import BackupError, Source, restore

ROOT = Path(__file__).resolve().parents[2]
PROBE = "backup_probe"
SECRETS = ("SECRET_KEY", "BEACON_FIELD_KEY", "BEACON_INDEX_KEY", "DATABASE_URL", "BEACON_ENV")
READ = """
from beacon.cases.models import Person
from beacon.training.models import Registration
from beacon.tips.models import Tip
print(sorted(p.name for p in Person.objects.all()))
print(sorted(r.email for r in Registration.objects.all()))
print(Tip.objects.count())
"""


def _beacon(*args: str, db: Path, var: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in SECRETS}
    env.update(DATABASE_URL=f"sqlite:///{db}", BEACON_VAR_DIR=str(var), BEACON_MEDIA_ROOT=str(var / "media"),
               PYTHONPATH=str(ROOT / "src"))
    return subprocess.run([sys.executable, "-m", "beacon.cli", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=300, check=check)


def _counts(path: Path) -> dict[str, int]:
    db = sqlite3.connect(path)
    try:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608
    finally:
        db.close()


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="the SQLite procedure")
def test_sqlite_backup_while_writing_restores_every_record(tmp_path: Path) -> None:
    src, var = tmp_path / "beacon.sqlite3", tmp_path / "var"
    _beacon("migrate", "-v", "0", db=src, var=var)
    _beacon("seed", db=src, var=var)  # the demo: encrypted cases, persons, tips and registrations
    (var / "media" / "attachments").mkdir(parents=True)
    (var / "media" / "attachments" / "file.bin").write_bytes(b"encrypted upload")
    writer_db = sqlite3.connect(src, check_same_thread=False, timeout=10)
    writer_db.execute(f"CREATE TABLE {PROBE} (id INTEGER PRIMARY KEY, at TEXT)")
    writer_db.commit()
    before = _counts(src)

    stop, written = threading.Event(), [0]

    def write() -> None:  # another process serving meanwhile: one committed row at a time
        while not stop.is_set():
            writer_db.execute(f"INSERT INTO {PROBE} (at) VALUES (datetime('now'))")  # noqa: S608
            writer_db.commit()
            written[0] += 1
            time.sleep(0.002)  # a busy server, not a lock held forever

    thread = threading.Thread(target=write)
    thread.start()
    try:
        result = _beacon("backup", str(tmp_path / "backup"), "--quiet", db=src, var=var, check=False)
    finally:
        stop.set()
        thread.join()
        writer_db.close()
    assert result.returncode == 0, result.stderr
    assert "Backed up" in result.stdout and written[0] > 0
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert sorted(manifest["keys"]) == ["field_key", "index_key", "secret_key"]
    for key in manifest["keys"]:
        assert (tmp_path / "backup" / "keys" / key).stat().st_mode & 0o777 == 0o600
    assert "media/attachments/file.bin" in manifest["files"]
    # A consistent snapshot: every table as it was, the probe somewhere between start and end.
    assert 0 <= manifest["counts"][PROBE] - before[PROBE] <= written[0]
    changed = {t for t in before if before[t] != manifest["counts"][t]} - {PROBE, "core_auditevent"}
    assert not changed
    assert manifest["counts"]["core_auditevent"] == before["core_auditevent"] + 1  # the backup's own audit row

    restored, var2 = tmp_path / "restored" / "beacon.sqlite3", tmp_path / "var2"
    out = _beacon("restore", str(tmp_path / "backup"), "--database", str(restored), "--var-dir", str(var2),
                  "--media-root", str(var2 / "media"), "--quiet", db=src, var=var).stdout
    assert "counts checked" in out
    assert _counts(restored) == manifest["counts"]
    assert (var2 / "field_key").read_text() == (var / "field_key").read_text()
    assert (var2 / "field_key").stat().st_mode & 0o777 == 0o600
    assert (var2 / "media" / "attachments" / "file.bin").read_bytes() == b"encrypted upload"
    # The restored copy, opened with the restored keys, reads the same decrypted records.
    original = _beacon("shell", "-c", READ, db=src, var=var).stdout
    copy = _beacon("shell", "-c", READ, db=restored, var=var2).stdout
    assert copy == original and "Demo" in original and "@" in original

    # A second restore over the copy is refused without --force, and a damaged backup is refused.
    refused = _beacon("restore", str(tmp_path / "backup"), "--database", str(restored), "--var-dir", str(var2),
                      db=src, var=var, check=False)
    assert refused.returncode != 0 and "pass --force" in refused.stderr
    with (tmp_path / "backup" / "beacon.sqlite3").open("r+b") as fh:
        fh.seek(5000)
        fh.write(b"\x00damaged\x00")
    damaged = _beacon("restore", str(tmp_path / "backup"), "--database", str(tmp_path / "other.sqlite3"),
                      "--var-dir", str(tmp_path / "var3"), db=src, var=var, check=False)
    assert damaged.returncode != 0 and "Checksum mismatch for beacon.sqlite3" in damaged.stderr
    assert not (tmp_path / "other.sqlite3").exists() and not (tmp_path / "var3").exists()


def test_backup_never_overwrites_and_restore_needs_a_manifest(tmp_path: Path, db: Any) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(tmp_path / "full"), "--quiet")
    with pytest.raises(CommandError, match="not a Beacon backup"):
        call_command("restore", str(tmp_path / "full"), "--quiet")


@pytest.mark.django_db(transaction=True)
def test_postgresql_backup_restores_into_a_scratch_database(tmp_path: Path, mo: Any, user_factory: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL procedure: run with DATABASE_URL=postgres://...")
    import shutil

    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump/pg_restore are not installed (Debian: postgresql-client)")
    import psycopg

    from beacon.cases import services as cases
    from beacon.cases.models import Person

    inv = user_factory("investigator")
    case = cases.case_create(acting_user=inv, title="Backup case")
    cases.person_add(case=case, acting_user=inv, role="victim", name="Maria Lopez", date_of_birth="2008-04-01")
    call_command("backup", str(tmp_path / "backup"), "--quiet")
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["engine"] == "postgresql" and manifest["counts"]["cases_person"] == 1

    settings_db = dict(connection.settings_dict)
    scratch = f"{settings_db['NAME']}_restore"
    conninfo = {k: v for k, v in {"host": settings_db.get("HOST"), "port": settings_db.get("PORT"),
                                  "user": settings_db.get("USER"), "password": settings_db.get("PASSWORD")}.items() if v}
    with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        admin.execute(f'CREATE DATABASE "{scratch}"')
    try:
        target = Source(database={**settings_db, "NAME": scratch}, var_dir=tmp_path / "var", media_root=tmp_path / "m")
        restore(tmp_path / "backup", target)
        with psycopg.connect(dbname=scratch, **conninfo) as copy:
            token = copy.execute("SELECT name FROM cases_person").fetchone()[0]  # type: ignore[index]
            assert crypto.decrypt(token) == Person.objects.get().name == "Maria Lopez"
            for table, rows in manifest["counts"].items():
                assert copy.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] == rows  # type: ignore[index]  # noqa: S608
        with pytest.raises(BackupError, match="pg_restore failed"):
            restore(tmp_path / "backup", target)  # not empty any more, and no --force
        restore(tmp_path / "backup", target, force=True)
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
