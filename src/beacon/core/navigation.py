"""The navigation bar: the six areas, each shown to those who may use it."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .permissions import Perm, has_perm


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    perm: Perm | None  # None: public


PUBLIC = [
    NavEntry(_("Report a tip"), "tips_public:report", None),
    NavEntry(_("Find services"), "survivors_public:search", None),
    NavEntry(_("Training"), "training_public:catalog", None),
    NavEntry(_("Dashboard"), "outreach_public:dashboard", None),
]
STAFF = [
    NavEntry(_("Home"), "core:dashboard", Perm.STAFF_AREA),
    NavEntry(_("Tips"), "tips:index", Perm.TRIAGE_TIPS),
    NavEntry(_("Cases"), "cases:index", Perm.WORK_CASES),
    NavEntry(_("Ad monitoring"), "monitoring:index", Perm.REVIEW_ADS),
    NavEntry(_("Survivor support"), "survivors:index", Perm.STAFF_AREA),
    NavEntry(_("Training"), "training:index", Perm.STAFF_AREA),
    NavEntry(_("Outreach"), "outreach:index", Perm.VIEW_ANALYTICS),
    NavEntry(_("People"), "core:users", Perm.MANAGE_USERS),
    NavEntry(_("Task forces"), "core:taskforces", Perm.MANAGE_TASK_FORCES),
    NavEntry(_("Audit"), "core:audit", Perm.VIEW_AUDIT),
    NavEntry(_("Search"), "records_search:search", Perm.SEARCH_RECORDS),
    NavEntry(_("Records"), "records:index", Perm.STAFF_AREA),  # exports, retention, legal holds
]


def navigation_for(request: HttpRequest) -> list[dict[str, object]]:
    user = getattr(request, "user", None)
    staff = bool(user and user.is_authenticated and getattr(user, "is_verified", lambda: False)())
    entries = STAFF if staff else PUBLIC
    items: list[dict[str, object]] = []
    for entry in entries:
        if entry.perm is not None and not has_perm(user, entry.perm):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        items.append({"label": entry.label, "url": url, "current": False})
    current = current_url(request.path, [str(item["url"]) for item in items])
    for item in items:
        item["current"] = item["url"] == current
    return items


def current_url(path: str, urls: list[str]) -> str | None:
    """The one entry a page belongs to: the longest entry URL that the path starts with.

    ``/staff/`` (Home) is current on the staff home only, ``/staff/cases/`` on every case page;
    the public home ``/`` is never marked (every path starts with it).
    """
    matches = [u for u in urls if u != "/" and (path == u or (u.endswith("/") and path.startswith(u)))]
    return max(matches, key=len, default=None)
