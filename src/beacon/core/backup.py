"""``beacon backup DIR`` / ``beacon restore DIR``: the database, the key files and uploaded files.

SQLite is copied with SQLite's online backup API (a consistent snapshot taken page by page while
the application keeps serving and writing).  PostgreSQL is dumped with ``pg_dump -Fc`` and
restored with ``pg_restore``.  Key files that exist under the var directory (``secret_key``,
``field_key``, ``index_key``: local installs) are copied with mode 0600; keys given in the
environment are named in the manifest but never written to disk.  ``manifest.json`` holds the
row count of every table and the SHA-256 of every file, and a restore checks both.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
SQLITE_FILE = "beacon.sqlite3"
PG_FILE = "beacon.dump"
KEY_FILES = {"secret_key": "SECRET_KEY", "field_key": "BEACON_FIELD_KEY", "index_key": "BEACON_INDEX_KEY"}
FORMAT = 1

Progress = Callable[[int, int], None]  # (done, total)


class BackupError(Exception):
    """A backup or restore that cannot proceed; nothing was changed."""


@dataclass(frozen=True)
class Source:
    """Where the live data is: the database settings, the var directory, the uploaded files."""

    database: dict[str, Any]
    var_dir: Path
    media_root: Path

    @property
    def engine(self) -> str:
        return "sqlite" if "sqlite3" in self.database["ENGINE"] else "postgresql"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sqlite_counts(db: sqlite3.Connection) -> dict[str, int]:
    tables = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    path.chmod(0o600)


def _pg_env(database: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = ["--dbname", str(database["NAME"])]
    if database.get("HOST"):
        args += ["--host", str(database["HOST"])]
    if database.get("PORT"):
        args += ["--port", str(database["PORT"])]
    if database.get("USER"):
        args += ["--username", str(database["USER"])]
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not on PATH: install PostgreSQL's client tools (Debian: postgresql-client) "
                          "or follow the pg_dump procedure in docs/operations.md.")
    return path


def _pg_counts(database: dict[str, Any]) -> dict[str, int]:
    import psycopg

    conninfo = {k: v for k, v in {"dbname": database["NAME"], "host": database.get("HOST"), "port": database.get("PORT"),
                                  "user": database.get("USER"), "password": database.get("PASSWORD")}.items() if v}
    with psycopg.connect(**conninfo) as db:
        tables = [r[0] for r in db.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")]
        return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # type: ignore[index]  # noqa: S608


def backup(target: Path, source: Source, *, progress: Progress | None = None) -> dict[str, Any]:
    """Write a backup into the empty or new directory ``target``; returns the manifest."""
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: back up into a new directory (a backup never overwrites another).")
    target.mkdir(parents=True, exist_ok=True)
    target.chmod(0o700)
    manifest: dict[str, Any] = {"format": FORMAT, "engine": source.engine,
                                "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    if source.engine == "sqlite":
        name = str(source.database["NAME"])
        if not Path(name).is_file():
            raise BackupError(f"The SQLite database {name} does not exist.")
        out = target / SQLITE_FILE
        with sqlite3.connect(f"file:{name}?mode=ro", uri=True) as src, sqlite3.connect(out) as dst:
            def step(status: int, remaining: int, total: int) -> None:
                if progress:
                    progress(total - remaining, total)

            src.backup(dst, pages=1024, progress=step)
            manifest["counts"] = sqlite_counts(dst)
        dst.close()
        src.close()
        out.chmod(0o600)
        manifest["database"] = SQLITE_FILE
    else:
        args, env = _pg_env(source.database)
        out = target / PG_FILE
        subprocess.run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(out), *args],  # noqa: S603
                       env=env, check=True, capture_output=True, text=True)
        out.chmod(0o600)
        manifest["counts"] = _pg_counts(source.database)
        manifest["database"] = PG_FILE
    (target / "keys").mkdir(mode=0o700)
    manifest["keys"], manifest["keys_from_environment"] = [], []
    for file, env_name in KEY_FILES.items():
        if os.environ.get(env_name, "").strip():
            manifest["keys_from_environment"].append(env_name)
        elif (source.var_dir / file).is_file():
            _write_private(target / "keys" / file, (source.var_dir / file).read_bytes())
            manifest["keys"].append(file)
    media = [p for p in source.media_root.rglob("*") if p.is_file()] if source.media_root.is_dir() else []
    for path in media:
        dest = target / "media" / path.relative_to(source.media_root)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, dest)
    manifest["files"] = {str(p.relative_to(target)): sha256_of(p)
                         for p in sorted(target.rglob("*")) if p.is_file() and p.name != MANIFEST}
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def read_manifest(backup_dir: Path) -> dict[str, Any]:
    """The backup's manifest, after checking every file against its checksum."""
    path = backup_dir / MANIFEST
    if not path.is_file():
        raise BackupError(f"{backup_dir} holds no {MANIFEST}: not a Beacon backup.")
    try:
        manifest: dict[str, Any] = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise BackupError(f"{path} is damaged ({exc}).") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: unknown backup format {manifest.get('format')!r}.")
    for name, digest in manifest["files"].items():
        file = backup_dir / name
        if not file.is_file():
            raise BackupError(f"The backup lacks {name}; nothing was restored.")
        if sha256_of(file) != digest:
            raise BackupError(f"Checksum mismatch for {name}: the backup is damaged; nothing was restored.")
    return manifest


def _sqlite_in_use(path: Path) -> bool:
    db = sqlite3.connect(path, timeout=0)
    try:
        db.execute("BEGIN EXCLUSIVE")
        db.rollback()
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        db.close()


def restore(backup_dir: Path, target: Source, *, force: bool = False, progress: Progress | None = None) -> dict[str, Any]:
    """Restore the database, key files and uploaded files of ``backup_dir`` into ``target``."""
    manifest = read_manifest(backup_dir)
    if manifest["engine"] != target.engine:
        raise BackupError(f"This is a {manifest['engine']} backup; the configured database is {target.engine}.")
    # Refuse before changing anything.
    for file in manifest["keys"]:
        existing = target.var_dir / file
        if existing.is_file() and existing.read_bytes() != (backup_dir / "keys" / file).read_bytes() and not force:
            raise BackupError(f"{existing} differs from the backup's key; pass --force to replace it "
                              "(data encrypted under the current key would no longer be readable).")
    if target.engine == "sqlite":
        db_path = Path(str(target.database["NAME"]))
        if db_path.is_file() and db_path.stat().st_size > 0:
            if not force:
                raise BackupError(f"{db_path} exists; pass --force to overwrite it (stop Beacon first).")
            if _sqlite_in_use(db_path):
                raise BackupError(f"{db_path} is in use (a write is under way): stop Beacon, then restore.")
        db_path.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(f"file:{backup_dir / SQLITE_FILE}?mode=ro", uri=True) as src, \
                sqlite3.connect(db_path) as dst:
            src.backup(dst, pages=1024, progress=lambda s, r, t: progress(t - r, t) if progress else None)
            counts = sqlite_counts(dst)
        dst.close()
        src.close()
    else:
        args, env = _pg_env(target.database)
        options = ["--clean", "--if-exists"] if force else []
        result = subprocess.run([_tool("pg_restore"), "--no-owner", "--exit-on-error", *options, *args,  # noqa: S603
                                 str(backup_dir / PG_FILE)], env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise BackupError("pg_restore failed (restore into an empty database, or pass --force to replace the "
                              f"tables): {result.stderr.strip()[-500:]}")
        counts = _pg_counts(target.database)
    missing = {t: (n, counts.get(t)) for t, n in manifest["counts"].items() if counts.get(t) != n}
    if missing:
        raise BackupError(f"Restored row counts differ from the manifest: {missing}")
    target.var_dir.mkdir(parents=True, exist_ok=True)
    for file in manifest["keys"]:
        _write_private(target.var_dir / file, (backup_dir / "keys" / file).read_bytes())
    media_dir = backup_dir / "media"
    if media_dir.is_dir():
        shutil.copytree(media_dir, target.media_root, dirs_exist_ok=True)
    return manifest
