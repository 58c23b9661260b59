"""REST API for cases under /api/v1/cases/ (URL names prefixed ``cases-``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from beacon.core import audit
from beacon.core.access import PermissionRequired
from beacon.core.api import Pagination, api_validation_error, clamp_date, query_bool
from beacon.core.identifiers import Kind
from beacon.core.models import County
from beacon.core.permissions import Perm
from beacon.core.schema import county_fips

from . import graph, read_log, reports, selectors, services
from .access import access_alert, access_case, access_graph_start, access_source, can_see_victim_identity
from .models import Case, DeconflictionAlert, Person
from .typology import VenueType

WORK: list[Any] = [IsAuthenticated, PermissionRequired.of(Perm.WORK_CASES)]


def _choice(choices: Any, **kwargs: Any) -> serializers.ChoiceField:
    """A choice field whose enum is inlined in the schema (no shared enum component to collide with other apps')."""
    values = [c[0] for c in choices]
    cls = extend_schema_field({"anyOf": [{"type": "string", "enum": values}]})(type("InlineChoiceField", (serializers.ChoiceField,), {}))
    return cls(choices=choices, **kwargs)



# A county by FIPS, listed as the 115 codes in the schema (inside anyOf: no shared enum component).
FipsRelatedField = extend_schema_field({"anyOf": [{"type": "string", "enum": county_fips()}]})(
    type("FipsRelatedField", (serializers.SlugRelatedField,), {}))


class CaseSerializer(serializers.ModelSerializer):
    lead_agency: Any = serializers.CharField(source="lead_agency.name", read_only=True)
    lead_user: Any = serializers.CharField(source="lead_user.username", read_only=True)
    counties = FipsRelatedField(slug_field="fips", many=True, queryset=County.objects.all(), required=False)
    kind = _choice(Case.Kind.choices, default=Case.Kind.UNKNOWN)
    venue_type = _choice([("", "—"), *VenueType.choices], required=False, allow_blank=True)
    status = _choice(Case.Status.choices, read_only=True)
    outcome = _choice(Case.Outcome.choices, read_only=True)

    class Meta:
        model = Case
        fields = ["id", "title", "kind", "venue_type", "status", "outcome", "lead_agency", "lead_user", "counties",
                  "summary", "opened_on", "closed_on"]
        read_only_fields = ["id", "status", "outcome", "lead_agency", "lead_user", "closed_on"]


class CaseCreateSerializer(CaseSerializer):
    source: Any = serializers.CharField(required=False, write_only=True,
                                   help_text="Escalate a tip or ad operation: tip:<id> or operation:<id>")

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "source"]


class PersonSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()
    date_of_birth = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = ["id", "role", "age_group", "sex", "nationality", "name", "date_of_birth", "identified_on"]

    role = _choice(Person.Role.choices, read_only=True)
    age_group = _choice(Person.AgeGroup.choices, read_only=True)
    sex = _choice(Person.Sex.choices, read_only=True)

    def _hidden(self, obj: Person) -> bool:
        return obj.is_victim and not self.context.get("show_identity", False)

    def get_name(self, obj: Person) -> str | None:
        return None if self._hidden(obj) else obj.name

    def get_date_of_birth(self, obj: Person) -> str | None:
        return None if self._hidden(obj) else obj.date_of_birth


class PersonCreateSerializer(serializers.Serializer):
    role = _choice(Person.Role.choices)
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    date_of_birth = serializers.CharField(required=False, allow_blank=True, max_length=20)
    age_group = _choice(Person.AgeGroup.choices, default=Person.AgeGroup.UNKNOWN)
    sex = _choice(Person.Sex.choices, default=Person.Sex.UNKNOWN)
    nationality = serializers.CharField(required=False, allow_blank=True, max_length=80)


class IdentifierOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    value = serializers.CharField(allow_null=True)
    person = serializers.IntegerField(allow_null=True)
    source: Any = serializers.CharField()


class IdentifierCreateSerializer(serializers.Serializer):
    kind = _choice(Kind.choices)
    value = serializers.CharField(max_length=300)
    person = serializers.IntegerField(required=False, allow_null=True)


class CaseDetailSerializer(CaseSerializer):
    persons = serializers.SerializerMethodField()
    identifiers = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()
    participating_agencies: Any = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "participating_agencies", "persons", "identifiers", "links"]

    @extend_schema_field(PersonSerializer(many=True))
    def get_persons(self, obj: Case) -> list[dict[str, Any]]:
        return list(PersonSerializer(obj.persons.order_by("id"), many=True, context=self.context).data)

    @extend_schema_field(IdentifierOutSerializer(many=True))
    def get_identifiers(self, obj: Case) -> list[dict[str, Any]]:
        show = self.context.get("show_identity", False)
        victims = set(obj.persons.filter(role=Person.Role.VICTIM).values_list("pk", flat=True))
        return [{"id": ci.pk, "kind": ci.identifier.kind,
                 "value": None if (ci.person_id in victims and not show) else ci.identifier.value,
                 "person": ci.person_id, "source": ci.source}
                for ci in obj.identifiers.select_related("identifier").order_by("id")]

    def get_links(self, obj: Case) -> list[str]:
        return [f"{link.object_type}:{link.object_id}" for link in obj.links.all()]


class AlertSerializer(serializers.ModelSerializer):
    other_agency = serializers.CharField(source="other_agency.name")
    other_agency_email = serializers.CharField(source="other_agency.contact_email")
    other_agency_phone = serializers.CharField(source="other_agency.contact_phone")

    class Meta:
        model = DeconflictionAlert
        fields = ["id", "case", "other_agency", "other_agency_email", "other_agency_phone", "identifier_kind",
                  "created_at", "acknowledged_at"]


GraphSerializer = inline_serializer("LinkGraph", {
    "start": serializers.CharField(),
    "hops": serializers.IntegerField(),
    "nodes": serializers.ListField(child=inline_serializer("LinkGraphNode", {
        "id": serializers.CharField(), "type": serializers.CharField(), "object_id": serializers.CharField(),
        "hop": serializers.IntegerField(), "label": serializers.CharField(), "url": serializers.CharField(),
        "kind": serializers.CharField(required=False)})),
    "edges": serializers.ListField(child=inline_serializer("LinkGraphEdge", {
        "source": serializers.CharField(), "target": serializers.CharField(), "kind": serializers.CharField()})),
    "restricted": serializers.IntegerField(),
    "truncated": serializers.BooleanField(),
})

GRAPH_PARAMS = [
    OpenApiParameter("hops", OpenApiTypes.INT, description=f"1-{graph.MAX_HOPS}, default {graph.DEFAULT_HOPS}"),
    OpenApiParameter("max_nodes", OpenApiTypes.INT, description=f"at most {graph.MAX_NODES}"),
]


def _int_param(request: Request, name: str, default: int) -> int:
    try:
        return int(request.query_params.get(name, default))
    except ValueError:
        raise ValidationError({name: "Must be a whole number."}) from None


class CaseListCreate(generics.ListCreateAPIView):
    """Cases the user may see (GET), or open a case, optionally escalating ``source`` (POST)."""

    permission_classes = WORK
    pagination_class = Pagination
    error_statuses = (404,)  # POST: a source that does not exist or is not visible

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return CaseCreateSerializer if self.request.method == "POST" else CaseSerializer

    def get_queryset(self) -> Any:
        return selectors.case_list(user=self.request.user, status=self.request.query_params.get("status", ""))

    @extend_schema(parameters=[OpenApiParameter("status", OpenApiTypes.STR, description="open, active, referred or closed")])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        audit.record(actor=request.user, action=audit.Action.READ, object_type="case_list", summary="API case list",
                     request=request)  # type: ignore[arg-type]
        return super().get(request, *args, **kwargs)

    @extend_schema(request=CaseCreateSerializer, responses={201: CaseSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        s = CaseCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        source = d.pop("source", "")
        try:
            if source:
                object_type, object_id = access_source(request.user, source, request=request)  # type: ignore[arg-type]
                case = services.case_create_from_source(acting_user=request.user, object_type=object_type,  # type: ignore[arg-type]
                                                        object_id=object_id, request=request, **d)  # type: ignore[arg-type]
            else:
                case = services.case_create(acting_user=request.user, request=request, **d)  # type: ignore[arg-type]
        except DjangoValidationError as exc:
            raise api_validation_error(exc) from exc
        return Response(CaseSerializer(case).data, status=status.HTTP_201_CREATED)


class CaseDetail(APIView):
    """One case (audited read).  Potential victims' identities are null without need-to-know."""

    permission_classes = WORK

    @extend_schema(responses=CaseDetailSerializer)
    def get(self, request: Request, case_id: int) -> Response:
        case = access_case(request.user, case_id, request=request)  # type: ignore[arg-type]
        ctx = {"show_identity": can_see_victim_identity(request.user, case)}
        return Response(CaseDetailSerializer(case, context=ctx).data)


class CaseIdentifierCreate(APIView):
    """Add an identifier; when another agency's case holds it both case leads are alerted."""

    permission_classes = WORK

    @extend_schema(request=IdentifierCreateSerializer, responses={201: IdentifierOutSerializer})
    def post(self, request: Request, case_id: int) -> Response:
        case = access_case(request.user, case_id, request=request, audit_read=False, write=True)  # type: ignore[arg-type]
        s = IdentifierCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        person = None
        if s.validated_data.get("person"):
            person = case.persons.filter(pk=s.validated_data["person"]).first()
            if person is None:
                raise ValidationError({"person": "That person is not on this case."})
        try:
            ci = services.identifier_add(case=case, acting_user=request.user, kind=s.validated_data["kind"],  # type: ignore[arg-type]
                                         raw=s.validated_data["value"], person=person, request=request)  # type: ignore[arg-type]
        except DjangoValidationError as exc:
            raise api_validation_error(exc) from exc
        return Response({"id": ci.pk, "kind": ci.identifier.kind, "value": ci.identifier.value,
                         "person": ci.person_id, "source": ci.source}, status=status.HTTP_201_CREATED)


class CasePersonCreate(APIView):
    """Add a person to a case (identifying fields are encrypted at rest)."""

    permission_classes = WORK

    @extend_schema(request=PersonCreateSerializer, responses={201: PersonSerializer})
    def post(self, request: Request, case_id: int) -> Response:
        case = access_case(request.user, case_id, request=request, audit_read=False, write=True)  # type: ignore[arg-type]
        s = PersonCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        try:
            person = services.person_add(case=case, acting_user=request.user, request=request, **s.validated_data)  # type: ignore[arg-type]
        except DjangoValidationError as exc:
            raise api_validation_error(exc) from exc
        ctx = {"show_identity": can_see_victim_identity(request.user, case)}
        return Response(PersonSerializer(person, context=ctx).data, status=status.HTTP_201_CREATED)


class CaseGraph(APIView):
    """The link graph around a case."""

    permission_classes = WORK

    @extend_schema(operation_id="cases_case_graph", parameters=GRAPH_PARAMS, responses=GraphSerializer)
    def get(self, request: Request, case_id: int) -> Response:
        access_case(request.user, case_id, request=request, summary=f"link graph of case {case_id}")  # type: ignore[arg-type]
        g = graph.link_graph(request.user, "case", str(case_id), hops=_int_param(request, "hops", graph.DEFAULT_HOPS),
                             max_nodes=_int_param(request, "max_nodes", graph.DEFAULT_NODES))
        return Response(g.as_dict())


class LinkGraph(APIView):
    """The link graph around any visible start: ``case:<id>``, ``tip:<id>``, ``operation:<id>`` or ``identifier:<id>``."""

    permission_classes = WORK
    error_statuses = (404,)  # a start that does not exist or is not visible

    @extend_schema(operation_id="cases_link_graph",
                   parameters=[OpenApiParameter("start", OpenApiTypes.STR, required=True), *GRAPH_PARAMS],
                   responses=GraphSerializer)
    def get(self, request: Request) -> Response:
        object_type, object_id = access_graph_start(request.user, request.query_params.get("start", ""),
                                                    request=request)  # type: ignore[arg-type]
        g = graph.link_graph(request.user, object_type, object_id,
                             hops=_int_param(request, "hops", graph.DEFAULT_HOPS),
                             max_nodes=_int_param(request, "max_nodes", graph.DEFAULT_NODES))
        return Response(g.as_dict())


class AlertList(generics.ListAPIView):
    """Deconfliction alerts for the user (open ones; ``?all=1`` for acknowledged too)."""

    permission_classes = WORK
    serializer_class = AlertSerializer
    pagination_class = Pagination

    @extend_schema(parameters=[OpenApiParameter("all", OpenApiTypes.BOOL)])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        return selectors.alert_list(user=self.request.user,
                                    include_acknowledged=query_bool(self.request, "all"))


class AlertAcknowledge(APIView):
    """Acknowledge a deconfliction alert."""

    permission_classes = WORK

    @extend_schema(request=None, responses=AlertSerializer)
    def post(self, request: Request, alert_id: int) -> Response:
        alert = access_alert(request.user, alert_id, request=request)  # type: ignore[arg-type]
        services.alert_acknowledge(alert=alert, acting_user=request.user, request=request)  # type: ignore[arg-type]
        return Response(AlertSerializer(alert).data)


def _report_period(request: Request) -> tuple[dt.date, dt.date]:
    """``quarter``, or ``start``..``end`` (inclusive; a missing one is the first or last day of
    the other's quarter), or neither (this quarter so far): as (first day, day after the last)."""
    p = request.query_params
    if "quarter" in p:
        try:
            return reports.quarter_bounds(p["quarter"])
        except ValueError as exc:
            raise ValidationError({"quarter": [str(exc)]}) from None
    dates: dict[str, dt.date | None] = {}
    for name in ("start", "end"):
        try:
            dates[name] = clamp_date(dt.date.fromisoformat(p[name])) if name in p else None
        except ValueError:
            raise ValidationError({name: ["Use YYYY-MM-DD."]}) from None
    given = dates["start"] or dates["end"] or timezone.localdate()
    first, after = reports.quarter_bounds(reports.current_quarter(given))
    start = dates["start"] or first
    end = dates["end"] or (after - dt.timedelta(days=1) if dates["start"] else timezone.localdate())
    if end < start:
        raise ValidationError({"end": ["The end date is before the start date."]})
    return start, end + dt.timedelta(days=1)


class FederalReport(APIView):
    """Quarterly or custom-period counts for one task force (supervisors): ``quarter``, or
    ``start`` and/or ``end``, or neither for this quarter so far."""

    permission_classes = [IsAuthenticated, PermissionRequired.of(Perm.FEDERAL_REPORTS)]

    @extend_schema(
        parameters=[OpenApiParameter("task_force", OpenApiTypes.STR, required=True, description="task force slug"),
                    OpenApiParameter("quarter", OpenApiTypes.STR, pattern=r"^(19|2[0-9])[0-9]{2}-?Q[1-4]$",
                                     description="e.g. 2026Q3 (start and end are then ignored)"),
                    OpenApiParameter("start", OpenApiTypes.DATE, description="default: the first day of end's quarter"),
                    OpenApiParameter("end", OpenApiTypes.DATE,
                                     description="inclusive; default: the last day of start's quarter (neither: "
                                                 "this quarter up to today)")],
        responses={200: inline_serializer("FederalReport", {
            "task_force": serializers.CharField(), "start": serializers.DateField(), "end": serializers.DateField(),
            "rows": serializers.ListField(child=inline_serializer("FederalReportRow", {
                "measure": serializers.CharField(), "breakdown": serializers.CharField(),
                "count": serializers.IntegerField()}))}),
            404: OpenApiResponse(description="Not a task force of the user's agency")},
    )
    def get(self, request: Request) -> Response:
        tf = reports.access_task_force_report(request.user, request.query_params.get("task_force", ""), request=request)
        start, end = _report_period(request)
        report = reports.federal_report(tf, start, end)
        audit.record(actor=request.user, action=audit.Action.READ, object_type="federal_report", object_id=tf.slug,
                     summary=f"federal report {start}..{end}", request=request)  # type: ignore[arg-type]
        return Response({"task_force": tf.slug, "start": start, "end": report.last_day,
                         "rows": [{"measure": m, "breakdown": b, "count": n} for m, b, n in report.rows()]})



class CaseReadSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    user = serializers.CharField(source="actor_name")
    agency = serializers.CharField(source="agency.name", default=None, allow_null=True)
    action = serializers.CharField()
    summary = serializers.CharField()


class CaseReadLog(generics.ListAPIView):
    """Who read the case and when (reads and exports from the audit trail), newest first.

    Only for the case lead and the supervisors of the lead agency; anyone else gets 404.
    """

    permission_classes = WORK
    serializer_class = CaseReadSerializer
    pagination_class = Pagination

    def get_queryset(self) -> Any:
        case = access_case(self.request.user, self.kwargs["case_id"], request=self.request, audit_read=False)  # type: ignore[arg-type]
        return read_log.access_read_log(self.request.user, case, request=self.request)  # type: ignore[arg-type]
