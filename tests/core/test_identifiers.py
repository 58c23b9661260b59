from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from beacon.core import identifiers, ratelimit
from beacon.core.identifiers import Kind


@pytest.mark.parametrize(
    ("kind", "raw", "value"),
    [
        (Kind.PHONE, "(816) 555-0101", "+18165550101"),
        (Kind.PHONE, "816.555.0101", "+18165550101"),
        (Kind.PHONE, "not a phone", None),
        (Kind.EMAIL, " Someone@Example.ORG ", "someone@example.org"),
        (Kind.EMAIL, "nobody at example", None),
        (Kind.URL, "https://www.Example.com/ads/1/", "example.com/ads/1"),
        (Kind.URL, "example.com", "example.com"),
        (Kind.HANDLE, "@Candy_KC", "at:candy_kc"),
        (Kind.HANDLE, "snap: candy_kc", "snapchat:candy_kc"),
        (Kind.PLATE, "mo: abc-1234", "MO:ABC1234"),
        (Kind.PLATE, "ABC 123", "XX:ABC123"),
        (Kind.PLATE, "!", None),
        (Kind.ADDRESS, "1200 North Main Street, Apt 4", "1200 n main st apt 4"),
        (Kind.ADDRESS, "Main Street", None),
        (Kind.PAYMENT, "$Cash Tag", "$cashtag"),
    ],
)
def test_normalise(kind: str, raw: str, value: str | None) -> None:
    assert identifiers.normalise(kind, raw) == value


def test_find_in_text() -> None:
    text = "Call eight one six 555 o1o1 or email Roxy@example.com, snap: candy_kc, see www.example.org/x"
    found = {(f.kind, f.value) for f in identifiers.find_in_text(text)}
    assert ("phone", "+18165550101") in found
    assert ("email", "roxy@example.com") in found
    assert ("handle", "snapchat:candy_kc") in found
    assert ("url", "example.org/x") in found
    more = {(f.kind, f.value) for f in identifiers.find_in_text("White van, plate MO ABC-1234, parked at 1200 North Main Street")}
    assert ("plate", "MO:ABC1234") in more and ("address", "1200 n main st") in more


def test_identifier_rows_are_shared(db: Any) -> None:
    a = identifiers.identifier_for("phone", "+18165550101")
    b = identifiers.identifier_for("phone", "+18165550101")
    assert a.pk == b.pk


def test_identifier_ids_share_rows_with_identifier_for(db: Any, django_assert_max_num_queries: Any) -> None:
    from beacon.core.models import Identifier

    known = identifiers.identifier_for("phone", "+18165550101")
    # The same value under another kind is another identifier.
    pairs = [("phone", "+18165550101"), ("handle", "+18165550101"), ("email", "a@example.org"), ("phone", "+18165550101")]
    with django_assert_max_num_queries(3):  # look-up, insert of the missing, read-back
        ids = identifiers.identifier_ids(pairs)
    assert set(ids) == {("phone", "+18165550101"), ("handle", "+18165550101"), ("email", "a@example.org")}
    assert ids[("phone", "+18165550101")] == known.pk
    assert ids[("handle", "+18165550101")] != known.pk
    assert identifiers.identifier_for("email", "a@example.org").pk == ids[("email", "a@example.org")]
    with django_assert_max_num_queries(1):  # all known: one look-up
        assert identifiers.identifier_ids(pairs) == ids
    # Chunked look-ups find every row.
    many = [("phone", f"+1816555{n:04d}") for n in range(30)]
    got = identifiers.identifier_ids(many, chunk=7)
    assert len(got) == 30 and Identifier.objects.filter(kind="phone", value__startswith="+1816555").count() == 31


def test_rate_limit_counts_per_client_and_keeps_no_address(db: Any, settings: Any) -> None:
    settings.BEACON_RATE_LIMITS = {**settings.BEACON_RATE_LIMITS, "public_form": "3/3600"}
    rf = RequestFactory()
    a = rf.post("/x", REMOTE_ADDR="203.0.113.5")
    b = rf.post("/x", REMOTE_ADDR="203.0.113.6")
    assert [ratelimit.hit(a, "public_form") for _ in range(4)] == [True, True, True, False]
    assert ratelimit.hit(b, "public_form")
    key = ratelimit.client_key(a, "public_form", 0)
    assert "203.0.113.5" not in key
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT key, count, expires_at FROM core_ratecounter")
        rows = cur.fetchall()
    assert rows and all("203.0.113" not in str(r) for r in rows)
    assert ratelimit.count(a, "public_form") == 4 and ratelimit.blocked(a, "public_form")
    assert not ratelimit.blocked(b, "public_form")
    # Once the window has ended the counters (and the window's key) are deleted.
    assert ratelimit.purge(now=max(r[2] for r in rows)) == len(rows) + 2  # + the keys of this window and of window 0
    assert ratelimit.count(a, "public_form") == 0
