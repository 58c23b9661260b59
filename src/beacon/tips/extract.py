"""Identifiers in a tip: the free text and the structured fields, normalised by ``beacon.core.identifiers``.

Everything in free text (phones also obfuscated, e-mails, web addresses, handles, plates,
street addresses) comes from ``core.identifiers.find_in_text``, which uses the ad analysis
code: extraction and normalisation stay in one place.
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


def _lines(value: Any) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.splitlines() if v.strip()]
    if isinstance(value, list):
        return [str(v).strip() for v in value if isinstance(v, (str, int)) and str(v).strip()]
    return []


def from_text(text: str) -> list[Candidate]:
    return [Candidate(f.kind, f.value, f.raw, "text") for f in find_in_text(text)]


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
