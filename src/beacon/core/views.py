from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticToken

from . import audit, selectors
from .access import is_verified, require_perm
from .forms import AuditFilterForm, LoginForm, TokenForm
from .models import User
from .permissions import Perm, permissions_of
from .services import user_set_language
from .services_people import recovery_code_use


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"public_page": True})


def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure is reported, not raised
        return JsonResponse({"status": "error", "database": f"unreachable: {type(exc).__name__}"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _safe_next(request: HttpRequest, fallback: str = "core:dashboard") -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return nxt
    from django.urls import reverse

    return reverse(fallback)


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, username=form.cleaned_data["username"], password=form.cleaned_data["password"])
        if user is None:
            # django-axes counts this failure; after the limit it answers with the lock-out page.
            form.add_error(None, _("That username and password do not match an active account."))
        else:
            login(request, user)
            request.session["mfa_next"] = _safe_next(request)
            return redirect("core:mfa")
    return render(request, "core/login.html", {"form": form, "next": request.GET.get("next", "")})


@require_http_methods(["GET", "POST"])
def mfa_view(request: HttpRequest) -> HttpResponse:
    """Second step: a TOTP code, or one single-use recovery code.

    A user without a confirmed TOTP device cannot enrol one here with the password alone: they
    need the one-time link of an invitation or of an administrator's reset (``core_public:enrol``).
    """
    user = request.user
    if not user.is_authenticated:
        return redirect("core:login")
    if is_verified(user):
        return redirect("core:dashboard")
    assert isinstance(user, User)
    device = user.totpdevice_set.filter(confirmed=True).first()  # type: ignore[attr-defined]
    if device is None:
        audit.record(actor=user, action=audit.Action.DENIED, object_type="user", object_id=user.pk,
                     summary="sign-in refused: no confirmed two-step device (enrolment needs a one-time link)",
                     request=request)
        logout(request)
        return render(request, "core/mfa_missing.html", status=403)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["token"].strip()
        if code.isdigit():
            allowed, _info = device.verify_is_allowed()
            verified = allowed and device.verify_token(code)
            how = "TOTP"
        else:
            recovery = user.staticdevice_set.first()  # type: ignore[attr-defined]
            allowed = recovery is None or recovery.verify_is_allowed()[0]
            static = recovery_code_use(user=user, code=code) if allowed else None
            verified, how = static is not None, "a recovery code"
            if static is not None:
                device = static
        if verified:
            otp_login(request, device)
            audit.record(actor=user, action=audit.Action.LOGIN, object_type="user", object_id=user.pk,
                         summary=f"signed in with password and {how}", request=request)
            if how != "TOTP":
                left = StaticToken.objects.filter(device__user=user).count()
                messages.warning(request, _("You signed in with a recovery code; %(n)s remain. Ask an administrator "
                                            "to reset two-step sign-in if you lost your authenticator.") % {"n": left})
            return redirect(request.session.pop("mfa_next", None) or "core:dashboard")
        form.add_error("token", _("That code is not right or has expired. Wait for a new code and try again.")
                       if allowed else _("Too many wrong codes. Wait a few seconds, then try again."))
    return render(request, "core/mfa.html", {"form": form})


@require_POST
def language_view(request: HttpRequest) -> HttpResponse:
    """The staff header's language switch (a plain form, no JavaScript).

    Saves the choice on the signed-in user (it follows them to every device) and in the language
    cookie (so the sign-in page and a signed-out browser keep it too), then returns to ``next``.
    """
    language = request.POST.get("language", "")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/staff/" if request.user.is_authenticated else "/accounts/login/"
    if language not in dict(settings.LANGUAGES):
        messages.error(request, _("Choose English or Spanish."))
        return redirect(target)
    if request.user.is_authenticated:
        user_set_language(user=request.user, language=language, acting_user=request.user)
    response = redirect(target)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                        path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
                        secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                        samesite=cast(Any, settings.LANGUAGE_COOKIE_SAMESITE))
    return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit.record(actor=request.user, action=audit.Action.LOGOUT, object_type="user", object_id=request.user.pk, request=request)
    logout(request)
    messages.info(request, _("You are signed out."))
    return redirect("core_public:home")


@require_perm(Perm.STAFF_AREA)
def dashboard(request: HttpRequest) -> HttpResponse:
    from .work import staff_work

    return render(request, "core/dashboard.html", {"perms_list": sorted(permissions_of(request.user)),
                                                   "panels": staff_work(user=request.user)})


@require_perm(Perm.VIEW_AUDIT)
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters: dict[str, object] = {}
    if form.is_valid():
        data = form.cleaned_data
        tz = timezone.get_current_timezone()
        filters = {k: data[k] for k in ("actor", "action", "object_type", "object_id") if data.get(k)}
        if data.get("since"):
            filters["since"] = dt.datetime.combine(data["since"], dt.time.min, tzinfo=tz)
        if data.get("until"):
            filters["until"] = dt.datetime.combine(data["until"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    page = Paginator(selectors.audit_event_list(**filters), 50).get_page(request.GET.get("page"))  # type: ignore[arg-type]
    audit.record(actor=request.user, action=audit.Action.READ, object_type="audit_log",
                 summary=f"viewed audit log page {page.number}", request=request)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "core/audit_list.html", {"form": form, "page": page, "query": query.urlencode()})
