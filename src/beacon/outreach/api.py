"""REST API for outreach (names prefixed ``outreach-``)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from beacon.core.access import PermissionRequired
from beacon.core.api import Pagination, StrictDateField, period
from beacon.core.permissions import Perm
from beacon.core.schema import fips_field

from . import dashboard, gap, selectors, services
from .models import Activity, Audience, Campaign, Channel


# --- county metrics ----------------------------------------------------------------------
class TermSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    kind = serializers.CharField()
    weight = serializers.FloatField()
    formula = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    normalised = serializers.FloatField()
    contribution = serializers.FloatField()


class CountyMetricsSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    gap_score = serializers.FloatField(source="score")
    fips = serializers.CharField(source="metrics.fips")
    name = serializers.CharField(source="metrics.name")
    region = serializers.CharField(source="metrics.region")
    population = serializers.IntegerField(source="metrics.population")
    rucc_2023 = serializers.IntegerField(source="metrics.rucc_2023")
    rural = serializers.BooleanField(source="metrics.rural")
    poverty_rate = serializers.FloatField(source="metrics.poverty_rate", allow_null=True)
    median_household_income = serializers.IntegerField(source="metrics.median_household_income", allow_null=True)
    interstates = serializers.ListField(child=serializers.CharField(), source="metrics.interstates")
    tips = serializers.IntegerField(source="metrics.tips")
    tips_per_10k = serializers.FloatField(source="metrics.tips_per_10k", allow_null=True)
    people_trained = serializers.IntegerField(source="metrics.people_trained")
    trained_per_10k = serializers.FloatField(source="metrics.trained_per_10k", allow_null=True)
    workshops = serializers.IntegerField(source="metrics.workshops")
    workshops_per_10k = serializers.FloatField(source="metrics.workshops_per_10k", allow_null=True)
    shelter_km = serializers.FloatField(source="metrics.shelter_km", allow_null=True)
    nearest_service_km = serializers.FloatField(source="metrics.nearest_service_km", allow_null=True)
    service_km = serializers.DictField(child=serializers.FloatField(), source="metrics.service_km")
    open_cases = serializers.IntegerField(source="metrics.open_cases", allow_null=True)
    terms = TermSerializer(many=True)


class FilterSerializer(serializers.Serializer):
    start = StrictDateField(required=False)
    end = StrictDateField(required=False, help_text="On or after start")
    region = serializers.CharField(required=False, allow_blank=True)
    task_force = serializers.CharField(required=False, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # default: the last twelve full months and this one; with only start or end, the
        # same length of time from start or up to end
        start, end = selectors.default_period()
        attrs["start"], attrs["end"] = period(attrs.get("start"), attrs.get("end"), default_end=end, length=end - start)
        return attrs


class MetricsPagination(Pagination):
    page_size = 200


class CountyMetricsList(APIView):
    """Every county's metrics and outreach gap score with each term's contribution, largest gap first."""

    permission_classes = [IsAuthenticated, PermissionRequired.of(Perm.VIEW_ANALYTICS)]
    pagination_class = MetricsPagination

    @extend_schema(parameters=[FilterSerializer], responses=CountyMetricsSerializer(many=True))
    def get(self, request: Request) -> Response:
        params = FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        ranking: list[gap.GapScore] = selectors.county_gap_ranking(user=request.user,
                                                                   filters=selectors.Filters(**params.validated_data))
        paginator = MetricsPagination()
        page: list[Any] | None = paginator.paginate_queryset(ranking, request, view=self)  # type: ignore[arg-type]
        return paginator.get_paginated_response(CountyMetricsSerializer(page, many=True).data)


# --- campaigns ---------------------------------------------------------------------------
def _choice(choices: Any, help_text: str = "", **kwargs: Any) -> serializers.CharField:
    """A code from a TextChoices, documented as a string (avoids enum-name collisions in the schema)."""

    def check(value: str) -> None:
        if value not in choices.values:
            raise serializers.ValidationError(f"Choose one of {', '.join(choices.values)}.")

    # the enum inside anyOf: listed in the schema without a shared (colliding) enum component
    cls = extend_schema_field({"anyOf": [{"type": "string", "enum": list(choices.values)}]})(
        type("CodeField", (serializers.CharField,), {}))
    return cls(validators=[check], help_text=help_text or f"One of {', '.join(choices.values)}",  # type: ignore[no-any-return]
               **kwargs)


class CampaignSerializer(serializers.ModelSerializer):
    counties: Any = serializers.SlugRelatedField(many=True, read_only=True, slug_field="fips")
    status = serializers.CharField(read_only=True, help_text="planned, active or done")
    audiences = serializers.ListField(child=serializers.CharField(), read_only=True)
    channels = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "name", "description", "status", "start_date", "end_date", "counties", "audiences", "channels"]


class CampaignInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    status = _choice(Campaign.Status, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs.setdefault("status", Campaign.Status.PLANNED)
        if attrs["end_date"] < attrs["start_date"]:  # before the model's constraint says it less clearly
            raise serializers.ValidationError({"end_date": "The campaign cannot end before it starts."})
        return attrs
    start_date = serializers.DateField()
    end_date = serializers.DateField(help_text="On or after start_date")
    counties = serializers.ListField(child=fips_field(), min_length=1)
    audiences = serializers.ListField(child=_choice(Audience), required=False, default=list)
    channels = serializers.ListField(child=_choice(Channel), required=False, default=list)


class ActivitySerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county_id", read_only=True)
    channel = serializers.CharField(read_only=True)

    class Meta:
        model = Activity
        fields = ["id", "county", "channel", "title", "planned_date", "planned_reach", "delivered_date", "reach",
                  "public_event", "location", "notes"]


PG_INT_MAX = 2_147_483_647  # the column is a PositiveIntegerField: a 4-byte integer on PostgreSQL


class ActivityInSerializer(serializers.Serializer):
    county = fips_field(help_text="One of the campaign's counties")
    channel = _choice(Channel)
    title = serializers.CharField(max_length=200)
    planned_date = serializers.DateField()
    planned_reach = serializers.IntegerField(min_value=0, max_value=PG_INT_MAX, default=0)
    public_event = serializers.BooleanField(default=False)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class DeliverSerializer(serializers.Serializer):
    delivered_date = serializers.DateField()
    reach = serializers.IntegerField(min_value=0, max_value=PG_INT_MAX)


class ProgressSerializer(serializers.Serializer):
    fips = serializers.CharField()
    name = serializers.CharField()
    planned = serializers.IntegerField()
    delivered = serializers.IntegerField()
    percent_delivered = serializers.IntegerField()
    planned_reach = serializers.IntegerField()
    reach = serializers.IntegerField()


class BeforeAfterSerializer(serializers.Serializer):
    before_start = serializers.DateField()
    after_start = serializers.DateField()
    after_end = serializers.DateField()
    tips_before = serializers.IntegerField()
    tips_after = serializers.IntegerField()
    trained_before = serializers.IntegerField()
    trained_after = serializers.IntegerField()
    workshops_before = serializers.IntegerField()
    workshops_after = serializers.IntegerField()


class CampaignDetailSerializer(CampaignSerializer):
    activities = ActivitySerializer(many=True, read_only=True)
    progress = serializers.SerializerMethodField()
    before_after = serializers.SerializerMethodField()

    class Meta(CampaignSerializer.Meta):
        fields = [*CampaignSerializer.Meta.fields, "activities", "progress", "before_after"]

    @extend_schema_field(ProgressSerializer(many=True))
    def get_progress(self, obj: Campaign) -> list[dict[str, Any]]:
        return ProgressSerializer(selectors.campaign_progress(obj), many=True).data  # type: ignore[return-value]

    @extend_schema_field(BeforeAfterSerializer)
    def get_before_after(self, obj: Campaign) -> dict[str, Any]:
        return BeforeAfterSerializer(selectors.campaign_before_after(obj)).data  # type: ignore[return-value]


def _manage_on_write(view: APIView, request: Request) -> list[BasePermission]:
    perms: list[Any] = [IsAuthenticated, PermissionRequired.of(Perm.VIEW_ANALYTICS)]
    if request.method not in {"GET", "HEAD", "OPTIONS"}:
        perms.append(PermissionRequired.of(Perm.MANAGE_CAMPAIGNS))
    return [p() for p in perms]


class CampaignListCreate(APIView):
    """Campaigns (GET, analytics permission); create one (POST, campaign permission)."""

    pagination_class = Pagination
    error_statuses = (403,)

    def get_permissions(self) -> list[BasePermission]:
        return _manage_on_write(self, self.request)

    @extend_schema(responses=CampaignSerializer(many=True))
    def get(self, request: Request) -> Response:
        qs = selectors.campaign_list(user=request.user).prefetch_related("counties")
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(CampaignSerializer(page, many=True).data)

    @extend_schema(request=CampaignInSerializer, responses={201: CampaignSerializer})
    def post(self, request: Request) -> Response:
        data = CampaignInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        campaign = services.campaign_create(acting_user=request.user, **data.validated_data)
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)


class CampaignDetail(APIView):
    """One campaign with its activities, progress per county and before/after comparison."""

    permission_classes = [IsAuthenticated, PermissionRequired.of(Perm.VIEW_ANALYTICS)]

    @extend_schema(responses=CampaignDetailSerializer)
    def get(self, request: Request, campaign_id: int) -> Response:
        campaign = selectors.get_campaign(user=request.user, campaign_id=campaign_id)
        return Response(CampaignDetailSerializer(campaign).data)


class ActivityCreate(APIView):
    """Plan an activity in one of the campaign's counties."""

    permission_classes = [IsAuthenticated, PermissionRequired.of(Perm.VIEW_ANALYTICS, Perm.MANAGE_CAMPAIGNS)]

    @extend_schema(request=ActivityInSerializer, responses={201: ActivitySerializer})
    def post(self, request: Request, campaign_id: int) -> Response:
        campaign = selectors.get_campaign(user=request.user, campaign_id=campaign_id)
        data = ActivityInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        activity = services.activity_plan(acting_user=request.user, campaign=campaign, **data.validated_data)
        return Response(ActivitySerializer(activity).data, status=status.HTTP_201_CREATED)


class ActivityDeliver(APIView):
    """Mark an activity delivered with the number of people reached."""

    permission_classes = [IsAuthenticated, PermissionRequired.of(Perm.VIEW_ANALYTICS, Perm.MANAGE_CAMPAIGNS)]

    @extend_schema(request=DeliverSerializer, responses=ActivitySerializer)
    def post(self, request: Request, activity_id: int) -> Response:
        activity = get_object_or_404(Activity, pk=activity_id)
        data = DeliverSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        activity = services.activity_deliver(acting_user=request.user, activity=activity, **data.validated_data)
        return Response(ActivitySerializer(activity).data)


# --- public dashboard --------------------------------------------------------------------
class EntrySerializer(serializers.Serializer):
    count = serializers.IntegerField(allow_null=True, help_text="null when suppressed")
    display = serializers.CharField(help_text='The number, "1-10" (a count from 1 to 10) or "withheld"')


class PublicRowSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]
    slug = serializers.CharField()
    months = EntrySerializer(many=True)
    total = EntrySerializer()


class PublicTableSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    months = serializers.ListField(child=serializers.CharField())
    regions = PublicRowSerializer(many=True)
    statewide = PublicRowSerializer()


class PublicDashboardSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    years = serializers.ListField(child=serializers.IntegerField())
    suppression = serializers.CharField()
    tables = PublicTableSerializer(many=True)


class PublicDashboard(APIView):
    """Public counts by region and month for one finished calendar year, with small cells suppressed (no login)."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    error_statuses = (404,)  # a year with no published figures

    @extend_schema(parameters=[OpenApiParameter("year", OpenApiTypes.INT,
                                                description="A finished calendar year (default: the last one)")],
                   responses=PublicDashboardSerializer)
    def get(self, request: Request) -> Response:
        years = dashboard.published_years()
        raw = request.query_params.get("year") or str(years[0])
        try:
            int(raw)
        except ValueError:
            raise serializers.ValidationError({"year": f"A year, such as {years[0]}."}) from None
        if int(raw) not in years:  # a well-formed year with no published figures
            raise NotFound(f"No figures are published for {int(raw)}; choose one of {', '.join(map(str, years))}.")
        year = int(raw)
        body = {
            "year": year, "years": years,
            "suppression": "Counts from 1 to 10 are shown as \"1-10\"; other cells are \"withheld\" so that no small "
                           "count can be worked out from totals.",
            "tables": dashboard.public_tables(year),
        }
        return Response(PublicDashboardSerializer(body).data)
