"""Every error under ``/api/`` is JSON in the API's ``{"error": ..., "fields": {}}`` shape.

DRF views already answer their own errors that way (``beacon.core.api.exception_handler``).
What reaches Django instead (an unknown ``/api/...`` path, a body over
``DATA_UPLOAD_MAX_MEMORY_SIZE``, an unhandled exception) would be answered with an HTML page;
``ApiErrorMiddleware`` turns those into the same JSON shape, with DEBUG on or off, and
without a traceback.  The ``handler400``/``handler404``/``handler500`` functions do the same
for Django's error views (used when DEBUG is off).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

API_PREFIX = "/api/"
logger = logging.getLogger("beacon.api")

MESSAGES = {
    400: "Bad request.",
    403: "You do not have permission to do this.",
    404: "Not found.",
    405: "Method not allowed.",
    413: "The request body is too large.",
    415: "Unsupported media type.",
    429: "Too many requests; try again later.",
    500: "Server error: the problem has been logged.",
}
# Headers of the original error response worth keeping (the rest describe the HTML body).
KEEP_HEADERS = ("Allow", "Retry-After", "X-Request-ID", "WWW-Authenticate", "Vary")


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def error_response(status: int, message: str | None = None) -> JsonResponse:
    if message is None:
        message = MESSAGES.get(status) or HTTPStatus(status).phrase
    return JsonResponse({"error": message, "fields": {}}, status=status)


def _too_big(exception: BaseException) -> JsonResponse:
    return error_response(413, str(exception) if "limit" in str(exception) else None)


def _has_nul(request: HttpRequest) -> bool:
    return "\x00" in request.path or any(
        "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists())


EMPTY_MESSAGE = "Give a value, or leave the parameter out."


def _empty_parameters(request: HttpRequest) -> list[str]:
    """Query parameters given with an empty value (``?until=``).  OpenAPI's ``allowEmptyValue``
    is false unless a parameter says otherwise, and none of Beacon's does: an empty value is
    a 400 naming the parameter, never read as "no filter" (the schema lists ``minLength: 1``
    for every string parameter, see ``beacon.core.schema``)."""
    return sorted({key for key, values in request.GET.lists() if any(v == "" for v in values)})


class ApiErrorMiddleware:
    """Under /api/: unhandled exceptions become a JSON 500 (logged, no traceback sent), and
    any error response that is not JSON is replaced by the JSON error shape."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api(request) and _has_nul(request):
            # PostgreSQL cannot store or compare a NUL character: refuse it up front.
            return error_response(400, "Query parameters must not contain NUL characters.")
        if is_api(request) and (empty := _empty_parameters(request)):
            return JsonResponse({"error": "Some fields are not valid.",
                                 "fields": {name: [EMPTY_MESSAGE] for name in empty}}, status=400)
        response = self.get_response(request)
        if response.status_code < 400 or not is_api(request):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        replacement = error_response(response.status_code)
        for name in KEEP_HEADERS:
            if name in response:
                replacement[name] = response[name]
        return replacement

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_api(request):
            return None
        if isinstance(exception, RequestDataTooBig):
            return _too_big(exception)
        logger.error("Unhandled exception on %s %s", request.method, request.path, exc_info=exception)
        return error_response(500)


# --- Django error views (DEBUG off) ---------------------------------------------------------
def bad_request(request: HttpRequest, exception: Exception, template_name: str = "400.html") -> HttpResponse:
    if is_api(request):
        return _too_big(exception) if isinstance(exception, RequestDataTooBig) else error_response(400)
    return defaults.bad_request(request, exception, template_name)


def page_not_found(request: HttpRequest, exception: Exception, template_name: str = "404.html") -> HttpResponse:
    if is_api(request):
        return error_response(404)
    return defaults.page_not_found(request, exception, template_name)


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    if is_api(request):
        return error_response(500)
    return defaults.server_error(request, template_name)
