"""The client's address, behind ``settings.BEACON_TRUSTED_PROXIES`` reverse proxies.

With no trusted proxy (the default) the address is ``REMOTE_ADDR`` and ``X-Forwarded-For`` is
ignored: anyone can send that header.  With N trusted proxies, each of which appends the address
it received the request from to ``X-Forwarded-For``, the chain is the header's entries followed
by ``REMOTE_ADDR`` (the nearest proxy), and the client is the entry N places left of
``REMOTE_ADDR``.  Entries further left were written by the client and are never used, so a
spoofed header cannot choose the address.  A chain shorter than N + 1 (a request that did not
pass every proxy) gives its left-most entry.  The application must be reachable only through
the proxies for this to hold.

Used by the rate limits (``core.ratelimit``), the staff audit trail (``core.audit``) and
sign-in throttling (django-axes, ``AXES_CLIENT_IP_CALLABLE``).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings


def _clean(entry: str) -> str:
    """An address as written in the header, without port or brackets, canonical when it parses."""
    text = entry.strip().strip('"')
    candidates = [text]
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        candidates.insert(0, text[1:text.index("]")])
    elif text.count(":") == 1:  # 203.0.113.5:443
        candidates.insert(0, text.split(":", 1)[0])
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return text[:64]


def trusted_proxies() -> int:
    return max(0, int(getattr(settings, "BEACON_TRUSTED_PROXIES", 0) or 0))


def client_address(request: Any) -> str:
    """The client's address ("" when unknown); see the module docstring for the rule."""
    meta = getattr(request, "META", {})
    remote = _clean(meta.get("REMOTE_ADDR", "") or "")
    proxies = trusted_proxies()
    if proxies == 0:
        return remote
    forwarded = [_clean(e) for e in (meta.get("HTTP_X_FORWARDED_FOR", "") or "").split(",") if e.strip()]
    chain = [*forwarded, remote] if remote else forwarded
    if not chain:
        return ""
    return chain[-(proxies + 1)] if len(chain) > proxies else chain[0]


def client_ip(request: Any) -> str | None:
    """``client_address`` when it is an IP address (for IP address columns), else None."""
    try:
        return str(ipaddress.ip_address(client_address(request)))
    except ValueError:
        return None
