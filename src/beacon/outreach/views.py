from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from beacon.core.access import require_perm
from beacon.core.permissions import Perm


@require_perm(Perm.VIEW_ANALYTICS)
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "core/placeholder.html", {"title": "Outreach"})


def public_dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "core/placeholder.html", {"title": "Dashboard", "public_page": True})
