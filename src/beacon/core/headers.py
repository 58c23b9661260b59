"""Content-Security-Policy and Permissions-Policy on every response.

Django 5.2 has no CSP support of its own, so this small middleware sends it.  The policy
allows scripts, styles, fonts and images from Beacon's own origin only: no inline script,
no inline event handler (``onclick=``) and no ``style=`` attribute anywhere in Beacon's
templates (behaviour lives in static JavaScript files, looks in static CSS).  A page that
truly needs an inline script can ask for ``request.csp_nonce`` (``{{ request.csp_nonce }}``
in a template): the nonce is made on first use and then added to ``script-src`` for that
response only.  No page needs one today.

Powerful browser features (camera, microphone, geolocation, payment, USB, ...) are denied on
every page; a view that uses one allows it for its own origin with ``@allow_features(...)``
(the tip form's "use my location" button: ``geolocation``).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

CSP_DIRECTIVES: dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",  # USWDS's stylesheet draws some icons from data: URIs
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

# Every feature here is denied unless a view allows it (see allow_features).
POLICY_FEATURES = (
    "accelerometer", "autoplay", "bluetooth", "camera", "display-capture", "encrypted-media",
    "geolocation", "gyroscope", "hid", "magnetometer", "microphone", "midi", "payment",
    "picture-in-picture", "publickey-credentials-get", "screen-wake-lock", "serial", "usb",
    "xr-spatial-tracking",
)

_ALLOWED_ATTR = "_beacon_allowed_features"


def content_security_policy(nonce: str | None = None) -> str:
    directives = dict(CSP_DIRECTIVES)
    if nonce:
        directives["script-src"] += f" 'nonce-{nonce}'"
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def permissions_policy(allowed: frozenset[str] = frozenset()) -> str:
    return ", ".join(f"{name}=(self)" if name in allowed else f"{name}=()" for name in POLICY_FEATURES)


def allow_features(*features: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Allow browser features (names from POLICY_FEATURES) for Beacon's own origin on this view."""
    unknown = set(features) - set(POLICY_FEATURES)
    if unknown:
        raise ValueError(f"unknown Permissions-Policy features: {', '.join(sorted(unknown))}")

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = view(request, *args, **kwargs)
            setattr(response, _ALLOWED_ATTR, frozenset(features))
            return response

        return wrapped

    return decorator


class SecurityHeadersMiddleware:
    """Send Content-Security-Policy and Permissions-Policy with every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        made: list[str] = []

        def make_nonce() -> str:
            made.append(secrets.token_urlsafe(18))
            return made[0]

        request.csp_nonce = SimpleLazyObject(make_nonce)  # type: ignore[attr-defined]
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = content_security_policy(made[0] if made else None)
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = permissions_policy(getattr(response, _ALLOWED_ATTR, frozenset()))
        return response
