"""API: ad batches (analysts and partner accounts that may ingest) and operations (reviewers)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from beacon.core import audit
from beacon.core.access import PermissionRequired
from beacon.core.api import query_choice
from beacon.core.parsers import JSONParser
from beacon.core.permissions import Perm
from beacon.core.schema import NOT_BLANK

from . import selectors, services
from .access import access_operation, access_run
from .marks import MarkError, mark_identifier
from .models import IdentifierLink, IngestRun, Operation
from .serializers import (
    AdRecordSerializer,
    OperationDetailSerializer,
    OperationSerializer,
    RunSerializer,
    UploadSerializer,
)

MAX_RECORDS = 50_000


class BatchCreate(APIView):
    permission_classes = [IsAuthenticated, PermissionRequired.of(Perm.INGEST_ADS)]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="ads_batch_create",
        request={"application/json": AdRecordSerializer(many=True), "multipart/form-data": UploadSerializer},
        responses={201: RunSerializer, 202: RunSerializer},
        parameters=[OpenApiParameter("kind", str, enum=["escort", "job"],
                                     description="kind of the batch's ads (a record's own `kind` wins); default escort")],
        description="Store a batch of ads: a JSON list of records, or a JSONL/CSV file upload (`file`). Idempotent on "
                    "(site, id) and content. Small batches are stored at once (201); larger ones are queued (202): "
                    "poll the batch.",
    )
    def post(self, request: Request) -> Response:
        upload = request.FILES.get("file") if hasattr(request, "FILES") else None
        kind = request.query_params.get("kind") or (request.data.get("kind") if upload is not None else None)
        try:
            kind = services.feed_kind(kind)
        except services.IngestError as exc:
            raise ValidationError({"kind": [str(exc)]}) from exc
        if upload is not None:
            try:
                run = services.submit_batch(acting_user=request.user, text=services.read_upload(upload),
                                            name=upload.name or "", kind=kind)
            except services.IngestError as exc:
                raise ValidationError({"file": [str(exc)]}) from exc
        elif isinstance(request.data, list):
            if not request.data:
                raise ValidationError({"non_field_errors": ["The batch is empty."]})
            if len(request.data) > MAX_RECORDS:
                raise ValidationError({"non_field_errors": [f"At most {MAX_RECORDS} records per batch."]})
            run = services.submit_batch(acting_user=request.user, records=list(request.data), kind=kind)
        else:
            raise ValidationError({"non_field_errors": ["Send a JSON list of ads or upload a file as 'file'."]})
        run.refresh_from_db()
        code = status.HTTP_202_ACCEPTED if run.status == IngestRun.Status.QUEUED else status.HTTP_201_CREATED
        return Response(RunSerializer(run).data, status=code)


class BatchDetail(APIView):
    permission_classes = [IsAuthenticated, PermissionRequired.of(Perm.INGEST_ADS)]

    @extend_schema(operation_id="ads_batch_retrieve", responses=RunSerializer)
    def get(self, request: Request, run_id: int) -> Response:
        return Response(RunSerializer(access_run(request, run_id)).data)


class OperationList(ListAPIView):  # type: ignore[type-arg]
    permission_classes = [IsAuthenticated, PermissionRequired.of(Perm.REVIEW_ADS)]
    serializer_class = OperationSerializer

    @extend_schema(operation_id="ads_operation_list", parameters=[
        OpenApiParameter("status", str, enum=list(selectors.QUEUE_FILTERS), description="default: open"),
        OpenApiParameter("min_ads", int, description="default: 2"),
        OpenApiParameter("q", str, description="phone, handle or words"),
    ])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        params = self.request.query_params
        try:
            min_ads = int(params.get("min_ads", 2))
        except ValueError:
            raise ValidationError({"min_ads": ["Must be a whole number."]}) from None
        audit.record(actor=self.request.user, action=audit.Action.READ, object_type="operation_queue",
                     summary="listed ad operations (API)", request=self.request)  # type: ignore[arg-type]
        status = query_choice(self.request, "status", list(selectors.QUEUE_FILTERS), default="open")
        return selectors.operation_queue(user=self.request.user, status=status,
                                         min_ads=min_ads, q=params.get("q", "")[:100])


class OperationDetail(APIView):
    permission_classes = [IsAuthenticated, PermissionRequired.of(Perm.REVIEW_ADS)]

    @extend_schema(operation_id="ads_operation_retrieve", responses=OperationDetailSerializer)
    def get(self, request: Request, operation_id: int) -> Response:
        op: Operation = access_operation(request, operation_id)
        ads = selectors.operation_ads(user=request.user, operation=op)
        return Response(OperationDetailSerializer(op, context={"ads": ads}).data)


class IdentifierMarkSerializer(serializers.Serializer):  # type: ignore[type-arg]
    # NOT_BLANK, not \S: the same characters for Python (which counts "\x1c" as space) and the schema's readers
    identifier = serializers.RegexField(rf"^(tel|email|handle|img):{NOT_BLANK}+$", max_length=320,
                                        help_text="a linking key: tel:+1..., email:..., handle:platform:name, img:...")
    decision = serializers.ChoiceField(choices=["link", "shared"])
    reason = serializers.CharField(max_length=2000)


class IdentifierLinkSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    identifier = serializers.CharField(source="key")
    decision = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()

    class Meta:
        model = IdentifierLink
        fields = ["identifier", "decision", "source", "reason", "identities", "decided_by", "decided_at"]

    def get_decision(self, obj: IdentifierLink) -> str:
        return "link" if obj.link else "shared"

    def get_decided_by(self, obj: IdentifierLink) -> str | None:
        return obj.decided_by.get_username() if obj.decided_by else None


class IdentifierLinks(APIView):
    """Analysts' marks on linking identifiers ("link" / "shared, do not link") and the rule's decisions."""

    permission_classes = [IsAuthenticated, PermissionRequired.of(Perm.REVIEW_ADS)]

    @extend_schema(operation_id="ads_identifier_links_list", responses=IdentifierLinkSerializer(many=True),
                   parameters=[OpenApiParameter("source", str, enum=["analyst", "rule"]),
                               OpenApiParameter("identifier", str)])
    def get(self, request: Request) -> Response:
        qs = IdentifierLink.objects.select_related("decided_by").order_by("key")
        source = request.query_params.get("source")
        if source:
            if source not in IdentifierLink.Source.values:
                raise ValidationError({"source": ['Must be "analyst" or "rule".']})
            qs = qs.filter(source=source)
        ident = request.query_params.get("identifier")
        if ident:
            qs = qs.filter(key=ident[:320])
        audit.record(actor=request.user, action=audit.Action.READ, object_type="identifier_link",
                     summary="listed identifier link decisions (API)", request=request)  # type: ignore[arg-type]
        return Response(IdentifierLinkSerializer(qs[:1000], many=True).data)

    @extend_schema(operation_id="ads_identifier_links_mark", request=IdentifierMarkSerializer,
                   responses={201: IdentifierLinkSerializer, 404: None},
                   description='Mark a linking identifier "link" or "shared" (do not link), with a reason. Applied at '
                               "once: operations it alone joined are split (shared), operations holding it merge "
                               "(link). Audited.")
    def post(self, request: Request) -> Response:
        s = IdentifierMarkSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        try:
            row = mark_identifier(identifier=s.validated_data["identifier"], decision=s.validated_data["decision"],
                                  reason=s.validated_data["reason"], acting_user=request.user, request=request)
        except MarkError as exc:
            if exc.field == "identifier" and str(exc).startswith("No stored ad"):
                raise NotFound(str(exc)) from exc
            raise ValidationError({exc.field: [str(exc)]}) from exc
        return Response(IdentifierLinkSerializer(row).data, status=status.HTTP_201_CREATED)
