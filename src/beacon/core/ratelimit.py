"""Rate limits for public forms and endpoints, shared by every app server through the database.

The client is keyed by an HMAC of its address with a secret that changes every window, so
the key is useless after the window and nothing identifying is written to the database or to
logs; counter rows are purged once their window has ended.  A hit is one statement (an
``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` upsert, PostgreSQL and SQLite >= 3.35).
"""

from __future__ import annotations

import hashlib
import hmac
import random
import time

from django.conf import settings
from django.db import connection
from django.http import HttpRequest

from .models import RateCounter

PURGE_EVERY = 200  # on average, one hit in this many also deletes ended windows


def parse(scope: str) -> tuple[int, int]:
    """(limit, window seconds) of a scope in ``settings.BEACON_RATE_LIMITS`` ("count/seconds")."""
    rate = settings.BEACON_RATE_LIMITS.get(scope, settings.BEACON_RATE_LIMITS["public_form"])
    count, _, seconds = rate.partition("/")
    return int(count), int(seconds or 3600)


def client_key(request: HttpRequest, scope: str, window_start: int) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    secret = f"{settings.SECRET_KEY}:{scope}:{window_start}".encode()
    return "rl:" + scope + ":" + hmac.new(secret, address.encode(), hashlib.sha256).hexdigest()[:32]


def _window(scope: str) -> tuple[int, int, int]:
    limit, window = parse(scope)
    now = int(time.time())
    return limit, now - now % window, window


def hit(request: HttpRequest, scope: str, *, cost: int = 1) -> bool:
    """Count one request in ``scope``; ``False`` when the client is over its limit."""
    limit, start, window = _window(scope)
    key = client_key(request, scope, start)
    q = connection.ops.quote_name
    table, k, n, exp = q(RateCounter._meta.db_table), q("key"), q("count"), q("expires_at")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({k}, {n}, {exp}) VALUES (%s, %s, %s) "  # noqa: S608 - names are ours
            f"ON CONFLICT ({k}) DO UPDATE SET {n} = {table}.{n} + excluded.{n} RETURNING {n}",
            [key, cost, start + window],
        )
        count = int(cursor.fetchone()[0])
    if random.randrange(PURGE_EVERY) == 0:  # noqa: S311 - not security-relevant
        purge()
    return count <= limit


def count(request: HttpRequest, scope: str) -> int:
    """How many requests this client has made in ``scope`` in the current window (no hit)."""
    _limit, start, _window_len = _window(scope)
    row = RateCounter.objects.filter(key=client_key(request, scope, start)).values_list("count", flat=True).first()
    return int(row or 0)


def blocked(request: HttpRequest, scope: str) -> bool:
    """True when the client has used up the scope's allowance in this window."""
    return count(request, scope) >= parse(scope)[0]


def purge(now: int | None = None) -> int:
    """Delete counters whose window has ended."""
    deleted, _ = RateCounter.objects.filter(expires_at__lte=now or int(time.time())).delete()
    return deleted


def retry_after(scope: str) -> int:
    _limit, window = parse(scope)
    now = int(time.time())
    return window - now % window
