"""Reading ad records from JSONL or CSV (optionally gzip-compressed).

Malformed lines/rows are reported as :class:`Rejected` with their 1-based
line number and a clear reason; reading goes on.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from .jsonio import try_loads
from .models import Ad, Rejected

__all__ = ["FIELDS", "KINDS", "InputError", "check_kind", "iter_file", "iter_records", "parse_record"]

FIELDS = ("id", "posted_at", "site", "url", "title", "body", "city", "state", "phone", "age", "images", "kind")
KINDS = ("escort", "job")
"""Accepted values of ``kind`` (``beacon.adscan.jobs.KINDS``); an empty kind takes the feed's default."""
_TEXT_FIELDS = ("site", "url", "title", "body", "city", "state", "phone", "age")
MAX_FIELD = 100_000


class InputError(Exception):
    """The input cannot be read at all (missing file, CSV without ``id``)."""


def _parse_time(value: str) -> datetime:
    v = value.strip()
    if v.endswith("Z"):
        v = v[:-1] + "+00:00"
    dt = datetime.fromisoformat(v)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt


def _kind(value: Any, default: str) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if not isinstance(value, str):
        raise ValueError(f"'kind' must be a string, got {type(value).__name__}")
    kind = value.strip().lower()
    if kind not in KINDS:
        raise ValueError(f"unknown kind {value.strip()[:40]!r}: expected one of {', '.join(KINDS)}")
    return kind


def check_kind(kind: str) -> str:
    """A feed's default kind, validated (raises ``ValueError`` naming the accepted kinds)."""
    return _kind(kind, "escort")


def _check_unicode(vals: dict[str, str], images: list[str]) -> None:
    """Reject lone surrogates (a JSON escape such as ``"\\ud800"``): no
    output file could hold them."""
    try:
        "".join([*vals.values(), *images]).encode("utf-8")
    except UnicodeEncodeError:
        for f, v in [*vals.items(), *(("images", im) for im in images)]:
            try:
                v.encode("utf-8")
            except UnicodeEncodeError as e:
                raise ValueError(
                    f"'{f}' is not valid Unicode: lone surrogate {v[e.start]!r} at character {e.start + 1}"
                ) from None


def parse_record(rec: Mapping[str, Any], line: int = 0, image_hasher: Any = None, kind: str = "escort") -> Ad:
    """Validate one mapping into an :class:`Ad`; raises ``ValueError`` with a
    human-readable reason when the record is malformed.  ``kind`` is the feed's
    kind, used when the record has none."""
    if not isinstance(rec, Mapping):
        raise ValueError(f"expected a JSON object, got {type(rec).__name__}")
    rid = rec.get("id")
    if isinstance(rid, bool) or rid is None:
        raise ValueError("missing required field 'id'")
    if isinstance(rid, int):
        rid = str(rid)
    if not isinstance(rid, str):
        raise ValueError(f"'id' must be a string, got {type(rid).__name__}")
    rid = rid.strip()
    if not rid:
        raise ValueError("'id' is empty")
    vals: dict[str, str] = {}
    for f in _TEXT_FIELDS:
        v = rec.get(f)
        if type(v) is str and len(v) <= MAX_FIELD:  # (the common case first)
            vals[f] = v
        elif v is None:
            vals[f] = ""
        elif isinstance(v, bool) or not isinstance(v, str | int | float):
            raise ValueError(f"'{f}' must be a string, got {type(v).__name__}")
        else:
            s = str(v)
            if len(s) > MAX_FIELD:
                raise ValueError(f"'{f}' is longer than {MAX_FIELD} characters")
            vals[f] = s
    posted: datetime | None = None
    pv = rec.get("posted_at")
    if pv not in (None, ""):
        if not isinstance(pv, str):
            raise ValueError(f"'posted_at' must be an ISO 8601 string, got {type(pv).__name__}")
        try:
            posted = _parse_time(pv)
        except ValueError:
            raise ValueError(f"'posted_at' is not ISO 8601: {pv[:40]!r}") from None
    images_v = rec.get("images")
    images: list[str] = []
    if images_v in (None, ""):
        pass
    elif isinstance(images_v, str):
        s = images_v.strip()
        if s.startswith("["):
            try:
                parsed = json.loads(s)
            except json.JSONDecodeError:
                raise ValueError("'images' looks like a JSON list but does not parse") from None
            images_v = parsed
        else:
            images_v = [p for p in s.replace(",", ";").replace("|", ";").split(";")]
    if isinstance(images_v, list):
        for im in images_v:
            if not isinstance(im, str):
                raise ValueError("'images' must be a list of strings")
            im = im.strip()
            if im:
                images.append(image_hasher(im) if image_hasher is not None else im.lower())
    elif images_v not in (None, ""):
        raise ValueError(f"'images' must be a list, got {type(images_v).__name__}")
    ad_kind = _kind(rec.get("kind"), kind)
    _check_unicode(vals, images)
    return Ad(
        id=rid,
        posted_at=posted,
        images=tuple(images),
        line=line,
        kind=ad_kind,
        **vals,
    )


def _open_binary(path: Path) -> BinaryIO:
    f: BinaryIO = path.open("rb")
    head = f.peek(2)[:2] if hasattr(f, "peek") else b""
    if head == b"\x1f\x8b":
        return gzip.open(f, "rb")  # type: ignore[return-value]
    return f


def _sniff_format(path: Path, first: bytes) -> str:
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if name.endswith((".csv", ".tsv")):
        return "csv"
    return "jsonl" if first.lstrip().startswith(b"{") else "csv"


def iter_file(path: str | Path, image_hasher: Any = None, kind: str = "escort") -> Iterator[Ad | Rejected]:
    """Yield :class:`Ad` or :class:`Rejected` for each record of a JSONL or
    CSV file (gzip detected from magic bytes).  Duplicate ids (same site and
    id) are rejected after the first occurrence.  ``kind`` is the feed's kind
    (a record's own ``kind`` wins)."""
    kind = check_kind(kind)
    p = Path(path)
    if not p.exists():
        raise InputError(f"input not found: {p}")
    with _open_binary(p) as fb:
        buffered: Any = fb if isinstance(fb, io.BufferedReader) else io.BufferedReader(fb)  # type: ignore[arg-type,type-var,unused-ignore]
        first = buffered.peek(4096)[:4096]
        fmt = _sniff_format(p, first)
        seen: set[tuple[str, str]] = set()
        src = _iter_jsonl(buffered, image_hasher, kind) if fmt == "jsonl" else _iter_csv(buffered, image_hasher, kind)
        for item in src:
            if isinstance(item, Ad):
                key = (item.site, item.id)
                if key in seen:
                    yield Rejected(item.line, f"duplicate id {item.id!r} for site {item.site!r}", "")
                    continue
                seen.add(key)
            yield item


def _iter_jsonl(f: BinaryIO, image_hasher: Any, kind: str = "escort") -> Iterator[Ad | Rejected]:
    for lineno, raw in enumerate(f, start=1):
        if not raw.strip():
            continue
        # orjson (compiled) reads almost every line; what it cannot read as
        # json would goes the standard way, for json's value or message
        ok, rec = try_loads(raw)
        if not ok:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                yield Rejected(lineno, f"not valid UTF-8 (byte {e.start})", raw.decode("utf-8", "replace"))
                continue
            try:
                rec = json.loads(text)
            except json.JSONDecodeError as e:
                yield Rejected(lineno, f"invalid JSON: {e.msg} at column {e.colno}", text.rstrip("\n"))
                continue
        try:
            yield parse_record(rec, lineno, image_hasher, kind)
        except ValueError as e:
            yield Rejected(lineno, str(e), raw.decode("utf-8").rstrip("\n"))


def _iter_csv(f: BinaryIO, image_hasher: Any, kind: str = "escort") -> Iterator[Ad | Rejected]:
    text = io.TextIOWrapper(f, encoding="utf-8", errors="replace", newline="")
    reader = csv.reader(text)
    try:
        header = next(reader)
    except StopIteration:
        return
    header = [h.strip().lstrip("\ufeff").lower() for h in header]
    if "id" not in header:
        raise InputError("CSV header has no 'id' column")
    n = len(header)
    prev_line = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            yield Rejected(reader.line_num, f"CSV error: {e}", "")
            prev_line = reader.line_num
            continue
        line = prev_line + 1
        prev_line = reader.line_num
        if not row or all(not c.strip() for c in row):
            continue
        raw = ",".join(row)
        if len(row) != n:
            yield Rejected(line, f"row has {len(row)} fields, header has {n}", raw)
            continue
        if "\ufffd" in raw:
            yield Rejected(line, "not valid UTF-8", raw)
            continue
        rec = dict(zip(header, row, strict=True))
        try:
            yield parse_record(rec, line, image_hasher, kind)
        except ValueError as e:
            yield Rejected(line, str(e), raw)


def iter_records(
    records: Iterable[Mapping[str, Any] | Ad], image_hasher: Any = None, kind: str = "escort"
) -> Iterator[Ad | Rejected]:
    """Validate in-memory records (dicts or :class:`Ad`), numbering them 1..n;
    ``kind`` is the feed's kind (a record's own ``kind`` wins)."""
    kind = check_kind(kind)
    seen: set[tuple[str, str]] = set()
    for i, rec in enumerate(records, start=1):
        if isinstance(rec, Ad):
            ad = rec
        else:
            try:
                ad = parse_record(rec, i, image_hasher, kind)
            except ValueError as e:
                yield Rejected(
                    i, str(e), json.dumps(rec, default=str)[:2000] if isinstance(rec, Mapping) else repr(rec)
                )
                continue
        key = (ad.site, ad.id)
        if key in seen:
            yield Rejected(i, f"duplicate id {ad.id!r} for site {ad.site!r}", "")
            continue
        seen.add(key)
        yield ad
