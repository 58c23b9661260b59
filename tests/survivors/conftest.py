from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from beacon.core.models import Agency
from beacon.survivors import search
from beacon.survivors.models import Organization, Service
from beacon.survivors.services import ServiceInput, service_save


@pytest.fixture(autouse=True)
def _fresh_index() -> None:
    search.clear_cache()


@pytest.fixture
def provider(db: Any, mo: Any, agency_factory: Callable[..., Agency]) -> Callable[..., Service]:
    """Create a directory service of an organisation run by ``agency`` (a new NGO by default)."""
    orgs: dict[int | None, Organization] = {}

    def make(name: str = "Test shelter", *, agency: Agency | None = None, **fields: Any) -> Service:
        key = agency.pk if agency else None
        if key not in orgs:
            orgs[key] = Organization.objects.create(name=f"Org of {agency or 'nobody'} {len(orgs)}",
                                                    description="Test organisation", agency=agency)
        return service_save(acting_user=None, organization=orgs[key], data=ServiceInput(name=name, **fields))

    return make
