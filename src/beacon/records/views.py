"""Staff pages: retention policies, legal holds, a survivor's deletion request, search, exports."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from beacon.cases.access import access_case, visible_cases
from beacon.core.access import require_perm
from beacon.core.models import AuditEvent
from beacon.core.permissions import Perm, has_perm
from beacon.survivors.access import access_survivor

from . import exports, retention, search
from .forms import ExportForm, HoldForm, PoliciesForm, SearchForm
from .models import LegalHold, RecordKind, RetentionPolicy, Tombstone


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@require_perm(Perm.STAFF_AREA)
def index(request: HttpRequest) -> HttpResponse:
    """What the user may do with records: exports, retention, legal holds, survivor records."""
    user = request.user
    return render(request, "records/index.html", {
        "can": {name: has_perm(user, perm) for name, perm in (
            ("search", Perm.SEARCH_RECORDS), ("export", Perm.EXPORT_RECORDS), ("retention", Perm.MANAGE_RETENTION),
            ("holds", Perm.SUPERVISE_CASES), ("survivors", Perm.VIEW_SURVIVORS))}})


@transaction.atomic  # all rows of the form or none
def _save_policies(request: HttpRequest, form: PoliciesForm, current: dict[str, RetentionPolicy],
                   agency: Any = None) -> None:
    for kind in form.kinds:
        days, action = form.cleaned_data.get(f"{kind}_days"), form.cleaned_data[f"{kind}_action"]
        policy = current.get(kind)
        if days is None:
            if policy is not None:
                retention.policy_remove(acting_user=request.user, kind=kind, agency=agency, request=request)
        elif policy is None or (policy.days, policy.action) != (days, action):
            retention.policy_set(acting_user=request.user, kind=kind, days=days, action=action, agency=agency,
                                 request=request)


@require_perm(Perm.MANAGE_RETENTION)
@require_http_methods(["GET", "POST"])
def retention_policies(request: HttpRequest) -> HttpResponse:
    current = {p.kind: p for p in RetentionPolicy.objects.filter(agency__isnull=True)}
    form = PoliciesForm(request.POST or None, policies=current)
    if request.method == "POST" and form.is_valid():
        try:
            _save_policies(request, form, current)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Retention policies saved."))
            return redirect("records:retention")
    runs = AuditEvent.objects.filter(object_type="retention_run").order_by("-at", "-id")[:10]
    providers = RetentionPolicy.objects.filter(agency__isnull=False).select_related("agency")
    return render(request, "records/retention.html", {
        "form": form, "runs": runs, "providers": providers,
        "tombstones": {k: Tombstone.objects.filter(kind=k).count() for k in RecordKind.values},
        "holds": LegalHold.objects.filter(cleared_at__isnull=True).count(),
    })


@require_perm(Perm.VIEW_SURVIVORS)
@require_http_methods(["GET", "POST"])
def provider_retention(request: HttpRequest) -> HttpResponse:
    """A provider's own retention of its survivor records (VAWA/VOCA: chosen by the provider)."""
    agency = request.user.agency  # type: ignore[union-attr]
    current = {p.kind: p for p in RetentionPolicy.objects.filter(agency=agency, kind=RecordKind.SURVIVORS)}
    platform = RetentionPolicy.objects.filter(agency__isnull=True, kind=RecordKind.SURVIVORS).first()
    form = PoliciesForm(request.POST or None, policies=current, kinds=[RecordKind.SURVIVORS])
    if request.method == "POST" and form.is_valid():
        try:
            _save_policies(request, form, current, agency=agency)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Your agency's retention of survivor records is saved."))
            return redirect("records:provider_retention")
    return render(request, "records/provider_retention.html", {"form": form, "platform": platform, "agency": agency})


@require_perm(Perm.SUPERVISE_CASES)
def hold_list(request: HttpRequest) -> HttpResponse:
    case = (request.GET.get("case") or "").strip().lstrip("#")
    if case.isdigit():
        return redirect("records:hold", case_id=int(case))
    holds = (LegalHold.objects.filter(cleared_at__isnull=True, case__in=visible_cases(request.user))
             .select_related("case", "set_by").order_by("-set_at"))
    return render(request, "records/hold_list.html", {"holds": holds})


@require_perm(Perm.SUPERVISE_CASES)
@require_http_methods(["GET", "POST"])
def hold_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_case(request.user, case_id, request=request, summary=f"legal hold page of case {case_id}")
    form = HoldForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.POST.get("clear"):
                retention.hold_clear(acting_user=request.user, case=case, request=request)
                messages.success(request, _("The legal hold is cleared."))
                return redirect("records:hold", case_id=case.pk)
            if form.is_valid():
                retention.hold_set(acting_user=request.user, case=case, reason=form.cleaned_data["reason"],
                                   request=request)
                messages.success(request, _("The case is under legal hold."))
                return redirect("records:hold", case_id=case.pk)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
    history = LegalHold.objects.filter(case=case).select_related("set_by", "cleared_by")
    return render(request, "records/hold_detail.html", {"case": case, "form": form, "hold": retention.active_hold(case),
                                                        "history": history})


@require_perm(Perm.VIEW_SURVIVORS)
@require_http_methods(["GET", "POST"])
def survivor_erase(request: HttpRequest, survivor_id: int) -> HttpResponse:
    survivor = access_survivor(request.user, survivor_id, request=request, purpose="deletion request")
    erased = retention.is_erased(survivor)
    if request.method == "POST" and not erased:
        if request.POST.get("confirm") != "delete":
            messages.error(request, _('Type "delete" to confirm.'))
        else:
            retention.survivor_erase(acting_user=request.user, survivor=survivor, request=request)
            messages.success(request, _("The survivor's identity and record were deleted; the consent history is kept."))
            return redirect("records:survivor_erase", survivor_id=survivor.pk)
    return render(request, "records/survivor_erase.html", {
        "survivor": survivor, "erased": erased, "consents": survivor.consents.select_related("recipient_agency")})


@require_perm(Perm.SEARCH_RECORDS)
def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    result = None
    if request.GET and form.is_valid():
        try:
            result = search.search(user=request.user, q=form.cleaned_data["q"], kind=form.cleaned_data["kind"],
                                   dob=form.cleaned_data.get("dob") or "", request=request)
        except search.SearchError as exc:
            form.add_error("q", str(exc))
    return render(request, "records/search.html", {
        "form": form, "result": result, "labels": search.TYPE_LABELS,
        "restricted_message": search.restricted_message(result.restricted) if result else ""})


EXPORT_PERMS = {"tips": Perm.TRIAGE_TIPS, "cases": Perm.WORK_CASES, "referrals": Perm.VIEW_SURVIVORS,
                "audit": Perm.VIEW_AUDIT}
EXPORT_LABELS = {"tips": "Tips", "cases": "Cases", "referrals": "Referrals", "audit": "Audit trail"}


@require_perm(Perm.EXPORT_RECORDS)
def export_page(request: HttpRequest) -> HttpResponse:
    kinds = [k for k, p in EXPORT_PERMS.items() if has_perm(request.user, p)]
    forms = [(k, _(EXPORT_LABELS[k]), ExportForm(prefix=None, auto_id=f"id_{k}_%s")) for k in kinds]
    return render(request, "records/exports.html", {"forms": forms})


def _export(request: HttpRequest, kind: str) -> HttpResponse:
    try:
        filters = exports.parse_filters(request.GET)
        response = exports.export(user=request.user, kind=kind, output=request.GET.get("output") or "csv",
                                  filters=filters, request=request)
        return cast(HttpResponse, response)  # a StreamingHttpResponse: require_perm is typed for HttpResponse
    except exports.ExportError as exc:
        messages.error(request, str(exc))
        return redirect("records:exports")


@require_perm(Perm.EXPORT_RECORDS, Perm.TRIAGE_TIPS)
def export_tips(request: HttpRequest) -> HttpResponse:
    return _export(request, "tips")


@require_perm(Perm.EXPORT_RECORDS, Perm.WORK_CASES)
def export_cases(request: HttpRequest) -> HttpResponse:
    return _export(request, "cases")


@require_perm(Perm.EXPORT_RECORDS, Perm.VIEW_SURVIVORS)
def export_referrals(request: HttpRequest) -> HttpResponse:
    return _export(request, "referrals")


@require_perm(Perm.EXPORT_RECORDS, Perm.VIEW_AUDIT)
def export_audit(request: HttpRequest) -> HttpResponse:
    return _export(request, "audit")
