"""The read-only HSDS 3.1 API at ``/api/hsds/`` (public, no sign-in).

Follows ``hsds/openapi.json``: ``/services``, ``/services/{id}``, ``/organizations``,
``/organizations/{id}``, ``/taxonomies``, ``/taxonomy_terms``, ``/service_at_locations``
(and their ``{id}``) with the HSDS query parameters and the HSDS page shape.  Only services
listed publicly appear, and a confidential location shows neither address nor point.
"""

from __future__ import annotations

import json
import math
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, StreamingHttpResponse
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from beacon.core import geo
from beacon.core.models import ZipCode

from . import hsds_io, taxonomy
from .models import (
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    ServiceAttribute,
    Taxonomy,
    TaxonomyTerm,
)
from .selectors import is_uuid

MAX_PER_PAGE = 500


def public_services() -> QuerySet[Service]:
    hidden = ServiceAttribute.objects.filter(service=OuterRef("pk"), taxonomy_term__code=taxonomy.NOT_PUBLIC)
    return Service.objects.filter(~Exists(hidden))


def public_organizations() -> QuerySet[Organization]:
    """Organisations with at least one publicly listed service: one that runs only staff-only
    services (a confidential programme, say) is not named in the public API at all."""
    return Organization.objects.filter(Exists(public_services().filter(organization=OuterRef("pk"))))


def _int(request: Request, name: str, default: int, *, low: int = 1, high: int | None = None) -> int:
    """A whole-number parameter, clamped into ``low..high``: the HSDS OpenAPI document declares
    ``page`` and ``per_page`` as plain integers, so ``per_page=0`` or ``page=-1`` are valid
    requests (answered with the nearest page size or page) and only a non-number is a 400."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: "Must be a whole number."}) from None
    value = max(low, value)
    return value if high is None else min(value, high)


TRUE, FALSE = ("true", "1", "yes"), ("false", "0", "no")


def _bool(request: Request, name: str) -> bool:
    raw = (request.query_params.get(name) or "").lower()
    if raw and raw not in TRUE + FALSE:
        raise ValidationError({name: "Must be true or false."})
    return raw in TRUE


def _uuid_param(request: Request, name: str) -> Any:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if not is_uuid(raw):
        raise ValidationError({name: "Must be a UUID."})
    return raw


def paginate(request: Request, queryset: QuerySet[Any], render: Any) -> Response | StreamingHttpResponse:
    """The HSDS page shape, or with ``format=ndjson`` every result, one JSON object a line,
    streamed without pagination (as the HSDS API specifies)."""
    fmt = (request.query_params.get("format") or "json").lower()
    # checked for ndjson too (which ignores them): ``per_page=null`` is a 400 either way
    per_page = _int(request, "per_page", 50, high=MAX_PER_PAGE)
    page = _int(request, "page", 1)
    if fmt == "ndjson":
        rows = (json.dumps(render(x), cls=DjangoJSONEncoder, ensure_ascii=False) + "\n"
                for x in queryset.iterator(chunk_size=500))
        return StreamingHttpResponse(rows, content_type="application/x-ndjson")
    if fmt != "json":
        raise ValidationError({"format": "Must be json or ndjson."})
    total = queryset.count()
    pages = max(1, math.ceil(total / per_page))
    items = list(queryset[(page - 1) * per_page: page * per_page]) if page <= pages else []
    contents = [render(x) for x in items]
    return Response({
        "total_items": total, "total_pages": pages, "page_number": page, "size": len(contents),
        "first_page": page == 1, "last_page": page >= pages, "empty": not contents, "contents": contents,
    })


P = OpenApiParameter
SEARCH = P("search", OpenApiTypes.STR, description="Full-text search (name and description)")
PAGE = P("page", OpenApiTypes.INT, description="Page number (from 1; smaller values give page 1)")
PER_PAGE = P("per_page", OpenApiTypes.INT,
             description=f"Results per page (default 50; clamped to 1..{MAX_PER_PAGE}, as HSDS sets no bounds)")
TERM = P("taxonomy_term_id", OpenApiTypes.UUID)
TAXONOMY = P("taxonomy_id", OpenApiTypes.UUID)
ORG = P("organization_id", OpenApiTypes.UUID)
MODIFIED = P("modified_after", OpenApiTypes.DATETIME)
FULL = P("full", OpenApiTypes.BOOL, description="Fully nested records")
MINIMAL = P("minimal", OpenApiTypes.BOOL, description="Only id and last_modified")
FULL_SERVICE = P("full_service", OpenApiTypes.BOOL)
ID = P("id", OpenApiTypes.UUID, OpenApiParameter.PATH)
FORMAT = P("format", OpenApiTypes.STR, enum=["json", "ndjson"],
           description="json (paginated, the default) or ndjson (every result, one a line, streamed)")
MAX_PROXIMITY_M = 500_000
POSTCODE = P("postcode", {"type": "string", "pattern": r"^\d{5}"},
             description="A Missouri ZIP code: services at that postcode, or with proximity, near its centroid "
                         "(a ZIP code Beacon does not know is a 404 with proximity)")
PROXIMITY = P("proximity", {"type": "integer", "minimum": 1, "maximum": MAX_PROXIMITY_M},
              description="Metres from the centroid of postcode (needs postcode)")
# A list answers an HSDS page (JSON), or with format=ndjson one JSON object a line.
PAGE_RESPONSES = {
    (200, "application/json"): OpenApiTypes.OBJECT,
    (200, "application/x-ndjson"): OpenApiResponse(
        response=OpenApiTypes.STR, description="format=ndjson: every result, one JSON object a line"),
}


class _JsonOnly(BaseContentNegotiation):
    """HSDS's ``format`` parameter chooses json or ndjson (see ``paginate``), not a DRF renderer."""

    def select_parser(self, request: Request, parsers: Any) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(self, request: Request, renderers: Any, format_suffix: str | None = None) -> Any:
        return renderers[0], renderers[0].media_type


class HsdsView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    renderer_classes = [JSONRenderer]
    content_negotiation_class = _JsonOnly


def _filter_services(request: Request, qs: QuerySet[Service], prefix: str = "") -> QuerySet[Service]:
    search = (request.query_params.get("search") or "").strip()
    if search:
        qs = qs.filter(Q(**{f"{prefix}name__icontains": search}) | Q(**{f"{prefix}description__icontains": search})
                       | Q(**{f"{prefix}organization__name__icontains": search}))
    if term := _uuid_param(request, "taxonomy_term_id"):
        qs = qs.filter(**{f"{prefix}attributes__taxonomy_term_id": term})
    if tax := _uuid_param(request, "taxonomy_id"):
        qs = qs.filter(**{f"{prefix}attributes__taxonomy_term__taxonomy_id": tax})
    if org := _uuid_param(request, "organization_id"):
        qs = qs.filter(**{f"{prefix}organization_id": org})
    if raw := request.query_params.get("modified_after"):
        when = parse_datetime(raw)
        if when is None:
            raise ValidationError({"modified_after": "Must be an ISO 8601 date-time."})
        qs = qs.filter(**{f"{prefix}last_modified__gt": when})
    return qs.distinct()


class ApiMeta(HsdsView):
    @extend_schema(operation_id="getAPIMetaInformation", responses=OpenApiTypes.OBJECT, summary="HSDS API metadata")
    def get(self, request: Request) -> Response:
        return Response({"version": "3.1", "profile": "https://openreferral.org/", "openapi_url": "/api/hsds/openapi.json"})


class ServiceList(HsdsView):
    @extend_schema(operation_id="getPaginatedListOfServices", parameters=[SEARCH, PAGE, PER_PAGE, TERM, TAXONOMY, ORG, MODIFIED, MINIMAL, FULL, FORMAT],
                   responses=PAGE_RESPONSES, summary="Paginated list of public services")
    def get(self, request: Request) -> Response | StreamingHttpResponse:
        qs = _filter_services(request, public_services()).select_related("organization").order_by("name", "id")
        minimal, full = _bool(request, "minimal"), _bool(request, "full")  # both checked, whichever applies
        if minimal:
            return paginate(request, qs, lambda s: {"id": str(s.id), "last_modified": hsds_io._s(s.last_modified)})
        if full:
            qs = qs.prefetch_related(*hsds_io.SERVICE_PREFETCH)
        return paginate(request, qs, lambda s: hsds_io.service_dict(s, public=True, full=full))


class ServiceDetail(HsdsView):
    @extend_schema(operation_id="getFullyNestedServiceById", parameters=[ID], responses=OpenApiTypes.OBJECT, summary="A fully nested service")
    def get(self, request: Request, id: str) -> Response:
        service = (public_services().select_related("organization").prefetch_related(*hsds_io.SERVICE_PREFETCH)
                   .filter(pk=id).first() if is_uuid(id) else None)
        if service is None:
            raise Http404("No public service has that id.")
        return Response(hsds_io.service_dict(service, public=True))


def _org_dict(org: Organization, full_service: bool) -> dict[str, Any]:
    d = hsds_io.row_of(org, hsds_io.TABLES["organization"][1])
    d["phones"] = [hsds_io.row_of(p, hsds_io.TABLES["phone"][1]) for p in org.phones.all()]
    d["locations"] = [hsds_io.location_dict(loc, public=True) for loc in org.locations.all()]
    d["services"] = [hsds_io.service_dict(s, public=True, full=full_service, with_organization=False)
                     for s in org.services.all()]  # prefetched: public services only
    return d


def _org_queryset(full_service: bool) -> QuerySet[Organization]:
    from django.db.models import Prefetch

    services = public_services().order_by("name", "id")
    if full_service:
        services = services.prefetch_related(*hsds_io.SERVICE_PREFETCH)
    # Only locations where a public service is delivered: an address used only by staff-only
    # services is not published with the organisation.
    at_public = ServiceAtLocation.objects.filter(location=OuterRef("pk"), service__in=public_services())
    locations = Location.objects.filter(Exists(at_public)).order_by("name", "id")
    return public_organizations().prefetch_related(
        "phones", Prefetch("services", queryset=services), Prefetch("locations", queryset=locations),
        "locations__addresses", "locations__phones", "locations__languages", "locations__schedules", "locations__county",
    )


class OrganizationList(HsdsView):
    @extend_schema(operation_id="getPaginatedListOfOrganizations", parameters=[SEARCH, FULL_SERVICE, FULL, TERM, TAXONOMY, PAGE, PER_PAGE, FORMAT],
                   responses=PAGE_RESPONSES, summary="Paginated list of organisations")
    def get(self, request: Request) -> Response | StreamingHttpResponse:
        qs = public_organizations()
        if search := (request.query_params.get("search") or "").strip():
            qs = qs.filter(Q(name__icontains=search) | Q(description__icontains=search))
        if term := _uuid_param(request, "taxonomy_term_id"):
            qs = qs.filter(services__in=public_services().filter(attributes__taxonomy_term_id=term))
        if tax := _uuid_param(request, "taxonomy_id"):
            qs = qs.filter(services__in=public_services().filter(attributes__taxonomy_term__taxonomy_id=tax))
        full_service = _bool(request, "full_service")
        if _bool(request, "full") or full_service:
            qs = _org_queryset(full_service).filter(pk__in=qs.values("pk"))
            return paginate(request, qs.order_by("name", "id"), lambda o: _org_dict(o, full_service))
        return paginate(request, qs.distinct().order_by("name", "id"),
                        lambda o: hsds_io.row_of(o, hsds_io.TABLES["organization"][1]))


class OrganizationDetail(HsdsView):
    @extend_schema(operation_id="getOrganizationById", parameters=[ID, FULL_SERVICE], responses=OpenApiTypes.OBJECT, summary="An organisation")
    def get(self, request: Request, id: str) -> Response:
        full_service = _bool(request, "full_service")
        org = _org_queryset(full_service).filter(pk=id).first() if is_uuid(id) else None
        if org is None:
            raise Http404("No organization has that id.")
        return Response(_org_dict(org, full_service))


class TaxonomyList(HsdsView):
    @extend_schema(operation_id="getPaginatedListOfTaxonomies", parameters=[SEARCH, PAGE, PER_PAGE, FORMAT], responses=PAGE_RESPONSES, summary="Taxonomies")
    def get(self, request: Request) -> Response | StreamingHttpResponse:
        qs = Taxonomy.objects.order_by("name", "id")
        if search := (request.query_params.get("search") or "").strip():
            qs = qs.filter(Q(name__icontains=search) | Q(description__icontains=search))
        return paginate(request, qs, hsds_io.taxonomy_dict)


class TaxonomyDetail(HsdsView):
    @extend_schema(operation_id="getTaxonomyById", parameters=[ID], responses=OpenApiTypes.OBJECT, summary="A taxonomy")
    def get(self, request: Request, id: str) -> Response:
        t = Taxonomy.objects.filter(pk=id).first() if is_uuid(id) else None
        if t is None:
            raise Http404("No taxonomy has that id.")
        return Response(hsds_io.taxonomy_dict(t))


class TaxonomyTermList(HsdsView):
    @extend_schema(operation_id="getPaginatedListOfTaxonomyTerms", parameters=[SEARCH, PAGE, PER_PAGE, FORMAT, TAXONOMY, P("top_only", OpenApiTypes.BOOL),
                               P("parent_id", OpenApiTypes.UUID)], responses=PAGE_RESPONSES, summary="Taxonomy terms")
    def get(self, request: Request) -> Response | StreamingHttpResponse:
        qs = TaxonomyTerm.objects.select_related("taxonomy").order_by("name", "id")
        if search := (request.query_params.get("search") or "").strip():
            qs = qs.filter(Q(name__icontains=search) | Q(code__icontains=search) | Q(description__icontains=search))
        if tax := _uuid_param(request, "taxonomy_id"):
            qs = qs.filter(taxonomy_id=tax)
        if parent := _uuid_param(request, "parent_id"):
            qs = qs.filter(parent_id=parent)
        if _bool(request, "top_only"):
            qs = qs.filter(parent__isnull=True)
        return paginate(request, qs, hsds_io.term_dict)


class TaxonomyTermDetail(HsdsView):
    @extend_schema(operation_id="getTaxonomyTermById", parameters=[ID], responses=OpenApiTypes.OBJECT, summary="A taxonomy term")
    def get(self, request: Request, id: str) -> Response:
        t = TaxonomyTerm.objects.select_related("taxonomy").filter(pk=id).first() if is_uuid(id) else None
        if t is None:
            raise Http404("No taxonomy term has that id.")
        return Response(hsds_io.term_dict(t, nested=True))


def _sal_dict(sal: ServiceAtLocation) -> dict[str, Any]:
    d = hsds_io.row_of(sal, hsds_io.TABLES["service_at_location"][1])
    d["location"] = hsds_io.location_dict(sal.location, public=True)
    d["service"] = hsds_io.service_dict(sal.service, public=True, full=False)
    return d


SAL_RELATED = ["location__addresses", "location__phones", "location__languages", "location__schedules"]


class ServiceAtLocationList(HsdsView):
    error_statuses = (404,)  # an unknown postcode with proximity
    @extend_schema(operation_id="getPaginatedListOfServiceAtLocation",
                   parameters=[SEARCH, TERM, TAXONOMY, ORG, MODIFIED, FULL, PAGE, PER_PAGE, FORMAT, POSTCODE, PROXIMITY],
                   responses=PAGE_RESPONSES, summary="Services at locations (public services only)")
    def get(self, request: Request) -> Response | StreamingHttpResponse:
        _bool(request, "full")  # checked, but a service at a location is always given in full
        services = _filter_services(request, public_services())
        qs = (ServiceAtLocation.objects.filter(service__in=services)
              .select_related("service__organization", "location__county").prefetch_related(*SAL_RELATED)
              .order_by("service__name", "id"))
        return paginate(request, _near_postcode(request, qs), _sal_dict)


def _near_postcode(request: Request, qs: QuerySet[ServiceAtLocation]) -> QuerySet[ServiceAtLocation]:
    """``postcode``: services at that ZIP code; with ``proximity`` (metres), services whose
    location lies within that distance of the ZIP code's centroid.

    A confidential location never matches either: it publishes neither address nor point,
    and answering "is it within N metres of here?" for many N and many postcodes would give
    its position away.
    """
    postcode = (request.query_params.get("postcode") or "").strip()
    raw = (request.query_params.get("proximity") or "").strip()
    if not postcode:
        if raw:
            raise ValidationError({"proximity": "Give a postcode to measure the proximity from."})
        return qs
    if not (len(postcode) >= 5 and postcode[:5].isdigit()):
        raise ValidationError({"postcode": "Must be a 5-digit ZIP code."})
    qs = qs.filter(location__confidential=False)
    if not raw:
        return qs.filter(location__addresses__postal_code__startswith=postcode[:5]).distinct()
    try:
        metres = int(raw)
    except ValueError:
        raise ValidationError({"proximity": "Must be a whole number of metres."}) from None
    if not 0 < metres <= MAX_PROXIMITY_M:
        raise ValidationError({"proximity": f"Must be between 1 and {MAX_PROXIMITY_M:,} metres."})
    centre = ZipCode.objects.filter(zip=postcode[:5]).values_list("lat", "lon").first()
    if centre is None:  # well formed, but not a ZIP code Beacon knows
        raise Http404("Not a ZIP code in or next to Missouri.")
    lat, lon = centre
    km = metres / 1000
    # a bounding box the (latitude, longitude) index answers, then the exact distance
    dlat = km / 111.0
    dlon = km / (111.0 * max(0.1, math.cos(math.radians(lat))))
    boxed = qs.filter(location__latitude__range=(lat - dlat, lat + dlat),
                      location__longitude__range=(lon - dlon, lon + dlon))
    near = [pk for pk, la, lo in boxed.values_list("pk", "location__latitude", "location__longitude")
            if la is not None and lo is not None and geo.distance_km(lat, lon, la, lo) <= km]
    return qs.filter(pk__in=near)


class ServiceAtLocationDetail(HsdsView):
    @extend_schema(operation_id="getServiceAtLocationWithNestedDataById", parameters=[ID], responses=OpenApiTypes.OBJECT, summary="A service at a location")
    def get(self, request: Request, id: str) -> Response:
        sal = (ServiceAtLocation.objects.filter(service__in=public_services(), pk=id)
               .select_related("service__organization", "location__county").prefetch_related(*SAL_RELATED).first()
               if is_uuid(id) else None)
        if sal is None:
            raise Http404("No public service at location has that id.")
        return Response(_sal_dict(sal))
