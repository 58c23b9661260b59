"""The OpenAPI schema's shared parts: the error body, and which errors each operation lists.

``AutoSchema`` (the project's ``DEFAULT_SCHEMA_CLASS``) adds to every operation the error
responses it can give, each with the ``Error`` component (``{"error", "fields"}``):

- 400 when the operation takes a body or query parameters (invalid input; an empty query
  value such as ``?until=`` is invalid, so every text query parameter has ``minLength: 1``);
- 401 when it needs a token or verified session, 403 when it also needs a permission;
- 404 when its path names an object, or it is paginated (a page past the last);
- 413 and 415 when it takes a body (too large; not JSON, form or multipart);
- whatever a view adds in ``error_statuses`` (429 for rate-limited public endpoints, 403 or
  404 that a view gives for other reasons).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from .access import PermissionRequired

# One character that DRF's trimming (``str.strip``) keeps: not in Python's whitespace.  Spelled
# out rather than ``\S``, which means "not ASCII whitespace" to the schema's (ECMA) readers
# and to schemathesis: "\x1c" and "\x85" pass ``\S`` yet strip to nothing (a 400 for "blank"),
# and "\ufeff" fails ``\S`` although DRF keeps it.  Python's and ECMA's regexes read this class
# the same way.
NOT_BLANK = r"[^\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"


@functools.cache
def county_fips() -> list[str]:
    """The 115 Missouri county FIPS codes (from the boundary file the geography is loaded from)."""
    path = Path(__file__).resolve().parent / "data" / "mo_counties.geojson"
    return sorted(f["properties"]["fips"] for f in json.loads(path.read_text())["features"])


class _FipsField(serializers.ChoiceField):
    pass


def fips_field(*, allow_blank: bool = False, **kwargs: Any) -> serializers.ChoiceField:
    """A Missouri county FIPS code, listed as an enum in the schema (so a generated request
    names a real county)."""
    values = county_fips()
    enum = ["", *values] if allow_blank else values
    # inside anyOf: spectacular's enum hook would otherwise make it a shared (colliding) component
    cls = extend_schema_field({"anyOf": [{"type": "string", "enum": enum}], "description": "5-digit Missouri county FIPS"})(
        type("FipsField", (_FipsField,), {}))
    return cls(choices=values, allow_blank=allow_blank, **kwargs)  # type: ignore[no-any-return]


class _FipsRelatedField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    pass


def fips_related_field(**kwargs: Any) -> serializers.PrimaryKeyRelatedField:  # type: ignore[type-arg]
    """A County foreign key given by FIPS, listed as the 115 codes in the schema."""
    schema: dict[str, Any] = {"anyOf": [{"type": "string", "enum": county_fips()}]}
    if kwargs.get("allow_null"):
        schema["nullable"] = True
    cls = extend_schema_field(schema)(type("FipsRelatedField", (_FipsRelatedField,), {}))
    return cls(**kwargs)  # type: ignore[no-any-return]


class ErrorSerializer(serializers.Serializer):
    error = serializers.CharField(help_text="What went wrong, in a sentence")
    fields = serializers.DictField(  # type: ignore[assignment]
        help_text="For invalid input: the messages for each field (a list, or an object for nested fields); "
                  "otherwise empty",
    )

    class Meta:
        ref_name = "Error"


DESCRIPTIONS = {
    400: "Invalid input: `fields` says which and why",
    401: "No valid token or verified session",
    403: "Signed in without the permission this needs",
    404: "Not found (or not visible to you)",
    413: "The request body is too large",
    415: "The body is not JSON, form or multipart data",
    429: "Too many requests: try again after `Retry-After` seconds",
}
BODY_METHODS = {"POST", "PUT", "PATCH"}


class AutoSchema(openapi.AutoSchema):
    def error_statuses(self) -> set[int]:
        view = self.view
        statuses = set(getattr(view, "error_statuses", ()))
        permissions = list(getattr(view, "permission_classes", []))
        if not all(isinstance(p, type) and issubclass(p, AllowAny) for p in permissions):
            statuses.add(401)
            if any(isinstance(p, type) and issubclass(p, PermissionRequired) for p in permissions):
                statuses.add(403)
        if self.method in BODY_METHODS:
            statuses |= {400, 413, 415}
        parameters = self._get_parameters()
        if any(p.get("in") == "query" for p in parameters):
            statuses.add(400)
        paginated = getattr(view, "pagination_class", None) and any(p.get("name") == "page" for p in parameters)
        if paginated or any(p.get("in") == "path" for p in parameters):
            statuses.add(404)
        return statuses

    def _get_parameters(self) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super()._get_parameters()
        for parameter in parameters:
            schema = parameter.get("schema") or {}
            # An empty query value is a 400 (``beacon.core.errors``): say so for text parameters.
            if parameter.get("in") == "query" and schema.get("type") == "string" and "enum" not in schema:
                schema.setdefault("minLength", 1)
        return parameters

    def _map_serializer_field(self, field: Any, direction: Any, bypass_extensions: bool = False) -> dict[str, Any]:
        schema: dict[str, Any] = super()._map_serializer_field(field, direction, bypass_extensions)
        # DRF trims strings and then refuses a blank one: say so (one visible character at least).
        if (direction == "request" and type(field) is serializers.CharField and field.trim_whitespace
                and not field.allow_blank and schema.get("type") == "string"
                and not {"pattern", "format", "enum"} & set(schema)):
            schema["pattern"] = NOT_BLANK
        # A nested ``many=True`` serializer's bounds (DRF's ListSerializer ``max_length``,
        # ``min_length``, ``allow_empty``), which spectacular leaves out (it does map ListField's).
        if isinstance(field, serializers.ListSerializer) and schema.get("type") == "array":
            high, low = getattr(field, "max_length", None), getattr(field, "min_length", None)
            if high is not None:
                schema.setdefault("maxItems", high)
            low = low if low is not None else (0 if field.allow_empty else 1)
            if low:
                schema.setdefault("minItems", low)
        return schema

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for status in sorted(self.error_statuses()):
            if str(status) not in responses:
                error = OpenApiResponse(response=ErrorSerializer, description=DESCRIPTIONS.get(status, ""))
                responses[str(status)] = self._get_response_for_code(error, str(status), None, direction)
        return responses
