"""gunicorn settings used by ``beacon serve --workers N`` (hooks and the request-line limit; the command line sets the rest)."""

from __future__ import annotations

import gc
from typing import Any

# gunicorn's largest request line (its default, 4,094 bytes, answered a 5 KB query string with an
# HTML 414 before Beacon saw it); Django and the API's own limits apply beyond the request line.
limit_request_line = 8190


def post_worker_init(worker: Any) -> None:
    """Load the URL configuration, then take every object alive at that point out of the
    cyclic garbage collector's sight (``gc.freeze``): Django's modules, URL patterns and
    settings live as long as the worker, and without this every full collection walks them
    all, a pause of tens of milliseconds in the middle of some request."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view module once, before the freeze
    _sweep_tips()
    gc.collect()
    gc.freeze()


def _sweep_tips() -> None:
    """A worker that starts (also the one gunicorn starts after a worker was killed) queues an
    enrichment run for any tip the lean intake accepted but whose run was never queued: a worker
    killed between a tip's commit and its queueing leaves no tip "being processed" for good."""
    from django.db import DatabaseError, close_old_connections

    from beacon.tips.intake import sweep

    try:
        sweep()
    except DatabaseError:  # the database not reachable yet: the next tip queues the run anyway
        pass
    finally:
        close_old_connections()
