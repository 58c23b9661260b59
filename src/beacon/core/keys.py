"""Key rotation: re-encrypt every encrypted field (field key) and recompute every stored blind
index (index key), in short batches so the application keeps serving.

Both are idempotent, so a run that was stopped is finished by running it again: a batch is
one transaction, and a row already current is read but not written again.  Each run writes
an audit event when it starts and one with its counts when it ends.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction

from . import audit
from .crypto import (
    PREFIX,
    decrypt_bytes,
    encrypt_bytes,
    encrypted_fields,
    encrypted_files,
    fernet,
    is_current_bytes,
    rotate_token,
    stored_indexes,
)

Progress = Callable[[str, int, int], None]  # (label, rows done, rows in table)


@dataclass
class RotationResult:
    rows: int = 0  # rows read
    changed: int = 0  # rows written
    unreadable: int = 0  # rows whose encrypted source cannot be read with the configured keys
    unmatched: int = 0  # indexes no configured key reproduces (left unchanged)
    conflicts: int = 0  # recomputed index already held by an equal row (left unchanged)
    tables: dict[str, int] = field(default_factory=dict)


def rotate_field_key(*, batch: int = 500, progress: Progress | None = None) -> RotationResult:
    """Re-encrypt every encrypted field under the first ``BEACON_FIELD_KEY``."""
    result = RotationResult()
    audit.record(actor=None, action=audit.Action.UPDATE, object_type="field_keys", summary="field-key rotation started")
    q = connection.ops.quote_name
    for model, names in encrypted_fields():
        table, pk_col = q(model._meta.db_table), q(model._meta.pk.column)
        cols = [q(f.column) for f in model._meta.concrete_fields if f.attname in names]
        sets = ", ".join(f"{c} = %s" for c in cols)
        total, done, last_pk = model._default_manager.count(), 0, None
        while True:
            # Read the stored tokens without decrypting: old and new keys both decrypt meanwhile.
            with transaction.atomic(), connection.cursor() as cur:
                where = f"WHERE {pk_col} > %s " if last_pk is not None else ""
                cur.execute(
                    f"SELECT {pk_col}, {', '.join(cols)} FROM {table} {where}ORDER BY {pk_col} LIMIT %s",  # noqa: S608
                    ([last_pk] if last_pk is not None else []) + [batch],
                )
                rows = cur.fetchall()
                for pk, *values in rows:
                    try:
                        new = [rotate_token(v) if isinstance(v, str) and v.startswith(PREFIX) else v for v in values]
                    except ValueError:
                        result.unreadable += 1
                        continue
                    cur.execute(f"UPDATE {table} SET {sets} WHERE {pk_col} = %s", [*new, pk])  # noqa: S608
                    result.changed += 1
            if not rows:
                break
            done += len(rows)
            last_pk = rows[-1][0]
            if progress:
                progress(model._meta.label, done, total)
        result.rows += done
        result.tables[model._meta.label] = done
    _rotate_files(result, batch=batch, progress=progress)
    audit.record(actor=None, action=audit.Action.UPDATE, object_type="field_keys",
                 summary=f"field-key rotation: re-encrypted {result.changed} of {result.rows} rows",
                 detail={"tables": result.tables, "unreadable": result.unreadable})
    return result


def _rewrite(storage: Any, name: str, data: bytes) -> None:
    """Replace a stored file's bytes in place, atomically (a crash leaves the old or the new file)."""
    path = storage.path(name)
    tmp = f"{path}.rotating"
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _rotate_files(result: RotationResult, *, batch: int, progress: Progress | None) -> None:
    """Re-encrypt every encrypted file (tip photos, case attachments) under the first field key, and
    encrypt the files written before encryption (rows whose ``encrypted`` flag is off).

    A file is rewritten only when the first key alone cannot read it, so a second run writes
    nothing; a file already encrypted whose flag is still off (a run stopped between the two
    writes) is recognised by decrypting it and only gets its flag set."""
    for model, names in encrypted_files():
        flagged = any(f.name == "encrypted" for f in model._meta.concrete_fields)
        label = f"{model._meta.label} files"
        pks = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), batch):
            for row in model._default_manager.filter(pk__in=pks[start:start + batch]).order_by("pk"):
                for name in names:
                    fieldfile = getattr(row, name)
                    if not fieldfile:
                        continue
                    with fieldfile.open("rb") as fh:
                        data = fh.read()
                    if flagged and not getattr(row, "encrypted", True):
                        try:
                            decrypt_bytes(data)
                        except ValueError:
                            _rewrite(fieldfile.storage, fieldfile.name, encrypt_bytes(data))
                        else:
                            if not is_current_bytes(data):
                                _rewrite(fieldfile.storage, fieldfile.name, fernet().rotate(data))
                        model._default_manager.filter(pk=row.pk).update(encrypted=True)
                        result.changed += 1
                        continue
                    if is_current_bytes(data):
                        continue
                    try:
                        decrypt_bytes(data)
                    except ValueError:
                        result.unreadable += 1
                        continue
                    _rewrite(fieldfile.storage, fieldfile.name, fernet().rotate(data))
                    result.changed += 1
            if progress:
                progress(label, min(len(pks), start + batch), len(pks))
        result.rows += len(pks)
        result.tables[label] = len(pks)


class _Unreadable:
    """A row whose encrypted fields the configured field keys cannot decrypt."""


def _load(rows: Any, pks: list[Any]) -> list[Any]:
    """The rows with these keys (decrypted); one by one when some cannot be decrypted."""
    try:
        return list(rows.filter(pk__in=pks))
    except ValueError:
        loaded: list[Any] = []
        for pk in pks:
            try:
                loaded.append(rows.get(pk=pk))
            except ValueError:
                loaded.append(_Unreadable())
        return loaded


def rotate_index_key(*, batch: int = 500, progress: Progress | None = None) -> RotationResult:
    """Recompute every stored blind index under the first ``BEACON_INDEX_KEY``.

    The old key must still be configured (second or later in ``BEACON_INDEX_KEY``) while this
    runs: look-ups keep matching, and indexes that are derived from others (a deconfliction
    alert's) are found through it.
    """
    result = RotationResult()
    audit.record(actor=None, action=audit.Action.UPDATE, object_type="index_keys", summary="index-key rotation started")
    for entry in stored_indexes():
        model, name = entry.model, entry.field
        manager: Any = model._default_manager
        label = f"{model._meta.label}.{name}"
        total, done, last_pk = manager.count(), 0, None
        while True:
            with transaction.atomic():
                rows = manager.order_by("pk").select_related(*entry.select_related)
                if last_pk is not None:
                    rows = rows.filter(pk__gt=last_pk)
                pks = list(rows.values_list("pk", flat=True)[:batch])
                for row in _load(rows, pks):
                    try:
                        if isinstance(row, _Unreadable):
                            raise ValueError(row.__doc__)
                        new = entry.compute(row)
                    except ValueError:
                        result.unreadable += 1
                        continue
                    if new is None:
                        result.unmatched += 1
                    elif new != getattr(row, name):
                        try:
                            with transaction.atomic():
                                manager.filter(pk=row.pk).update(**{name: new})
                        except IntegrityError:
                            result.conflicts += 1
                            continue
                        result.changed += 1
            if not pks:
                break
            done += len(pks)
            last_pk = pks[-1]
            if progress:
                progress(label, done, total)
        result.rows += done
        result.tables[label] = done
    audit.record(actor=None, action=audit.Action.UPDATE, object_type="index_keys",
                 summary=f"index-key rotation: recomputed {result.changed} of {result.rows} indexes",
                 detail={"tables": result.tables, "unreadable": result.unreadable, "unmatched": result.unmatched,
                         "conflicts": result.conflicts})
    return result
