"""Background work of the monitoring area (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def process_run(run_id: int) -> None:
    """Store a queued API batch of ads (idempotent: a finished run is left alone)."""
    from .services import process_queued_run

    process_queued_run(run_id)
