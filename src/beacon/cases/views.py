"""Staff pages for cases (thin: parse, authorise through the door, call one service or selector)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from beacon.core import audit
from beacon.core.access import require_perm
from beacon.core.permissions import Perm, has_perm

from . import forms, graph, read_log, reports, selectors, services
from .access import access_alert, access_case, access_graph_start, access_source, can_manage, deny_manage
from .models import AccessGrant, Case, CaseTask
from .typology import VenueType


def _errors(request: HttpRequest, exc: ValidationError | forms.forms.Form) -> None:
    if isinstance(exc, ValidationError):
        texts = [f"{k}: {' '.join(v)}" if k != "__all__" else " ".join(v) for k, v in exc.message_dict.items()] \
            if hasattr(exc, "error_dict") else exc.messages
    else:
        texts = [f"{k}: {' '.join(str(e) for e in v)}" if k != "__all__" else " ".join(str(e) for e in v)
                 for k, v in exc.errors.items()]
    for text in texts:
        messages.error(request, text)


def _back(case: Case, anchor: str = "") -> HttpResponse:
    return redirect(reverse("cases:detail", args=[case.pk]) + (f"#{anchor}" if anchor else ""))


def _managed(request: HttpRequest, case_id: int) -> Case:
    case = access_case(request.user, case_id, request=request, audit_read=False)
    if not can_manage(request.user, case):
        deny_manage(request.user, case, request=request)
        raise PermissionDenied
    return case


@require_GET
@require_perm(Perm.WORK_CASES)
def index(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    q = request.GET.get("q", "").strip()
    qs = selectors.case_list(user=request.user, status=status if status in Case.Status.values else "", q=q)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    audit.record(actor=request.user, action=audit.Action.READ, object_type="case_list", summary="case list",
                 request=request)
    open_alerts = selectors.alert_list(user=request.user).count()
    return render(request, "cases/index.html", {
        "page": page, "cases": page.object_list, "status": status, "q": q, "statuses": Case.Status.choices,
        "open_alerts": open_alerts, "can_report": has_perm(request.user, Perm.FEDERAL_REPORTS), "query": f"status={status}&q={q}" if (status or q) else "",
    })


@require_http_methods(["GET", "POST"])
@require_perm(Perm.WORK_CASES)
def create(request: HttpRequest) -> HttpResponse:
    source = request.GET.get("from", "")
    source_key: tuple[str, str] | None = access_source(request.user, source, request=request) if source else None
    initial = selectors.source_initial(object_type=source_key[0], object_id=source_key[1]) if source_key else {}
    # an escalation suggests the kind and venue type (e.g. labor / agriculture for job ads); unknown values are dropped
    if request.GET.get("kind") in Case.Kind.values:
        initial["kind"] = request.GET["kind"]
    if request.GET.get("venue_type") in VenueType.values:
        initial["venue_type"] = request.GET["venue_type"]
    form = forms.CaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        fields: dict[str, Any] = {"kind": d["kind"], "venue_type": d["venue_type"], "summary": d["summary"],
                                  "counties": d["counties"], "opened_on": d["opened_on"]}
        try:
            if source_key:
                case = services.case_create_from_source(acting_user=request.user, object_type=source_key[0],
                                                        object_id=source_key[1], title=d["title"], request=request,
                                                        **fields)
            else:
                case = services.case_create(acting_user=request.user, title=d["title"], request=request, **fields)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Case opened."))
            return _back(case)
    return render(request, "cases/create.html", {"form": form, "source": source,
                                                 "source_label": initial.get("title", ""),
                                                 "identifiers": initial.get("identifiers", [])})


@require_GET
@require_perm(Perm.WORK_CASES)
def detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_case(request.user, case_id, request=request)
    ctx = selectors.case_detail(user=request.user, case=case)
    manage = can_manage(request.user, case)
    ctx.update({
        "can_manage": manage,
        "update_form": forms.CaseUpdateForm(case=case, initial={
            "title": case.title, "kind": case.kind, "venue_type": case.venue_type, "status": case.status,
            "outcome": case.outcome, "lead_user": case.lead_user_id}, auto_id="case_%s") if manage else None,
        # Several forms on one page: distinct element ids (field names stay the same).
        "person_form": forms.PersonForm(auto_id="person_%s"),
        "identifier_form": forms.IdentifierForm(case=case, auto_id="identifier_%s"),
        "task_form": forms.TaskForm(case=case, auto_id="task_%s"),
        "event_form": forms.EventForm(auto_id="event_%s"),
        "attachment_form": forms.AttachmentForm(auto_id="attachment_%s"),
        "agency_form": forms.AgencyForm(auto_id="agency_%s") if manage else None,
        "grant_form": forms.GrantForm(auto_id="grant_%s") if manage else None,
        "source_form": forms.SourceForm(auto_id="source_%s"),
        "now": timezone.now(),
    })
    if read_log.can_see_read_log(request.user, case):
        ctx["reads"] = Paginator(read_log.access_read_log(request.user, case, request=request), 20).get_page(
            request.GET.get("reads_page"))
    return render(request, "cases/detail.html", ctx)


@require_POST
@require_perm(Perm.WORK_CASES)
def update(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _managed(request, case_id)
    form = forms.CaseUpdateForm(request.POST, case=case)
    if not form.is_valid():
        _errors(request, form)
        return _back(case)
    try:
        services.case_update(case=case, acting_user=request.user, request=request, **form.cleaned_data)
    except ValidationError as exc:
        _errors(request, exc)
        case.refresh_from_db()
    else:
        messages.success(request, _("Case updated."))
    return _back(case)


def _case_form_view(form_cls: Callable[..., Any], needs_case: bool, run: Callable[..., Any], anchor: str,
                    ok: str) -> Callable[[HttpRequest, int], HttpResponse]:
    """A POST that validates one small form on a case and calls one service."""

    def view(request: HttpRequest, case_id: int) -> HttpResponse:
        case = access_case(request.user, case_id, request=request, audit_read=False, write=True)
        kwargs = {"case": case} if needs_case else {}
        form = form_cls(request.POST, request.FILES, **kwargs)
        if not form.is_valid():
            _errors(request, form)
            return _back(case, anchor)
        try:
            run(request, case, form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, ok)
        return _back(case, anchor)

    return view


person_add = require_perm(Perm.WORK_CASES)(require_POST(_case_form_view(
    forms.PersonForm, False,
    lambda r, c, d: services.person_add(case=c, acting_user=r.user, request=r, **d), "people", "Person added.")))

identifier_add = require_perm(Perm.WORK_CASES)(require_POST(_case_form_view(
    forms.IdentifierForm, True,
    lambda r, c, d: services.identifier_add(case=c, acting_user=r.user, kind=d["kind"], raw=d["raw"],
                                            person=d["person"], request=r), "identifiers", "Identifier added.")))

task_add = require_perm(Perm.WORK_CASES)(require_POST(_case_form_view(
    forms.TaskForm, True,
    lambda r, c, d: services.task_add(case=c, acting_user=r.user, request=r, **d), "tasks", "Task added.")))

event_add = require_perm(Perm.WORK_CASES)(require_POST(_case_form_view(
    forms.EventForm, False,
    lambda r, c, d: services.event_add(case=c, acting_user=r.user, request=r, **d), "timeline", "Added to the timeline.")))

attachment_add = require_perm(Perm.WORK_CASES)(require_POST(_case_form_view(
    forms.AttachmentForm, False,
    lambda r, c, d: services.attachment_add(case=c, acting_user=r.user, upload=d["file"], request=r),
    "attachments", "File attached.")))


@require_POST
@require_perm(Perm.WORK_CASES)
def task_done(request: HttpRequest, case_id: int, task_id: int) -> HttpResponse:
    case = access_case(request.user, case_id, request=request, audit_read=False, write=True)
    task = CaseTask.objects.filter(case=case, pk=task_id).first()
    if task is None:
        raise Http404
    services.task_complete(task=task, acting_user=request.user, request=request)
    return _back(case, "tasks")


@require_GET
@require_perm(Perm.WORK_CASES)
def attachment(request: HttpRequest, case_id: int, attachment_id: int) -> HttpResponse:  # FileResponse
    case = access_case(request.user, case_id, request=request, audit_read=False)
    item = case.attachments.filter(pk=attachment_id).first()
    if item is None:
        raise Http404
    audit.record(actor=request.user, action=audit.Action.READ, object_type="case_attachment", object_id=item.pk,
                 summary=f"downloaded a file of case {case.pk}", request=request)
    response: Any = FileResponse(io.BytesIO(selectors.attachment_content(item)), as_attachment=True,
                                 filename=item.original_name, content_type=item.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@require_perm(Perm.WORK_CASES)
def agency_add(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _managed(request, case_id)
    form = forms.AgencyForm(request.POST)
    if form.is_valid():
        try:
            services.case_add_agency(case=case, agency=form.cleaned_data["agency"], acting_user=request.user,
                                     request=request)
        except ValidationError as exc:
            _errors(request, exc)
    else:
        _errors(request, form)
    return _back(case, "access")


@require_POST
@require_perm(Perm.WORK_CASES)
def agency_remove(request: HttpRequest, case_id: int, agency_id: int) -> HttpResponse:
    case = _managed(request, case_id)
    agency = case.participating_agencies.filter(pk=agency_id).first()
    if agency is None:
        raise Http404
    services.case_remove_agency(case=case, agency=agency, acting_user=request.user, request=request)
    messages.success(request, _("%(agency)s no longer participates in the case.") % {"agency": agency.name})
    return _back(case, "access")


@require_POST
@require_perm(Perm.WORK_CASES)
def grant_add(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _managed(request, case_id)
    form = forms.GrantForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.grant_create(case=case, acting_user=request.user, user=d["user"], agency=d["agency"],
                                  expires_at=d["expires_at"], reason=d["reason"], victim_identity=d["victim_identity"],
                                  request=request)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Access granted."))
    else:
        _errors(request, form)
    return _back(case, "access")


@require_POST
@require_perm(Perm.WORK_CASES)
def grant_revoke(request: HttpRequest, case_id: int, grant_id: int) -> HttpResponse:
    case = _managed(request, case_id)
    grant = AccessGrant.objects.filter(case=case, pk=grant_id).first()
    if grant is None:
        raise Http404
    services.grant_revoke(grant=grant, acting_user=request.user, request=request)
    messages.success(request, _("Access revoked."))
    return _back(case, "access")


@require_http_methods(["GET", "POST"])
@require_perm(Perm.WORK_CASES)
def link(request: HttpRequest, case_id: int) -> HttpResponse:
    """Join a tip or ad operation to an existing case: ``?from=tip:<id>`` (or the form's ``source``)."""
    case = access_case(request.user, case_id, request=request, audit_read=False, write=True)
    source = request.GET.get("from") or request.POST.get("source", "")
    if request.method == "POST" or source:
        object_type, object_id = access_source(request.user, source, request=request)
        if request.method == "POST":
            services.case_link_source(case=case, acting_user=request.user, object_type=object_type,
                                      object_id=object_id, request=request)
            messages.success(request, _("Linked to the case; its identifiers were copied."))
            return _back(case, "links")
    q = request.GET.get("q", "").strip()[:100]
    results = selectors.link_search(user=request.user, q=q) if q else []
    return render(request, "cases/link.html", {"case": case, "source": source, "q": q, "results": results})


@require_http_methods(["GET", "POST"])
@require_perm(Perm.WORK_CASES)
def export(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_case(request.user, case_id, request=request, audit_read=False)
    form = forms.ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = services.case_export(case=case, acting_user=request.user, password=form.cleaned_data["password"],
                                    request=request)
        response = HttpResponse(data, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="beacon-case-{case.pk}.zip"'
        return response
    return render(request, "cases/export.html", {"case": case, "form": form})


@require_GET
@require_perm(Perm.WORK_CASES)
def graph_view(request: HttpRequest) -> HttpResponse:
    start = request.GET.get("start", "")
    try:
        hops = int(request.GET.get("hops", graph.DEFAULT_HOPS))
        max_nodes = int(request.GET.get("max_nodes", graph.DEFAULT_NODES))
    except ValueError:
        hops, max_nodes = graph.DEFAULT_HOPS, graph.DEFAULT_NODES
    object_type, object_id = access_graph_start(request.user, start, request=request)
    data = graph.link_graph(request.user, object_type, object_id, hops=hops, max_nodes=max_nodes).as_dict()
    return render(request, "cases/graph.html", {"graph": data, "start": start, "hops": data["hops"],
                                                "max_hops": graph.MAX_HOPS, "listing": graph.listing(data)})


@require_GET
@require_perm(Perm.WORK_CASES)
def alerts(request: HttpRequest) -> HttpResponse:
    show_all = request.GET.get("all") == "1"
    items = list(selectors.alert_list(user=request.user, include_acknowledged=show_all)[:200])
    return render(request, "cases/alerts.html", {"alerts": items, "show_all": show_all})


@require_POST
@require_perm(Perm.WORK_CASES)
def alert_ack(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = access_alert(request.user, alert_id, request=request)
    services.alert_acknowledge(alert=alert, acting_user=request.user, request=request)
    messages.success(request, _("Alert acknowledged."))
    nxt = request.POST.get("next", "")
    return redirect(nxt if nxt.startswith("/staff/cases/") else reverse("cases:alerts"))


@require_GET
@require_perm(Perm.FEDERAL_REPORTS)
def federal_report(request: HttpRequest) -> HttpResponse:
    forces = reports.reportable_task_forces(request.user)
    today = timezone.localdate()
    data = request.GET if "task_force" in request.GET else None
    form = forms.ReportForm(data, forces=forces, initial={
        "quarter": reports.current_quarter(today), "task_force": forces[0].slug if forces else None})
    report = None
    if data is not None:
        # The door first: a task force outside the user's agency is a 404 with a denied audit.
        reports.access_task_force_report(request.user, data.get("task_force", ""), request=request)
        if form.is_valid():
            d = form.cleaned_data
            if d.get("quarter"):
                start, end = reports.quarter_bounds(d["quarter"])
            else:
                start, end = d["start"], d["end"] + dt.timedelta(days=1)
            report = reports.federal_report(d["task_force"], start, end)
            audit.record(actor=request.user, action=audit.Action.EXPORT if request.GET.get("format") == "csv"
                         else audit.Action.READ, object_type="federal_report", object_id=d["task_force"].slug,
                         summary=f"federal report {start}..{end}", request=request)
            if request.GET.get("format") == "csv":
                response = HttpResponse(report.csv(), content_type="text/csv; charset=utf-8")
                response["Content-Disposition"] = (
                    f'attachment; filename="beacon-{d["task_force"].slug}-{start}-{report.last_day}.csv"')
                return response
    return render(request, "cases/report.html", {"form": form, "report": report, "forces": forces,
                                                 "csv_query": request.GET.urlencode()})
