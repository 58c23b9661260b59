"""Tip API: public submission and follow-up (no token), and the staff queue (token or verified session)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.http import HttpResponse, QueryDict
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiRequest, extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from beacon.core import audit, ratelimit
from beacon.core.access import PermissionRequired
from beacon.core.api import StrictFloatField, api_validation_error
from beacon.core.models import User
from beacon.core.parsers import JSONParser, loads_limited
from beacon.core.permissions import Perm
from beacon.core.schema import county_fips, fips_field

from . import photos, selectors, services, triage
from .access import access_tip
from .models import Situation, Status, Tip, TipMessage, TipPhoto
from .views import photo_response


# --- Public serializers ---------------------------------------------------------------------
@extend_schema_field({"oneOf": [{"type": "boolean", "nullable": True}, {"type": "string", "enum": ["unknown"]}]})
class AnswerField(serializers.Field):
    """Yes / No / unknown: ``true``, ``false``, or ``null`` / ``"unknown"`` (also when left out).
    Unknown is never read as No (see triage.compute).  Any other value or type is refused."""

    default_error_messages = {"invalid": 'Must be true, false, null or "unknown".'}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("default", None)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> bool | None:
        if data is True or data is False:
            return bool(data)
        if data == "unknown":
            return None
        self.fail("invalid")
        return None  # unreachable (fail raises)

    def to_representation(self, value: Any) -> Any:
        return value


# A multipart body carries every field as text: these spellings of the answers, nothing else.
_MULTIPART_ANSWERS: dict[str, Any] = {"true": True, "false": False, "null": None, "": None, "unknown": "unknown"}

class VehicleSerializer(serializers.Serializer):
    description = serializers.CharField(required=False, allow_blank=True, max_length=300)
    plate = serializers.CharField(required=False, allow_blank=True, max_length=20)
    state = serializers.CharField(required=False, allow_blank=True, max_length=2)


class BusinessSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    address = serializers.CharField(required=False, allow_blank=True, max_length=300)


class SubjectsSerializer(serializers.Serializer):
    people = serializers.ListField(child=serializers.CharField(max_length=1000), required=False, max_length=20)
    vehicles = VehicleSerializer(many=True, required=False, max_length=10)  # type: ignore[call-arg]
    phones = serializers.ListField(child=serializers.CharField(max_length=100), required=False, max_length=20)
    accounts = serializers.ListField(child=serializers.CharField(max_length=300), required=False, max_length=20)
    businesses = BusinessSerializer(many=True, required=False, max_length=10)  # type: ignore[call-arg]


@extend_schema_field({"type": "array", "items": {}, "maxItems": 0,
                      "description": "Photos come only in a multipart/form-data body: in JSON, leave this out."})
class JSONBodyPhotosField(serializers.ListField):
    """``photos`` as the JSON body documents it: a JSON body cannot carry files (DRF's FileField
    refuses any JSON value), so only an empty list is valid there.  The multipart body documents
    the files (``TipSubmitMultipartSerializer``)."""


class TipSubmitSerializer(serializers.Serializer):
    narrative = serializers.CharField(
        min_length=services.NARRATIVE_MIN, max_length=services.NARRATIVE_MAX, trim_whitespace=True,
        help_text="What happened, 10 to 10,000 characters (not counting spaces at either end).",
        # at least NARRATIVE_MIN characters from the first to the last visible one
        validators=[RegexValidator(rf"\S[\s\S]{{{services.NARRATIVE_MIN - 2},}}\S",
                                   f"Describe what happened in at least {services.NARRATIVE_MIN} characters.")],
    )
    occurred = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text="When, in words")
    place_text = serializers.CharField(required=False, allow_blank=True, max_length=300)
    county = fips_field(required=False, allow_blank=True)
    lat = StrictFloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    lon = StrictFloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    situation = serializers.ChoiceField(choices=Situation.choices, default=Situation.UNSURE)
    danger = AnswerField(help_text='Is anyone in immediate danger? true, false, or null / "unknown" (the default): '
                                   "unknown is never read as No.")
    minor = AnswerField(help_text='Does it involve someone under 18? true, false, or null / "unknown" (the default): '
                                  "unknown is never read as No.")
    indicators = serializers.ListField(child=serializers.ChoiceField(choices=list(triage.INDICATORS)), required=False)
    subjects = SubjectsSerializer(required=False)
    language = serializers.ChoiceField(choices=[("en", "English"), ("es", "Spanish")], default="en")
    contact = serializers.CharField(required=False, allow_blank=True, max_length=500,
                                    help_text="Optional; encrypted, readable only by the routed supervisors")
    website = serializers.CharField(required=False, allow_blank=True, max_length=200,
                                    help_text="Leave empty (a filled value marks the tip as spam)")
    photos = JSONBodyPhotosField(child=serializers.FileField(allow_empty_file=True), required=False)

    def to_input(self) -> services.TipInput:
        d = self.validated_data
        return services.TipInput(
            narrative=d["narrative"], occurred=d.get("occurred", ""), place_text=d.get("place_text", ""),
            county_fips=d.get("county", ""), lat=d.get("lat"), lon=d.get("lon"), situation=d["situation"],
            danger=d["danger"], minor=d["minor"], indicators=list(d.get("indicators", [])),
            subjects={k: v for k, v in dict(d.get("subjects") or {}).items() if v}, language=d["language"],
            contact=d.get("contact", ""), honeypot=d.get("website", ""),
        )


class TipSubmitMultipartSerializer(TipSubmitSerializer):
    """The multipart body's schema (the same fields and checks; ``TipSubmitSerializer`` reads both
    bodies): here ``photos`` are files."""

    photos = serializers.ListField(  # type: ignore[assignment]  # the same field, documented as files
        child=serializers.FileField(allow_empty_file=True), required=False,
        help_text="Up to 5 images (JPEG, PNG, WebP), 10 MB each, checked by content and re-encoded without "
                  "metadata; refused files are listed in photos_refused, the tip is kept.",
    )


# How a multipart tip sends its structured field (OpenAPI's encoding object): ``subjects`` is one
# part holding JSON (``_submitted`` parses it); ``indicators`` are repeated text parts (the default).
MULTIPART_ENCODING = {"subjects": {"contentType": "application/json"}}


class RefusedPhotoSerializer(serializers.Serializer):
    name = serializers.CharField()
    reason = serializers.CharField()


class ReceiptSerializer(serializers.Serializer):
    receipt_code = serializers.CharField()
    passphrase = serializers.CharField(
        allow_null=True, help_text="Shown only in the first answer (201); null when an Idempotency-Key answers again (200)")
    status = serializers.CharField(help_text="received, under_review or closed")
    photos = serializers.IntegerField(help_text="Photos stored with the tip")
    photos_refused = RefusedPhotoSerializer(many=True)


class FollowupSerializer(serializers.Serializer):
    receipt_code = serializers.CharField(max_length=20)
    passphrase = serializers.CharField(max_length=40)


class FollowupMessageSerializer(FollowupSerializer):
    body = serializers.CharField(max_length=services.MESSAGE_MAX)


class PublicMessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = TipMessage
        fields = ["kind", "body", "created_at"]


class PublicStatusSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="received, under_review or closed")
    messages = PublicMessageSerializer(many=True)



def _throttled(scope: str) -> exceptions.Throttled:
    return exceptions.Throttled(wait=ratelimit.retry_after(scope), detail="Too many requests; try again later.")


def _submitted(request: Request) -> Any:
    """The tip as the serializer reads it.  A multipart body carries photos beside the fields; its
    structured field ``subjects`` comes as a JSON part (``MULTIPART_ENCODING``: the OpenAPI default
    for an object part, stated in the schema), parsed with the same depth limit as a JSON body;
    ``indicators`` as repeated text parts; ``null`` or an empty part for no answer or no coordinate."""
    if not request.content_type.startswith("multipart/"):
        return request.data
    form: QueryDict = request.data  # type: ignore[assignment]  # multipart: the fields and files of the body
    data: dict[str, Any] = {k: form.get(k) for k in form if k not in ("photos", "indicators")}
    if "indicators" in form:
        data["indicators"] = form.getlist("indicators")
    for name in ("danger", "minor"):
        if name in data and isinstance(data[name], str) and data[name].strip().lower() in _MULTIPART_ANSWERS:
            data[name] = _MULTIPART_ANSWERS[data[name].strip().lower()]
    for name in ("lat", "lon"):  # no coordinate: JSON's spelling of null, or an empty field
        if isinstance(data.get(name), str) and data[name].strip() in ("", "null"):
            data[name] = None
    if "photos" in form:
        data["photos"] = form.getlist("photos")
    if "subjects" in data:
        raw = data["subjects"]
        try:
            data["subjects"] = loads_limited(raw.read() if hasattr(raw, "read") else str(raw).encode())
        except exceptions.ParseError as exc:
            raise serializers.ValidationError({"subjects": [str(exc.detail)]}) from None
    return data


@method_decorator(never_cache, name="dispatch")  # the answer carries the passphrase or the report's status
class TipSubmit(APIView):
    """Submit a tip anonymously. Answers only after the tip is stored, placed and routed."""

    error_statuses = (429,)
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    parser_classes = [JSONParser, MultiPartParser]  # multipart carries photos

    @extend_schema(
        request={"application/json": TipSubmitSerializer,
                 "multipart/form-data": OpenApiRequest(TipSubmitMultipartSerializer, encoding=MULTIPART_ENCODING)},
        parameters=[OpenApiParameter(
            "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
            pattern=r"^[\x21-\x7e]{16,200}$",
            description="Optional: a random value (16 to 200 visible ASCII characters, e.g. a UUID) made once per tip. "
                        "Sending the same key again files nothing and answers 200 with the first receipt code "
                        "(passphrase null). Only a keyed hash of it is stored.")],
        responses={201: ReceiptSerializer, 200: ReceiptSerializer}, auth=[])
    def post(self, request: Request) -> Response:
        # Every POST counts toward the flood ceiling; only a stored tip counts toward tip_submit.
        if not ratelimit.hit(request, "tip_submit_attempt"):  # type: ignore[arg-type]
            raise _throttled("tip_submit_attempt")
        key = request.headers.get("Idempotency-Key")
        if key is not None and not services.idempotency_key_ok(key):  # sent empty is not left out
            raise serializers.ValidationError(
                {"Idempotency-Key": [f"Must be {services.IDEMPOTENCY_KEY_MIN} to {services.IDEMPOTENCY_KEY_MAX} "
                                     "visible ASCII characters (for example a UUID)."]})
        key = key or ""
        serializer = TipSubmitSerializer(data=_submitted(request))
        before = services.submitted_before(key)
        if before is not None:
            serializer.is_valid(raise_exception=True)  # a resent tip is still a tip: an invalid body is a 400
            return Response(ReceiptSerializer(_receipt(before)).data, status=status.HTTP_200_OK)
        if ratelimit.blocked(request, "tip_submit"):  # type: ignore[arg-type]
            raise _throttled("tip_submit")
        serializer.is_valid(raise_exception=True)
        good, refused = photos.prepare(list(serializer.validated_data.get("photos") or []))
        try:
            submitted = services.tip_submit(data=serializer.to_input(), photos=good, idempotency_key=key)
        except DjangoValidationError as exc:
            raise api_validation_error(exc) from exc
        if submitted.replayed:  # the same key raced another request and lost: that one's receipt
            return Response(ReceiptSerializer(_receipt(submitted)).data, status=status.HTTP_200_OK)
        ratelimit.hit(request, "tip_submit")  # type: ignore[arg-type]
        return Response(ReceiptSerializer(_receipt(submitted, kept=len(good), refused=refused)).data,
                        status=status.HTTP_201_CREATED)


def _receipt(submitted: services.Submitted, *, kept: int = 0, refused: list[Any] | None = None) -> dict[str, Any]:
    return {"receipt_code": submitted.receipt_code, "passphrase": submitted.passphrase or None,
            "status": submitted.tip.public_status, "photos": kept,
            "photos_refused": [{"name": r.name, "reason": r.reason} for r in refused or []]}


def _followup_tip(request: Request, data: dict[str, Any]) -> Tip:
    if services.followup_blocked(request):
        raise _throttled("tip_followup")
    try:
        return services.tip_for_followup(receipt_code=data["receipt_code"], passphrase=data["passphrase"])
    except services.FollowupRefused as refused:
        ratelimit.hit(request, "tip_followup")  # type: ignore[arg-type]
        if refused.reason == "locked":
            raise exceptions.Throttled(detail="Too many wrong passphrases for this receipt; try again later.") from None
        raise exceptions.PermissionDenied("That receipt code and passphrase do not match a report.") from None


def _public_status(tip: Tip) -> dict[str, Any]:
    return PublicStatusSerializer({"status": tip.public_status, "messages": list(tip.messages.all())}).data


@method_decorator(never_cache, name="dispatch")  # the answer carries the passphrase or the report's status
class TipFollowup(APIView):
    """The status of a report and the messages on it, with its receipt code and passphrase."""

    error_statuses = (403, 429)
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(request=FollowupSerializer, responses={200: PublicStatusSerializer}, auth=[])
    def post(self, request: Request) -> Response:
        serializer = FollowupSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tip = _followup_tip(request, serializer.validated_data)
        return Response(_public_status(tip))


@method_decorator(never_cache, name="dispatch")  # the answer carries the passphrase or the report's status
class TipFollowupMessage(APIView):
    """Add information to a report (or answer a staff question) with its receipt code and passphrase."""

    error_statuses = (403, 429)
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(request=FollowupMessageSerializer, responses={201: PublicStatusSerializer}, auth=[])
    def post(self, request: Request) -> Response:
        serializer = FollowupMessageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tip = _followup_tip(request, serializer.validated_data)
        try:
            services.tip_add_reporter_info(tip=tip, body=serializer.validated_data["body"])
        except DjangoValidationError as exc:
            raise api_validation_error(exc) from exc
        return Response(_public_status(tip), status=status.HTTP_201_CREATED)


# --- Staff ----------------------------------------------------------------------------------
class TipListSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county_id", allow_null=True)
    county_name = serializers.CharField(source="county.name", allow_null=True, default=None)
    task_forces = serializers.SerializerMethodField()
    assigned_to = serializers.CharField(source="assigned_to.username", allow_null=True, default=None)

    class Meta:
        model = Tip
        fields = ["id", "created_at", "priority", "priority_reasons", "status", "county", "county_name", "placement",
                  "task_forces", "assigned_to", "is_spam", "danger", "minor", "situation", "processing"]
        extra_kwargs: ClassVar = {"processing": {"help_text": "Being processed: accepted by the lean intake, placement, "
                                                              "routing and triage not done yet (a second or two)"}}

    def get_task_forces(self, tip: Tip) -> list[str]:
        return [tf.slug for tf in tip.task_forces.all()]


class IdentifierSerializer(serializers.Serializer):
    kind = serializers.CharField(source="identifier.kind")
    value = serializers.CharField(source="identifier.value")
    source = serializers.CharField()  # type: ignore[assignment]
    raw = serializers.CharField()


class StaffMessageSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", allow_null=True, default=None)

    class Meta:
        model = TipMessage
        fields = ["id", "kind", "author", "body", "created_at"]


class LinkSerializer(serializers.Serializer):
    object_type = serializers.CharField(source="obj.object_type")
    object_id = serializers.CharField(source="obj.object_id")
    label = serializers.CharField(source="obj.label")  # type: ignore[assignment]
    url = serializers.CharField(source="obj.url")
    shared = serializers.SerializerMethodField()

    def get_shared(self, link: selectors.Link) -> list[str]:
        return [f"{i.kind}:{i.value}" for i in link.shared]


class TipPhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="Download (decrypted; every download is audited)")

    class Meta:
        model = TipPhoto
        fields: ClassVar = ["id", "name", "content_type", "width", "height", "size", "url"]

    def get_url(self, photo: TipPhoto) -> str:
        return reverse("tips-photo", kwargs={"tip_id": photo.tip_id, "photo_id": photo.pk})


class TipDetailSerializer(TipListSerializer):
    identifiers = serializers.SerializerMethodField()
    photos = TipPhotoSerializer(many=True, read_only=True)
    messages = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()
    restricted_links = serializers.SerializerMethodField()

    class Meta(TipListSerializer.Meta):
        fields = [*TipListSerializer.Meta.fields, "narrative", "occurred", "place_text", "lat", "lon", "indicators",
                  "subjects", "language", "computed_priority", "override_reason", "spam_reason", "identifiers",
                  "messages", "links", "restricted_links", "photos"]

    @extend_schema_field(IdentifierSerializer(many=True))
    def get_identifiers(self, tip: Tip) -> list[dict[str, Any]]:
        return IdentifierSerializer(selectors.tip_identifiers(tip), many=True).data  # type: ignore[return-value]

    @extend_schema_field(StaffMessageSerializer(many=True))
    def get_messages(self, tip: Tip) -> list[dict[str, Any]]:
        return StaffMessageSerializer(tip.messages.select_related("author"), many=True).data  # type: ignore[return-value]

    @extend_schema_field(LinkSerializer(many=True))
    def get_links(self, tip: Tip) -> list[dict[str, Any]]:
        return LinkSerializer(self._links(tip).visible, many=True).data  # type: ignore[return-value]

    def get_restricted_links(self, tip: Tip) -> dict[str, int]:
        return self._links(tip).restricted

    def _links(self, tip: Tip) -> selectors.Links:
        cached = getattr(self, "_cached_links", None)
        if cached is None:
            cached = selectors.tip_links(user=self.context["request"].user, tip=tip)
            self._cached_links = cached
        return cached


class TipQueue(generics.ListAPIView):
    """The triage queue: tips routed to the caller's task forces, most urgent first."""

    permission_classes = [IsAuthenticated, PermissionRequired.of(Perm.TRIAGE_TIPS)]
    serializer_class = TipListSerializer

    @extend_schema(parameters=[
        OpenApiParameter("priority", OpenApiTypes.INT, enum=[1, 2, 3, 4]),
        OpenApiParameter("county", OpenApiTypes.STR, description="5-digit FIPS", enum=county_fips()),
        OpenApiParameter("status", OpenApiTypes.STR, enum=Status.values),
        OpenApiParameter("since", OpenApiTypes.DATE), OpenApiParameter("until", OpenApiTypes.DATE),
        OpenApiParameter("spam", OpenApiTypes.STR, enum=["exclude", "include", "only"]),
    ])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().get(request, *args, **kwargs)
        audit.record(actor=request.user, action=audit.Action.READ, object_type="tip_queue", request=request,  # type: ignore[arg-type]
                     summary="Tip queue via API", detail={"tips": [row["id"] for row in response.data["results"]]})
        return response

    def get_queryset(self) -> Any:
        from .forms import QueueFilterForm

        form = QueueFilterForm(self.request.query_params)
        if not form.is_valid():
            raise exceptions.ValidationError({k: [str(e) for e in v] for k, v in form.errors.items()})
        d = form.cleaned_data
        return selectors.tip_queue(user=self.request.user, priority=d["priority"], county=d["county"], status=d["status"],
                                   since=d["since"], until=d["until"], spam=d["spam"] or "exclude")


class TipDetail(APIView):
    """One tip with its identifiers, links and messages (audited read)."""

    permission_classes = [IsAuthenticated, PermissionRequired.of(Perm.TRIAGE_TIPS)]

    @extend_schema(responses={200: TipDetailSerializer})
    def get(self, request: Request, tip_id: int) -> Response:
        tip = access_tip(request.user, tip_id, request=request)
        return Response(TipDetailSerializer(tip, context={"request": request}).data)


class TipPhotoDownload(APIView):
    """One photo of a tip, decrypted (the tip door decides; every download is a ``read`` audit row)."""

    permission_classes = [IsAuthenticated, PermissionRequired.of(Perm.TRIAGE_TIPS)]

    @extend_schema(responses={(200, "image/*"): OpenApiTypes.BINARY})
    def get(self, request: Request, tip_id: int, photo_id: int) -> HttpResponse:
        tip = access_tip(request.user, tip_id, request=request, purpose="file")
        item = tip.photos.filter(pk=photo_id).first()
        if item is None:
            raise exceptions.NotFound("Not found.")
        return photo_response(request, tip, item)


class ContactSerializer(serializers.Serializer):
    contact = serializers.CharField(allow_blank=True)
    language = serializers.CharField()


class TipContact(APIView):
    """The reporter's contact details: supervisors of the routed task force only; every read audited."""

    permission_classes = [IsAuthenticated, PermissionRequired.of(Perm.TRIAGE_TIPS, Perm.VIEW_TIP_CONTACT)]

    @extend_schema(responses={200: ContactSerializer})
    def get(self, request: Request, tip_id: int) -> Response:
        tip = access_tip(request.user, tip_id, request=request, purpose="contact")
        return Response(ContactSerializer({"contact": tip.contact, "language": tip.language}).data)


class StatusInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)


class PriorityInput(serializers.Serializer):
    priority = serializers.IntegerField(min_value=1, max_value=4)
    reason = serializers.CharField(min_length=3, max_length=500)


class AssignInput(serializers.Serializer):
    assignee = serializers.IntegerField(allow_null=True, help_text="User id, or null to unassign")


class QuestionInput(serializers.Serializer):
    body = serializers.CharField(min_length=3, max_length=services.MESSAGE_MAX)


class SpamInput(serializers.Serializer):
    is_spam = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)


class _TipAction(APIView):
    permission_classes = [IsAuthenticated, PermissionRequired.of(Perm.TRIAGE_TIPS)]
    input_class: type[serializers.Serializer] = StatusInput

    def apply(self, tip: Tip, data: dict[str, Any], request: Request) -> None:
        raise NotImplementedError

    def post(self, request: Request, tip_id: int) -> Response:
        tip = access_tip(request.user, tip_id, request=request, purpose="change")
        serializer = self.input_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            self.apply(tip, serializer.validated_data, request)
        except DjangoValidationError as exc:
            raise api_validation_error(exc) from exc
        tip.refresh_from_db()
        return Response(TipDetailSerializer(tip, context={"request": request}).data)


@extend_schema(request=StatusInput, responses={200: TipDetailSerializer})
class TipSetStatus(_TipAction):
    """Change a tip's status (new, triaged, assigned, referred, closed_no_action, escalated)."""

    input_class = StatusInput

    def apply(self, tip: Tip, data: dict[str, Any], request: Request) -> None:
        services.tip_set_status(tip=tip, status=data["status"], acting_user=request.user, request=request)  # type: ignore[arg-type]


@extend_schema(request=PriorityInput, responses={200: TipDetailSerializer})
class TipSetPriority(_TipAction):
    """Override the computed priority, with a reason."""

    input_class = PriorityInput

    def apply(self, tip: Tip, data: dict[str, Any], request: Request) -> None:
        services.tip_set_priority(tip=tip, priority=data["priority"], reason=data["reason"],
                                  acting_user=request.user, request=request)  # type: ignore[arg-type]


@extend_schema(request=AssignInput, responses={200: TipDetailSerializer})
class TipAssign(_TipAction):
    """Assign the tip to a user who may see it (or nobody)."""

    input_class = AssignInput

    def apply(self, tip: Tip, data: dict[str, Any], request: Request) -> None:
        assignee = None
        if data["assignee"] is not None:
            assignee = User.objects.filter(pk=data["assignee"], is_active=True).first()
            if assignee is None:
                raise exceptions.ValidationError({"assignee": ["No such user."]})
        services.tip_assign(tip=tip, assignee=assignee, acting_user=request.user, request=request)  # type: ignore[arg-type]


@extend_schema(request=QuestionInput, responses={200: TipDetailSerializer})
class TipAsk(_TipAction):
    """Ask the reporter a question (they see it when they follow up with the receipt code)."""

    input_class = QuestionInput

    def apply(self, tip: Tip, data: dict[str, Any], request: Request) -> None:
        services.tip_ask_reporter(tip=tip, body=data["body"], acting_user=request.user, request=request)  # type: ignore[arg-type]


@extend_schema(request=SpamInput, responses={200: TipDetailSerializer})
class TipSpam(_TipAction):
    """Mark or unmark a tip as spam."""

    input_class = SpamInput

    def apply(self, tip: Tip, data: dict[str, Any], request: Request) -> None:
        services.tip_mark_spam(tip=tip, is_spam=data["is_spam"], reason=data.get("reason", ""),
                               acting_user=request.user, request=request)  # type: ignore[arg-type]
