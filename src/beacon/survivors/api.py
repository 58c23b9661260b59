"""Survivor support API under /api/v1/ (names prefixed ``survivors-``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from beacon.core import audit
from beacon.core.access import AccessDenied, PermissionRequired, deny
from beacon.core.api import Pagination, StrictFloatField
from beacon.core.models import Agency, County
from beacon.core.permissions import Perm
from beacon.core.schema import fips_related_field

from . import search, selectors, services, taxonomy
from .access import access_referral, access_survivor
from .models import SHAREABLE_FIELDS, Consent, Referral, Service, Survivor


# --- Search -------------------------------------------------------------------------------
class SearchResultSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="service.id")
    name = serializers.CharField(source="service.name")
    organization = serializers.CharField(source="service.organization.name")
    description = serializers.CharField(source="service.description")
    url = serializers.CharField(source="service.url")
    distance_km = serializers.FloatField(allow_null=True)
    place = serializers.CharField()
    confidential = serializers.BooleanField()
    phones = serializers.SerializerMethodField()
    needs = serializers.ListField(child=serializers.CharField())
    open_24_7 = serializers.BooleanField()
    free = serializers.BooleanField()

    def get_phones(self, row: selectors.ResultRow) -> list[dict[str, str]]:
        return [{"number": p.number, "type": p.type} for p in row.phones]


class SearchParamsSerializer(serializers.Serializer):
    """The search's query parameters, checked before searching (a bad one is a 400 naming it)."""

    need = serializers.ChoiceField(choices=list(taxonomy.NEEDS), required=False)
    county = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                   help_text="County served: FIPS or name (an unknown county is a 404)")
    near = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                 help_text="City, county or ZIP code: results nearest first (an unknown place is a 404)")
    lat = StrictFloatField(required=False, min_value=-90, max_value=90, help_text="With lon: results nearest first")
    lon = StrictFloatField(required=False, min_value=-180, max_value=180)
    radius_km = serializers.IntegerField(required=False, min_value=1, max_value=2000)
    language = serializers.CharField(required=False, allow_blank=True, max_length=50)
    open_24_7 = serializers.BooleanField(required=False)
    age = serializers.IntegerField(required=False, min_value=0, max_value=130)
    gender = serializers.ChoiceField(choices=list(taxonomy.GENDERS), required=False)
    free = serializers.BooleanField(required=False)


SEARCH_PARAMS = [SearchParamsSerializer]
# parse_query's messages for a place it cannot find (a 404: the query is well formed).
UNKNOWN_PLACE = ("Unknown county.", "No Missouri city, county or ZIP code matches")


class ServiceSearch(APIView):
    """Search the public directory (no sign-in; nothing about the searcher is kept)."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    pagination_class = Pagination

    @extend_schema(parameters=SEARCH_PARAMS, responses=SearchResultSerializer(many=True))
    def get(self, request: Request) -> Response:
        SearchParamsSerializer(data=request.query_params).is_valid(raise_exception=True)
        query, error = selectors.parse_query(request.query_params, public_only=True)
        if error and error.startswith(UNKNOWN_PLACE):
            raise NotFound(error)
        if error:
            raise ValidationError({"non_field_errors": [error]})
        paginator = Pagination()
        hits: list[search.Hit] | None = paginator.paginate_queryset(search.run(query), request, view=self)  # type: ignore[arg-type]
        rows = selectors.search_rows(list(hits or []), public=True)
        return paginator.get_paginated_response(SearchResultSerializer(rows, many=True).data)


# --- Survivors ----------------------------------------------------------------------------
class SurvivorSerializer(serializers.ModelSerializer):
    needs = serializers.ListField(child=serializers.ChoiceField(choices=list(taxonomy.NEEDS)), required=False)
    county = fips_related_field(queryset=County.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Survivor
        fields = ["id", "preferred_name", "legal_name", "date_of_birth", "phone", "email", "address", "notes", "languages",
                  "needs", "county", "created_at"]
        read_only_fields = ["id", "created_at"]


class SurvivorListItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = Survivor
        fields = ["id", "preferred_name", "needs", "created_at"]


ADVOCATES: list[type[BasePermission]] = [IsAuthenticated, PermissionRequired.of(Perm.VIEW_SURVIVORS)]


class SurvivorList(APIView):
    permission_classes = ADVOCATES
    pagination_class = Pagination

    @extend_schema(responses=SurvivorListItemSerializer(many=True))
    def get(self, request: Request) -> Response:
        from beacon.core import audit

        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.survivor_list(user=request.user), request, view=self)  # type: ignore[arg-type]
        items = list(page or [])
        audit.record(actor=request.user, action=audit.Action.READ, object_type="survivor_list", summary="API list",
                     request=request, detail={"ids": [s.pk for s in items]})  # type: ignore[arg-type]
        return paginator.get_paginated_response(SurvivorListItemSerializer(items, many=True).data)

    @extend_schema(request=SurvivorSerializer, responses={201: SurvivorSerializer})
    def post(self, request: Request) -> Response:
        ser = SurvivorSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        survivor = services.survivor_create(acting_user=request.user, **ser.validated_data)
        return Response(SurvivorSerializer(survivor).data, status=201)


class SurvivorDetail(APIView):
    permission_classes = ADVOCATES

    @extend_schema(responses=SurvivorSerializer)
    def get(self, request: Request, survivor_id: int) -> Response:
        return Response(SurvivorSerializer(access_survivor(request.user, survivor_id, request=request)).data)  # type: ignore[arg-type]


FIELDS_HELP = "Shareable fields: " + ", ".join(SHAREABLE_FIELDS)


class ConsentSerializer(serializers.ModelSerializer):
    fields = serializers.ListField(child=serializers.CharField(), help_text=FIELDS_HELP)  # type: ignore[assignment]
    method = serializers.CharField(help_text="written or e_signed")
    recipient_agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())
    active = serializers.SerializerMethodField()

    class Meta:
        model = Consent
        fields = ["id", "survivor", "recipient_agency", "fields", "purpose", "method", "given_at", "expires_at",
                  "revoked_at", "active"]
        read_only_fields = ["id", "survivor", "given_at", "revoked_at"]

    def get_active(self, obj: Consent) -> bool:
        return obj.is_active()


class ConsentCreate(APIView):
    permission_classes = ADVOCATES

    @extend_schema(request=ConsentSerializer, responses={201: ConsentSerializer})
    def post(self, request: Request, survivor_id: int) -> Response:
        survivor = access_survivor(request.user, survivor_id, request=request, purpose="record consent")  # type: ignore[arg-type]
        ser = ConsentSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        consent = services.consent_record(acting_user=request.user, survivor=survivor, **ser.validated_data)
        return Response(ConsentSerializer(consent).data, status=201)


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


class ConsentRevoke(APIView):
    permission_classes = ADVOCATES

    @extend_schema(request=RevokeSerializer, responses=ConsentSerializer)
    def post(self, request: Request, consent_id: int) -> Response:
        consent = Consent.objects.filter(pk=consent_id).first()
        if consent is None:
            deny(request, object_type="consent", object_id=consent_id, reason="no such consent")
            raise AccessDenied("Not found.")
        access_survivor(request.user, consent.survivor_id, request=request, purpose="revoke consent")  # type: ignore[arg-type]
        ser = RevokeSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        consent = services.consent_revoke(acting_user=request.user, consent=consent, reason=ser.validated_data.get("reason", ""))
        return Response(ConsentSerializer(consent).data)


# --- Referrals ----------------------------------------------------------------------------
class ReferralSerializer(serializers.ModelSerializer):
    service_name = serializers.CharField(source="service.name", read_only=True)
    status = serializers.CharField(read_only=True, help_text="sent, accepted, declined, completed or withdrawn")

    class Meta:
        model = Referral
        fields = ["id", "service", "service_name", "from_agency", "to_agency", "status", "shared_fields", "message",
                  "sent_at", "accepted_at", "declined_at", "decline_reason", "completed_at", "withdrawn_at"]
        read_only_fields = fields


class ReferralDetailSerializer(ReferralSerializer):
    side = serializers.CharField()
    survivor = serializers.DictField(child=serializers.CharField(), help_text="Only the fields an active consent covers")

    class Meta(ReferralSerializer.Meta):
        fields = [*ReferralSerializer.Meta.fields, "side", "survivor"]
        read_only_fields = fields


class ReferralCreateSerializer(serializers.Serializer):
    survivor = serializers.IntegerField()
    service = serializers.UUIDField()
    consent = serializers.IntegerField(required=False, allow_null=True)
    shared_fields = serializers.ListField(child=serializers.CharField(), help_text=FIELDS_HELP)
    message = serializers.CharField(required=False, allow_blank=True)


class ReferralList(APIView):
    permission_classes = ADVOCATES
    pagination_class = Pagination
    error_statuses = (404,)  # POST: a survivor you may not see

    @extend_schema(responses=ReferralSerializer(many=True),
                   parameters=[OpenApiParameter("box", OpenApiTypes.STR, enum=["received", "sent"])])
    def get(self, request: Request) -> Response:
        box = request.query_params.get("box", "received")
        if box not in ("received", "sent"):
            raise ValidationError({"box": ["Choose received or sent."]})
        qs = selectors.referrals_sent(user=request.user) if box == "sent" else selectors.referrals_received(user=request.user)
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)  # type: ignore[arg-type]
        audit.record(actor=request.user, action=audit.Action.READ, object_type="referral_list",
                     summary=f"referral list ({box}) via API", request=request,  # type: ignore[arg-type]
                     detail={"ids": [r.pk for r in page or []]})
        return paginator.get_paginated_response(ReferralSerializer(page, many=True).data)

    @extend_schema(request=ReferralCreateSerializer, responses={201: ReferralSerializer})
    def post(self, request: Request) -> Response:
        ser = ReferralCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        survivor = access_survivor(request.user, data["survivor"], request=request, purpose="refer")  # type: ignore[arg-type]
        service = Service.objects.select_related("organization__agency").filter(pk=data["service"]).first()
        if service is None:
            raise ValidationError({"service": "No such service."})
        consent = Consent.objects.filter(pk=data.get("consent"), survivor=survivor).first() if data.get("consent") else None
        referral = services.referral_create(acting_user=request.user, survivor=survivor, service=service,
                                            consent=consent, shared_fields=data["shared_fields"],
                                            message=data.get("message", ""))
        return Response(ReferralSerializer(referral).data, status=201)


def _detail(referral: Referral, side: str) -> dict[str, Any]:
    data = dict(ReferralSerializer(referral).data)
    data["side"] = side
    data["survivor"] = selectors.referral_shared_fields(referral) if side == "receiver" else {"id": str(referral.survivor_id)}
    return data


class ReferralDetail(APIView):
    permission_classes = ADVOCATES

    @extend_schema(responses=ReferralDetailSerializer)
    def get(self, request: Request, referral_id: int) -> Response:
        referral, side = access_referral(request.user, referral_id, request=request)  # type: ignore[arg-type]
        return Response(_detail(referral, side))


class StatusSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="accepted, declined or completed (receiver); withdrawn (sender)")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


class ReferralStatus(APIView):
    permission_classes = ADVOCATES

    @extend_schema(request=StatusSerializer, responses=ReferralDetailSerializer)
    def post(self, request: Request, referral_id: int) -> Response:
        referral, side = access_referral(request.user, referral_id, request=request)  # type: ignore[arg-type]
        ser = StatusSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.referral_set_status(acting_user=request.user, referral=referral, side=side,
                                     status=ser.validated_data["status"], reason=ser.validated_data.get("reason", ""))
        return Response(_detail(referral, side))
