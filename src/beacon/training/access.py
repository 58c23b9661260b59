"""The one door to a workshop's management pages and its registrations (names, e-mails)."""

from __future__ import annotations

from typing import Any

from beacon.core.access import AccessDenied, deny
from beacon.core.permissions import Perm, has_perm

from .models import Workshop


def access_workshop(user: Any, workshop_id: Any, *, request: Any = None) -> Workshop:
    """The workshop when ``user`` trains it (trainers manage only their own sessions).

    Anything else — another trainer's session, a missing id, a user without
    ``training.manage`` — is audited as ``denied`` and answered as not found."""
    workshop = None
    try:
        workshop = Workshop.objects.select_related("county", "trainer", "course").filter(pk=int(workshop_id)).first()
    except (TypeError, ValueError):
        workshop = None
    if workshop is None or not has_perm(user, Perm.MANAGE_TRAINING) or workshop.trainer_id != user.pk:
        deny(request, object_type="training_workshop", object_id=workshop_id, user=user,
             reason="not the trainer of this workshop" if workshop else "no such workshop")
        raise AccessDenied("Not found.")
    return workshop
