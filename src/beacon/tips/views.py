from __future__ import annotations

import time
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from beacon.core import audit, crypto, ratelimit
from beacon.core.access import require_perm
from beacon.core.headers import allow_features
from beacon.core.models import User
from beacon.core.permissions import Perm, has_perm

from . import photos, selectors, services, triage
from .access import access_tip, can_view_contact
from .forms import (
    AssignForm,
    FollowupForm,
    PriorityForm,
    PublicTipForm,
    QuestionForm,
    QueueFilterForm,
    ReporterInfoForm,
    SpamForm,
    StatusForm,
)
from .mapsvg import county_map
from .models import Tip, TipPhoto


def _add_errors(form: Any, exc: ValidationError) -> None:
    mapping = {"county": "county", "lat": "lat", "lon": "lon", "narrative": "narrative", "body": "body"}
    for name, errors in exc.message_dict.items():
        form.add_error(mapping.get(name) if mapping.get(name) in form.fields else None, errors)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # staff views run behind require_perm
    return request.user


def _too_many(request: HttpRequest, scope: str) -> HttpResponse:
    response = render(request, "tips/public_throttled.html", {"public_page": True}, status=429)
    response["Retry-After"] = str(ratelimit.retry_after(scope))
    return response


# --- Public ---------------------------------------------------------------------------------
# The public pages are never cached (Cache-Control: no-store): the receipt shows the passphrase
# and the follow-up pages the report's status and messages.
# Only accepted tips count toward ``tip_submit`` (10 an hour); every POST, valid or not, counts
# toward the much higher ``tip_submit_attempt`` ceiling against floods of junk posts.  A refused
# post re-renders the form with what the person wrote (never a page without it).
RECEIPT_SESSION_KEY = "tips_receipt"
RECEIPT_TTL = 15 * 60  # seconds a receipt waits in the session for its page (docs/tips.md)


def _report_form_page(request: HttpRequest, form: PublicTipForm, *, status: int = 200,
                      retry_scope: str = "") -> HttpResponse:
    context = {"form": form, "public_page": True, "map": county_map(),
               "photos_again": bool(request.FILES) and form.is_bound}
    response = render(request, "tips/public_report.html", context, status=status)
    if retry_scope:
        response["Retry-After"] = str(ratelimit.retry_after(retry_scope))
    return response


def _keep_receipt(request: HttpRequest, submitted: services.Submitted, *, kept: int = 0,
                  refused: list[Any] | None = None) -> None:
    """Hand the receipt to the receipt page (POST/redirect/GET) through the session: the passphrase
    encrypted with the field key, shown once and then deleted (see docs/tips.md, "Receipt")."""
    held = request.session.get(RECEIPT_SESSION_KEY) or {}
    if submitted.replayed and held.get("code") == submitted.receipt_code:
        return  # the same submission sent twice: the first answer's receipt (and passphrase) is still waiting
    request.session[RECEIPT_SESSION_KEY] = {
        "code": submitted.receipt_code,
        "passphrase": crypto.encrypt(submitted.passphrase) if submitted.passphrase else "",
        "photos_kept": kept, "photos_refused": [{"name": r.name, "reason": str(r.reason)} for r in refused or []],
        "at": int(time.time()),
    }


@never_cache
@allow_features("geolocation")  # the "use my location" button (tips/report.js)
@require_http_methods(["GET", "POST"])
def public_report(request: HttpRequest) -> HttpResponse:
    form = PublicTipForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return _report_form_page(request, form)
    if not ratelimit.hit(request, "tip_submit_attempt"):
        form.is_valid()  # show the field errors too, with everything the person wrote
        form.add_error(None, _("Too many attempts from this connection. Your report was not sent yet: "
                               "keep this page open and send it again later."))
        return _report_form_page(request, form, status=429, retry_scope="tip_submit_attempt")
    if not form.is_valid():
        return _report_form_page(request, form)
    token = form.cleaned_data["token"]
    before = services.submitted_before(token)  # the same form sent again: its receipt, no new tip
    if before is not None:
        _keep_receipt(request, before)
        return redirect("tips_public:receipt")
    if ratelimit.blocked(request, "tip_submit"):
        form.add_error(None, _("Too many reports from this connection in the last hour. Your report was not sent "
                               "yet: keep this page open and send it again later. If someone is in danger right "
                               "now, call 911."))
        return _report_form_page(request, form, status=429, retry_scope="tip_submit")
    # Photos are checked and re-encoded first; a refused file is named on the receipt, the tip is kept.
    good, refused = photos.prepare(form.cleaned_data.get("photos") or [])
    try:
        submitted = services.tip_submit(data=form.to_input(), photos=good, idempotency_key=token)
    except ValidationError as exc:
        _add_errors(form, exc)
        return _report_form_page(request, form)
    if not submitted.replayed:
        ratelimit.hit(request, "tip_submit")  # only an accepted tip counts
    _keep_receipt(request, submitted, kept=len(good), refused=refused)
    return redirect("tips_public:receipt")


@never_cache
@require_GET
def public_receipt(request: HttpRequest) -> HttpResponse:
    """The receipt after POST/redirect/GET.  Reloading shows the code again, never files again; the
    passphrase only the first time (it is deleted from the session once shown)."""
    held = request.session.get(RECEIPT_SESSION_KEY)
    if not held or held.get("at", 0) + RECEIPT_TTL < time.time():
        request.session.pop(RECEIPT_SESSION_KEY, None)
        return render(request, "tips/public_receipt.html", {"public_page": True, "expired": True})
    tip = Tip.objects.filter(receipt_code=held["code"]).only("status").first()
    passphrase = crypto.decrypt(held["passphrase"]) if held.get("passphrase") else ""
    if passphrase:
        request.session[RECEIPT_SESSION_KEY] = {**held, "passphrase": ""}  # shown once
    return render(request, "tips/public_receipt.html", {
        "public_page": True, "receipt_code": held["code"], "passphrase": passphrase,
        "passphrase_groups": passphrase.split("-") if passphrase else [],
        "status": tip.public_status_label if tip else "", "photos_kept": held.get("photos_kept", 0),
        "photos_refused": held.get("photos_refused", []),
    })


@never_cache
@require_http_methods(["GET", "POST"])
def public_followup(request: HttpRequest) -> HttpResponse:
    """Status and added information with the receipt code and passphrase; no account, no session."""
    form = FollowupForm(request.POST or None)
    info_form = ReporterInfoForm()
    context: dict[str, Any] = {"form": form, "public_page": True}
    if request.method == "POST":
        if services.followup_blocked(request):  # only wrong passphrases count
            return _too_many(request, "tip_followup")
        if form.is_valid():
            try:
                tip = services.tip_for_followup(receipt_code=form.cleaned_data["receipt_code"],
                                                passphrase=form.cleaned_data["passphrase"])
            except services.FollowupRefused as refused:
                ratelimit.hit(request, "tip_followup")
                if refused.reason == "locked":
                    form.add_error(None, _("Too many wrong passphrases for this receipt code. Try again in 30 minutes."))
                else:
                    form.add_error(None, _("That receipt code and passphrase do not match a report."))
            else:
                if "body" in request.POST:
                    info_form = ReporterInfoForm(request.POST)
                    if info_form.is_valid():
                        try:
                            services.tip_add_reporter_info(tip=tip, body=info_form.cleaned_data["body"])
                        except ValidationError as exc:
                            _add_errors(info_form, exc)
                        else:
                            context["added"] = True
                            info_form = ReporterInfoForm()
                context.update({"tip": tip, "info_form": info_form, "thread": list(tip.messages.all())})
                return render(request, "tips/public_status.html", context)
    return render(request, "tips/public_followup.html", context)


# --- Staff ----------------------------------------------------------------------------------
@require_perm(Perm.TRIAGE_TIPS)
def index(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        d = form.cleaned_data
        filters = {"priority": d["priority"], "county": d["county"], "status": d["status"], "since": d["since"],
                   "until": d["until"], "spam": d["spam"] or "exclude", "assigned_to_me": d["mine"], "unassigned": d["unassigned"]}
    page = Paginator(selectors.tip_queue(user=request.user, **filters), 25).get_page(request.GET.get("page"))
    audit.record(actor=request.user, action=audit.Action.READ, object_type="tip_queue", request=request,
                 summary=f"Tip queue page {page.number} ({len(page.object_list)} tips)",
                 detail={"filters": {k: str(v) for k, v in filters.items() if v}, "tips": [t.pk for t in page]})
    query = request.GET.copy()
    query.pop("page", None)
    from .enrich import pending_count

    return render(request, "tips/queue.html", {"form": form, "page": page, "query": query.urlencode(),
                                               "processing": pending_count()})


def _detail_context(request: HttpRequest, tip: Tip) -> dict[str, Any]:
    users = services.assignable_users(tip)
    return {
        "tip": tip,
        "routes": list(tip.task_forces.all()),
        "identifiers": selectors.tip_identifiers(tip),
        "links": selectors.tip_links(user=request.user, tip=tip),
        "escalations": selectors.tip_escalations(user=request.user, tip=tip),
        "thread": list(tip.messages.select_related("author")),
        "photos": list(tip.photos.all()),
        "indicator_labels": triage.indicator_labels(tip.indicators),
        "priority_reasons": [triage.reason_label(r) for r in tip.priority_reasons],
        "status_form": StatusForm(initial={"status": tip.status}),
        "priority_form": PriorityForm(initial={"priority": tip.priority}),
        "assign_form": AssignForm(users=users, initial={"assignee": tip.assigned_to_id}),
        "question_form": QuestionForm(),
        "spam_form": SpamForm(initial={"is_spam": not tip.is_spam}),
        "can_contact": can_view_contact(request.user) and bool(tip.contact),
        "can_escalate": has_perm(request.user, Perm.WORK_CASES),
    }


@require_perm(Perm.TRIAGE_TIPS)
def detail(request: HttpRequest, tip_id: int) -> HttpResponse:
    tip = access_tip(request.user, tip_id, request=request)
    return render(request, "tips/detail.html", _detail_context(request, tip))


@require_GET
@require_perm(Perm.TRIAGE_TIPS)
def photo(request: HttpRequest, tip_id: int, photo_id: int) -> HttpResponse:
    """A tip's photo, decrypted, for those who may see the tip (the tip door); every download audited."""
    tip = access_tip(request.user, tip_id, request=request, purpose="file")
    item = tip.photos.filter(pk=photo_id).first()
    if item is None:
        raise Http404
    return photo_response(request, tip, item)


def photo_response(request: Any, tip: Tip, item: TipPhoto) -> HttpResponse:
    with item.file.open("rb") as fh:
        data = photos.decrypt(fh.read())
    audit.record(actor=request.user, action=audit.Action.READ, object_type="tip_photo", object_id=item.pk,
                 summary=f"Downloaded photo {item.pk} of tip #{tip.pk}", request=request, detail={"tip": tip.pk})
    response = HttpResponse(data, content_type=item.content_type)
    response["Content-Disposition"] = content_disposition_header(True, item.name) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_perm(Perm.TRIAGE_TIPS, Perm.VIEW_TIP_CONTACT)
def contact(request: HttpRequest, tip_id: int) -> HttpResponse:
    tip = access_tip(request.user, tip_id, request=request, purpose="contact")
    return render(request, "tips/contact.html", {"tip": tip})


def _act(request: HttpRequest, tip_id: int, form_class: type, apply: Any, done: str) -> HttpResponse:
    """Authorise, validate the small form, call one service, and go back to the tip."""
    tip = access_tip(request.user, tip_id, request=request, purpose="change")
    form = form_class(request.POST)
    if form.is_valid():
        try:
            apply(tip, form.cleaned_data)
        except ValidationError as exc:
            for errors in exc.message_dict.values():
                for e in errors:
                    messages.error(request, e)
        else:
            messages.success(request, done)
    else:
        for field, errors in form.errors.items():
            for e in errors:
                messages.error(request, f"{field}: {e}" if field != "__all__" else e)
    return redirect("tips:detail", tip_id=tip.pk)


@require_perm(Perm.TRIAGE_TIPS)
@require_POST
def set_status(request: HttpRequest, tip_id: int) -> HttpResponse:
    return _act(request, tip_id, StatusForm, lambda tip, d: services.tip_set_status(
        tip=tip, status=d["status"], acting_user=_user(request), request=request), _("Status changed."))


@require_perm(Perm.TRIAGE_TIPS)
@require_POST
def set_priority(request: HttpRequest, tip_id: int) -> HttpResponse:
    return _act(request, tip_id, PriorityForm, lambda tip, d: services.tip_set_priority(
        tip=tip, priority=d["priority"], reason=d["reason"], acting_user=_user(request), request=request),
        _("Priority overridden."))


@require_perm(Perm.TRIAGE_TIPS)
@require_POST
def assign(request: HttpRequest, tip_id: int) -> HttpResponse:
    tip = access_tip(request.user, tip_id, request=request, purpose="change")
    form = AssignForm(request.POST, users=services.assignable_users(tip))
    if form.is_valid():
        try:
            services.tip_assign(tip=tip, assignee=form.cleaned_data["assignee"], acting_user=_user(request), request=request)
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            messages.success(request, _("Assignment saved."))
    else:
        messages.error(request, _("Choose someone who can see this tip."))
    return redirect("tips:detail", tip_id=tip.pk)


@require_perm(Perm.TRIAGE_TIPS)
@require_POST
def ask(request: HttpRequest, tip_id: int) -> HttpResponse:
    return _act(request, tip_id, QuestionForm, lambda tip, d: services.tip_ask_reporter(
        tip=tip, body=d["body"], acting_user=_user(request), request=request),
        _("Question saved: the reporter sees it when they follow up with the receipt code."))


@require_perm(Perm.TRIAGE_TIPS)
@require_POST
def mark_spam(request: HttpRequest, tip_id: int) -> HttpResponse:
    return _act(request, tip_id, SpamForm, lambda tip, d: services.tip_mark_spam(
        tip=tip, is_spam=d["is_spam"], reason=d["reason"], acting_user=_user(request), request=request),
        _("Spam marking saved."))
