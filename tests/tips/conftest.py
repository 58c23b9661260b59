"""Fixtures for the tip line: users inside a task force, and tips made through the real service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from beacon.core.models import TaskForce, User
from beacon.tips import services
from beacon.tips.models import Tip

JACKSON = "29095"  # Kansas City Area Task Force
ST_LOUIS_CITY = "29510"  # St. Louis Area Task Force
GREENE = "29077"  # Southwest


@pytest.fixture(autouse=True)
def generous_rate_limits(settings: Any) -> None:
    settings.BEACON_RATE_LIMITS = {**settings.BEACON_RATE_LIMITS, "tip_submit": "1000/3600", "tip_followup": "1000/900"}


@pytest.fixture
def uncovered_fips(mo: Any) -> str:
    """A county no regional task force covers (its tips go to the statewide queue)."""
    from beacon.core.models import County

    return County.objects.exclude(task_forces__statewide=False).order_by("fips").values_list("fips", flat=True)[0]


@pytest.fixture
def tf_user(mo: Any, user_factory: Callable[..., User], agency_factory: Callable[..., Any]) -> Callable[..., User]:
    """A user whose agency belongs to the task force ``slug``."""

    def make(slug: str, *roles: str) -> User:
        agency = agency_factory(task_force=slug)
        return user_factory(*roles, agency=agency)

    return make


@pytest.fixture
def submit(mo: Any) -> Callable[..., services.Submitted]:
    def make(narrative: str = "I saw a young woman who could not leave the motel room.", **kwargs: Any) -> services.Submitted:
        return services.tip_submit(data=services.TipInput(narrative=narrative, **kwargs))

    return make


def routed_slugs(tip: Tip) -> set[str]:
    return set(TaskForce.objects.filter(tip_routes__tip=tip).values_list("slug", flat=True))
