"""Rate limits for public forms and endpoints, shared by every app server through the cache.

The client is keyed by an HMAC of its address with a secret that changes every window, so
the key is useless after the window and nothing identifying is written to the database or to
logs: the cache entry itself expires with the window.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def _parse(rate: str) -> tuple[int, int]:
    count, _, seconds = rate.partition("/")
    return int(count), int(seconds or 3600)


def client_key(request: HttpRequest, scope: str, window_start: int) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    secret = f"{settings.SECRET_KEY}:{scope}:{window_start}".encode()
    return "rl:" + scope + ":" + hmac.new(secret, address.encode(), hashlib.sha256).hexdigest()[:32]


def hit(request: HttpRequest, scope: str, *, cost: int = 1) -> bool:
    """Count one request in ``scope``; ``False`` when the client is over its limit."""
    limit, window = _parse(settings.BEACON_RATE_LIMITS.get(scope, settings.BEACON_RATE_LIMITS["public_form"]))
    now = int(time.time())
    start = now - now % window
    key = client_key(request, scope, start)
    ttl = start + window - now + 1
    if cache.add(key, cost, ttl):
        return cost <= limit
    try:
        count = cache.incr(key, cost)
    except ValueError:  # expired between add and incr
        cache.add(key, cost, ttl)
        count = cost
    return count <= limit


def retry_after(scope: str) -> int:
    _limit, window = _parse(settings.BEACON_RATE_LIMITS.get(scope, settings.BEACON_RATE_LIMITS["public_form"]))
    now = int(time.time())
    return window - now % window
