"""Staff and public pages of survivor support.  Thin: parse, authorise, call one service or selector."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beacon.core import audit
from beacon.core.access import AccessDenied, require_perm
from beacon.core.permissions import Perm, has_perm

from . import hsds_io, search, selectors, services
from .access import access_directory_import, access_organization, access_referral, access_survivor
from .forms import (
    ConsentForm,
    DirectoryImportForm,
    GoalForm,
    GoalStatusForm,
    ReferralForm,
    RevokeForm,
    SearchForm,
    ServiceForm,
    ServiceReceivedForm,
    StatusForm,
    SurvivorForm,
)
from .models import SHAREABLE_FIELDS, Consent, Goal, Service

PER_PAGE = 20


def _agency_id(request: HttpRequest) -> int | None:
    return getattr(request.user, "agency_id", None)


def _add_errors(form: Any, exc: ValidationError) -> None:
    """A service's field-by-field ``ValidationError`` on the form (fields it lacks: on the form)."""
    for field, errs in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errs)


def _search_context(request: HttpRequest, *, public: bool) -> dict[str, Any]:
    form = SearchForm(request.GET or None)
    ctx: dict[str, Any] = {"form": form, "searched": bool(request.GET)}
    if request.GET:
        query, error = selectors.parse_query(request.GET, public_only=public)
        hits = search.run(query)
        page = Paginator(hits, PER_PAGE).get_page(request.GET.get("page"))
        ctx.update(error=error, total=len(hits), page=page, with_distance=query.point is not None,
                   rows=selectors.search_rows(list(page.object_list), public=public))
        params = request.GET.copy()
        params.pop("page", None)
        ctx["query_string"] = params.urlencode()
    return ctx


def public_search(request: HttpRequest) -> HttpResponse:
    """Find services (anonymous, no trace kept): nearest first with how far and how to reach."""
    ctx = _search_context(request, public=True)
    ctx["public_page"] = True
    return render(request, "survivors/public_search.html", ctx)


@require_perm(Perm.STAFF_AREA)
def index(request: HttpRequest) -> HttpResponse:
    """Staff directory search (every staff member); links to records for advocates."""
    ctx = _search_context(request, public=False)
    ctx["can_manage"] = has_perm(request.user, Perm.MANAGE_DIRECTORY)
    ctx["can_import"] = has_perm(request.user, Perm.IMPORT_DIRECTORY)
    ctx["can_view_survivors"] = has_perm(request.user, Perm.VIEW_SURVIVORS)
    if ctx["can_view_survivors"]:
        ctx["unread"] = selectors.unread_notifications(user=request.user).count()
    return render(request, "survivors/index.html", ctx)


# --- Directory management -----------------------------------------------------------------
@require_perm(Perm.MANAGE_DIRECTORY)
def directory(request: HttpRequest) -> HttpResponse:
    orgs = selectors.organizations_managed_by(request.user).prefetch_related("services")
    return render(request, "survivors/directory.html", {"orgs": orgs})


@require_perm(Perm.MANAGE_DIRECTORY)
def service_edit(request: HttpRequest, org_id: str, service_id: str | None = None) -> HttpResponse:
    org = access_organization(request.user, org_id, request=request)
    service = None
    if service_id is not None:
        service = Service.objects.filter(pk=service_id, organization=org).first() if selectors.is_uuid(service_id) else None
        if service is None:
            raise AccessDenied("Not found.")
    initial = ServiceForm.initial_for(service) if service else {"public": True}
    form = ServiceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.service_save(acting_user=request.user, organization=org, data=form.to_input(), service=service)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Saved %(name)s.") % {"name": saved.name})
            return redirect("survivors:directory")
    return render(request, "survivors/service_form.html", {"form": form, "org": org, "service": service})


# --- Survivor records ---------------------------------------------------------------------
@require_perm(Perm.VIEW_SURVIVORS)
def survivor_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.survivor_list(user=request.user), 50).get_page(request.GET.get("page"))
    audit.record(actor=request.user, action=audit.Action.READ, object_type="survivor_list",
                 summary=f"survivor list page {page.number}", request=request,
                 detail={"ids": [s.pk for s in page.object_list]})
    return render(request, "survivors/survivor_list.html", {"page": page})


@require_perm(Perm.VIEW_SURVIVORS)
def survivor_new(request: HttpRequest) -> HttpResponse:
    form = SurvivorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survivor = services.survivor_create(acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("survivors:survivor", survivor_id=survivor.pk)
    return render(request, "survivors/survivor_form.html", {"form": form})


@require_perm(Perm.VIEW_SURVIVORS)
def survivor_edit(request: HttpRequest, survivor_id: int) -> HttpResponse:
    survivor = access_survivor(request.user, survivor_id, request=request, purpose="edit")
    form = SurvivorForm(request.POST or None, initial={f: getattr(survivor, f) for f in SurvivorForm.base_fields})
    if request.method == "POST" and form.is_valid():
        changed = {f: form.cleaned_data[f] for f in form.changed_data}
        try:
            services.survivor_update(acting_user=request.user, survivor=survivor, **changed)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("survivors:survivor", survivor_id=survivor.pk)
    return render(request, "survivors/survivor_form.html", {"form": form, "survivor": survivor})


def _survivor_page(request: HttpRequest, survivor: Any, **forms: Any) -> HttpResponse:
    ctx = {
        "survivor": survivor, "goals": survivor.goals.all(), "received": survivor.services_received.select_related("service"),
        "consents": selectors.consents_of(survivor), "referrals": survivor.referrals.select_related("service", "to_agency"),
        "goal_form": forms.get("goal_form") or GoalForm(), "received_form": forms.get("received_form") or ServiceReceivedForm(),
        "consent_form": forms.get("consent_form") or ConsentForm(own_agency_id=_agency_id(request)),
        "now": timezone.now(), "field_labels": SHAREABLE_FIELDS,
    }
    return render(request, "survivors/survivor_detail.html", ctx, status=400 if forms else 200)


@require_perm(Perm.VIEW_SURVIVORS)
def survivor_detail(request: HttpRequest, survivor_id: int) -> HttpResponse:
    survivor = access_survivor(request.user, survivor_id, request=request)
    return _survivor_page(request, survivor)


@require_perm(Perm.VIEW_SURVIVORS)
@require_POST
def goal_add(request: HttpRequest, survivor_id: int) -> HttpResponse:
    survivor = access_survivor(request.user, survivor_id, request=request, purpose="add goal")
    form = GoalForm(request.POST)
    if not form.is_valid():
        return _survivor_page(request, survivor, goal_form=form)
    services.goal_add(acting_user=request.user, survivor=survivor, **form.cleaned_data)
    return redirect("survivors:survivor", survivor_id=survivor.pk)


@require_perm(Perm.VIEW_SURVIVORS)
@require_POST
def goal_status(request: HttpRequest, survivor_id: int, goal_id: int) -> HttpResponse:
    survivor = access_survivor(request.user, survivor_id, request=request, purpose="update goal")
    goal = Goal.objects.filter(pk=goal_id, survivor=survivor).first()
    form = GoalStatusForm(request.POST)
    if goal is None:
        raise AccessDenied("Not found.")
    if form.is_valid():
        services.goal_set_status(acting_user=request.user, goal=goal, status=form.cleaned_data["status"])
    return redirect("survivors:survivor", survivor_id=survivor.pk)


@require_perm(Perm.VIEW_SURVIVORS)
@require_POST
def received_add(request: HttpRequest, survivor_id: int) -> HttpResponse:
    survivor = access_survivor(request.user, survivor_id, request=request, purpose="add service received")
    form = ServiceReceivedForm(request.POST)
    if not form.is_valid():
        return _survivor_page(request, survivor, received_form=form)
    services.service_received_add(acting_user=request.user, survivor=survivor, **form.cleaned_data)
    return redirect("survivors:survivor", survivor_id=survivor.pk)


@require_perm(Perm.VIEW_SURVIVORS)
@require_POST
def consent_add(request: HttpRequest, survivor_id: int) -> HttpResponse:
    survivor = access_survivor(request.user, survivor_id, request=request, purpose="record consent")
    form = ConsentForm(request.POST, own_agency_id=_agency_id(request))
    if form.is_valid():
        try:
            services.consent_record(acting_user=request.user, survivor=survivor,
                                    recipient_agency=form.cleaned_data["recipient_agency"],
                                    fields=form.cleaned_data["share"], purpose=form.cleaned_data["purpose"],
                                    method=form.cleaned_data["method"], expires_at=form.expires_at())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Consent recorded."))
            return redirect("survivors:survivor", survivor_id=survivor.pk)
    return _survivor_page(request, survivor, consent_form=form)


@require_perm(Perm.VIEW_SURVIVORS)
@require_POST
def consent_revoke(request: HttpRequest, survivor_id: int, consent_id: int) -> HttpResponse:
    survivor = access_survivor(request.user, survivor_id, request=request, purpose="revoke consent")
    consent = Consent.objects.filter(pk=consent_id, survivor=survivor).first()
    if consent is None:
        raise AccessDenied("Not found.")
    form = RevokeForm(request.POST)
    form.is_valid()
    services.consent_revoke(acting_user=request.user, consent=consent, reason=form.cleaned_data.get("reason", ""))
    messages.success(request, _("Consent revoked: sharing under it stopped now."))
    return redirect("survivors:survivor", survivor_id=survivor.pk)


def _consent_label(c: Consent) -> str:
    return f"{c.recipient_agency.name}: {', '.join(c.fields)} (until {timezone.localdate(c.expires_at):%Y-%m-%d})"


@require_perm(Perm.VIEW_SURVIVORS)
def referral_new(request: HttpRequest, survivor_id: int) -> HttpResponse:
    survivor = access_survivor(request.user, survivor_id, request=request, purpose="refer")
    form = ReferralForm(request.POST or None, initial={"service": request.GET.get("service")})
    form.fields["service"].queryset = selectors.referable_services(request.user)  # type: ignore[attr-defined]
    active = [c.pk for c in selectors.consents_of(survivor) if c.is_active()]
    form.fields["consent"].queryset = Consent.objects.filter(pk__in=active).select_related("recipient_agency")  # type: ignore[attr-defined]
    form.fields["consent"].label_from_instance = _consent_label  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_create(acting_user=request.user, survivor=survivor, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Referral sent."))
            return redirect("survivors:referral", referral_id=referral.pk)
    return render(request, "survivors/referral_form.html", {"form": form, "survivor": survivor},
                  status=400 if request.method == "POST" else 200)


@require_perm(Perm.VIEW_SURVIVORS)
def referral_list(request: HttpRequest) -> HttpResponse:
    notes = list(selectors.unread_notifications(user=request.user)[:50])
    received = list(selectors.referrals_received(user=request.user)[:100])
    sent = list(selectors.referrals_sent(user=request.user)[:100])
    audit.record(actor=request.user, action=audit.Action.READ, object_type="referral_list",
                 summary="referral list", request=request,
                 detail={"received": [r.pk for r in received], "sent": [r.pk for r in sent]})
    ctx = {"received": received, "sent": sent, "notifications": notes}
    if notes:
        services.notifications_mark_read(acting_user=request.user, agency_id=_agency_id(request) or 0)
    return render(request, "survivors/referral_list.html", ctx)


@require_perm(Perm.VIEW_SURVIVORS)
def referral_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral, side = access_referral(request.user, referral_id, request=request)
    shared = selectors.referral_shared_fields(referral) if side == "receiver" else None
    return render(request, "survivors/referral_detail.html", {
        "referral": referral, "side": side, "shared": shared, "field_labels": SHAREABLE_FIELDS,
        "consent_active": referral.consent.is_active(), "status_form": StatusForm()})


@require_perm(Perm.VIEW_SURVIVORS)
@require_POST
def referral_status(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral, side = access_referral(request.user, referral_id, request=request)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.referral_set_status(acting_user=request.user, referral=referral, side=side,
                                         status=form.cleaned_data["status"], reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("survivors:referral", referral_id=referral.pk)


# --- HSDS import (administrators) ---------------------------------------------------------
def _too_large(request: HttpRequest, limit: int) -> HttpResponse:
    messages.error(request, _("The file is larger than %(mb)d MB; import it on the server with 'beacon hsds import'.")
                   % {"mb": limit // (1024 * 1024)})
    return render(request, "survivors/directory_imports.html",
                  {"form": DirectoryImportForm(), "imports": selectors.directory_imports()[:25],
                   "limit_mb": limit // (1024 * 1024)}, status=413)


@require_perm(Perm.IMPORT_DIRECTORY)
def directory_imports(request: HttpRequest) -> HttpResponse:
    """Upload an HSDS package (HSDS 1.1, 2.0 or 3.x); the import runs in the background.  The body
    limit (``BEACON_HSDS_UPLOAD_MAX_BYTES``) is enforced by ``core.middleware`` before the form is read."""
    limit = services.hsds_upload_limit()
    form = DirectoryImportForm()
    if request.method == "POST":
        form = DirectoryImportForm(request.POST, request.FILES)
        if getattr(request, "upload_too_large", False):
            return _too_large(request, limit)
        if form.is_valid():
            try:
                job = services.directory_import_submit(acting_user=request.user, upload=form.cleaned_data["file"],
                                                       agency=form.cleaned_data["agency"],
                                                       hsds_version=form.cleaned_data["hsds_version"] or "",
                                                       request=request)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("The package is uploaded; the import runs in the background."))
                return redirect("survivors:directory_import", job.pk)
    return render(request, "survivors/directory_imports.html",
                  {"form": form, "imports": selectors.directory_imports()[:25], "limit_mb": limit // (1024 * 1024)})


@require_perm(Perm.IMPORT_DIRECTORY)
def directory_import(request: HttpRequest, import_id: int) -> HttpResponse:
    """Status and per-record report of one import; the status part is polled (htmx) until it ends."""
    job = access_directory_import(request.user, import_id, request=request)
    report = job.report or {}
    created, updated = report.get("created") or {}, report.get("updated") or {}
    ctx = {"job": job, "report": report, "rejected": report.get("rejected", [])[:1000],
           "rejected_total": len(report.get("rejected", [])),
           "tables": [(t, created.get(t, 0), updated.get(t, 0)) for t in hsds_io.TABLES if t in created or t in updated],
           "skipped": sorted((report.get("skipped") or {}).items())}
    template = "survivors/_directory_import_status.html" if request.headers.get("HX-Request") else \
        "survivors/directory_import.html"
    return render(request, template, ctx)
