"""Writes for outreach campaigns; each writes its audit event in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from beacon.core import audit
from beacon.core.models import County

from .models import Activity, Audience, Campaign, Channel, Material


def _codes(values: Iterable[str], allowed: Any, field: str) -> list[str]:
    values = list(dict.fromkeys(values))
    bad = [v for v in values if v not in allowed.values]
    if bad:
        raise ValidationError({field: f"Unknown {field}: {', '.join(bad)}."})
    return values


@transaction.atomic
def campaign_create(
    *,
    acting_user: Any,
    name: str,
    start_date: dt.date,
    end_date: dt.date,
    counties: Iterable[str],
    audiences: Iterable[str] = (),
    channels: Iterable[str] = (),
    description: str = "",
    status: str = Campaign.Status.PLANNED,
    is_demo: bool = False,
) -> Campaign:
    fips = sorted(set(counties))
    if not fips:
        raise ValidationError({"counties": "Choose at least one target county."})
    found = list(County.objects.filter(fips__in=fips))
    if len(found) != len(fips):
        raise ValidationError({"counties": "Unknown county FIPS code."})
    campaign = Campaign(
        name=name.strip(), description=description, status=status, start_date=start_date, end_date=end_date,
        audiences=_codes(audiences, Audience, "audiences"), channels=_codes(channels, Channel, "channels"),
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None, is_demo=is_demo,
    )
    campaign.full_clean(exclude=["counties"])
    if end_date < start_date:
        raise ValidationError({"end_date": "The campaign cannot end before it starts."})
    campaign.save()
    campaign.counties.set(found)
    audit.record(actor=acting_user, action=audit.Action.CREATE, object_type="outreach.campaign", object_id=campaign.pk,
                 summary=f"created campaign {campaign.name}", detail={"counties": fips})
    return campaign


@transaction.atomic
def campaign_update(*, acting_user: Any, campaign: Campaign, **changes: Any) -> Campaign:
    """Change name, description, status, dates, audiences, channels or counties."""
    allowed = {"name", "description", "status", "start_date", "end_date", "audiences", "channels", "counties"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({"non_field_errors": f"Cannot change {', '.join(sorted(unknown))}."})
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    counties = changes.pop("counties", None)
    if "audiences" in changes:
        changes["audiences"] = _codes(changes["audiences"], Audience, "audiences")
    if "channels" in changes:
        changes["channels"] = _codes(changes["channels"], Channel, "channels")
    for key, value in changes.items():
        setattr(campaign, key, value)
    campaign.full_clean(exclude=["counties"])
    if campaign.end_date < campaign.start_date:
        raise ValidationError({"end_date": "The campaign cannot end before it starts."})
    campaign.save()
    detail: dict[str, Any] = {"fields": sorted(changes)}
    if counties is not None:
        fips = sorted(set(counties))
        found = list(County.objects.filter(fips__in=fips))
        if not fips or len(found) != len(fips):
            raise ValidationError({"counties": "Choose known target counties."})
        if campaign.activities.exclude(county__in=found).exists():
            raise ValidationError({"counties": "A county with activities cannot be removed."})
        campaign.counties.set(found)
        detail["counties"] = fips
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="outreach.campaign", object_id=campaign.pk,
                 summary=f"updated campaign {campaign.name}", detail=detail)
    return campaign


@transaction.atomic
def activity_plan(
    *,
    acting_user: Any,
    campaign: Campaign,
    county: str,
    channel: str,
    title: str,
    planned_date: dt.date,
    planned_reach: int = 0,
    public_event: bool = False,
    location: str = "",
    notes: str = "",
) -> Activity:
    if not campaign.counties.filter(fips=county).exists():
        raise ValidationError({"county": "The county is not one of the campaign's target counties."})
    activity = Activity(campaign=campaign, county_id=county, channel=channel, title=title.strip(),
                        planned_date=planned_date, planned_reach=planned_reach, public_event=public_event,
                        location=location, notes=notes)
    activity.full_clean()
    activity.save()
    audit.record(actor=acting_user, action=audit.Action.CREATE, object_type="outreach.activity", object_id=activity.pk,
                 summary=f"planned {activity.title} ({campaign.name})", detail={"campaign": campaign.pk, "county": county})
    return activity


@transaction.atomic
def activity_deliver(*, acting_user: Any, activity: Activity, delivered_date: dt.date, reach: int) -> Activity:
    """Mark an activity delivered with the number of people reached (may be corrected later)."""
    if reach < 0:
        raise ValidationError({"reach": "Reach cannot be negative."})
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    before = {"delivered_date": str(activity.delivered_date or ""), "reach": activity.reach}
    activity.delivered_date = delivered_date
    activity.reach = reach
    activity.full_clean()
    activity.save(update_fields=["delivered_date", "reach"])
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="outreach.activity", object_id=activity.pk,
                 summary=f"delivered {activity.title}", detail={"before": before, "reach": reach,
                                                                 "delivered_date": str(delivered_date)})
    return activity


@transaction.atomic
def material_add(
    *, acting_user: Any, campaign: Campaign, title: str, kind: str, language: str = "en", quantity: int = 0,
    url: str = "",
) -> Material:
    material = Material(campaign=campaign, title=title.strip(), kind=kind, language=language, quantity=quantity, url=url)
    material.full_clean()
    material.save()
    audit.record(actor=acting_user, action=audit.Action.CREATE, object_type="outreach.material", object_id=material.pk,
                 summary=f"added material {material.title} ({campaign.name})", detail={"campaign": campaign.pk})
    return material
