"""Safe by default: the demo (published password, TOTP keys computable from the source) is never
loaded in production, and reference data carries no demo label."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import Model

from beacon.core import seed
from beacon.core.models import TaskForce, User


def _demo_rows() -> dict[str, int]:
    """Rows marked ``is_demo`` in every model that has the flag."""
    models: list[type[Model]] = [m for m in apps.get_models() if any(f.name == "is_demo" for f in m._meta.fields)]
    assert len(models) >= 5
    return {m._meta.label: m._default_manager.filter(is_demo=True).count() for m in models}


def _production(settings: Any) -> None:
    settings.PRODUCTION = True
    settings.BEACON_ENV = "production"


def test_seed_demo_is_refused_in_production_and_creates_nothing(mo: Any, settings: Any) -> None:
    _production(settings)
    before, users = _demo_rows(), User.objects.count()
    with pytest.raises(CommandError, match="BEACON_ENV=production"):
        call_command("seed", "--demo", stdout=StringIO())
    assert _demo_rows() == before and User.objects.count() == users


def test_seed_in_production_loads_reference_data_only(mo: Any, settings: Any) -> None:
    _production(settings)
    before, users, task_forces = _demo_rows(), User.objects.count(), TaskForce.objects.count()
    out = StringIO()
    call_command("seed", stdout=out)
    assert "Reference data only" in out.getvalue()
    assert "TOTP" not in out.getvalue() and seed.DEMO_PASSWORD not in out.getvalue()
    assert _demo_rows() == before
    assert User.objects.count() == users and TaskForce.objects.count() == task_forces
    from beacon.survivors.models import Service
    from beacon.training.models import Course

    # Real reference data is there: the national hotlines and the starter courses, without demo labels.
    assert Service.objects.filter(organization__is_demo=False).exists()
    assert Course.objects.exists()
    assert not Service.objects.filter(organization__is_demo=False, name__icontains="(demo)").exists()
    assert not Course.objects.filter(title_en__icontains="(demo)").exists()


def test_demo_services_refuse_in_production(mo: Any, settings: Any) -> None:
    _production(settings)
    for make_demo in (seed.seed_demo_users, seed.seed_task_forces, lambda: seed.run(demo=True)):
        with pytest.raises(seed.DemoRefused, match="BEACON_ENV=production"):
            make_demo()
    assert not User.objects.filter(username__in=[u[0] for u in seed.DEMO_USERS]).exists()


def test_no_demo_loads_no_demo_labelled_task_forces_or_agencies(mo: Any) -> None:
    TaskForce.objects.all().delete()  # the session's demo task forces
    before = _demo_rows()
    call_command("seed", "--no-demo", stdout=StringIO())
    assert _demo_rows() == before
    assert not TaskForce.objects.exists()
    assert not User.objects.filter(username__in=[u[0] for u in seed.DEMO_USERS]).exists()


def test_development_default_still_loads_the_demo(mo: Any) -> None:
    out = StringIO()
    call_command("seed", stdout=out)
    assert "Demo logins" in out.getvalue()
    assert User.objects.filter(username="admin").exists()
    assert TaskForce.objects.filter(is_demo=True, statewide=True).exists()
