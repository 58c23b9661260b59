"""Rate limits for public forms and endpoints, shared by every app server through the database,
designed so that a counter can never be traced back to an address once its window has ended.

- **Window keys.**  Each scope's window (e.g. one hour of ``tip_submit``) has its own key: 32
  random bytes (``secrets``), never derived from ``SECRET_KEY`` or any other lasting secret.  The
  first app server to need it stores it in ``core.RateWindowKey`` with the window's end, so every
  worker and host uses the same one; each process also keeps it in memory until the window ends.
  Expired keys are deleted with their counters (``purge``: on the first request of a new window
  in each process, on one hit in ``PURGE_EVERY``, and by ``beacon purge_rate_limits``), and an
  expired key is never used even before it is deleted.
- **Counters.**  A client's counter is named by the scope, the window and
  ``HMAC-SHA256(window key, client)`` cut to ``BUCKET_BITS`` bits.  Once the window key is gone,
  nothing stored (not ``SECRET_KEY``, not the field keys, not the next window's key) can recompute
  it, so yesterday's counters cannot be linked to an address even with today's secrets and the
  database.  Cut to 20 bits, a counter names a bucket shared by about 4,000 IPv4 addresses, so
  even someone who reads the database *during* the window (key included) learns a bucket, not an
  address.  Two clients share a bucket with probability ~ clients-in-window / 2^20.
- **Client.**  ``core.client.client_address`` (``BEACON_TRUSTED_PROXIES`` for reverse proxies);
  an IPv6 client is counted by its /64 network, which one subscriber usually holds whole.

A hit is one statement (an ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` upsert, PostgreSQL
and SQLite >= 3.35) once the process knows the window key.  See docs/security.md, "Anonymity
guarantees", for what this does not protect against.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import random
import secrets
import threading
import time

from django.conf import settings
from django.db import connection
from django.http import HttpRequest

from .client import client_address
from .models import RateCounter, RateWindowKey

PURGE_EVERY = 200  # on average, one hit in this many also deletes ended windows
BUCKET_BITS = 20  # counters name a bucket of 2**(32 - BUCKET_BITS) IPv4 addresses, not an address

# (scope, window start) -> (key, window end).  Process memory only; entries go when the window ends.
_KEYS: dict[tuple[str, int], tuple[bytes, int]] = {}
_LOCK = threading.Lock()


def _now() -> int:
    return int(time.time())


def parse(scope: str) -> tuple[int, int]:
    """(limit, window seconds) of a scope in ``settings.BEACON_RATE_LIMITS`` ("count/seconds")."""
    rate = settings.BEACON_RATE_LIMITS.get(scope, settings.BEACON_RATE_LIMITS["public_form"])
    count, _, seconds = rate.partition("/")
    return int(count), int(seconds or 3600)


def _window(scope: str, now: int | None = None) -> tuple[int, int, int]:
    limit, window = parse(scope)
    now = _now() if now is None else now
    return limit, now - now % window, window


def _client(request: HttpRequest) -> str:
    address = client_address(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:  # ::ffff:203.0.113.5 is 203.0.113.5
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def forget_keys() -> None:
    """Drop this process's copies of window keys (tests; the database copy is unaffected)."""
    with _LOCK:
        _KEYS.clear()


def window_key(scope: str, start: int, end: int, *, now: int | None = None) -> bytes:
    """The random key of ``scope``'s window starting at ``start``: this process's copy, else the
    shared one (created by whichever process asks first)."""
    now = _now() if now is None else now
    with _LOCK:
        for k in [k for k, (_key, ends) in _KEYS.items() if ends <= now]:
            del _KEYS[k]
        cached = _KEYS.get((scope, start))
    if cached is not None:
        return cached[0]
    purge(now)  # a process's first hit in a new window: whatever ended goes now
    name = f"{scope}:{start}"
    RateWindowKey.objects.bulk_create(
        [RateWindowKey(name=name, secret=secrets.token_hex(32), expires_at=end)], ignore_conflicts=True)
    stored = RateWindowKey.objects.filter(name=name, expires_at__gt=now).values_list("secret", flat=True).first()
    key = bytes.fromhex(stored) if stored else secrets.token_bytes(32)  # (unreachable unless the clock jumps)
    # Callers hit outside transactions (public views are not atomic), so the stored key is final.
    with _LOCK:
        _KEYS[(scope, start)] = (key, end)
    return key


def client_key(request: HttpRequest, scope: str, window_start: int, *, key: bytes | None = None) -> str:
    """The counter name of this client in this window: the scope, the window and the client's bucket."""
    _limit, window = parse(scope)
    if key is None:
        key = window_key(scope, window_start, window_start + window)
    digest = hmac.new(key, f"{scope}|{_client(request)}".encode(), hashlib.sha256).digest()
    bucket = int.from_bytes(digest[:4], "big") >> (32 - BUCKET_BITS)
    return f"rl:{scope}:{window_start}:{bucket:0{(BUCKET_BITS + 3) // 4}x}"


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
    """Delete the counters and window keys of windows that have ended."""
    now = _now() if now is None else now
    deleted, _ = RateCounter.objects.filter(expires_at__lte=now).delete()
    keys, _ = RateWindowKey.objects.filter(expires_at__lte=now).delete()
    return deleted + keys


def retry_after(scope: str) -> int:
    _limit, window = parse(scope)
    now = _now()
    return window - now % window
