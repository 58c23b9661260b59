"""gunicorn settings used by ``beacon serve --workers N`` (hooks only; the command line sets the rest)."""

from __future__ import annotations

import gc
from typing import Any


def post_worker_init(worker: Any) -> None:
    """Load the URL configuration, then take every object alive at that point out of the
    cyclic garbage collector's sight (``gc.freeze``): Django's modules, URL patterns and
    settings live as long as the worker, and without this every full collection walks them
    all, a pause of tens of milliseconds in the middle of some request."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view module once, before the freeze
    gc.collect()
    gc.freeze()
