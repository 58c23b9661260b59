"""Identifiers shared across tips, cases and ad monitoring, normalised one way everywhere.

Phones, e-mails, URLs and handles use the ad analysis core's extraction
(``beacon.adscan.extract``), so a phone written "816.555.0101" in a tip, "(816) 555-0101" on a
case and "eight one six 555 o1o1" in an ad is the same ``+18165550101``.  Two records sharing
a normalised identifier are linked (``core.Identifier`` is the meeting point).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from beacon.adscan.extract import (
    extract_emails,
    extract_handles,
    extract_phones,
    extract_urls,
    normalise_phone,
)

if TYPE_CHECKING:
    from .models import Identifier


class Kind(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    URL = "url", _("Web address")
    HANDLE = "handle", _("Online account")
    PLATE = "plate", _("Vehicle plate")
    ADDRESS = "address", _("Address")
    PAYMENT = "payment", _("Payment account")


@dataclass(frozen=True)
class Found:
    kind: str
    value: str  # normalised
    raw: str  # as written
    span: tuple[int, int] | None = None


_STREET_WORDS = {
    "street": "st", "str": "st", "avenue": "ave", "av": "ave", "road": "rd", "drive": "dr", "boulevard": "blvd",
    "lane": "ln", "court": "ct", "place": "pl", "highway": "hwy", "parkway": "pkwy", "terrace": "ter",
    "north": "n", "south": "s", "east": "e", "west": "w", "apartment": "apt", "suite": "ste", "unit": "apt", "#": "apt",
}
_STATES = "MO|KS|IL|IA|NE|OK|AR|TN|KY|TX|CO|MN|WI"
# Plates and street addresses written in free text ("plate MO ABC 1234", "1200 N Main St").
_PLATE_IN_TEXT = re.compile(
    r"\b(?:plates?|tags?|licen[cs]e(?:\s+plate)?|placa)\s*(?:#|no\.?|number|n[uú]mero)?\s*[:\-]?\s*"
    rf"(?:({_STATES})\s*[:\-]?\s*)?([A-Z0-9]{{2,4}}[\s\-]?[A-Z0-9]{{2,4}})\b",
    re.IGNORECASE,
)
_STREET = r"(?:street|st|avenue|ave|road|rd|drive|dr|boulevard|blvd|lane|ln|court|ct|highway|hwy|parkway|pkwy|way|terrace|ter)"
_ADDRESS_IN_TEXT = re.compile(
    rf"\b\d{{1,6}}\s+(?:[NSEW]\.?\s+)?(?:[A-Za-z0-9'\-]+\s+){{0,3}}{_STREET}\b\.?(?:\s*(?:apt|unit|suite|#)\s*\w+)?",
    re.IGNORECASE,
)
_PLATE_STATE = re.compile(r"^(?:([A-Z]{2})\s*[:\-]\s*)?([A-Z0-9][A-Z0-9 \-·.]{0,9})$")


def normalise_email(raw: str) -> str | None:
    raw = raw.strip().lower()
    return raw if re.fullmatch(r"[a-z0-9._%+\-]+@[a-z0-9.\-]+\.[a-z]{2,}", raw) else None


def normalise_url(raw: str) -> str | None:
    raw = raw.strip()
    if not raw:
        return None
    found = extract_urls(raw if "://" in raw or raw.startswith("www.") else raw)
    value = found[0].value if found else None
    if value is None and re.fullmatch(r"[\w.\-]+\.[a-z]{2,}(/\S*)?", raw, re.I):
        value = raw.lower()
    if value is None:
        return None
    value = re.sub(r"^https?://", "", value.lower())
    value = re.sub(r"^www\.", "", value)
    return value.rstrip("/")


def normalise_handle(raw: str, platform: str = "") -> str | None:
    """``platform:handle`` in lower case (``instagram:candy_kc``); a bare ``@name`` is ``at:name`` (as in adscan)."""
    text = raw.strip()
    if not text:
        return None
    found = extract_handles(text)
    if found and not platform:
        return found[0].key.lower()
    name = text.lstrip("@").strip().lower()
    if not re.fullmatch(r"[a-z0-9._\-]{2,60}", name):
        return None
    return f"{(platform or 'at').strip().lower()}:{name}"


def normalise_plate(raw: str, state: str = "") -> str | None:
    """``MO:ABC1234``: state (when known) and the plate's letters and digits only."""
    text = raw.strip().upper()
    m = _PLATE_STATE.match(text)
    if not m:
        return None
    prefix = (m.group(1) or state.strip().upper()[:2]) or "XX"
    body = re.sub(r"[^A-Z0-9]", "", m.group(2))
    if not 2 <= len(body) <= 8:
        return None
    return f"{prefix}:{body}"


def normalise_address(raw: str) -> str | None:
    words = re.sub(r"[^a-z0-9# ]+", " ", raw.lower()).split()
    words = [_STREET_WORDS.get(w, w) for w in words]
    value = " ".join(words)
    return value if len(value) >= 5 and any(ch.isdigit() for ch in value) else None


def normalise_payment(raw: str) -> str | None:
    """Cash App ``$tag``, Venmo ``@name`` or an account text, lower case without spaces."""
    text = re.sub(r"\s+", "", raw.strip().lower())
    return text if len(text) >= 3 else None


def normalise(kind: str, raw: str) -> str | None:
    """Normalise one identifier of a known kind; ``None`` when it is not a valid one."""
    if kind == Kind.PHONE:
        return normalise_phone(raw)
    if kind == Kind.EMAIL:
        return normalise_email(raw)
    if kind == Kind.URL:
        return normalise_url(raw)
    if kind == Kind.HANDLE:
        return normalise_handle(raw)
    if kind == Kind.PLATE:
        return normalise_plate(raw)
    if kind == Kind.ADDRESS:
        return normalise_address(raw)
    if kind == Kind.PAYMENT:
        return normalise_payment(raw)
    raise ValueError(f"Unknown identifier kind {kind!r}")


def find_in_text(text: str) -> list[Found]:
    """Phones (also obfuscated), e-mails, URLs, handles, plates and street addresses in free text."""
    out: list[Found] = []
    seen: set[tuple[str, str]] = set()

    def add(kind: str, value: str, raw: str, span: tuple[int, int]) -> None:
        if (kind, value) not in seen:
            seen.add((kind, value))
            out.append(Found(kind, value, raw, span))

    for p in extract_phones(text):
        add(Kind.PHONE, p.e164, p.raw, (p.span[0], p.span[1]))
    emails = extract_emails(text)
    for e in emails:
        add(Kind.EMAIL, e.value.lower(), e.raw, (e.span[0], e.span[1]))
    for u in extract_urls(text, emails):
        value = normalise_url(u.value)
        if value:
            add(Kind.URL, value, u.raw, (u.span[0], u.span[1]))
    for h in extract_handles(text):
        add(Kind.HANDLE, h.key.lower(), h.raw, (h.span[0], h.span[1]))
    for m in _PLATE_IN_TEXT.finditer(text):
        state, body = (m.group(1) or "").upper(), m.group(2)
        plate = normalise_plate(f"{state}:{body}" if state else body)
        if plate and any(ch.isdigit() for ch in plate):
            add(Kind.PLATE, plate, m.group(0), m.span())
    for m in _ADDRESS_IN_TEXT.finditer(text):
        address = normalise_address(m.group(0))
        if address:
            add(Kind.ADDRESS, address, m.group(0), m.span())
    return out


def identifier_for(kind: str, value: str) -> Identifier:
    """The shared row for an already-normalised identifier (created on first sight)."""
    from .models import Identifier

    obj, _created = Identifier.objects.get_or_create(kind=kind, value=value)
    return obj


def identifier_ids(pairs: Iterable[tuple[str, str]], *, chunk: int = 500) -> dict[tuple[str, str], int]:
    """Ids of the shared rows for already-normalised ``(kind, value)`` pairs, creating the missing.

    The rows ``identifier_for`` gives, in a few statements whatever their number: a look-up
    that the ``(kind, value)`` unique index answers (``kind IN .. AND value IN ..``; a look-up
    on ``value`` alone would read the whole table), one ``INSERT ... ON CONFLICT DO NOTHING``
    for the missing (a concurrent transaction that inserted the same pair first wins; the
    unique constraint holds) and one more look-up for those.
    """
    from .models import Identifier

    wanted = set(pairs)
    out: dict[tuple[str, str], int] = {}

    def lookup(group: set[tuple[str, str]]) -> None:
        ordered = sorted(group)
        for i in range(0, len(ordered), chunk):
            part = ordered[i : i + chunk]
            rows = Identifier.objects.filter(kind__in={k for k, _v in part}, value__in={v for _k, v in part})
            for pk, kind, value in rows.values_list("id", "kind", "value"):
                if (kind, value) in group:
                    out[(kind, value)] = pk

    lookup(wanted)
    missing = wanted - out.keys()
    if missing:
        Identifier.objects.bulk_create([Identifier(kind=k, value=v) for k, v in sorted(missing)],
                                       ignore_conflicts=True, batch_size=chunk)
        lookup(missing)
    return out
