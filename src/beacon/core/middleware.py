from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation

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


# Staff upload pages with their own body limit (setting name), enforced before anything reads the body
# (the CSRF check parses the form): larger by Content-Length is a 413; a body sent without one is cut off.
UPLOAD_LIMITS = {"/staff/survivors/directory/import/": "BEACON_HSDS_UPLOAD_MAX_BYTES"}
UPLOAD_FORM_SLACK = 64 * 1024  # the form's other fields and multipart headers


class _UploadLimit(FileUploadHandler):
    """Stops reading an upload once it passes the limit; the view sees ``request.upload_too_large``."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit, self.seen = limit, 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.seen += len(raw_data)
        if self.seen > self.limit:
            self.request.upload_too_large = True  # type: ignore[union-attr]
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _limit_upload(request: HttpRequest, limit: int) -> HttpResponse | None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit + UPLOAD_FORM_SLACK:
        return HttpResponse(f"The file is larger than {limit // (1024 * 1024)} MB.", status=413,
                            content_type="text/plain; charset=utf-8")
    request.upload_handlers = [_UploadLimit(request, limit + UPLOAD_FORM_SLACK), *request.upload_handlers]
    return None


PUBLIC_PREFIXES = ("/report", "/es/report", "/api/v1/tips", "/es/", "/api/v1/public", "/sms/")
# The tip forms (web and API) take photos: a multipart body there may carry
# BEACON_TIP_PHOTO_BODY_LIMIT (5 photos of 10 MB + the form) instead of BEACON_PUBLIC_BODY_LIMIT.
TIP_PHOTO_PATHS = frozenset({"/report/", "/es/report/", "/api/v1/tips/"})


def _public_limit(request: HttpRequest) -> int:
    if request.path in TIP_PHOTO_PATHS and request.content_type == "multipart/form-data":
        return int(settings.BEACON_TIP_PHOTO_BODY_LIMIT)
    return int(settings.BEACON_PUBLIC_BODY_LIMIT)


class BodySizeLimitMiddleware:
    """Refuse oversized bodies on public (unauthenticated) endpoints with a clear 413."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path in UPLOAD_LIMITS:
            refused = _limit_upload(request, int(getattr(settings, UPLOAD_LIMITS[request.path])))
            if refused is not None:
                return refused
        if request.method in {"POST", "PUT", "PATCH"} and request.path.startswith(PUBLIC_PREFIXES):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            limit = _public_limit(request)
            if length > limit:
                return JsonResponse(
                    {"error": f"The request body is too large (limit {limit // 1024} KB).", "fields": {}},
                    status=413,
                )
            if limit > settings.BEACON_PUBLIC_BODY_LIMIT:  # a body without Content-Length is cut off at the limit
                request.upload_handlers = [_UploadLimit(request, limit), *request.upload_handlers]
        return self.get_response(request)


class NotFoundPageMiddleware:
    """Beacon's own "page not found" page in development too.

    With DEBUG off (production, tests) Django already answers every 404 with ``404.html``.  With
    DEBUG on (``beacon serve`` in development) it would show its technical page, listing every
    URL pattern: this answers a mistyped address, and a view's ``Http404``, with the same page
    people see in production, in the language of the address (``/es/...`` in Spanish).  Paths
    under ``/api/`` are left alone: the API answers in JSON.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def _applies(self, request: HttpRequest) -> bool:
        return bool(settings.DEBUG) and not request.path_info.startswith("/api/")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._applies(request):
            from django.urls import Resolver404, resolve

            try:
                resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404 as exc:
                return self._page(request, exc)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.http import Http404

        if isinstance(exception, Http404) and self._applies(request):
            return self._page(request, exception)
        return None

    @staticmethod
    def _page(request: HttpRequest, exception: Exception) -> HttpResponse:
        from django.views.defaults import page_not_found

        return page_not_found(request, exception)


# Staff pages (and the sign-in pages) are not under i18n_patterns: their URLs carry no language.
STAFF_PATH_PREFIXES = ("/staff/", "/accounts/")


class StaffLanguageMiddleware:
    """Staff pages in the language the staff member chose.

    LocaleMiddleware gives every address without a language prefix the default language (the
    public pages use ``/es/``).  On staff and sign-in pages this middleware (after the
    authentication middleware) picks instead: the signed-in user's saved choice
    (``User.language``), else the language cookie set by the header's switch, else the
    browser's Accept-Language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(STAFF_PATH_PREFIXES):
            user = getattr(request, "user", None)
            chosen = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
            if chosen not in dict(settings.LANGUAGES):
                chosen = ""
            language = chosen or translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        return self.get_response(request)
