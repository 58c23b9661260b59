from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from beacon.core.models import User
from beacon.training import services
from beacon.training.content import load_courses
from beacon.training.models import Course, Workshop


@pytest.fixture
def courses(mo: Any) -> list[Course]:
    load_courses()
    return list(Course.objects.all())


@pytest.fixture
def trainer(user_factory: Callable[..., User], agency_factory: Any) -> User:
    return user_factory("trainer", agency=agency_factory(kind="ngo", county="29019"))


@pytest.fixture
def workshop_factory(mo: Any, trainer: User) -> Callable[..., Workshop]:
    def make(**overrides: Any) -> Workshop:
        starts = overrides.pop("starts_at", timezone.now() + dt.timedelta(days=10))
        values: dict[str, Any] = {
            "title": "Community workshop", "audience": "public", "county_id": "29019", "starts_at": starts,
            "ends_at": starts + dt.timedelta(hours=2), "venue_name": "Library", "venue_address": "100 Main St",
            "capacity": 2, "waitlist_enabled": True, "waitlist_limit": 0,
        }
        values.update(overrides)
        acting = values.pop("trainer", trainer)
        return services.workshop_create(acting_user=acting, **values)

    return make
