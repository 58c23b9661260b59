"""API plumbing shared by every app: one error body, one pagination."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class Pagination(PageNumberPagination):
    """``page`` (from 1) and ``per_page`` (from 1; above ``max_page_size`` it is clamped to it).

    A ``page`` or ``per_page`` that is not a whole number of at least 1 (``null``, ``0``, ``-5``,
    ``abc``, or the parameter given twice) is a 400; a page past the last one is a 404.
    """

    page_size = 50
    page_size_query_param = "per_page"
    max_page_size = 500
    last_page_strings = ()

    def _whole(self, request: Any, name: str) -> int | None:
        values = request.query_params.getlist(name)
        if not values:
            return None
        if len(values) > 1:
            raise exceptions.ValidationError({name: [f"Give {name} once."]})
        raw = values[0].strip()
        if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
            raise exceptions.ValidationError({name: ["Must be a whole number, 1 or more."]})
        return int(raw)

    def get_page_size(self, request: Any) -> int:
        size = self._whole(request, self.page_size_query_param)
        return self.page_size if size is None else min(size, self.max_page_size)

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        self._whole(request, self.page_query_param)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {"name": self.page_query_param, "required": False, "in": "query",
             "description": "A page number, from 1 (a page past the last one is a 404).",
             "schema": {"type": "integer", "minimum": 1}},
            {"name": self.page_size_query_param, "required": False, "in": "query",
             "description": f"Results per page, from 1 (default {self.page_size}; larger values are clamped to "
                            f"{self.max_page_size}).",
             "schema": {"type": "integer", "minimum": 1}},
        ]


EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(9000, 12, 31)


def clamp_date(day: dt.date) -> dt.date:
    """A period bound moved into 1900..9000: no record lies outside, and every date-time built
    from it is representable in every time zone and has a whole-minute offset (RFC 3339)."""
    return min(max(day, EARLIEST_DATE), LATEST_DATE)


class StrictDateField(serializers.DateField):
    """A date query parameter where ``?end=`` (given, but empty) is a 400, not "not given"."""

    def get_value(self, dictionary: Any) -> Any:
        return dictionary.get(self.field_name, serializers.empty)


class StrictFloatField(serializers.FloatField):
    """A number, refusing JSON booleans (``float(True)`` is 1.0, so DRF's FloatField takes
    ``"lat": true`` as latitude 1)."""

    default_error_messages = {"invalid": "A number is required (not true or false)."}

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


def refuse_non_strings() -> None:
    """Make DRF's ``CharField`` (and every field built on it: ``EmailField``, ``URLField``,
    ``RegexField``, the ``CharField`` a ``ModelSerializer`` makes for a text column...) refuse a
    JSON number, as it already refuses ``true``/``false``.  DRF coerces ``{"reason": 0}`` to
    ``"0"``; the schema says ``type: string``, so a client sending a number has a bug worth a 400.
    Query strings and form bodies are always text, so only JSON bodies are affected.

    Called once from ``CoreConfig.ready`` (one place, for every serializer of every app).
    """
    original = serializers.CharField.to_internal_value
    if getattr(original, "beacon_strict", False):
        return

    def to_internal_value(self: serializers.CharField, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("not_a_string")
        return original(self, data)

    to_internal_value.beacon_strict = True  # type: ignore[attr-defined]
    serializers.CharField.to_internal_value = to_internal_value  # type: ignore[method-assign,assignment]
    serializers.CharField.default_error_messages = {**serializers.CharField.default_error_messages,
                                                   "not_a_string": "Must be a string (text in quotes)."}

    # The same for BooleanField, which takes the numbers 0 and 1: only true and false, or text
    # (a query string or a multipart form sends "true"/"false"/"1"/"0", which stay accepted).
    original_bool = serializers.BooleanField.to_internal_value

    def bool_to_internal_value(self: serializers.BooleanField, data: Any) -> bool:
        if not isinstance(data, (bool, str)):
            self.fail("invalid", input=data)
        return original_bool(self, data)

    serializers.BooleanField.to_internal_value = bool_to_internal_value  # type: ignore[method-assign,assignment]


def query_bool(request: Any, name: str, default: bool = False) -> bool:
    """A boolean query parameter: ``true``/``false`` (or ``1``/``0``); anything else is a 400."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if raw.lower() in ("true", "1"):
        return True
    if raw.lower() in ("false", "0"):
        return False
    raise exceptions.ValidationError({name: ["Must be true or false."]})


def query_choice(request: Any, name: str, choices: Any, default: str = "") -> str:
    """A query parameter that must be one of ``choices`` (the enum the schema lists)."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if raw not in choices:
        raise exceptions.ValidationError({name: [f"Choose one of {', '.join(map(str, choices))}."]})
    return str(raw)


def period(start: dt.date | None, end: dt.date | None, *, default_end: dt.date, length: dt.timedelta) -> tuple[dt.date, dt.date]:
    """A ``start``..``end`` period where either bound may be left out: the missing one is
    ``length`` away from the given one (both missing: the ``length`` ending on ``default_end``).
    Only an ``end`` before a given ``start`` is refused (a 400 on ``end``)."""
    if start is None and end is None:
        end = default_end
    if start is None:
        assert end is not None
        start = max(clamp_date(end) - length, EARLIEST_DATE)
    elif end is None:
        end = min(clamp_date(start) + length, LATEST_DATE)
    if end < start:
        raise exceptions.ValidationError({"end": ["The end date is before the start date."]})
    return start, end


def _flatten(detail: Any) -> Any:
    if isinstance(detail, list):
        return [str(d) for d in detail] if all(not isinstance(d, (dict, list)) for d in detail) else [_flatten(d) for d in detail]
    if isinstance(detail, dict):
        return {k: _flatten(v) for k, v in detail.items()}
    return str(detail)


def api_validation_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    """A model/service ``ValidationError`` as the API's field-by-field 400."""
    return exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages})


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every API error is ``{"error": "...", "fields": {...}}``."""
    if isinstance(exc, DjangoValidationError):
        exc = api_validation_error(exc)
    if isinstance(exc, Http404):
        message = str(exc) if str(exc) and "matches the given query" not in str(exc) else "Not found."
        return Response({"error": message, "fields": {}}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, RequestDataTooBig):
        message = str(exc) if "limit" in str(exc) else "The request body is too large."
        return Response({"error": message, "fields": {}}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = _flatten(exc.detail)
        fields = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        general = fields.get("non_field_errors")
        message = general[0] if general else "Some fields are not valid."
        response.data = {"error": message, "fields": fields}
    else:
        detail = getattr(exc, "detail", str(exc))
        response.data = {"error": str(detail), "fields": {}}
    return response
