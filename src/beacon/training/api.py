"""Training API: public course and workshop lists, certificate verification; staff coverage and a
trainer's registrations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from beacon.core.access import PermissionRequired
from beacon.core.api import Pagination, clamp_date, period, query_choice
from beacon.core.permissions import Perm
from beacon.core.ratelimit import hit, retry_after

from . import selectors, services
from .access import access_workshop
from .models import Audience, Course, Registration, Workshop


class CourseSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)
    summary = serializers.CharField(read_only=True)
    module_count = serializers.IntegerField(read_only=True)
    question_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Course
        fields = ["slug", "audience", "title", "summary", "minutes", "pass_mark", "max_attempts", "module_count",
                  "question_count"]


class WorkshopSerializer(serializers.ModelSerializer):
    county_fips = serializers.CharField(source="county_id", read_only=True)
    county_name = serializers.CharField(source="county.name", read_only=True)
    course: serializers.SlugRelatedField[Course] = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    confirmed_count = serializers.IntegerField(read_only=True)
    waitlist_count = serializers.IntegerField(read_only=True)
    language = serializers.CharField(read_only=True, help_text="en or es")
    status = serializers.CharField(read_only=True, help_text="scheduled or cancelled")

    class Meta:
        model = Workshop
        fields = ["id", "title", "description", "audience", "course", "language", "starts_at", "ends_at", "county_fips",
                  "county_name", "venue_name", "venue_address", "online_url", "capacity", "waitlist_enabled",
                  "confirmed_count", "waitlist_count", "status"]


class RegistrationSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="confirmed, waitlisted or cancelled")

    class Meta:
        model = Registration
        fields = ["id", "name", "email", "organisation", "status", "created_at", "promoted_at", "cancelled_at", "attended"]


class VerifySerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    course = serializers.CharField(allow_null=True)
    completed_on = serializers.DateField(allow_null=True)
    first_initial = serializers.CharField(allow_null=True)


class CoverageRowSerializer(serializers.Serializer):
    fips = serializers.CharField()
    name = serializers.CharField()
    population = serializers.IntegerField()
    rural = serializers.BooleanField()
    trained = serializers.IntegerField()
    trained_per_10k = serializers.FloatField()
    held = serializers.IntegerField()
    held_per_10k = serializers.FloatField()
    trained_by_audience = serializers.DictField(child=serializers.IntegerField())


class CoverageSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    total_trained = serializers.IntegerField()
    total_held = serializers.IntegerField()
    public_completions = serializers.IntegerField()
    by_audience = serializers.DictField(child=serializers.DictField(child=serializers.IntegerField()))
    rows = CoverageRowSerializer(many=True)


class CourseList(generics.ListAPIView):
    """Published courses (public)."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    serializer_class = CourseSerializer
    pagination_class = Pagination

    def get_queryset(self) -> Any:
        return selectors.course_list()


class WorkshopList(generics.ListAPIView):
    """Upcoming scheduled workshops (public), filtered by ``county`` (FIPS) and ``audience``."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    serializer_class = WorkshopSerializer
    pagination_class = Pagination

    @extend_schema(parameters=[OpenApiParameter("county", OpenApiTypes.STR),
                               OpenApiParameter("audience", OpenApiTypes.STR, enum=list(Audience.values))])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        params = self.request.query_params
        return selectors.workshops_public(county=params.get("county", ""),
                                          audience=query_choice(self.request, "audience", Audience.values))


class CertificateVerify(APIView):
    """Check a certificate code (public, rate-limited): valid, course, date and first initial only."""

    error_statuses = (429,)

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(responses=VerifySerializer)
    def get(self, request: Request, code: str) -> Response:
        if not hit(request._request, "public_form"):
            raise Throttled(wait=retry_after("public_form"))
        completion = selectors.completion_by_code(services.normalise_code(code))
        if completion is None:
            data: dict[str, Any] = {"valid": False, "course": None, "completed_on": None, "first_initial": None}
        else:
            data = {"valid": True, "course": completion.course.title_en,
                    "completed_on": timezone.localtime(completion.completed_at).date(),
                    "first_initial": completion.first_initial}
        return Response(VerifySerializer(data).data)


def _date(value: str | None, name: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError({name: ["Use YYYY-MM-DD."]}) from None


class Coverage(APIView):
    """People trained and workshops held per county and audience over ``start``..``end`` (dates, inclusive;
    default the last 365 days; with only one of them, the 365 days from ``start`` or up to ``end``)."""

    permission_classes = [IsAuthenticated, PermissionRequired.of(Perm.VIEW_ANALYTICS)]

    @extend_schema(parameters=[OpenApiParameter("start", OpenApiTypes.DATE), OpenApiParameter("end", OpenApiTypes.DATE),
                               OpenApiParameter("audience", OpenApiTypes.STR, enum=list(Audience.values))],
                   responses=CoverageSerializer)
    def get(self, request: Request) -> Response:
        start_d, end_d = period(_date(request.query_params.get("start"), "start"),
                                _date(request.query_params.get("end"), "end"),
                                default_end=timezone.localdate(), length=dt.timedelta(days=365))
        # No record lies outside these years; clamping keeps the bounds representable (a
        # 9999-12-31 end would overflow) and in the time zone's modern offsets (before 1883
        # Chicago's offset has seconds, which RFC 3339 date-times cannot carry).
        start_d, end_d = clamp_date(start_d), clamp_date(end_d)
        audience = request.query_params.get("audience", "")
        if audience and audience not in Audience.values:
            raise ValidationError({"audience": ["Unknown audience."]})
        tz = timezone.get_current_timezone()
        data = selectors.coverage(start=dt.datetime.combine(start_d, dt.time.min, tzinfo=tz),
                                  end=dt.datetime.combine(end_d + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
                                  audience=audience)
        return Response(CoverageSerializer(data).data)


class WorkshopRegistrations(generics.ListAPIView):
    """The registrations of a workshop you train (audited read)."""

    permission_classes = [IsAuthenticated, PermissionRequired.of(Perm.MANAGE_TRAINING)]
    serializer_class = RegistrationSerializer
    pagination_class = Pagination

    def get_queryset(self) -> Any:
        workshop = access_workshop(self.request.user, self.kwargs["pk"], request=self.request)
        return selectors.registrations_of(user=self.request.user, workshop=workshop, request=self.request)
