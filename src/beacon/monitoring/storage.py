"""Set-based writes and bounded reads of the monitoring tables (the ingestion's storage interface).

One small interface, two implementations chosen by the database vendor:

- PostgreSQL: ``COPY`` (psycopg 3 ``cursor.copy()``) into a temporary staging table, then one
  ``INSERT ... SELECT ... ON CONFLICT DO NOTHING RETURNING`` (ads) or a plain ``COPY`` into the
  table (rows that cannot conflict: bands and keys of ads created in the same transaction);
  candidate look-ups bounded per LSH bucket with a ``LATERAL ... LIMIT`` on the
  ``(key, band, ad_id)`` index, the buckets copied into a temporary table.
- SQLite: multi-row ``INSERT`` statements (up to ``_SQLITE_PARAMS`` parameters each) in the
  caller's transaction; bucket look-ups bounded with a window function.

Updates by id or by value are one ``UPDATE ... FROM`` statement: from a temporary table filled
by ``COPY`` on PostgreSQL (measured: cheaper in Beacon's process than ``unnest`` of one array per
column, whose dumping psycopg does in Python), from a ``WITH m(...) AS (VALUES ...)`` list on
SQLite (>= 3.33). A set of values to match (``field__in=one_of(values)``) is one query parameter: an
array on PostgreSQL, a JSON list on SQLite, so a look-up of thousands of keys is one statement.
Every function runs inside the caller's transaction and issues a
number of statements that depends on the chunk's size, never on the number of stored ads.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connection
from django.db.models.expressions import RawSQL

_SQLITE_PARAMS = 30_000  # SQLite >= 3.32 allows 32,766 parameters per statement


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def jsonb(value: Any) -> str | None:
    """A JSON column's value as the text both databases store (None stays SQL NULL)."""
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _batches(rows: Sequence[Sequence[Any]], width: int, limit: int) -> Iterator[Sequence[Sequence[Any]]]:
    step = max(1, limit // max(1, width))
    for i in range(0, len(rows), step):
        yield rows[i : i + step]


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def one_of(values: Iterable[Any], sql_type: str = "text") -> RawSQL:
    """``values`` as a subquery for ``field__in=``: one parameter, one statement however many values
    (PostgreSQL: ``unnest`` of an array of ``sql_type``; SQLite: ``json_each`` of a JSON list)."""
    if sql_type not in ("text", "bigint"):
        raise ValueError(f"one_of: unsupported type {sql_type!r}")
    vals = list(values)
    if is_postgres():
        return RawSQL(f"SELECT unnest(%s::{sql_type}[])", [vals])  # noqa: S611 - the type is one of ours
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(vals)])


def carrier_rows(keys: Iterable[str]) -> list[tuple[int, str, int | None]]:
    """Every linking key of every ad carrying one of ``keys``, with the ad's text group:
    ``(ad_id, key, text_group)`` in ad id then key row order, in one statement.

    PostgreSQL: the carriers' ids are an ``ARRAY(...)`` computed once (an init plan on the ``key``
    index), then matched with ``= ANY`` on the ``ad_id`` index; unlike ``IN (SELECT ...)`` this
    shape cannot be planned as nested scans of the key table (seen with a generic plan cached while
    the tables were small: minutes for a few hundred ads)."""
    wanted = sorted(set(keys))
    if not wanted:
        return []
    with connection.cursor() as cur:
        if is_postgres():
            cur.execute(
                "SELECT k.ad_id, k.key, a.text_group FROM monitoring_adkey k JOIN monitoring_ad a ON a.id = k.ad_id "
                "WHERE k.ad_id = ANY(ARRAY(SELECT c.ad_id FROM monitoring_adkey c WHERE c.key = ANY(%s::text[]))) "
                "ORDER BY k.ad_id, k.id", [wanted])
        else:
            cur.execute(
                "SELECT k.ad_id, k.key, a.text_group FROM monitoring_adkey k JOIN monitoring_ad a ON a.id = k.ad_id "
                "WHERE k.ad_id IN (SELECT c.ad_id FROM monitoring_adkey c "
                "WHERE c.key IN (SELECT value FROM json_each(%s))) ORDER BY k.ad_id, k.id", [json.dumps(wanted)])
        return [(int(a), str(k), g) for a, k, g in cur.fetchall()]


def copy_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Append rows that cannot conflict (COPY on PostgreSQL, multi-row INSERT on SQLite)."""
    if not rows:
        return
    cols = ", ".join(_q(c) for c in columns)
    with connection.cursor() as cur:
        if is_postgres():
            with cur.cursor.copy(f"COPY {_q(table)} ({cols}) FROM STDIN") as copy:  # noqa: S608 - our names
                for row in rows:
                    copy.write_row(row)
            return
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        for part in _batches(rows, len(columns), _SQLITE_PARAMS):
            cur.execute(f"INSERT INTO {_q(table)} ({cols}) VALUES " + ", ".join([one] * len(part)),  # noqa: S608
                        [v for row in part for v in row])


def insert_new(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, conflict: Sequence[str],
               returning: Sequence[str]) -> list[tuple[Any, ...]]:
    """Insert rows, skipping those whose ``conflict`` columns are already stored (by a concurrent
    run); returns the ``returning`` columns of the rows inserted."""
    if not rows:
        return []
    cols = ", ".join(_q(c) for c in columns)
    ret = ", ".join(_q(c) for c in returning)
    on = ", ".join(_q(c) for c in conflict)
    out: list[tuple[Any, ...]] = []
    with connection.cursor() as cur:
        if is_postgres():
            stage = f"_stage_{table}"
            cur.execute(f"DROP TABLE IF EXISTS {_q(stage)}")
            cur.execute(f"CREATE TEMP TABLE {_q(stage)} ON COMMIT DROP AS "  # noqa: S608 - our names
                        f"SELECT {cols} FROM {_q(table)} WITH NO DATA")
            with cur.cursor.copy(f"COPY {_q(stage)} ({cols}) FROM STDIN") as copy:  # noqa: S608 - our names
                for row in rows:
                    copy.write_row(row)
            cur.execute(f"INSERT INTO {_q(table)} ({cols}) SELECT {cols} FROM {_q(stage)} "  # noqa: S608
                        f"ON CONFLICT ({on}) DO NOTHING RETURNING {ret}")
            out.extend(tuple(r) for r in cur.fetchall())
            return out
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        for part in _batches(rows, len(columns), _SQLITE_PARAMS):
            cur.execute(f"INSERT INTO {_q(table)} ({cols}) VALUES " + ", ".join([one] * len(part))  # noqa: S608
                        + f" ON CONFLICT ({on}) DO NOTHING RETURNING {ret}", [v for row in part for v in row])
            out.extend(tuple(r) for r in cur.fetchall())
    return out


def _pg_stage(cur: Any, name: str, columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[Any]]) -> str:
    """A temporary table (dropped at commit) holding ``rows``, filled by ``COPY``; returns its quoted name."""
    stage = _q(name)
    cur.execute(f"DROP TABLE IF EXISTS {stage}")
    cur.execute(f"CREATE TEMP TABLE {stage} ({', '.join(f'{_q(c)} {t}' for c, t in columns)}) ON COMMIT DROP")
    with cur.cursor.copy(f"COPY {stage} FROM STDIN") as copy:  # noqa: S608 - our names
        for row in rows:
            copy.write_row(row)
    return stage


def update_from(table: str, match: str, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                types: Sequence[str]) -> None:
    """``UPDATE table SET columns = new values WHERE table.match = value``, for every row
    ``(match value, *new values)``, in one statement (PostgreSQL: from a temporary table filled by COPY;
    SQLite: a ``VALUES`` list per batch); ``types`` are the PostgreSQL types of ``(match, *columns)``."""
    if not rows:
        return
    names = ["m_key", *(f"m_{c}" for c in columns)]
    sets = ", ".join(f"{_q(c)} = m.{n}" for c, n in zip(columns, names[1:], strict=True))
    where = f"{_q(table)}.{_q(match)} = m.m_key"
    with connection.cursor() as cur:
        if is_postgres():
            stage = _pg_stage(cur, f"_upd_{table}", list(zip(names, types, strict=True)), rows)
            cur.execute(f"UPDATE {_q(table)} SET {sets} FROM {stage} AS m WHERE {where}")  # noqa: S608
            return
        one = "(" + ", ".join(["%s"] * len(names)) + ")"
        for part in _batches(rows, len(names), _SQLITE_PARAMS):
            cur.execute(f"WITH m({', '.join(names)}) AS (VALUES {', '.join([one] * len(part))}) "  # noqa: S608
                        f"UPDATE {_q(table)} SET {sets} FROM m WHERE {where}", [v for row in part for v in row])


def bucket_members(pairs: Iterable[tuple[int, int]], cap: int) -> dict[tuple[int, int], list[int]]:
    """The ``cap`` most recent ads (largest ids) of each LSH bucket ``(band, key)``, newest first.

    Bounded per bucket, so a bucket shared by many stored ads (a template posted 10,000 times)
    costs ``cap`` rows, not its size."""
    wanted = sorted(set(pairs))
    out: dict[tuple[int, int], list[int]] = {}
    if not wanted:
        return out
    with connection.cursor() as cur:
        if is_postgres():
            stage = _pg_stage(cur, "_buckets", [("band", "smallint"), ("key", "bigint")], wanted)
            cur.execute(
                f"SELECT w.band, w.key, x.ad_id FROM {stage} AS w "  # noqa: S608 - our names
                "CROSS JOIN LATERAL (SELECT b.ad_id FROM monitoring_adband b WHERE b.key = w.key "
                "AND b.band = w.band ORDER BY b.ad_id DESC LIMIT %s) x",
                [cap])
            for band, key, ad_id in cur.fetchall():
                out.setdefault((band, key), []).append(ad_id)
        else:
            for part in _batches(wanted, 2, _SQLITE_PARAMS - 10):
                values = ", ".join(["(%s, %s)"] * len(part))
                cur.execute(
                    f"WITH w(band, key) AS (VALUES {values}) SELECT band, key, ad_id FROM ("  # noqa: S608
                    " SELECT b.band, b.key, b.ad_id, ROW_NUMBER() OVER (PARTITION BY b.band, b.key"
                    " ORDER BY b.ad_id DESC) AS n FROM monitoring_adband b JOIN w ON b.key = w.key AND b.band = w.band"
                    ") WHERE n <= %s",
                    [v for p in part for v in p] + [cap])
                for band, key, ad_id in cur.fetchall():
                    out.setdefault((band, key), []).append(ad_id)
    for members in out.values():
        members.sort(reverse=True)
    return out
