"""Staff accounts: the administrator's people pages, the one-time enrolment link, password reset.

Thin views: parse the form, go through the door (``access_managed_user``), call one service
from ``services_people``, render.  Every service writes its audit event.
"""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse_lazy
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticToken

from . import audit, selectors, services_people
from .access import access_managed_user, require_perm
from .forms import EnrolForm, InviteForm, UserEditForm
from .models import EnrolmentToken, User
from .permissions import Perm


def add_form_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- The one-time enrolment link ---------------------------------------------------------------
@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest, token: str) -> HttpResponse:
    link = services_people.enrolment_link(token)
    if link is None:
        return render(request, "core/enrol_invalid.html", status=404)
    user = link.user
    invite = link.purpose == EnrolmentToken.Purpose.INVITE
    form = EnrolForm(request.POST or None, new_password=invite)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        password_ok = True
        if not invite:
            # A reset link alone is not enough: the user's password is checked (and counted by django-axes).
            password_ok = authenticate(request, username=user.username, password=data["password"]) is not None
            if not password_ok:
                form.add_error("password", _("That password is not right."))
        if password_ok:
            try:
                user, device, codes = services_people.enrolment_complete(
                    token_id=link.pk, code=data["token"], password=data.get("password1", ""), request=request)
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                otp_login(request, device)
                audit.record(actor=user, action=audit.Action.LOGIN, object_type="user", object_id=user.pk,
                             summary="signed in after enrolling two-step sign-in", request=request)
                # Shown once: the codes are not kept anywhere the page could show them again.
                return render(request, "core/recovery_codes.html", {"codes": codes})
    device = services_people.pending_device_for(user)
    return render(request, "core/enrol.html", {
        "form": form, "invite": invite, "enrolling_user": user,
        "qr_svg": segno.make(device.config_url, error="m").svg_inline(scale=4),
        "secret": base64.b32encode(device.bin_key).decode().rstrip("="),
    })


# --- Password reset by e-mail (Django's flow, Beacon's pages) ------------------------------------
class QueuedPasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form, but the e-mail waits in the task queue (sealed, like every account e-mail):
    sending during the request made the answer slower for an address that has an account."""

    def send_mail(self, subject_template_name: str, email_template_name: str, context: dict[str, Any],
                  from_email: str | None, to_email: str, html_email_template_name: str | None = None) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        services_people.mail_after_commit(to_email, subject, loader.render_to_string(email_template_name, context))


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    template_name = "core/password_reset_form.html"
    email_template_name = "core/password_reset_email.txt"
    subject_template_name = "core/password_reset_subject.txt"
    success_url = reverse_lazy("core_public:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        from django.conf import settings

        # Links in the e-mail use the configured public address, not the request's Host header.
        scheme, _sep, domain = settings.BEACON_BASE_URL.partition("://")
        self.extra_email_context = {"protocol": scheme, "domain": domain.rstrip("/")}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "core/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "core/password_reset_confirm.html"
    success_url = reverse_lazy("core_public:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit.record(actor=form.user, action=audit.Action.UPDATE, object_type="user", object_id=form.user.pk,
                     summary="password changed through an e-mailed reset link", request=self.request)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "core/password_reset_complete.html"


# --- Administration ----------------------------------------------------------------------------
@require_perm(Perm.MANAGE_USERS)
def people(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.users_in_scope(user=request.user, query=query), 50).get_page(request.GET.get("page"))  # type: ignore[arg-type]
    return render(request, "core/people/list.html", {"page": page, "q": query,
                                                       "query": f"q={query}" if query else ""})


@require_http_methods(["GET", "POST"])
@require_perm(Perm.MANAGE_USERS)
def invite(request: HttpRequest) -> HttpResponse:
    agencies = selectors.agencies_in_scope(user=request.user)  # type: ignore[arg-type]
    form = InviteForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            user, _url = services_people.user_invite(
                username=d["username"], email=d["email"], agency=d["agency"], roles=d["roles"],
                first_name=d["first_name"], last_name=d["last_name"], acting_user=request.user, request=request)
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": user.email})
            return redirect("core:person", user_id=user.pk)
    return render(request, "core/people/invite.html", {"form": form})


@require_http_methods(["GET", "POST"])
@require_perm(Perm.MANAGE_USERS)
def person(request: HttpRequest, user_id: int) -> HttpResponse:
    target = access_managed_user(request.user, user_id, request=request)
    agencies = selectors.agencies_in_scope(user=request.user)  # type: ignore[arg-type]
    initial = {"email": target.email, "first_name": target.first_name, "last_name": target.last_name,
               "agency": target.agency_id, "roles": sorted(target.role_set())}
    form = UserEditForm(request.POST or None, agencies=agencies, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services_people.user_update(user=target, agency=d["agency"], roles=d["roles"], email=d["email"],
                                        first_name=d["first_name"], last_name=d["last_name"],
                                        acting_user=request.user, request=request)
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Account updated."))
            return redirect("core:person", user_id=target.pk)
    return render(request, "core/people/detail.html", {
        "person": target, "form": form,
        "has_device": target.totpdevice_set.filter(confirmed=True).exists(),  # type: ignore[attr-defined]
        "recovery_left": StaticToken.objects.filter(device__user=target).count(),
        "pending_link": EnrolmentToken.objects.filter(user=target, used_at__isnull=True).first(),
        "set_up": target.has_usable_password(),
        "is_self": target.pk == request.user.pk,
    })


def _person_action(service: Any, done: str | Promise) -> Any:
    @require_POST
    @require_perm(Perm.MANAGE_USERS)
    def view(request: HttpRequest, user_id: int) -> HttpResponse:
        target: User = access_managed_user(request.user, user_id, request=request)
        try:
            service(user=target, acting_user=request.user, request=request)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, str(done))
        return redirect("core:person", user_id=target.pk)

    return view


# The messages are translated when shown (gettext_lazy keeps them lazy until then).
deactivate = _person_action(services_people.user_deactivate,
                            gettext_lazy("Account deactivated; its sessions and API token no longer work."))
reactivate = _person_action(services_people.user_reactivate, gettext_lazy("Account reactivated."))
password_reset = _person_action(services_people.user_send_password_reset,
                                gettext_lazy("A password reset link was e-mailed."))
mfa_reset = _person_action(services_people.user_reset_mfa,
                           gettext_lazy("Two-step sign-in was reset; a new one-time setup link was e-mailed."))
resend_invite = _person_action(services_people.user_resend_invite, gettext_lazy("The invitation was sent again."))
