"""Identifiers in a tip: the free text and the structured fields, normalised by ``beacon.core.identifiers``.

Phones (also obfuscated), e-mails, web addresses and handles in free text come from
``core.identifiers.find_in_text`` (the ad analysis code).  Core has no free-text finder for
plates and street addresses, so two narrow patterns here spot candidates ("plate ABC 1234",
"1200 N Main St") and hand them to ``core.identifiers.normalise`` - normalisation stays in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from beacon.core.identifiers import Kind, find_in_text, normalise


@dataclass(frozen=True)
class Candidate:
    kind: str
    value: str
    raw: str
    source: str  # "text" | "field"


_STATES = "MO|KS|IL|IA|NE|OK|AR|TN|KY|TX|CO|MN|WI"
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


def _lines(value: Any) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.splitlines() if v.strip()]
    if isinstance(value, list):
        return [str(v).strip() for v in value if isinstance(v, (str, int)) and str(v).strip()]
    return []


def from_text(text: str) -> list[Candidate]:
    out = [Candidate(f.kind, f.value, f.raw, "text") for f in find_in_text(text)]
    for m in _PLATE_IN_TEXT.finditer(text):
        state, body = (m.group(1) or "").upper(), m.group(2)
        value = normalise(Kind.PLATE, f"{state}:{body}" if state else body)
        if value and any(ch.isdigit() for ch in value):
            out.append(Candidate(Kind.PLATE, value, m.group(0), "text"))
    for m in _ADDRESS_IN_TEXT.finditer(text):
        value = normalise(Kind.ADDRESS, m.group(0))
        if value:
            out.append(Candidate(Kind.ADDRESS, value, m.group(0), "text"))
    return out


def _account(raw: str) -> Candidate | None:
    for kind in (Kind.EMAIL, Kind.URL, Kind.HANDLE):
        if kind == Kind.URL and "." not in raw:
            continue
        value = normalise(kind, raw)
        if value:
            return Candidate(kind, value, raw, "field")
    return None


def from_subjects(subjects: dict[str, Any]) -> tuple[list[Candidate], str]:
    """Identifiers from the structured fields, and their descriptive text (scanned like free text)."""
    out: list[Candidate] = []
    text_parts: list[str] = list(_lines(subjects.get("people")))
    for raw in _lines(subjects.get("phones")):
        value = normalise(Kind.PHONE, raw)
        if value:
            out.append(Candidate(Kind.PHONE, value, raw, "field"))
        else:
            text_parts.append(raw)  # obfuscated spellings: the free-text finder handles them
    for raw in _lines(subjects.get("accounts")):
        found = _account(raw)
        if found:
            out.append(found)
        else:
            text_parts.append(raw)
    for vehicle in subjects.get("vehicles") or []:
        if not isinstance(vehicle, dict):
            continue
        plate = str(vehicle.get("plate") or "").strip()
        if plate:
            state = str(vehicle.get("state") or "").strip().upper()
            value = normalise(Kind.PLATE, f"{state}:{plate}" if len(state) == 2 and ":" not in plate else plate)
            if value:
                out.append(Candidate(Kind.PLATE, value, plate, "field"))
        text_parts.append(str(vehicle.get("description") or ""))
    for business in subjects.get("businesses") or []:
        if not isinstance(business, dict):
            continue
        address = str(business.get("address") or "").strip()
        value = normalise(Kind.ADDRESS, address) if address else None
        if value:
            out.append(Candidate(Kind.ADDRESS, value, address, "field"))
        text_parts.append(str(business.get("name") or ""))
    return out, "\n".join(p for p in text_parts if p)


def identifiers_in_tip(*, narrative: str, place_text: str, subjects: dict[str, Any]) -> list[Candidate]:
    """Every distinct (kind, value) in the tip; structured fields win over text for the 'source'."""
    fields, extra_text = from_subjects(subjects)
    found = fields + from_text(narrative + "\n" + extra_text)
    place_address = normalise(Kind.ADDRESS, place_text) if re.match(r"^\s*\d{1,6}\s+\w", place_text or "") else None
    if place_address:
        found.append(Candidate(Kind.ADDRESS, place_address, place_text, "field"))
    seen: set[tuple[str, str]] = set()
    unique: list[Candidate] = []
    for c in found:
        if (c.kind, c.value) not in seen:
            seen.add((c.kind, c.value))
            unique.append(c)
    return unique
