"""The scan's hand-off to a store: ``store.jsonl``, what a database needs to keep each ad without
analysing it again.

``scan_to_dir(..., store=True)`` (``beacon ads scan`` always, ``python -m beacon.adscan scan
--store``) writes one line per analysed ad beside ``ads.jsonl``::

    {"ad": {input record: id, site, posted_at, url, title, body, city, state, phone, age,
            images, kind, line},
     "analysis": <the ads.jsonl line: phones, emails, urls, handles, prices, ages,
                  indicators (with spans), risk, job>,
     "place": [name, state, lat, lon] | null, "names": [...],
     "keys": [linking keys: "tel:+1...", "email:...", "handle:...", "img:..."],
     "words": base64 of the shingle word hashes (uint32 little-endian)}

:func:`iter_scan_dir` reads it back (with ``rejected.jsonl``) as :class:`Stored` items:
a Spark scan (``--engine spark``) writes the same lines as folders of part files, ``store/`` and
``rejected/`` (each ``part-*`` in name order, beside ``_SUCCESS``), which it reads the same way;
the :class:`AnalysedAd` rebuilt from the stored analysis, and the word hashes from which
:func:`beacon.adscan.minhash.signatures` gives the same MinHash signature as the scan's.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .models import Ad, AnalysedAd, Indicator, Place, PriceMatch, Rejected

__all__ = ["STORE_NAME", "Stored", "iter_scan_dir", "rejected_files", "store_files", "store_line"]

STORE_NAME = "store.jsonl"
_DUMPS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


@dataclass(frozen=True, slots=True)
class Stored:
    """One ad of a scan folder: its analysis (not recomputed) and its shingle word hashes."""

    analysed: AnalysedAd
    words: bytes
    """uint32 little-endian word hashes (``beacon.adscan.minhash.WordHasher``)."""


def store_line(ad: Ad, ads_line: str, words: bytes, keys: Sequence[str], place: Place | None,
               names: Sequence[str]) -> str:
    """The ``store.jsonl`` line of an analysed ad (``ads_line``: its ``ads.jsonl`` JSON, any cluster id)."""
    content = {
        "id": ad.id, "site": ad.site, "posted_at": ad.posted_at.isoformat() if ad.posted_at else None,
        "url": ad.url, "title": ad.title, "body": ad.body, "city": ad.city, "state": ad.state,
        "phone": ad.phone, "age": ad.age, "images": list(ad.images), "kind": ad.kind, "line": ad.line,
    }
    where = [place.name, place.state, place.lat, place.lon] if place else None
    return (f'{{"ad":{_DUMPS(content)},"analysis":{ads_line},"place":{_DUMPS(where)},"names":{_DUMPS(list(names))},'
            f'"keys":{_DUMPS(list(keys))},"words":"{base64.b64encode(words).decode("ascii")}"}}\n')


def _analysed(record: dict[str, Any]) -> AnalysedAd:
    c, a = record["ad"], record["analysis"]
    ad = Ad(id=c["id"], posted_at=datetime.fromisoformat(c["posted_at"]) if c.get("posted_at") else None,
            site=c.get("site", ""), url=c.get("url", ""), title=c.get("title", ""), body=c.get("body", ""),
            city=c.get("city", ""), state=c.get("state", ""), phone=c.get("phone", ""), age=c.get("age", ""),
            images=tuple(c.get("images") or ()), line=int(c.get("line") or 0), kind=c.get("kind") or "escort")
    p = record.get("place")
    return AnalysedAd(
        ad=ad, phones=list(a.get("phones") or []), emails=list(a.get("emails") or []),
        urls=list(a.get("urls") or []), handles=list(a.get("handles") or []),
        prices=[PriceMatch(int(x["amount"]), x.get("unit"), (0, 0), x.get("raw", "")) for x in a.get("prices") or []],
        ages=list(a.get("ages") or []), place=Place(p[0], p[1], float(p[2]), float(p[3])) if p else None,
        indicators=[Indicator(i["code"], i.get("evidence", ""), float(i.get("weight", 0)), i.get("field"),
                              (int(i["span"][0]), int(i["span"][1])) if i.get("span") else None)
                    for i in a.get("indicators") or []],
        risk=float(a.get("risk") or 0), shingle_text="", identifiers=list(record.get("keys") or []),
        names=list(record.get("names") or []), job=a.get("job"),
    )


def _parts(folder: Path, name: str) -> list[Path]:
    """``NAME.jsonl`` (the single process), or the part files of the folder ``NAME/`` (Spark)."""
    single = folder / f"{name}.jsonl"
    if single.is_file():
        return [single]
    parts = folder / name
    if parts.is_dir():
        return sorted(p for p in parts.glob("part-*") if p.is_file() and not p.name.endswith(".crc"))
    return []


def store_files(folder: str | Path) -> list[Path]:
    """The store files of a scan folder: ``[store.jsonl]``, or the part files of ``store/``
    written by ``--engine spark``; empty when the scan wrote no store."""
    folder = Path(folder)
    if (folder / "store").is_dir() and not (folder / "store" / "_SUCCESS").is_file():
        return []  # a Spark scan that did not finish
    return _parts(folder, "store")


def rejected_files(folder: str | Path) -> list[Path]:
    """``[rejected.jsonl]`` or the part files of ``rejected/`` (``--engine spark``)."""
    return _parts(Path(folder), "rejected")


def iter_scan_dir(folder: str | Path) -> Iterator[Stored | Rejected]:
    """The rejected rows, then the ads, of a scan folder written with ``store=True`` (by the single
    process or by ``--engine spark``: see :func:`store_files`).

    Raises ``FileNotFoundError`` naming ``store.jsonl`` when the folder has none (a scan without
    ``--store``, or a Spark scan without ``_SUCCESS`` in ``store/``) and ``ValueError`` with the
    file and line number for a line that is not a store record."""
    folder = Path(folder)
    stores = store_files(folder)
    if not stores:
        raise FileNotFoundError(f"{folder / STORE_NAME} not found: scan with 'beacon ads scan INPUT --out DIR' "
                                "(or 'python -m beacon.adscan scan --store') to write it")
    for rejected in rejected_files(folder):
        with rejected.open(encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    yield Rejected(int(r.get("line") or 0), str(r.get("reason", "")), str(r.get("raw", "")))
    for store in stores:
        with store.open(encoding="utf-8") as f:
            for n, line in enumerate(f, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    yield Stored(_analysed(record), base64.b64decode(record["words"]))
                except (ValueError, KeyError, TypeError, IndexError) as exc:
                    raise ValueError(f"{store} line {n}: not a store record ({type(exc).__name__}: {exc})") from exc
