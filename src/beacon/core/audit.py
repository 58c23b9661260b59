"""Writing the audit trail.  Call ``record`` inside the transaction of the change it describes."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.http import HttpRequest

from .client import client_ip
from .models import AuditEvent

Action = AuditEvent.Action

_flush = threading.local()


@contextmanager
def flushing() -> Iterator[None]:
    """While ``beacon flush`` empties the whole database, SQLite's trigger lets audit rows go."""
    _flush.active = True
    try:
        yield
    finally:
        _flush.active = False


def _sqlite_flushing() -> int:
    return int(getattr(_flush, "active", False))


def register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created`` receiver: the function core_auditevent_no_delete asks (migration 0005)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("beacon_audit_flushing", 0, _sqlite_flushing)


def _client_ip(request: HttpRequest) -> str | None:
    return client_ip(request)


def record(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: Any = "",
    summary: str = "",
    request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event.

    The client address is kept only for signed-in staff: an anonymous member of the public
    (a tipster, a learner) leaves no address in the audit trail.
    """
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_name=user.get_username() if user else "",
        agency_id=getattr(user, "agency_id", None) if user else None,
        action=str(action),
        object_type=object_type,
        object_id=str(object_id or ""),
        summary=summary[:300],
        ip=_client_ip(request) if (request is not None and user is not None) else None,
        request_id=getattr(request, "request_id", "") if request is not None else "",
        detail=detail or {},
    )


def record_many(*, action: str, object_type: str, events: list[dict[str, Any]]) -> list[AuditEvent]:
    """Append several events of the system itself (no actor, no request: nothing about a
    person), in one INSERT; each of ``events`` gives ``object_id``, ``summary`` and ``detail``.
    For background batches (e.g. the tip enrichment); call it inside the batch's transaction."""
    return AuditEvent.objects.bulk_create([
        AuditEvent(actor=None, actor_name="", agency_id=None, action=str(action), object_type=object_type,
                   object_id=str(e.get("object_id") or ""), summary=str(e.get("summary", ""))[:300], ip=None,
                   request_id="", detail=e.get("detail") or {})
        for e in events
    ])
