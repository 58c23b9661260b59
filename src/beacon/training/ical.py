"""An iCalendar (RFC 5545) feed of workshops, written by hand: CRLF lines folded at 75 octets,
TEXT values escaped, times in UTC."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .models import Workshop


def escape_text(value: str) -> str:
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """Fold a content line so no physical line exceeds 75 octets (never splitting a UTF-8 character)."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for ch in line:
        n = len(ch.encode())
        if size + n > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += ch
        size += n
    out.append(current)
    return "\r\n".join(out)


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(workshops: Iterable[Workshop], *, now: dt.datetime | None = None) -> str:
    base = settings.BEACON_BASE_URL.rstrip("/")
    host = base.split("://", 1)[-1].split("/", 1)[0] or "beacon"
    stamp = _utc(now or timezone.now())
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Beacon//Training workshops//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", "X-WR-CALNAME:Beacon training workshops"]
    for w in workshops:
        location = ", ".join(p for p in (w.venue_name, w.venue_address, w.county.name + ", Missouri") if p)
        if w.online_url and not w.venue_name:
            location = "Online"
        url = base + reverse("training_public:workshop", args=[w.pk])
        lines += [
            "BEGIN:VEVENT",
            f"UID:workshop-{w.pk}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_utc(w.starts_at)}",
            f"DTEND:{_utc(w.ends_at)}",
            f"SUMMARY:{escape_text(w.title)}",
            f"LOCATION:{escape_text(location)}",
            f"DESCRIPTION:{escape_text((w.description + chr(10) + chr(10) if w.description else '') + url)}",
            f"URL:{url}",
            f"STATUS:{'CANCELLED' if w.status == Workshop.Status.CANCELLED else 'CONFIRMED'}",
            f"LAST-MODIFIED:{_utc(w.updated_at)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
