from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from beacon.training import stats
from beacon.training.models import Workshop


def test_upcoming_public_workshops_feed_the_awareness_page(mo: Any) -> None:
    call_command("seed", stdout=StringIO())
    now = timezone.now()
    rows = stats.upcoming_public_workshops(now, 3)
    expected = list(Workshop.objects.filter(status="scheduled", starts_at__gte=now).order_by("starts_at", "id")[:3])
    assert [r["title"] for r in rows] == [w.title for w in expected]
    assert all(isinstance(r["starts_at"], dt.datetime) and r["url"] for r in rows)
    page = Client().get("/awareness/")
    assert page.status_code == 200
    assert expected[0].title in page.content.decode()
