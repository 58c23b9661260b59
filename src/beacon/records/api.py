"""API: ``/api/v1/search/`` and ``/api/v1/exports/<kind>/`` (streamed CSV or JSON Lines)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from beacon.core.access import PermissionRequired
from beacon.core.permissions import Perm

from . import exports, search


class RecordsSearchResultSerializer(serializers.Serializer):
    terms = serializers.ListField(child=serializers.DictField())
    groups = serializers.ListField(child=serializers.DictField())
    restricted = serializers.IntegerField()
    restricted_message = serializers.CharField()
    truncated = serializers.BooleanField()


class Search(APIView):
    """Search tips, cases, ad operations and referrals: ``q`` and ``kind`` (auto, phone, email, handle,
    plate, name, text; ``dob`` with a name).  Only what the caller may see; the rest is a count."""

    permission_classes = [IsAuthenticated, PermissionRequired.of(Perm.SEARCH_RECORDS)]

    @extend_schema(parameters=[OpenApiParameter("q", OpenApiTypes.STR, required=True),
                               OpenApiParameter("kind", OpenApiTypes.STR, enum=list(search.KINDS)),
                               OpenApiParameter("dob", OpenApiTypes.DATE)],
                   responses=RecordsSearchResultSerializer)
    def get(self, request: Request) -> Response:
        p = request.query_params
        try:
            result = search.search(user=request.user, q=p.get("q", ""), kind=p.get("kind") or "auto",
                                   dob=p.get("dob", ""), request=request)  # type: ignore[arg-type]
        except search.SearchError as exc:
            raise serializers.ValidationError({"q": [str(exc)]}) from None
        return Response(result.as_dict())


class _Export(APIView):
    kind = ""

    @extend_schema(parameters=[OpenApiParameter("output", OpenApiTypes.STR, enum=["csv", "json"]),
                               *[OpenApiParameter(n, OpenApiTypes.DATE) for n in ("since", "until")],
                               OpenApiParameter("county", OpenApiTypes.STR, pattern=r"^[0-9]{1,5}$"),
                               OpenApiParameter("agency", OpenApiTypes.INT),
                               *[OpenApiParameter(n, OpenApiTypes.STR) for n in ("status", "action", "object_type")]],
                   responses={(200, "text/csv"): OpenApiTypes.STR, (200, "application/x-ndjson"): OpenApiTypes.STR})
    def get(self, request: Request) -> HttpResponseBase:
        p = request.query_params
        try:
            return exports.export(user=request.user, kind=self.kind, output=p.get("output", "csv"),
                                  filters=exports.parse_filters(p), request=request)  # type: ignore[arg-type]
        except exports.ExportError as exc:
            raise serializers.ValidationError({exc.field: [str(exc)]}) from None


def _export_view(kind: str, perm: Perm) -> type[_Export]:
    doc = (f"Stream the {kind} the caller may see: ``output`` csv (default) or json (JSON Lines); "
           "filters ``since``/``until`` (YYYY-MM-DD), ``status``, ``county`` (FIPS), ``agency``. Audited.")
    attrs: dict[str, Any] = {"kind": kind, "__doc__": doc,
                             "permission_classes": [IsAuthenticated, PermissionRequired.of(Perm.EXPORT_RECORDS, perm)]}
    return type(f"Export{kind.title()}", (_Export,), attrs)


ExportTips = _export_view("tips", Perm.TRIAGE_TIPS)
ExportCases = _export_view("cases", Perm.WORK_CASES)
ExportReferrals = _export_view("referrals", Perm.VIEW_SURVIVORS)
ExportAudit = _export_view("audit", Perm.VIEW_AUDIT)
