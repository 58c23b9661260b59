from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from beacon.core.access import require_perm
from beacon.core.permissions import Perm


@require_perm(Perm.REVIEW_ADS)
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "core/placeholder.html", {"title": "Ad monitoring"})
