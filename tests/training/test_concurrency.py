from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import OperationalError, close_old_connections

from beacon.training import services
from beacon.training.models import Registration


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_cannot_overfill_a_session(mo: Any, workshop_factory: Any) -> None:
    workshop = workshop_factory(capacity=3, waitlist_enabled=False)
    barrier = threading.Barrier(6)
    outcomes: list[str] = []

    def attempt(n: int) -> None:
        barrier.wait(timeout=10)
        try:
            for _ in range(500):
                try:
                    services.registration_create(workshop_id=workshop.pk, name=f"P{n}", email=f"p{n}@example.org")
                    outcomes.append("ok")
                    return
                except services.WorkshopFull:
                    outcomes.append("full")
                    return
                except OperationalError as exc:
                    # The in-memory SQLite test database answers "locked" at once where a file database
                    # waits (busy_timeout): retry, as the real database would wait.
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.01)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["full"] * 3 + ["ok"] * 3
    assert Registration.objects.filter(workshop=workshop, status="confirmed").count() == 3
