"""Rate limits keep no reversible trace of an address (issue #11, "Anonymity").

Counters are named with a random key per window that is deleted when the window ends, so a
counter from an ended window cannot be linked to an address with any secret that still exists
(``SECRET_KEY``, field keys, today's window keys) nor with the database.  Behind reverse proxies
the client comes from ``X-Forwarded-For`` counted from the right (``BEACON_TRUSTED_PROXIES``).
"""

from __future__ import annotations

import hashlib
import hmac
from io import StringIO
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory

from beacon.core import audit, ratelimit
from beacon.core.client import client_address
from beacon.core.models import AuditEvent, RateCounter, RateWindowKey

T0 = 1_800_000_000  # a window start for both 3600 s and 900 s windows
CLIENT = "203.0.113.5"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    now = {"t": T0 + 10}
    monkeypatch.setattr(ratelimit, "_now", lambda: now["t"])
    return now


def _req(remote: str = CLIENT, forwarded: str | None = None) -> Any:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().post("/report/", REMOTE_ADDR=remote, **extra)


def _secrets_available_now() -> list[bytes]:
    """Every secret an attacker holding today's server and database could use."""
    found = [settings.SECRET_KEY.encode(), *(k.encode() for k in settings.BEACON_FIELD_KEYS)]
    found += [bytes.fromhex(s) for s in RateWindowKey.objects.values_list("secret", flat=True)]
    found += [key for key, _end in ratelimit._KEYS.values()]
    return found


def _recomputable(name: str, address: str) -> bool:
    """Can a counter's name be recomputed for ``address`` from any secret that exists now?

    Tries today's scheme and the one it replaced (HMAC of the address under SECRET_KEY:scope:window).
    """
    parts = name.split(":")
    scope, start, digest = parts[1], int(parts[2]) if len(parts) > 3 else None, parts[-1]
    for secret in _secrets_available_now():
        candidates = [hmac.new(secret, f"{scope}|{address}".encode(), hashlib.sha256).digest()]
        for window_start in ([start] if start is not None else [T0, T0 - 3600]):
            derived = f"{settings.SECRET_KEY}:{scope}:{window_start}".encode()
            candidates.append(hmac.new(derived, address.encode(), hashlib.sha256).digest())
        for mac in candidates:
            bucket = int.from_bytes(mac[:4], "big") >> (32 - ratelimit.BUCKET_BITS)
            if digest in (mac.hex()[:32], f"{bucket:0{(ratelimit.BUCKET_BITS + 3) // 4}x}"):
                return True
    return False


def _all_stored_text() -> str:
    """Every row of the counters, the window keys and Django's cache table, as text."""
    with connection.cursor() as cur:
        rows = []
        for table in (RateCounter._meta.db_table, RateWindowKey._meta.db_table, "beacon_cache"):
            cur.execute(f"SELECT * FROM {table}")  # noqa: S608 - our table names
            rows += [str(r) for r in cur.fetchall()]
    return "\n".join(rows)


def test_an_ended_windows_counters_cannot_be_linked_to_an_address(db: Any, clock: dict[str, int]) -> None:
    assert ratelimit.hit(_req(), "tip_submit")
    old = list(RateCounter.objects.values_list("key", flat=True))
    assert len(old) == 1
    # While the window lasts its key is stored (shared by every worker) and the counter is linkable.
    assert _recomputable(old[0], CLIENT)
    old_key = RateWindowKey.objects.get(name=f"tip_submit:{T0}")
    assert old_key.expires_at == T0 + 3600 and len(bytes.fromhex(old_key.secret)) == 32

    clock["t"] = T0 + 3600 + 5  # the next window: today's secrets, a new key
    assert ratelimit.hit(_req(), "tip_submit")
    # The old window's key is gone: from the database and from this process's memory.
    assert not RateWindowKey.objects.filter(name=f"tip_submit:{T0}").exists()
    assert all(start != T0 for (_scope, start) in ratelimit._KEYS)
    assert old_key.secret not in _all_stored_text()
    # A copy of the old counter (a backup, a leaked row) cannot be tied to the address any more.
    assert not RateCounter.objects.filter(key__in=old).exists()
    assert not _recomputable(old[0], CLIENT)
    new = RateWindowKey.objects.get(name=f"tip_submit:{T0 + 3600}")
    assert new.secret != old_key.secret
    # And nothing stored holds the address.
    assert CLIENT not in _all_stored_text()


def test_window_keys_are_random_not_derived_from_lasting_secrets(db: Any, clock: dict[str, int],
                                                                 settings: Any) -> None:
    ratelimit.hit(_req(), "public_form")
    first = RateWindowKey.objects.get().secret
    RateWindowKey.objects.all().delete()
    ratelimit.forget_keys()
    ratelimit.hit(_req(), "public_form")  # same window, same SECRET_KEY: a fresh random key
    assert RateWindowKey.objects.get().secret != first


def test_workers_share_the_window_key_and_the_count(db: Any, clock: dict[str, int], settings: Any) -> None:
    settings.BEACON_RATE_LIMITS = {**settings.BEACON_RATE_LIMITS, "public_form": "3/3600"}
    results = []
    for _ in range(4):
        ratelimit.forget_keys()  # each hit as if from another worker process (no shared memory)
        results.append(ratelimit.hit(_req(), "public_form"))
    assert results == [True, True, True, False]
    assert RateWindowKey.objects.count() == 1


def test_purge_command_removes_ended_windows(db: Any, clock: dict[str, int]) -> None:
    ratelimit.hit(_req(), "tip_followup")
    assert RateWindowKey.objects.exists() and RateCounter.objects.exists()
    clock["t"] = T0 + 900
    out = StringIO()
    call_command("purge_rate_limits", stdout=out)
    # At the window's end (the command reads the same clock) the counter and the key go.
    assert not RateWindowKey.objects.exists() and not RateCounter.objects.exists()
    assert "Deleted 2" in out.getvalue()


# --- Trusted proxies ------------------------------------------------------------------------
def test_without_trusted_proxies_the_header_is_ignored(db: Any, clock: dict[str, int], settings: Any) -> None:
    settings.BEACON_TRUSTED_PROXIES = 0
    settings.BEACON_RATE_LIMITS = {**settings.BEACON_RATE_LIMITS, "public_form": "2/3600"}
    assert client_address(_req(forwarded="198.51.100.1")) == CLIENT
    # A client cannot escape its limit by inventing X-Forwarded-For values.
    got = [ratelimit.hit(_req(forwarded=f"198.51.100.{n}"), "public_form") for n in range(1, 5)]
    assert got == [True, True, False, False]


def test_one_trusted_proxy_takes_the_address_it_saw(db: Any, clock: dict[str, int], settings: Any) -> None:
    settings.BEACON_TRUSTED_PROXIES = 1
    settings.BEACON_RATE_LIMITS = {**settings.BEACON_RATE_LIMITS, "public_form": "2/3600"}
    proxy = "10.0.0.2"
    assert client_address(_req(proxy, "203.0.113.5")) == "203.0.113.5"
    # The client's own header entries are to the left of what the proxy appended: ignored.
    assert client_address(_req(proxy, "1.2.3.4, 203.0.113.5")) == "203.0.113.5"
    got = [ratelimit.hit(_req(proxy, f"198.51.100.{n}, {CLIENT}"), "public_form") for n in range(1, 5)]
    assert got == [True, True, False, False]
    # Another reporter behind the same proxy has a bucket of their own (not the proxy's).
    assert ratelimit.hit(_req(proxy, "192.0.2.77"), "public_form")
    # A request that did not come through the proxy (no header) counts by its own address.
    assert client_address(_req("192.0.2.9")) == "192.0.2.9"


def test_two_trusted_proxies(settings: Any) -> None:
    settings.BEACON_TRUSTED_PROXIES = 2
    assert client_address(_req("10.0.0.3", "6.6.6.6, 203.0.113.5, 10.0.0.2")) == "203.0.113.5"
    assert client_address(_req("10.0.0.3", "203.0.113.5:51000, 10.0.0.2")) == "203.0.113.5"
    assert client_address(_req("10.0.0.3", "[2001:db8::7]:443, 10.0.0.2")) == "2001:db8::7"


def test_proxy_with_no_trusted_count_is_one_bucket_for_everyone(db: Any, clock: dict[str, int],
                                                                settings: Any) -> None:
    """Why the setting exists: behind a proxy, REMOTE_ADDR alone puts every reporter together."""
    settings.BEACON_RATE_LIMITS = {**settings.BEACON_RATE_LIMITS, "public_form": "1/3600"}
    settings.BEACON_TRUSTED_PROXIES = 0
    assert ratelimit.hit(_req("10.0.0.2", "203.0.113.5"), "public_form")
    assert not ratelimit.hit(_req("10.0.0.2", "203.0.113.6"), "public_form")
    settings.BEACON_TRUSTED_PROXIES = 1
    assert ratelimit.hit(_req("10.0.0.2", "203.0.113.7"), "public_form")


def test_ipv6_clients_count_by_their_64(db: Any, clock: dict[str, int], settings: Any) -> None:
    settings.BEACON_RATE_LIMITS = {**settings.BEACON_RATE_LIMITS, "public_form": "2/3600"}
    got = [ratelimit.hit(_req(f"2001:db8:1:2::{n:x}"), "public_form") for n in range(1, 4)]
    assert got == [True, True, False]
    assert ratelimit.hit(_req("2001:db8:1:3::1"), "public_form")


def test_staff_audit_address_follows_the_trusted_proxies(user_factory: Any, settings: Any) -> None:
    settings.BEACON_TRUSTED_PROXIES = 1
    user = user_factory("investigator")
    request = _req("10.0.0.2", "6.6.6.6, 198.51.100.40")
    event = audit.record(actor=user, action=audit.Action.READ, object_type="x", request=request)
    assert AuditEvent.objects.get(pk=event.pk).ip == "198.51.100.40"
    request = _req("10.0.0.2", "not-an-address")
    assert audit.record(actor=user, action=audit.Action.READ, object_type="x", request=request).ip is None


def _settings_in_a_fresh_process(tmp_path: Any, code: str, **env: str) -> Any:
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    full_env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "BEACON_TRUSTED_PROXIES"}}
    full_env.update(env, PYTHONPATH=str(root / "src"), DJANGO_SETTINGS_MODULE="beacon.settings",
                    BEACON_VAR_DIR=str(tmp_path))
    return subprocess.run([sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
                           + code], capture_output=True, text=True, env=full_env, cwd=root, timeout=120)


def test_trusted_proxies_setting_is_checked(tmp_path: Any) -> None:
    ok = _settings_in_a_fresh_process(tmp_path, "print(settings.BEACON_TRUSTED_PROXIES)", BEACON_TRUSTED_PROXIES="2")
    assert ok.returncode == 0 and ok.stdout.strip() == "2"
    default = _settings_in_a_fresh_process(tmp_path, "print(settings.BEACON_TRUSTED_PROXIES)")
    assert default.stdout.strip() == "0"
    for bad in ("-1", "two"):
        result = _settings_in_a_fresh_process(tmp_path, "pass", BEACON_TRUSTED_PROXIES=bad)
        assert result.returncode != 0 and "BEACON_TRUSTED_PROXIES must be a whole number" in result.stderr
