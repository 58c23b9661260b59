"""Demo outreach campaign (labelled "(demo)"); idempotent by campaign name and activity title."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from beacon.core.models import County

from . import services
from .models import Activity, Campaign, Material

DEMO_NAME = "I-44 corridor truck-stop awareness (demo)"
DEMO_COUNTIES = ["29169", "29105", "29125", "29161", "29043"]  # Pulaski, Laclede, Maries, Phelps, Christian


@transaction.atomic
def run(*, demo: bool = True) -> dict[str, int]:
    created = {"campaigns": 0, "activities": 0, "materials": 0}
    if not demo or not County.objects.filter(fips__in=DEMO_COUNTIES).exists():
        return created
    today = timezone.localdate()
    campaign = Campaign.objects.filter(name=DEMO_NAME).first()
    if campaign is None:
        campaign = services.campaign_create(
            acting_user=None, name=DEMO_NAME, start_date=today - dt.timedelta(days=60),
            end_date=today + dt.timedelta(days=120), counties=DEMO_COUNTIES, audiences=["drivers", "general"],
            channels=["truck_stops", "radio", "social"], status=Campaign.Status.ACTIVE, is_demo=True,
            description="Posters and wallet cards at truck stops along I-44, local radio spots, and a public "
                        "workshop for Awareness Day (demo).",
        )
        created["campaigns"] += 1
    plans = [
        ("29169", "truck_stops", "Posters at Waynesville-area truck stops (demo)", -40, 300, 260, False, ""),
        ("29105", "radio", "Radio spot on Lebanon station (demo)", -20, 5000, None, False, ""),
        ("29161", "schools", "Assembly at Rolla high school (demo)", 10, 400, None, False, ""),
        ("29043", "faith", "Awareness Day community workshop (demo)", 30, 60, None, True, "Ozark community hall (demo)"),
    ]
    for fips, channel, title, offset, planned, reach, public, location in plans:
        if Activity.objects.filter(campaign=campaign, title=title).exists():
            continue
        activity = services.activity_plan(acting_user=None, campaign=campaign, county=fips, channel=channel, title=title,
                                          planned_date=today + dt.timedelta(days=offset), planned_reach=planned,
                                          public_event=public, location=location)
        if reach is not None:
            services.activity_deliver(acting_user=None, activity=activity,
                                      delivered_date=today + dt.timedelta(days=offset), reach=reach)
        created["activities"] += 1
    if not Material.objects.filter(campaign=campaign, title="Truck-stop poster, English/Spanish (demo)").exists():
        services.material_add(acting_user=None, campaign=campaign, title="Truck-stop poster, English/Spanish (demo)",
                              kind="poster", language="en/es", quantity=200)
        created["materials"] += 1
    return created
