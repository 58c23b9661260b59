"""Reads: directory search results, survivor lists, referral views.  Each takes what decides visibility."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from beacon.core import geo

from . import search, taxonomy
from .models import (
    Consent,
    DirectoryImport,
    Organization,
    Phone,
    Referral,
    ReferralNotification,
    Service,
    Survivor,
)


# --- Directory ----------------------------------------------------------------------------
@dataclass
class ResultRow:
    service: Service
    distance_km: float | None
    place: str  # where: the address, or for a confidential location only its county
    confidential: bool
    phones: list[Phone]
    needs: list[str]
    open_24_7: bool
    free: bool


def parse_query(params: Any, *, public_only: bool) -> tuple[search.Query, str | None]:
    """Build a search query from request parameters; returns (query, error message or None)."""
    error = None
    point: tuple[float, float] | None = None
    near = (params.get("near") or "").strip()
    if params.get("lat") and params.get("lon"):
        try:
            lat, lon = float(params["lat"]), float(params["lon"])
        except ValueError:
            lat = lon = float("nan")
        if geo.valid_coordinates(lat, lon):
            point = (lat, lon)
        else:
            error = "Latitude/longitude are not valid."
    elif near:
        point = geo.point_of_place(near)
        if point is None:
            error = f"No Missouri city, county or ZIP code matches {near!r}."
    county = (params.get("county") or "").strip() or None
    if county and not re.fullmatch(r"29\d{3}", county):
        found = geo.resolve_place(county)
        county = found.fips if found else None
        if found is None:
            error = "Unknown county."

    def _int(name: str) -> int | None:
        v = (params.get(name) or "").strip()
        return int(v) if v.isdigit() else None

    radius = _int("radius_km")
    need = (params.get("need") or "").strip() or None
    gender = (params.get("gender") or "").strip() or None
    if gender and gender not in taxonomy.GENDERS:
        gender = None
    truthy = {"1", "true", "on", "yes"}
    q = search.Query(
        need=need, county=county, point=point, radius_km=float(radius) if radius else None,
        language=(params.get("language") or "").strip() or None,
        open_24_7=(params.get("open_24_7") or "").lower() in truthy, age=_int("age"), gender=gender,
        free=(params.get("free") or "").lower() in truthy, public_only=public_only,
    )
    return q, error


def search_rows(hits: Sequence[search.Hit], *, public: bool) -> list[ResultRow]:
    """Load one page of hits with what a result card shows: two queries, whatever the page size.
    Where it is (address, or county for a confidential location) comes from the index."""
    ids = [h.service_id for h in hits]
    services = {
        s.id: s
        for s in Service.objects.filter(id__in=ids).select_related("organization").prefetch_related(
            Prefetch("phones", queryset=Phone.objects.order_by("type", "number")),
        )
    }
    rows = []
    for h in hits:
        s = services.get(h.service_id)
        if s is None:
            continue
        rows.append(ResultRow(
            service=s, distance_km=h.distance_km, place=h.place, confidential=h.confidential,
            phones=list(s.phones.all()), needs=[str(taxonomy.NEEDS[c]) for c in sorted(h.terms) if c in taxonomy.NEEDS],
            open_24_7=taxonomy.OPEN_24_7 in h.terms, free=taxonomy.FREE in h.terms,
        ))
    return rows


def organizations_managed_by(user: Any) -> QuerySet[Organization]:
    if user.agency_id is None:
        return Organization.objects.none()
    return Organization.objects.filter(agency_id=user.agency_id).order_by("name")


def referable_services(user: Any) -> QuerySet[Service]:
    """Active services of other Beacon agencies that take referrals."""
    return (Service.objects.filter(status=Service.Status.ACTIVE, organization__agency__isnull=False)
            .exclude(organization__agency_id=user.agency_id).select_related("organization__agency").order_by("name"))


# --- Survivor records ---------------------------------------------------------------------
def survivor_list(*, user: Any) -> QuerySet[Survivor]:
    """Survivors of the advocate's own agency (callers hold ``Perm.VIEW_SURVIVORS``)."""
    if user.agency_id is None:
        return Survivor.objects.none()
    return Survivor.objects.filter(agency_id=user.agency_id).order_by("-created_at", "-id")


def consents_of(survivor: Survivor) -> QuerySet[Consent]:
    return survivor.consents.select_related("recipient_agency").order_by("-given_at", "-id")


def referrals_sent(*, user: Any) -> QuerySet[Referral]:
    return (Referral.objects.filter(from_agency_id=user.agency_id)
            .select_related("service", "to_agency").order_by("-sent_at", "-id"))


def referrals_received(*, user: Any) -> QuerySet[Referral]:
    return (Referral.objects.filter(to_agency_id=user.agency_id)
            .select_related("service", "from_agency", "consent").order_by("-sent_at", "-id"))


def unread_notifications(*, user: Any) -> QuerySet[ReferralNotification]:
    return ReferralNotification.objects.filter(agency_id=user.agency_id, read_at__isnull=True).select_related("referral")


def referral_shared_fields(referral: Referral) -> dict[str, str]:
    """What the receiving agency may see of the survivor: the shared fields an active consent
    still covers.  Expired or revoked consent: nothing, from that moment on."""
    consent = referral.consent
    if not consent.is_active() or consent.recipient_agency_id != referral.to_agency_id:
        return {}
    survivor = referral.survivor
    out: dict[str, str] = {}
    for name in referral.shared_fields:
        if name in consent.fields:
            value = getattr(survivor, name)
            out[name] = ", ".join(str(taxonomy.NEEDS.get(v, v)) for v in value) if name == "needs" else str(value or "")
    return out


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def directory_imports() -> QuerySet[DirectoryImport]:
    """Uploaded HSDS imports, newest first (administrators see them all)."""
    return DirectoryImport.objects.select_related("uploaded_by", "agency").order_by("-created_at", "-id")
