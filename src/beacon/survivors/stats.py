"""Aggregates for the cross-app statistics contract (outreach analytics, public dashboard).

No user argument and no person: only points of services and counts of referrals.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Exists, OuterRef
from django.utils import timezone

from beacon.core.models import County

from . import taxonomy
from .models import Referral, Service, ServiceAtLocation, ServiceAttribute

SHELTER_TERM: str = "shelter"


def service_points(taxonomy_term: str | None = None) -> list[tuple[float, float, frozenset[str]]]:
    """(lat, lon, term codes) of every active service location; a confidential location
    contributes its county's centroid, never its own point."""
    terms: dict[object, set[str]] = defaultdict(set)
    for sid, code in ServiceAttribute.objects.values_list("service_id", "taxonomy_term__code"):
        terms[sid].add(code)
    centroids = {f: (la, lo) for f, la, lo in County.objects.values_list("fips", "centroid_lat", "centroid_lon")}
    active = Service.objects.filter(pk=OuterRef("service_id"), status=Service.Status.ACTIVE)
    points: list[tuple[float, float, frozenset[str]]] = []
    rows = (ServiceAtLocation.objects.filter(Exists(active))
            .values_list("service_id", "location__latitude", "location__longitude", "location__confidential",
                         "location__county_id").order_by("id"))
    for sid, lat, lon, confidential, fips in rows:
        codes = frozenset(terms.get(sid, set()) - {taxonomy.NOT_PUBLIC})
        if taxonomy_term is not None and taxonomy_term not in codes:
            continue
        if confidential:
            if fips not in centroids:
                continue
            lat, lon = centroids[fips]
        if lat is None or lon is None:
            continue
        points.append((float(lat), float(lon), codes))
    return points


def referrals_by_month(start: dt.datetime, end: dt.datetime) -> dict[str, dict[str, int]]:
    """fips -> "YYYY-MM" -> referrals sent, by the referring agency's county (else the service's)."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = (Referral.objects.filter(sent_at__gte=start, sent_at__lt=end)
            .values_list("sent_at", "from_agency__county_id", "service_id"))
    service_county: dict[object, str | None] = {}
    for sid, loc_fips in ServiceAtLocation.objects.filter(
        service_id__in={r[2] for r in rows}, location__county__isnull=False
    ).values_list("service_id", "location__county_id").order_by("id"):
        service_county.setdefault(sid, loc_fips)
    for sent_at, agency_fips, sid in rows:
        fips: str | None = agency_fips or service_county.get(sid)
        if not fips:
            continue
        month = timezone.localtime(sent_at).strftime("%Y-%m")
        out[fips][month] += 1
    return {f: dict(m) for f, m in out.items()}


def services_by_need() -> dict[str, int]:
    """Active services per need term (task-force reports: services by type)."""
    counts: dict[str, int] = defaultdict(int)
    rows = ServiceAttribute.objects.filter(service__status=Service.Status.ACTIVE,
                                           taxonomy_term__code__in=list(taxonomy.NEEDS)).values_list("taxonomy_term__code")
    for (code,) in rows:
        counts[code] += 1
    return dict(counts)


def referrals_by_need(start: dt.datetime, end: dt.datetime, *, from_agency_ids: Iterable[int] | None = None) -> dict[str, int]:
    """Referrals sent in [start, end) per need term of the receiving service (a referral to a
    service with two needs counts under both); ``from_agency_ids`` keeps those sent by these agencies."""
    counts: dict[str, int] = defaultdict(int)
    referrals = Referral.objects.filter(sent_at__gte=start, sent_at__lt=end,
                                        service__attributes__taxonomy_term__code__in=list(taxonomy.NEEDS))
    if from_agency_ids is not None:
        referrals = referrals.filter(from_agency_id__in=list(from_agency_ids))
    rows = referrals.values_list("service__attributes__taxonomy_term__code")
    for (code,) in rows:
        counts[code] += 1
    return dict(counts)
