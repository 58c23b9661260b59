"""How people and codes are shown on staff pages: names rather than usernames, role labels."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

register = template.Library()


@register.filter
def person_name(user: Any) -> str:
    """A user's full name, their username when they have none, an em dash for nobody."""
    if user is None or user == "":
        return "—"
    full = user.get_full_name().strip() if hasattr(user, "get_full_name") else ""
    return full or str(getattr(user, "username", user))


@register.filter
def role_labels(codes: Iterable[str]) -> list[str]:
    """Role codes (``supervisor``) as their translated labels (Supervisor), in a stable order."""
    from beacon.core.models import Role

    labels = dict(Role.choices)
    return [str(labels.get(c, c)) for c in sorted(codes)]
