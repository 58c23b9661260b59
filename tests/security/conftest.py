"""Helpers for the cross-app security tests: walking the URL patterns and snapshotting the database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from beacon.core.access import PermissionRequired
from beacon.core.permissions import Perm

AREA_APPS = ("core", "cases", "monitoring", "survivors", "training", "outreach", "tips", "records")
NOT_STATE = {"core.auditevent"}  # the audit trail grows on purpose; everything else must not change
METHODS = ("get", "post", "put", "patch", "delete")
_CONVERTERS = {"int": "987654", "str": "zz-missing", "slug": "zz-missing", "uuid": "00000000-0000-0000-0000-00000000abcd",
               "path": "zz-missing"}


@dataclass(frozen=True)
class Endpoint:
    route: str
    name: str
    view: Any  # the view callable
    cls: Any  # the DRF APIView class, or None for a plain Django view

    @property
    def path(self) -> str:
        """A concrete path: every URL argument replaced by an id that names nothing."""
        path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: _CONVERTERS.get(m.group(1) or "str", "zz-missing"), self.route)
        return "/" + path

    def methods(self) -> list[str]:
        if self.cls is not None:
            return [m for m in METHODS if hasattr(self.cls, m)]
        return ["get"]

    def required_perms(self, method: str) -> set[Perm]:
        """The permissions the endpoint's DRF permission classes declare for ``method``."""
        view = self.cls()
        view.request = SimpleNamespace(method=method.upper())
        view.args, view.kwargs = (), {}
        needed: set[Perm] = set()
        for p in view.get_permissions():
            if isinstance(p, PermissionRequired):
                needed |= set(p.perms)
        return needed

    def is_public(self) -> bool:
        from rest_framework.permissions import AllowAny

        view = self.cls()
        view.request = SimpleNamespace(method="GET")
        view.args, view.kwargs = (), {}
        return any(isinstance(p, AllowAny) for p in view.get_permissions())


def walk(patterns: Any = None, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern), p


def endpoints(prefix: str) -> list[Endpoint]:
    out = []
    for route, p in walk():
        if route.startswith(prefix):
            cls = getattr(p.callback, "cls", None)
            out.append(Endpoint(route, p.name or route, p.callback, cls))
    return out


def state() -> dict[str, int]:
    """Row counts of every model of Beacon's apps except the audit trail."""
    counts = {}
    for label in AREA_APPS:
        for model in apps.get_app_config(label).get_models():
            key = model._meta.label_lower
            if key not in NOT_STATE:
                counts[key] = model._default_manager.count()
    return counts
