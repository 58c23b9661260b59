"""Fixtures for records lifecycle, search and exports: two task forces, tips, cases, referrals,
all made through the real services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from beacon.cases import services as case_services
from beacon.cases.models import Case
from beacon.core.models import Agency, User
from beacon.survivors import services as survivor_services
from beacon.survivors.models import Organization, Referral, Service, Survivor
from beacon.tips import services as tip_services
from beacon.tips.models import Tip

JACKSON = "29095"  # Kansas City Area Task Force
ST_LOUIS_CITY = "29510"  # St. Louis Area Task Force


@pytest.fixture(autouse=True)
def generous_rate_limits(settings: Any) -> None:
    settings.BEACON_RATE_LIMITS = {**settings.BEACON_RATE_LIMITS, "tip_submit": "1000/3600"}


@dataclass
class World:
    kc: Agency
    stl: Agency
    kc_sup: User
    kc_inv: User
    stl_sup: User
    admin: User


@pytest.fixture
def world(mo: Any, agency_factory: Callable[..., Agency], user_factory: Callable[..., User]) -> World:
    kc = agency_factory(task_force="kansas-city", name="KC police")
    stl = agency_factory(task_force="st-louis", name="STL police")
    return World(kc=kc, stl=stl, kc_sup=user_factory("supervisor", agency=kc),
                 kc_inv=user_factory("investigator", agency=kc), stl_sup=user_factory("supervisor", agency=stl),
                 admin=user_factory("admin", agency=kc))


@pytest.fixture
def make_tip(mo: Any) -> Callable[..., Tip]:
    def make(narrative: str = "A young woman could not leave the motel room.", *, county: str = JACKSON,
             age_days: int = 0, **kwargs: Any) -> Tip:
        submitted = tip_services.tip_submit(data=tip_services.TipInput(narrative=narrative, county_fips=county,
                                                                        **kwargs))
        tip = submitted.tip
        if age_days:
            Tip.objects.filter(pk=tip.pk).update(created_at=timezone.now() - dt.timedelta(days=age_days))
            tip.refresh_from_db()
        return tip

    return make


@pytest.fixture
def make_case() -> Callable[..., Case]:
    def make(user: User, title: str = "Motel case", **kwargs: Any) -> Case:
        return case_services.case_create(acting_user=user, title=title, **kwargs)

    return make


@dataclass
class Survivors:
    ours: Agency
    theirs: Agency
    advocate: User
    receiver: User
    service: Service
    survivor: Survivor


@pytest.fixture
def survivors(mo: Any, agency_factory: Callable[..., Agency], user_factory: Callable[..., User]) -> Survivors:
    ours = agency_factory("ngo", name="Our NGO", county="29019")
    theirs = agency_factory("ngo", name="Their NGO", county="29095")
    advocate = user_factory("advocate", agency=ours)
    receiver = user_factory("advocate", agency=theirs)
    org = Organization.objects.create(name="Their org", description="Test organisation", agency=theirs)
    service = survivor_services.service_save(acting_user=None, organization=org,
                                             data=survivor_services.ServiceInput(name="Their legal clinic"))
    survivor = survivor_services.survivor_create(acting_user=advocate, preferred_name="Rosa",
                                                 legal_name="Rosa Example", phone="555-0199",
                                                 date_of_birth="1999-02-03", needs=["legal"])
    return Survivors(ours, theirs, advocate, receiver, service, survivor)


def refer(s: Survivors, *, fields: tuple[str, ...] = ("preferred_name",), message: str = "Needs legal help") -> Referral:
    consent = survivor_services.consent_record(
        acting_user=s.advocate, survivor=s.survivor, recipient_agency=s.theirs, fields=list(fields),
        purpose="Legal help", method="written", expires_at=timezone.now() + dt.timedelta(days=30))
    return survivor_services.referral_create(acting_user=s.advocate, survivor=s.survivor, service=s.service,
                                             consent=consent, shared_fields=list(fields), message=message)
