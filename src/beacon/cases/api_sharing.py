"""API for sharing a case with other agencies: participating agencies (``/api/v1/cases/<id>/agencies/``).

Participation is how a lead agency lets another agency read *and* add to its case (a grant is
read-only); see ``access.py`` and docs/security.md, "Case access between agencies".
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from beacon.core.api import api_validation_error
from beacon.core.models import Agency

from . import services
from .access import access_case, can_manage, deny_manage
from .api import WORK
from .models import Case

ParticipantsSerializer = inline_serializer("CaseParticipant", {
    "id": serializers.IntegerField(), "name": serializers.CharField()}, many=True)


def _managed(request: Request, case_id: int) -> Case:
    """A case whose participation the user may change: the lead agency's (else 404 / 403, each audited)."""
    case = access_case(request.user, case_id, request=request, audit_read=False)  # type: ignore[arg-type]
    if not can_manage(request.user, case):
        deny_manage(request.user, case, request=request)  # type: ignore[arg-type]
        raise PermissionDenied("Only the lead agency changes who participates in its case.")
    return case


def _participants(case: Case) -> list[dict[str, Any]]:
    return [{"id": a.pk, "name": a.name} for a in case.participating_agencies.order_by("name")]


class CaseAgencies(APIView):
    """Participating agencies: their members read the case and add to it.  The lead agency adds them (POST)."""

    permission_classes = WORK

    @extend_schema(responses=ParticipantsSerializer)
    def get(self, request: Request, case_id: int) -> Response:
        case = access_case(request.user, case_id, request=request,  # type: ignore[arg-type]
                           summary=f"participants of case {case_id}")
        return Response(_participants(case))

    @extend_schema(request=inline_serializer("CaseParticipantAdd", {"agency": serializers.IntegerField()}),
                   responses={201: ParticipantsSerializer})
    def post(self, request: Request, case_id: int) -> Response:
        case = _managed(request, case_id)
        raw = str(request.data.get("agency") if hasattr(request.data, "get") else "")
        agency = Agency.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
        if agency is None:
            raise ValidationError({"agency": "Give the id of an existing agency."})
        try:
            services.case_add_agency(case=case, agency=agency, acting_user=request.user, request=request)  # type: ignore[arg-type]
        except DjangoValidationError as exc:
            raise api_validation_error(exc) from exc
        return Response(_participants(case), status=status.HTTP_201_CREATED)


class CaseAgencyRemove(APIView):
    """End an agency's participation (lead agency only): its members lose access unless a grant remains."""

    permission_classes = WORK

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, case_id: int, agency_id: int) -> Response:
        case = _managed(request, case_id)
        agency = case.participating_agencies.filter(pk=agency_id).first()
        if agency is None:
            raise NotFound("That agency does not participate in the case.")
        services.case_remove_agency(case=case, agency=agency, acting_user=request.user, request=request)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)
