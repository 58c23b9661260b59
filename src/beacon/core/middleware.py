from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from .models import new_request_id

_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,36}$")


class RequestIdMiddleware:
    """Give every request an id (kept in audit events and echoed as X-Request-ID)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _REQUEST_ID.match(incoming) else new_request_id()  # type: ignore[attr-defined]
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id  # type: ignore[attr-defined]
        return response


PUBLIC_PREFIXES = ("/report", "/es/report", "/api/v1/tips", "/es/", "/api/v1/public")


class BodySizeLimitMiddleware:
    """Refuse oversized bodies on public (unauthenticated) endpoints with a clear 413."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in {"POST", "PUT", "PATCH"} and request.path.startswith(PUBLIC_PREFIXES):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            limit = settings.BEACON_PUBLIC_BODY_LIMIT
            if length > limit:
                return JsonResponse(
                    {"error": f"The request body is too large (limit {limit // 1024} KB).", "fields": {}},
                    status=413,
                )
        return self.get_response(request)
