"""Staff pages: the analyst review queue, an operation, decisions, ingestion runs."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beacon.core import audit
from beacon.core.access import require_perm
from beacon.core.permissions import Perm

from . import marks, selectors, services
from .access import access_operation, access_run
from .forms import DecisionForm, QueueFilterForm, UploadForm
from .maps import movement_map, timeline
from .models import OperationDecision


@require_perm(Perm.REVIEW_ADS)
def index(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {"status": "open", "min_ads": 2, "q": ""}
    queue = selectors.operation_queue(user=request.user, **filters)  # type: ignore[arg-type]
    page = Paginator(queue, 25).get_page(request.GET.get("page"))
    audit.record(actor=request.user, action=audit.Action.READ, object_type="operation_queue",
                 summary=f"viewed the ad review queue page {page.number}", request=request)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "monitoring/index.html", {"form": form, "page": page, "query": query.urlencode(),
                                                     "filters": filters})


@require_perm(Perm.REVIEW_ADS)
def operation(request: HttpRequest, operation_id: int) -> HttpResponse:
    op = access_operation(request, operation_id)
    if op.merged_into_id:
        return redirect("monitoring:operation", op.merged_into_id)
    ads = list(selectors.operation_ads(user=request.user, operation=op))
    rows = [{"ad": ad, "text": selectors.highlighted(ad)} for ad in ads]
    return render(request, "monitoring/operation.html", {
        "op": op, "rows": rows, "map": movement_map(op.movement, title=_("Movement of operation %(id)s") % {"id": op.pk}),
        "timeline": timeline(ads, title=_("Ads over time, by city")),
        "links": selectors.linked_objects(user=request.user, operation=op),
        "decisions": op.decisions.select_related("decided_by")[:20],
        "form": DecisionForm(), "Decision": OperationDecision.Decision,
    })


@require_POST
@require_perm(Perm.REVIEW_ADS)
def decide(request: HttpRequest, operation_id: int) -> HttpResponse:
    op = access_operation(request, operation_id, audit_read=False)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("monitoring:operation", op.pk)
    try:
        services.operation_decide(operation=op, decision=form.cleaned_data["decision"],
                                  reason=form.cleaned_data.get("reason") or "", acting_user=request.user,
                                  request=request)
    except services.DecisionError as exc:
        messages.error(request, str(exc))
        return redirect("monitoring:operation", op.pk)
    if form.cleaned_data["decision"] == OperationDecision.Decision.ESCALATE:
        return redirect("/staff/cases/new/?" + urlencode({"from": f"operation:{op.pk}", **selectors.case_defaults(op)}))
    messages.success(request, _("Decision recorded."))
    return redirect(reverse("monitoring:operation", args=[op.pk]))


@require_POST
@require_perm(Perm.REVIEW_ADS)
def mark(request: HttpRequest, operation_id: int) -> HttpResponse:
    """Mark an identifier of the operation "link" or "shared, do not link" (applied at once)."""
    op = access_operation(request, operation_id, audit_read=False)
    try:
        marks.mark_identifier(identifier=request.POST.get("identifier", ""), decision=request.POST.get("decision", ""),
                              reason=request.POST.get("reason", ""), acting_user=request.user, request=request)
    except marks.MarkError as exc:
        messages.error(request, str(exc))
        return redirect("monitoring:operation", op.pk)
    messages.success(request, _("Mark recorded and applied."))
    op.refresh_from_db()
    return redirect("monitoring:operation", op.merged_into_id or op.pk)


@require_perm(Perm.INGEST_ADS)
def runs(request: HttpRequest) -> HttpResponse:
    form = UploadForm()
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                run = services.submit_batch(acting_user=request.user, text=services.read_upload(upload),
                                            name=upload.name, kind=form.cleaned_data.get("kind") or "escort")
            except services.IngestError as exc:
                form.add_error("file", str(exc))
            else:
                return redirect("monitoring:run", run.pk)
    page = Paginator(selectors.run_list(user=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "monitoring/runs.html", {"form": form, "page": page, "query": ""})


@require_perm(Perm.INGEST_ADS)
def run(request: HttpRequest, run_id: int) -> HttpResponse:
    obj = access_run(request, run_id)
    rejected = obj.rejected_rows.all()[:500]
    return render(request, "monitoring/run.html", {"run": obj, "rejected": rejected})
