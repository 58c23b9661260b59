"""Demo cases: two agencies unknowingly working the same phone, so the deconfliction alert shows.

Idempotent: demo cases are looked up by title; a second run creates nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from beacon.core.models import County, User

from . import services
from .models import Case, CaseEvent

SHARED_PHONE = "(816) 555-0142"

DEMO_CASES = [
    {
        "user": "investigator", "title": "Westport massage storefronts (demo)", "kind": Case.Kind.SEX,
        "venue_type": "illicit_massage", "counties": ["29095"], "days_ago": 40,
        "summary": "Three storefronts advertising late-night massage; workers appear to live on site. Fictional demo case.",
        "identifiers": [("phone", SHARED_PHONE), ("handle", "@kc_relax_spa"), ("payment", "$KCRelaxDemo")],
        "persons": [("victim", "Maria Demo Example", "minor", "female"), ("suspect", "", "adult", "male")],
        "events": [(CaseEvent.Kind.ARREST, 1, 10), (CaseEvent.Kind.SERVICE_REFERRAL, 1, 9)],
    },
    {
        "user": "stl_investigator", "title": "I-70 truck stop solicitation (demo)", "kind": Case.Kind.SEX,
        "venue_type": "outdoor_solicitation", "counties": ["29510", "29189"], "days_ago": 20,
        "summary": "Reports of solicitation at a truck stop along I-70. Fictional demo case.",
        "identifiers": [("phone", SHARED_PHONE), ("plate", "MO: DEM-0142")],
        "persons": [("victim", "", "adult", "female")],
        "events": [(CaseEvent.Kind.CHARGE, 2, 5)],
    },
]


@transaction.atomic
def run(*, demo: bool = True) -> dict[str, int]:
    created = {"cases": 0}
    if not demo:
        return created
    today = timezone.localdate()
    for spec in DEMO_CASES:
        if Case.objects.filter(title=spec["title"], is_demo=True).exists():
            continue
        user = User.objects.filter(username=spec["user"]).first()
        if user is None or user.agency_id is None:
            continue
        case = services.case_create(
            acting_user=user, title=str(spec["title"]), kind=str(spec["kind"]), venue_type=str(spec["venue_type"]),
            summary=str(spec["summary"]), counties=County.objects.filter(fips__in=spec["counties"]),
            opened_on=today - dt.timedelta(days=int(spec["days_ago"])),  # type: ignore[call-overload]
            is_demo=True,
        )
        for role, name, age, sex in spec["persons"]:  # type: ignore[attr-defined]
            services.person_add(case=case, acting_user=user, role=role, name=name, age_group=age, sex=sex)
        for kind, raw in spec["identifiers"]:  # type: ignore[attr-defined]
            services.identifier_add(case=case, acting_user=user, kind=kind, raw=raw)
        for kind, count, days_ago in spec["events"]:  # type: ignore[attr-defined]
            services.event_add(case=case, acting_user=user, kind=kind, count=count,
                               occurred_on=today - dt.timedelta(days=days_ago), text="Demo event")
        created["cases"] += 1
    return created


