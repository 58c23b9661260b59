"""Thin adapter between stored ads and ``beacon.adscan`` (the Django-free analysis core).

Nothing here re-implements the analysis: it maps a stored row to an ``adscan`` record and
back, and turns adscan's results into what the database keeps (indicator spans, linking keys,
the MinHash signature and its LSH band keys).
"""

from __future__ import annotations

import hashlib
import json
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from beacon.adscan import Ad as ScanAd
from beacon.adscan import AnalysedAd, ClusterParams, Indicator, Place, PriceMatch, analyse_ad

# Not (yet) re-exported by beacon.adscan: the batch MinHash helpers of its minhash module.
from beacon.adscan.minhash import WordHasher, band_keys, signatures

if TYPE_CHECKING:
    from .models import Ad

PARAMS = ClusterParams()
_HASHER = WordHasher()

# adscan linking key prefix -> core.Identifier kind
IDENTIFIER_KINDS = {"tel": "phone", "email": "email", "handle": "handle"}


def content_hash(ad: ScanAd) -> str:
    """SHA-256 of everything but the key (site, id): equal hashes mean the same content."""
    return hashlib.sha256(json.dumps(content_of(ad), sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def content_of(row: Ad | ScanAd) -> dict[str, Any]:
    """The content of an incoming ad or a stored row (kept in ``AdVersion`` when a new version replaces it).

    ``kind`` is part of the content only when it is not the default (escort), so the hashes of ads stored
    before kinds existed do not change."""
    content = {
        "posted_at": row.posted_at.isoformat() if row.posted_at else None,
        "url": row.url, "title": row.title, "body": row.body, "city": row.city, "state": row.state,
        "phone": row.phone, "age": row.age, "images": list(row.images or []),
    }
    if (row.kind or "escort") != "escort":
        content["kind"] = row.kind
    return content


def to_scan_ad(row: Ad) -> ScanAd:
    return ScanAd(
        id=row.external_id, posted_at=row.posted_at, site=row.site, url=row.url, title=row.title, body=row.body,
        city=row.city, state=row.state, phone=row.phone, age=row.age, images=tuple(row.images or ()),
        kind=row.kind or "escort",
    )


def set_content(row: Ad, ad: ScanAd) -> None:
    row.posted_at = ad.posted_at
    row.url, row.title, row.body = ad.url, ad.title, ad.body
    row.city, row.state, row.phone, row.age = ad.city[:200], ad.state[:50], ad.phone[:200], ad.age[:50]
    row.images = list(ad.images)
    row.kind = ad.kind


@dataclass(frozen=True)
class Clustering:
    """What the clustering keeps per ad."""

    signature: bytes | None
    bands: list[tuple[int, int]]  # (band, signed 64-bit key)
    keys: list[str]  # linking keys, e.g. "tel:+18165550101"


def analyse(row: Ad) -> Clustering:
    """Analyse a row's content with adscan, store the results on the row, return its clustering state."""
    return analyse_many([row])[0]


def analyse_many(rows: Sequence[Ad]) -> list[Clustering]:
    """``analyse`` for a chunk: adscan's analysis per ad, the MinHash signatures in one batch."""
    made = analyse_content(rows)
    return clusterings(rows, [w for w, _ in made], [k for _, k in made])


def analyse_content(rows: Sequence[Ad]) -> list[tuple[bytes, list[str]]]:
    """adscan's analysis of each row (set on the row): its shingle word hashes and linking keys."""
    out: list[tuple[bytes, list[str]]] = []
    for row in rows:
        a = analyse_ad(to_scan_ad(row))
        apply_analysis(row, a)
        out.append((array("I", _HASHER(a.shingle_text.split())).tobytes(), list(a.identifiers)))
    return out


def apply_analysis(row: Ad, a: AnalysedAd) -> None:
    """Copy adscan's analysis of an ad onto its row (the scan's, or one just made)."""
    row.phones, row.emails, row.handles = a.phones, a.emails, a.handles
    row.ages, row.names = a.ages, a.names
    row.prices = [{"amount": p.amount, "unit": p.unit, "raw": p.raw} for p in a.prices]
    row.indicators = [i.to_dict() for i in a.indicators]
    row.job = a.job
    row.risk = a.risk
    row.place_name = a.place.name if a.place else ""
    row.place_state = a.place.state if a.place else ""
    row.lat = a.place.lat if a.place else None
    row.lon = a.place.lon if a.place else None


def clusterings(rows: Sequence[Ad], words: Sequence[bytes], keys: Sequence[list[str]]) -> list[Clustering]:
    """Signatures and LSH band keys of a chunk from its shingle word hashes (uint32, as the scan
    keeps them), in one batch; sets each row's ``signature``."""
    if not rows:
        return []
    parts = [np.frombuffer(w, dtype=np.uint32) for w in words]
    offsets = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum([len(p) for p in parts], out=offsets[1:])
    flat = np.concatenate(parts).astype(np.uint64) if offsets[-1] else np.zeros(0, dtype=np.uint64)
    sig, ok = signatures(flat, offsets, PARAMS.minhash)
    bands = band_keys(sig, PARAMS.minhash).view(np.int64)
    out: list[Clustering] = []
    for i, row in enumerate(rows):
        if ok[i]:
            row.signature = sig[i].astype("<u4").tobytes()
            row_bands = [(b, int(k)) for b, k in enumerate(bands[i].tolist())]
        else:
            row.signature, row_bands = None, []
        out.append(Clustering(row.signature, row_bands, keys[i]))
    return out


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two stored signatures."""
    sa, sb = np.frombuffer(a, dtype="<u4"), np.frombuffer(b, dtype="<u4")
    if len(sa) != len(sb) or not len(sa):
        return 0.0
    return float(np.mean(sa == sb))


def analysed_from_row(row: Ad) -> AnalysedAd:
    """Rebuild adscan's view of a stored ad from the stored analysis (no re-analysis)."""
    place = None
    if row.place_name and row.lat is not None and row.lon is not None:
        place = Place(row.place_name, row.place_state, row.lat, row.lon)
    indicators = [
        Indicator(i["code"], i.get("evidence", ""), float(i.get("weight", 0)), i.get("field"),
                  tuple(i["span"]) if i.get("span") else None)  # type: ignore[arg-type]
        for i in row.indicators or []
    ]
    prices = [PriceMatch(int(p.get("amount", 0)), p.get("unit"), (0, 0), p.get("raw", "")) for p in row.prices or []]
    return AnalysedAd(
        ad=to_scan_ad(row), phones=list(row.phones or []), emails=list(row.emails or []), urls=[],
        handles=list(row.handles or []), prices=prices, ages=list(row.ages or []), place=place,
        indicators=indicators, risk=row.risk, shingle_text="", identifiers=[], names=list(row.names or []),
        job=row.job,
    )


def iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt else None
