from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from beacon.core.access import require_perm
from beacon.core.permissions import Perm


@require_perm(Perm.STAFF_AREA)
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "core/placeholder.html", {"title": "Training"})


def public_catalog(request: HttpRequest) -> HttpResponse:
    return render(request, "core/placeholder.html", {"title": "Training", "public_page": True})
