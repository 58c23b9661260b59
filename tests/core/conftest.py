"""Fixtures for the people and task-force administration tests."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from beacon.core.models import User


@pytest.fixture
def platform_admin(mo: Any, staff_client: Any, agency_factory: Any) -> tuple[Client, User]:
    """An administrator of an agency in the statewide task force: administers every account."""
    return staff_client("admin", agency=agency_factory("other", name="Statewide Office", task_force="statewide"))
