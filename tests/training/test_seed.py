from __future__ import annotations

from typing import Any

from beacon.core.seed import seed_demo_users
from beacon.training import seed
from beacon.training.models import Completion, Course, Registration, Workshop


def test_seed_is_idempotent_and_labels_demo_records(mo: Any) -> None:
    seed_demo_users()
    first = seed.run(demo=True)
    assert first["courses"] == 6 and first["workshops"] == len(seed.DEMO_WORKSHOPS)
    counts = (Course.objects.count(), Workshop.objects.count(), Registration.objects.count(), Completion.objects.count())
    second = seed.run(demo=True)
    assert all(v == 0 for v in second.values())
    assert (Course.objects.count(), Workshop.objects.count(), Registration.objects.count(), Completion.objects.count()) == counts
    assert all(w.title.endswith("(demo)") and w.is_demo and w.trainer.username == "trainer" for w in Workshop.objects.all())
    rural = {w.county_id for w in Workshop.objects.select_related("county") if w.county.rural}
    urban = {w.county_id for w in Workshop.objects.select_related("county") if not w.county.rural}
    assert rural and urban
    assert Workshop.objects.filter(attendance_taken_at__isnull=False).count() == 2
    assert Completion.objects.filter(is_demo=True, county__isnull=False).count() == 3


def test_seed_without_demo_loads_only_courses(mo: Any) -> None:
    counts = seed.run(demo=False)
    assert counts["courses"] == 6 and not Workshop.objects.exists()
