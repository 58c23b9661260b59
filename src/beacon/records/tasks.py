"""The daily retention job (django-tasks, database backend).

``retention_daily`` runs the retention and, where the task backend can defer work (the
database backend), enqueues itself for the same time the next day.  ``beacon retention
schedule`` starts the chain once; a cron or systemd timer running ``beacon retention run``
is the alternative (docs/operations.md, "Retention").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django_tasks import default_task_backend, task

from .retention import run_retention

NAME = "beacon.records.tasks.retention_daily"


@task()
def retention_daily(reschedule: bool = True) -> dict[str, Any]:
    # The next day's run is queued even when this one fails: one bad day must not end the chain.
    try:
        result = run_retention()
    finally:
        if reschedule:
            schedule_next()
    return {"counts": result.counts}


def next_run(now: dt.datetime | None = None, *, hour: int = 3) -> dt.datetime:
    """The next ``hour``:00 local time after ``now``."""
    now = timezone.localtime(now or timezone.now())
    at = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    return at if at > now else at + dt.timedelta(days=1)


def waiting() -> dt.datetime | None:
    """When the daily run already waiting in the database queue is due (None: none waits)."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - another backend
        return None
    return (DBTaskResult.objects.filter(task_path=NAME, status="READY")
            .order_by("run_after").values_list("run_after", flat=True).first())


def pending() -> bool:
    """A daily run is already waiting in the database queue."""
    return waiting() is not None


def schedule_next(now: dt.datetime | None = None) -> dt.datetime | None:
    """Enqueue the next daily run, unless the backend cannot defer or one is already waiting."""
    if not default_task_backend.supports_defer or pending():
        return None
    at = next_run(now)
    retention_daily.using(run_after=at).enqueue()
    return at
