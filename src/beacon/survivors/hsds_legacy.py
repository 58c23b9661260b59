"""HSDS 1.1 and 2.0 tables mapped to the HSDS 3.1 tables Beacon stores.

Pure functions, no database: ``detect_version`` names the version of a set of tables, and
``map_tables`` turns the rows of 1.1/2.0 tables (CSV strings, keyed by their table name)
into 3.1 rows, with a note for each row it cannot map.

What changes between the versions (see docs/survivors.md, "Mapping HSDS 1.1 and 2.0"):

- ``physical_address`` and ``postal_address`` become ``address`` rows with ``address_type``;
  ``address_3``/``address_4`` are folded into ``address_2``.
- ``services_at_location`` (the file name, used by some publishers as the table name) is
  ``service_at_location``.
- ``regular_schedule`` (1.1, one weekday per row) becomes a weekly ``schedule``;
  ``holiday_schedule`` a ``schedule`` whose description gives the dates and hours; a 2.0
  ``schedule`` keeps its RRULE fields (``DAILY`` becomes weekly on every day).
- ``eligibility`` rows become the service's ``eligibility_description``.
- 1.1 ``taxonomy`` rows and 2.0 ``taxonomy_term`` rows become ``taxonomy_term`` rows, their
  ``vocabulary``/``taxonomy`` a ``taxonomy`` row; ``service_taxonomy`` (1.1), the 1.1
  ``service.taxonomy_ids`` list, ``service_attribute`` and ``other_attribute`` (2.0) become
  ``attribute`` rows.
- ``language.language`` (a name or an ISO 639-1 code) becomes ``name`` and ``code``.
- ``organization.url`` is ``website``; ``service.fees`` is ``fees_description``;
  ``service_area.service_area`` is ``name``.
- A row linked only through ``service_at_location_id`` (a phone or schedule of a service at
  one location) is linked to that service and location.
- Ids that are not UUIDs (1.x exports often use integers) become name-based UUIDs
  (``uuid5``), the same on every import, so a re-import updates the same rows.
- Tables with no place in Beacon (program, contact, funding, required_document,
  payment_accepted, accessibility_for_disabilities, metadata, meta_table_description) are
  counted as skipped.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

NAMESPACE = uuid.UUID("6f1d8e2a-3b9c-5d47-9a1e-4c2b7e8f0a15")  # Beacon's namespace for ids of legacy rows

# Table names as publishers spell them -> canonical HSDS table name of their own version.
ALIASES = {
    "organizations": "organization", "services": "service", "locations": "location", "phones": "phone",
    "programs": "program", "contacts": "contact", "services_at_location": "service_at_location",
    "services_at_locations": "service_at_location", "service_at_locations": "service_at_location",
    "physical_addresses": "physical_address", "postal_addresses": "postal_address", "addresses": "address",
    "regular_schedules": "regular_schedule", "holiday_schedules": "holiday_schedule", "schedules": "schedule",
    "fundings": "funding", "eligibilities": "eligibility", "service_areas": "service_area",
    "required_documents": "required_document", "payments_accepted": "payment_accepted",
    "payment_accepteds": "payment_accepted", "languages": "language", "services_taxonomy": "service_taxonomy",
    "service_taxonomies": "service_taxonomy", "service_attributes": "service_attribute",
    "other_attributes": "other_attribute", "taxonomy_terms": "taxonomy_term", "taxonomies": "taxonomy",
    "attributes": "attribute", "meta_table_descriptions": "meta_table_description",
    "accessibility_for_disability": "accessibility_for_disabilities", "cost_options": "cost_option",
}

# Tables that exist in HSDS 1.1 or 2.0 and not in 3.x, and fields that only 1.1/2.0 use.
LEGACY_TABLES = {"physical_address", "postal_address", "regular_schedule", "holiday_schedule", "eligibility",
                 "payment_accepted", "service_taxonomy", "service_attribute", "other_attribute",
                 "accessibility_for_disabilities"}
V11_TABLES = {"regular_schedule", "holiday_schedule", "service_taxonomy"}
V20_TABLES = {"service_attribute", "other_attribute"}
V3_TABLES = {"address", "attribute", "url", "cost_option", "organization_identifier", "service_capacity", "unit",
             "accessibility"}
LEGACY_FIELDS = {("organization", "url"), ("language", "language"), ("service_area", "service_area"),
                 ("service", "fees"), ("taxonomy", "vocabulary"), ("taxonomy", "parent_id"), ("taxonomy_term", "term"),
                 ("service", "taxonomy_ids"), ("phone", "department")}
V3_FIELDS = {("organization", "website"), ("location", "location_type"), ("service", "fees_description"),
             ("service", "last_modified"), ("taxonomy_term", "code"), ("language", "code"),
             ("service_area", "extent"), ("address", "address_type")}
KNOWN_TABLES = (LEGACY_TABLES | V3_TABLES | {
    "organization", "service", "location", "phone", "program", "contact", "service_at_location", "schedule",
    "funding", "service_area", "required_document", "language", "taxonomy", "taxonomy_term", "metadata",
    "meta_table_description"})
NOT_STORED = {"program", "contact", "funding", "required_document", "payment_accepted",
              "accessibility_for_disabilities", "metadata", "meta_table_description"}
SUPPORTED = ("1.1", "2.0", "3")

WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
LANGUAGES = {  # the names used in 211 data -> ISO 639-1
    "english": "en", "spanish": "es", "español": "es", "french": "fr", "german": "de", "chinese": "zh",
    "mandarin": "zh", "cantonese": "zh", "vietnamese": "vi", "arabic": "ar", "bosnian": "bs", "somali": "so",
    "swahili": "sw", "korean": "ko", "russian": "ru", "tagalog": "tl", "portuguese": "pt", "italian": "it",
    "japanese": "ja", "hindi": "hi", "urdu": "ur", "farsi": "fa", "persian": "fa", "nepali": "ne",
    "haitian creole": "ht", "polish": "pl", "ukrainian": "uk", "burmese": "my", "karen": "", "hmong": "",
    "american sign language": "", "asl": "",
}
LANGUAGE_NAMES = {"en": "English", "es": "Spanish", "fr": "French", "de": "German", "zh": "Chinese",
                  "vi": "Vietnamese", "ar": "Arabic", "bs": "Bosnian", "so": "Somali", "sw": "Swahili", "ko": "Korean",
                  "ru": "Russian", "tl": "Tagalog", "pt": "Portuguese", "it": "Italian", "ja": "Japanese",
                  "hi": "Hindi", "ur": "Urdu", "fa": "Persian", "ne": "Nepali", "ht": "Haitian Creole", "pl": "Polish",
                  "uk": "Ukrainian", "my": "Burmese"}
COUNTRIES = {"us": "US", "usa": "US", "u.s.": "US", "u.s.a.": "US", "united states": "US",
             "united states of america": "US"}


def canonical(name: str) -> str:
    """A table name as a publisher spells it (``organizations``, ``Physical_Addresses``) -> HSDS name."""
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    return ALIASES.get(key, key)


@dataclass
class Detected:
    version: str | None  # "1.1", "2.0", "3" or None when nothing looks like HSDS
    evidence: list[str] = field(default_factory=list)


def detect_version(fields_by_table: Mapping[str, Iterable[str]]) -> Detected:
    """The HSDS version of a set of tables, from their names and field names (never from the
    descriptor's ``version``, which is the package's own version in most published packages)."""
    tables = {canonical(t): {f.strip().lower() for f in fs} for t, fs in fields_by_table.items()}
    known = set(tables) & KNOWN_TABLES
    if not known:
        return Detected(None, [f"no HSDS table among {sorted(tables) or 'none'}"])
    v11 = sorted(known & V11_TABLES) + sorted(f"{t}.{f}" for t, f in {("taxonomy", "vocabulary"), ("taxonomy", "parent_id"),
                                                                      ("service", "taxonomy_ids")}
                                              if f in tables.get(t, ()))
    if v11:
        return Detected("1.1", v11)
    v20 = sorted(known & V20_TABLES) + (["taxonomy_term.term"] if "term" in tables.get("taxonomy_term", ()) else [])
    if v20:
        return Detected("2.0", v20)
    legacy = sorted(known & LEGACY_TABLES) + sorted(f"{t}.{f}" for t, f in LEGACY_FIELDS if f in tables.get(t, ()))
    modern = sorted(known & V3_TABLES) + sorted(f"{t}.{f}" for t, f in V3_FIELDS if f in tables.get(t, ()))
    if legacy and not modern:
        return Detected("2.0", legacy)  # the tables 1.1 and 2.0 share map the same way
    return Detected("3", modern or sorted(known))


# --- Ids ----------------------------------------------------------------------------------
def uid(table: str, value: Any) -> str:
    """A row id as a UUID: kept when it is one, else the same name-based UUID on every import."""
    text = str(value).strip()
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return str(uuid.uuid5(NAMESPACE, f"{table}:{text}"))


FK_TABLE = {"organization_id": "organization", "service_id": "service", "location_id": "location",
            "taxonomy_id": "taxonomy", "parent_id": "taxonomy_term", "taxonomy_term_id": "taxonomy_term",
            "service_at_location_id": "service_at_location", "contact_id": "contact", "program_id": "program",
            "parent_organization_id": "organization"}


@dataclass
class Mapped:
    table: str  # 3.1 table
    data: dict[str, str]  # CSV strings, 3.1 field names
    where: str
    source_id: str = ""  # the row's id in the package, when Beacon stores it under another


@dataclass
class Note:
    """A legacy row that is not imported (``skipped``: valid but not kept by Beacon)."""

    table: str
    id: str
    where: str
    reason: str
    skipped: bool = False


@dataclass
class LegacyRow:
    table: str  # canonical legacy table name
    data: dict[str, str]
    where: str


def _clean(data: dict[str, Any]) -> dict[str, str]:
    return {k: str(v).strip() for k, v in data.items() if k and v is not None and str(v).strip() != ""}


def _ids(d: dict[str, str], *columns: str) -> dict[str, str]:
    return {c: uid(FK_TABLE[c], d[c]) for c in columns if d.get(c)}


def _pick(d: dict[str, str], *columns: str) -> dict[str, str]:
    return {c: d[c] for c in columns if d.get(c)}


def _language(value: str) -> tuple[str, str]:
    """(name, ISO 639-1 code) of a language given by name or code."""
    v = value.strip()
    low = v.lower()
    if re.fullmatch(r"[a-z]{2}(-[a-z0-9]+)?", low):
        code = low[:2]
        return LANGUAGE_NAMES.get(code, v), code
    return v, LANGUAGES.get(low, "")


def _time(value: str) -> str:
    """HH:MM[:SS][zone] -> HH:MM (Beacon shows local opening hours)."""
    m = re.match(r"^(\d{1,2}):(\d{2})", value.strip())
    return f"{int(m.group(1)):02d}:{m.group(2)}" if m else value.strip()


def map_tables(rows: list[LegacyRow], version: str) -> tuple[list[Mapped], list[Note]]:
    """1.1/2.0 rows -> 3.1 rows.  Rows of the same table keep their order."""
    out: list[Mapped] = []
    notes: list[Note] = []
    by_table: dict[str, list[LegacyRow]] = defaultdict(list)
    for r in rows:
        by_table[r.table].append(LegacyRow(r.table, _clean(r.data), r.where))

    # service_at_location id -> (service id, location id), for rows linked only through it
    sal_links = {r.data["id"]: (r.data.get("service_id", ""), r.data.get("location_id", ""))
                 for r in by_table.get("service_at_location", []) if r.data.get("id")}

    def link_through_sal(d: dict[str, str]) -> dict[str, str]:
        sal = d.get("service_at_location_id")
        if sal and sal in sal_links:
            service_id, location_id = sal_links[sal]
            if service_id and not d.get("service_id"):
                d = {**d, "service_id": service_id}
            if location_id and not d.get("location_id"):
                d = {**d, "location_id": location_id}
        return d

    eligibility: dict[str, list[str]] = defaultdict(list)
    for r in by_table.get("eligibility", []):
        text = r.data.get("eligibility", "")
        if not r.data.get("service_id"):
            notes.append(Note("eligibility", r.data.get("id", ""), r.where, "service_id: required"))
        elif not text:
            notes.append(Note("eligibility", r.data.get("id", ""), r.where,
                              "no eligibility text (HSDS 2.0 eligibility rows carry none)", skipped=True))
        else:
            eligibility[r.data["service_id"]].append(text)
    services_seen: set[str] = set()

    taxonomies: dict[str, str] = {}  # vocabulary name -> taxonomy id

    def taxonomy_of(name: str, where: str) -> str:
        if name not in taxonomies:
            taxonomies[name] = uid("taxonomy", f"vocabulary:{name}")
            out.append(Mapped("taxonomy", {"id": taxonomies[name], "name": name,
                                           "description": f"{name} (named in an HSDS {version} package)"}, where))
        return taxonomies[name]

    spans: list[tuple[int, str]] = []  # (first output row, id in the package) of each input row
    for table, table_rows in by_table.items():
        for r in table_rows:
            spans.append((len(out), r.data.get("id", "")))
            d, where = r.data, r.where
            if table in NOT_STORED or table == "eligibility":
                if table != "eligibility":
                    notes.append(Note(table, d.get("id", ""), where, "not stored by Beacon", skipped=True))
                continue
            if table != "service" and not d.get("id"):
                notes.append(Note(table, "", where, "id: required"))
                continue
            rid = d.get("id", "")
            if table == "organization":
                m = _pick(d, "name", "alternate_name", "description", "email", "tax_status", "tax_id", "legal_status")
                if d.get("url") or d.get("website"):
                    m["website"] = d.get("website") or d["url"]
                year = re.match(r"^\s*(\d{4})", d.get("year_incorporated", ""))
                if year:
                    m["year_incorporated"] = year.group(1)
                elif d.get("year_incorporated"):
                    m["year_incorporated"] = d["year_incorporated"]  # left for the schema to reject
                out.append(Mapped("organization", {"id": uid("organization", rid), **m}, where))
            elif table == "service":
                if not rid:
                    notes.append(Note(table, "", where, "id: required"))
                    continue
                services_seen.add(rid)
                m = _pick(d, "name", "alternate_name", "description", "url", "email", "status",
                          "interpretation_services", "application_process", "wait_time")
                m["status"] = m.get("status", "").lower()
                if d.get("fees") or d.get("fees_description"):
                    m["fees_description"] = d.get("fees_description") or d["fees"]
                if eligibility.get(rid):
                    m["eligibility_description"] = "Eligibility: " + ", ".join(eligibility[rid])
                out.append(Mapped("service", {"id": uid("service", rid), **m, **_ids(d, "organization_id")}, where))
                for term in filter(None, (t.strip() for t in d.get("taxonomy_ids", "").split(","))):
                    out.append(Mapped("attribute", {"id": uid("attribute", f"{rid}:{term}"),
                                                    "link_id": uid("service", rid), "link_type": "service",
                                                    "link_entity": "service",
                                                    "taxonomy_term_id": uid("taxonomy_term", term)},
                                      f"{where} (taxonomy_ids)"))
            elif table == "location":
                m = _pick(d, "name", "alternate_name", "description", "transportation", "latitude", "longitude")
                m["location_type"] = d.get("location_type") or "physical"
                out.append(Mapped("location", {"id": uid("location", rid), **m, **_ids(d, "organization_id")}, where))
            elif table in ("physical_address", "postal_address"):
                m = _pick(d, "attention", "address_1", "city", "region", "state_province", "postal_code")
                extra = ", ".join(d[c] for c in ("address_2", "address_3", "address_4") if d.get(c))
                if extra:
                    m["address_2"] = extra
                country = d.get("country", "")
                m["country"] = COUNTRIES.get(country.lower(), country) if country else "US"
                m["address_type"] = table.removesuffix("_address")
                out.append(Mapped("address", {"id": uid(table, rid), **m, **_ids(d, "location_id")}, where))
            elif table == "service_at_location":
                out.append(Mapped("service_at_location", {"id": uid("service_at_location", rid),
                                                          **_pick(d, "description"),
                                                          **_ids(d, "service_id", "location_id")}, where))
            elif table == "phone":
                d = link_through_sal(d)
                m = _pick(d, "number", "extension", "description")
                if d.get("type"):
                    m["type"] = d["type"].lower()
                if d.get("department") and "description" not in m:
                    m["description"] = d["department"]
                out.append(Mapped("phone", {"id": uid("phone", rid), **m,
                                            **_ids(d, "organization_id", "service_id", "location_id")}, where))
            elif table == "regular_schedule":
                d = link_through_sal(d)
                day = d.get("weekday", "").strip()
                byday = (WEEKDAYS[int(day) - 1] if day.isdigit() and 1 <= int(day) <= 7
                         else day[:2].upper() if day[:2].upper() in WEEKDAYS else "")
                if not byday:
                    notes.append(Note(table, rid, where, f"weekday: {day or 'missing'} is not 1 (Monday) to 7 (Sunday)"))
                    continue
                m = {"freq": "WEEKLY", "byday": byday}
                m.update({c: _time(d[c]) for c in ("opens_at", "closes_at") if d.get(c)})
                out.append(Mapped("schedule", {"id": uid("regular_schedule", rid), **m,
                                               **_ids(d, "service_id", "location_id")}, where))
            elif table == "holiday_schedule":
                d = link_through_sal(d)
                dates = " to ".join(x for x in (d.get("start_date"), d.get("end_date")) if x)
                closed = d.get("closed", "").lower() in ("true", "1", "yes")
                hours = "–".join(_time(d[c]) for c in ("opens_at", "closes_at") if d.get(c))
                text = f"Closed {dates}" if closed else f"Open {hours or 'special hours'} {dates}".strip()
                out.append(Mapped("schedule", {"id": uid("holiday_schedule", rid), "description": text.strip(),
                                               **_ids(d, "service_id", "location_id")}, where))
            elif table == "schedule":
                d = link_through_sal(d)
                m = _pick(d, "description", "byday", "wkst", "valid_from", "valid_to", "dtstart", "until")
                m.update({c: _time(d[c]) for c in ("opens_at", "closes_at") if d.get(c)})
                freq = d.get("freq", "").upper()
                if freq == "DAILY":
                    freq, m["byday"] = "WEEKLY", ",".join(WEEKDAYS)
                if freq:
                    m["freq"] = freq  # YEARLY is left for the 3.1 schema to reject
                out.append(Mapped("schedule", {"id": uid("schedule", rid), **m,
                                               **_ids(d, "service_id", "location_id")}, where))
            elif table == "language":
                name, code = _language(d.get("language") or d.get("name") or "")
                if not name:
                    notes.append(Note(table, rid, where, "language: no language given"))
                    continue
                m = {"name": name, **({"code": code} if code else {})}
                out.append(Mapped("language", {"id": uid("language", rid), **m,
                                               **_ids(d, "service_id", "location_id")}, where))
            elif table == "service_area":
                m = _pick(d, "description")
                if d.get("service_area") or d.get("name"):
                    m["name"] = d.get("name") or d["service_area"]
                out.append(Mapped("service_area", {"id": uid("service_area", rid), **m, **_ids(d, "service_id")}, where))
            elif table == "taxonomy" or (table == "taxonomy_term" and "term" in d):
                name = d.get("name") or d.get("term") or ""
                m = {"name": name, "description": d.get("description") or name, **_pick(d, "language")}
                vocabulary = d.get("vocabulary") or d.get("taxonomy") or ""
                if vocabulary:
                    m["taxonomy_id"] = taxonomy_of(vocabulary, where)
                out.append(Mapped("taxonomy_term", {"id": uid("taxonomy_term", rid), **m, **_ids(d, "parent_id")},
                                  where))
            elif table in ("service_taxonomy", "service_attribute"):
                term = d.get("taxonomy_id") or d.get("taxonomy_term_id") or ""
                if not term or not d.get("service_id"):
                    notes.append(Note(table, rid, where, "service_id and the taxonomy term are required"))
                    continue
                m = {"link_id": uid("service", d["service_id"]), "link_type": "service", "link_entity": "service",
                     "taxonomy_term_id": uid("taxonomy_term", term), **_pick({"value": d.get("taxonomy_detail", "")}, "value")}
                out.append(Mapped("attribute", {"id": uid(table, rid), **m}, where))
            elif table == "other_attribute":
                link_type = d.get("link_type", "").lower()
                if not d.get("link_id") or not d.get("taxonomy_term_id") or not link_type:
                    notes.append(Note(table, rid, where, "link_id, link_type and taxonomy_term_id are required"))
                    continue
                out.append(Mapped("attribute", {"id": uid(table, rid), "link_id": uid(link_type, d["link_id"]),
                                                "link_type": link_type, "link_entity": link_type,
                                                "taxonomy_term_id": uid("taxonomy_term", d["taxonomy_term_id"])},
                                  where))
            else:
                notes.append(Note(table, rid, where, f"not an HSDS {version} table that Beacon can map", skipped=True))
    for n, (first, source_id) in enumerate(spans):
        end = spans[n + 1][0] if n + 1 < len(spans) else len(out)
        for item in out[first:end]:
            if item.table != "taxonomy":
                item.source_id = source_id
    # Tables merged into one (physical and postal addresses, regular and holiday schedules) may
    # reuse an id across them (the upstream 1.1 sample does): the later row gets a derived id.
    seen: dict[tuple[str, str], str] = {}
    for item in out:
        source = item.where.split(":", 1)[0]
        key = (item.table, item.data["id"])
        if seen.setdefault(key, source) != source:
            item.data["id"] = str(uuid.uuid5(NAMESPACE, f"{source}:{item.data['id']}"))
    for service_id in sorted(set(eligibility) - services_seen):
        notes.append(Note("eligibility", "", "eligibility", f"service_id: no service with id {service_id} in this package"))
    return out, notes
