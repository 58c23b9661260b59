"""Plain data types shared by every part of :mod:`beacon.adscan`.

All types are immutable dataclasses with ``to_dict`` helpers producing the
JSON shapes written to ``ads.jsonl`` / ``clusters.jsonl``.  Nothing here
depends on Django, so the platform can map them onto its own models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

Span = tuple[int, int]
"""Half-open ``(start, end)`` character offsets into the analysed text."""


@dataclass(frozen=True, slots=True)
class PhoneMatch:
    """A phone number found in text, normalised to E.164."""

    e164: str
    span: Span
    raw: str
    obfuscated: bool = False
    """True when the number was only recoverable after de-obfuscation
    (number words, letter look-alikes, exotic digits, emoji separators...)."""


@dataclass(frozen=True, slots=True)
class TextMatch:
    """A generic match (email, URL) with its normalised value."""

    value: str
    span: Span
    raw: str


@dataclass(frozen=True, slots=True)
class HandleMatch:
    """A social / messaging handle such as ``snap: candy_kc`` or ``@candy``."""

    platform: str
    handle: str
    span: Span
    raw: str

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.handle}"


@dataclass(frozen=True, slots=True)
class PriceMatch:
    amount: int
    unit: str | None
    span: Span
    raw: str


@dataclass(frozen=True, slots=True)
class AgeMatch:
    age: int
    span: Span
    raw: str


@dataclass(frozen=True, slots=True)
class Place:
    """A known city with public coordinates."""

    name: str
    state: str
    lat: float
    lon: float

    @property
    def key(self) -> str:
        return f"{self.name}, {self.state}"


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    place: Place
    span: Span
    raw: str


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything :func:`beacon.adscan.extract` finds in one text."""

    phones: tuple[PhoneMatch, ...] = ()
    emails: tuple[TextMatch, ...] = ()
    urls: tuple[TextMatch, ...] = ()
    handles: tuple[HandleMatch, ...] = ()
    prices: tuple[PriceMatch, ...] = ()
    ages: tuple[AgeMatch, ...] = ()
    places: tuple[PlaceMatch, ...] = ()


@dataclass(frozen=True, slots=True)
class Indicator:
    """One explained flag.

    ``span`` indexes ``field`` (``"title"``, ``"body"``, ``"phone"`` or
    ``"age"``) of the ad; cluster-level indicators have no span.
    """

    code: str
    evidence: str
    weight: float
    field: str | None = None
    span: Span | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"code": self.code, "evidence": self.evidence, "weight": self.weight}
        if self.field is not None:
            d["field"] = self.field
        if self.span is not None:
            d["span"] = [self.span[0], self.span[1]]
        return d


@dataclass(frozen=True, slots=True)
class Ad:
    """One validated input record."""

    id: str
    posted_at: datetime | None = None
    site: str = ""
    url: str = ""
    title: str = ""
    body: str = ""
    city: str = ""
    state: str = ""
    phone: str = ""
    age: str = ""
    images: tuple[str, ...] = ()
    line: int = 0
    """1-based line number in the input file (0 when not from a file)."""
    kind: str = "escort"
    """``"escort"`` or ``"job"`` (a job ad or recruitment post): selects the indicator catalogue."""


@dataclass(slots=True)
class AnalysedAd:
    """An :class:`Ad` with its extraction, indicators and risk."""

    ad: Ad
    phones: list[str]
    emails: list[str]
    urls: list[str]
    handles: list[str]
    prices: list[PriceMatch]
    ages: list[int]
    place: Place | None
    indicators: list[Indicator]
    risk: float
    shingle_text: str
    identifiers: list[str]
    """Linking keys: ``tel:+1...``, ``email:...``, ``handle:snap:...``, ``img:...``."""
    names: list[str] = field(default_factory=list)
    cluster_id: str | None = None
    job: dict[str, Any] | None = None
    """Job ads only: what the ad says about the work (``beacon.adscan.jobs.JobDetails.to_dict``)."""

    def to_dict(self) -> dict[str, Any]:
        a = self.ad
        d: dict[str, Any] = {
            "id": a.id,
            "site": a.site,
            "posted_at": a.posted_at.isoformat() if a.posted_at else None,
            "city": self.place.name if self.place else (a.city or None),
            "state": self.place.state if self.place else (a.state or None),
            "phones": self.phones,
            "emails": self.emails,
            "urls": self.urls,
            "handles": self.handles,
            "prices": [{"amount": p.amount, "unit": p.unit, "raw": p.raw} for p in self.prices],
            "ages": self.ages,
            "indicators": [i.to_dict() for i in self.indicators],
            "risk": self.risk,
        }
        if a.kind != "escort":
            d["kind"] = a.kind
            d["job"] = self.job
        # last: the streaming scan writes each line before clustering and fills this in at the end
        d["cluster_id"] = self.cluster_id
        return d


@dataclass(frozen=True, slots=True)
class Rejected:
    line: int
    reason: str
    raw: str

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "reason": self.reason, "raw": self.raw[:2000]}


@dataclass(frozen=True, slots=True)
class CityVisit:
    place: Place
    first_seen: datetime | None
    last_seen: datetime | None
    ads: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "city": self.place.name,
            "state": self.place.state,
            "lat": self.place.lat,
            "lon": self.place.lon,
            "first_seen": self.first_seen.isoformat() if self.first_seen else None,
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
            "ads": self.ads,
        }


@dataclass(slots=True)
class Operation:
    """A cluster of ads believed to come from one operation."""

    cluster_id: str
    ad_ids: list[str]
    phones: list[str]
    emails: list[str]
    handles: list[str]
    images: list[str]
    cities: list[CityVisit]
    movement: list[CityVisit]
    template: str
    risk: float
    reasons: list[Indicator]
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    kinds: list[str] = field(default_factory=lambda: ["escort"])
    """The kinds of its ads (both only when a shared identifier links them: see ``OP_CROSS_KIND_LINK``)."""
    industry: str = ""
    """Job ads: the most named Polaris industry (a ``beacon.cases.typology.VenueType`` code)."""
    links: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Why its ads are one operation: ``joined_by`` (identifiers that joined text groups, with the
    linking rule's reason) and ``set_aside`` (its identifiers found shared or marked so)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "cluster_id": self.cluster_id,
            "kinds": self.kinds,
            "industry": self.industry,
            "size": len(self.ad_ids),
            "ad_ids": self.ad_ids,
            "phones": self.phones,
            "emails": self.emails,
            "handles": self.handles,
            "images": self.images,
            "cities": [c.to_dict() for c in self.cities],
            "movement": [c.to_dict() for c in self.movement],
            "first_seen": self.first_seen.isoformat() if self.first_seen else None,
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
            "template": self.template,
            "risk": self.risk,
            "reasons": [r.to_dict() for r in self.reasons],
            "links": self.links,
        }
