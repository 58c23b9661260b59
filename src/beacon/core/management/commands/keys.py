from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from beacon.core import audit
from beacon.core.crypto import PREFIX, encrypted_fields, rotate_token


class Command(BaseCommand):
    help = "Field-encryption keys: `keys generate` prints a new key; `keys rotate` re-encrypts under the first key."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["generate", "rotate"])
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "generate":
            self.stdout.write(Fernet.generate_key().decode())
            return
        total = 0
        q = connection.ops.quote_name
        for model, names in encrypted_fields():
            table, pk_col = q(model._meta.db_table), q(model._meta.pk.column)
            cols = [q(f.column) for f in model._meta.concrete_fields if f.attname in names]
            sets = ", ".join(f"{c} = %s" for c in cols)
            last_pk: Any = None
            while True:
                # One short transaction per batch, reading the stored tokens without decrypting:
                # the app keeps serving meanwhile, since old and new keys both decrypt.
                with transaction.atomic(), connection.cursor() as cur:
                    where = f"WHERE {pk_col} > %s " if last_pk is not None else ""
                    cur.execute(
                        f"SELECT {pk_col}, {', '.join(cols)} FROM {table} {where}ORDER BY {pk_col} LIMIT %s",  # noqa: S608
                        ([last_pk] if last_pk is not None else []) + [options["batch"]],
                    )
                    rows = cur.fetchall()
                    for pk, *values in rows:
                        new = [rotate_token(v) if isinstance(v, str) and v.startswith(PREFIX) else v for v in values]
                        cur.execute(f"UPDATE {table} SET {sets} WHERE {pk_col} = %s", [*new, pk])  # noqa: S608
                if not rows:
                    break
                total += len(rows)
                last_pk = rows[-1][0]
            self.stdout.write(f"{model._meta.label}: re-encrypted {', '.join(names)}")
        audit.record(actor=None, action=audit.Action.UPDATE, object_type="field_keys", summary=f"rotated {total} rows")
        self.stdout.write(f"Re-encrypted {total} rows under the first BEACON_FIELD_KEY.")
