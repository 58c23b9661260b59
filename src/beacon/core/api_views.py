from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import audit, geo, selectors
from .access import PermissionRequired
from .api import Pagination
from .models import AuditEvent, County
from .permissions import Perm, permissions_of


class CountySerializer(serializers.ModelSerializer):
    population = serializers.IntegerField(read_only=True)
    rural = serializers.BooleanField(read_only=True)

    class Meta:
        model = County
        fields = [
            "fips", "name", "population", "population_2020", "population_2022", "rucc_2023", "rucc_description",
            "metro", "rural", "land_area_sqmi", "centroid_lat", "centroid_lon", "poverty_rate", "child_poverty_rate",
            "median_household_income", "unemployment_rate", "interstates",
        ]


class CountyDetailSerializer(CountySerializer):
    class Meta(CountySerializer.Meta):
        fields = [*CountySerializer.Meta.fields, "geometry"]


class CountyPagination(Pagination):
    page_size = 200


class CountyList(generics.ListAPIView):
    """All 115 Missouri county-level units with their figures (public)."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    serializer_class = CountySerializer
    pagination_class = CountyPagination
    queryset = selectors.county_list()


class CountyDetail(generics.RetrieveAPIView):
    """One county by 5-digit FIPS, with its simplified boundary (public)."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    serializer_class = CountyDetailSerializer
    queryset = selectors.county_list()
    lookup_field = "fips"

    def get_object(self) -> County:
        county = geo.county_by_fips(self.kwargs["fips"])
        if county is None:
            raise Http404(f"No Missouri county has FIPS code {self.kwargs['fips']!r}.")
        return county


class CountyResolve(APIView):
    """Resolve a place name, ZIP or FIPS (``q``) or a point (``lat``, ``lon``) to a county (public)."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    error_statuses = (404,)  # no county matches

    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="County, city or town name, ZIP code or FIPS"),
            OpenApiParameter("lat", {"type": "number", "format": "double", "minimum": -90, "maximum": 90}),
            OpenApiParameter("lon", {"type": "number", "format": "double", "minimum": -180, "maximum": 180}),
        ],
        responses=CountySerializer,
    )
    def get(self, request: Request) -> Response:
        q = request.query_params.get("q", "").strip()
        lat, lon = request.query_params.get("lat"), request.query_params.get("lon")
        if q:
            county = geo.resolve_place(q)
            if county is None:
                raise Http404(f"No Missouri county, city, town or ZIP code matches {q!r}.")
        elif lat is not None and lon is not None:
            try:
                flat, flon = float(lat), float(lon)
            except ValueError:
                raise serializers.ValidationError({"lat": ["lat and lon must be numbers."]}) from None
            if not geo.valid_coordinates(flat, flon):
                raise serializers.ValidationError({"lat": ["lat must be within -90..90 and lon within -180..180."]})
            county = geo.county_at_point(flat, flon)
            if county is None:
                raise Http404(f"The point ({flat}, {flon}) is outside Missouri.")
        else:
            raise serializers.ValidationError({"q": ["Give q (a place name, ZIP or FIPS) or both lat and lon."]})
        return Response(CountySerializer(county).data)


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = ["id", "at", "actor_name", "agency", "action", "object_type", "object_id", "summary", "ip", "request_id", "detail"]


class AuditEventList(generics.ListAPIView):
    """The audit trail, newest first (administrators).  Filters: actor, action, object_type, object_id, since, until."""

    permission_classes = [IsAuthenticated, PermissionRequired.of(Perm.VIEW_AUDIT)]
    serializer_class = AuditEventSerializer
    pagination_class = Pagination

    @extend_schema(parameters=[OpenApiParameter(n, OpenApiTypes.STR) for n in ("actor", "action", "object_type", "object_id", "since", "until")])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().get(request, *args, **kwargs)
        audit.record(actor=request.user, action=audit.Action.READ, object_type="audit_log", summary="listed audit events via API", request=request)  # type: ignore[arg-type]
        return response

    def get_queryset(self) -> Any:
        p = self.request.query_params
        filters: dict[str, Any] = {k: p[k] for k in ("actor", "action", "object_type", "object_id") if p.get(k)}
        for key in ("since", "until"):
            if p.get(key):
                try:
                    filters[key] = dt.datetime.fromisoformat(p[key])
                except ValueError:
                    raise serializers.ValidationError({key: ["Use an ISO 8601 date or date-time."]}) from None
                if filters[key].tzinfo is None:
                    filters[key] = filters[key].replace(tzinfo=dt.UTC)
        return selectors.audit_event_list(**filters)


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    agency = serializers.CharField(allow_null=True)
    roles = serializers.ListField(child=serializers.CharField())
    permissions = serializers.ListField(child=serializers.CharField())


class Me(APIView):
    """Who the token or session belongs to, and what they may do."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        user = request.user
        return Response({
            "username": user.get_username(),
            "agency": getattr(getattr(user, "agency", None), "name", None),
            "roles": sorted(user.role_set()),  # type: ignore[union-attr]
            "permissions": sorted(permissions_of(user)),
        })
