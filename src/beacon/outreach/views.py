from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from beacon.core import audit
from beacon.core.access import require_perm
from beacon.core.permissions import Perm, has_perm

from . import dashboard, exports, selectors, services, sources, svg
from .forms import ActivityForm, CampaignForm, DeliverForm, FilterForm, MaterialForm
from .gap import TERMS
from .models import Activity, Campaign


# --- staff: county analytics -------------------------------------------------------------
def _filters(request: HttpRequest) -> tuple[FilterForm, selectors.Filters, str]:
    form = FilterForm(request.GET or None)
    start, end = selectors.default_period()
    region = task_force = ""
    metric = "gap"
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        start = data.get("start") or start
        end = data.get("end") or end
        region, task_force = data.get("region") or "", data.get("task_force") or ""
        metric = data.get("metric") or "gap"
    if (end - start).days > 3660:
        start = end - dt.timedelta(days=3660)
    return form, selectors.Filters(start=start, end=end, region=region, task_force=task_force), metric


def _csv_response(body: str, filename: str) -> HttpResponse:
    response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_perm(Perm.VIEW_ANALYTICS)
def index(request: HttpRequest) -> HttpResponse:
    form, filters, metric = _filters(request)
    ranking = selectors.county_gap_ranking(user=request.user, filters=filters)
    label, getter, fmt = selectors.MAP_METRICS[metric]
    values = {g.metrics.fips: getter(g) for g in ranking}
    shown = set(values)
    features = [f for f in selectors.map_features() if f.fips in shown]
    map_svg = svg.choropleth(features, values, title=label, fmt=lambda v: fmt.format(v))
    rows = [(g, values[g.metrics.fips]) for g in ranking]
    return render(request, "outreach/index.html", {
        "form": form, "filters": filters, "ranking": ranking, "rows": rows, "map_svg": map_svg, "metric_label": label,
        "metric_fmt": fmt, "terms": TERMS, "query": request.GET.urlencode(), "missing": sources.missing(),
    })


@require_perm(Perm.VIEW_ANALYTICS)
def county(request: HttpRequest, fips: str) -> HttpResponse:
    _form, filters, _metric = _filters(request)
    score, series, months = selectors.county_detail(user=request.user, fips=fips, filters=filters)
    chart = svg.line_chart(months, {k: list(v) for k, v in series.items()},
                           title=_("%(county)s: monthly figures") % {"county": score.metrics.name})
    return render(request, "outreach/county.html", {
        "g": score, "m": score.metrics, "chart": chart, "filters": filters, "series": series,
        "month_rows": [(m, [values[k] for values in series.values()]) for k, m in enumerate(months)],
        "query": request.GET.urlencode(), "missing": sources.missing(),
    })


@require_perm(Perm.VIEW_ANALYTICS)
def export_gap_csv(request: HttpRequest) -> HttpResponse:
    _form, filters, _metric = _filters(request)
    ranking = selectors.county_gap_ranking(user=request.user, filters=filters)
    audit.record(actor=request.user, action=audit.Action.EXPORT, object_type="outreach.gap", request=request,
                 summary=f"exported outreach gap ranking ({len(ranking)} counties)",
                 detail={"start": str(filters.start), "end": str(filters.end), "region": filters.region,
                         "task_force": filters.task_force})
    body = exports.to_csv(exports.GAP_COLUMNS, exports.gap_rows(ranking))
    return _csv_response(body, f"outreach-gap-{filters.start}-{filters.end}.csv")


# --- staff: campaigns --------------------------------------------------------------------
@require_perm(Perm.VIEW_ANALYTICS)
def campaign_list(request: HttpRequest) -> HttpResponse:
    return render(request, "outreach/campaign_list.html", {
        "campaigns": selectors.campaign_list(user=request.user),
        "can_manage": has_perm(request.user, Perm.MANAGE_CAMPAIGNS),
    })


@require_perm(Perm.VIEW_ANALYTICS, Perm.MANAGE_CAMPAIGNS)
def campaign_create(request: HttpRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Campaign created."))
            return redirect("outreach:campaign", campaign_id=campaign.pk)
    return render(request, "outreach/campaign_form.html", {"form": form})


def _campaign_context(request: HttpRequest, campaign: Campaign, **extra: Any) -> dict[str, Any]:
    progress = selectors.campaign_progress(campaign)
    target = {c.fips for c in campaign.counties.all()}
    values: dict[str, float | None] = {p.fips: float(p.percent_delivered) for p in progress}
    map_svg = svg.choropleth(selectors.map_features(), values, title=_("Activities delivered (%)"),
                             fmt=lambda v: f"{v:.0f}%", highlight=target)
    can_manage = has_perm(request.user, Perm.MANAGE_CAMPAIGNS)
    context = {
        "campaign": campaign, "progress": progress, "before_after": selectors.campaign_before_after(campaign),
        "map_svg": map_svg, "can_manage": can_manage, "activities": list(campaign.activities.all()),
        "materials": list(campaign.materials.all()), "deliver_form": DeliverForm(initial={"delivered_date": timezone.localdate()}),
        "activity_form": ActivityForm(campaign=campaign) if can_manage else None,
        "material_form": MaterialForm() if can_manage else None,
        "missing": sources.missing(),
    }
    context.update(extra)
    return context


@require_perm(Perm.VIEW_ANALYTICS)
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.get_campaign(user=request.user, campaign_id=campaign_id)
    return render(request, "outreach/campaign_detail.html", _campaign_context(request, campaign))


@require_perm(Perm.VIEW_ANALYTICS, Perm.MANAGE_CAMPAIGNS)
@require_POST
def activity_add(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.get_campaign(user=request.user, campaign_id=campaign_id)
    form = ActivityForm(request.POST, campaign=campaign)
    if form.is_valid():
        try:
            services.activity_plan(acting_user=request.user, campaign=campaign, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, "; ".join(exc.messages))
        else:
            messages.success(request, _("Activity planned."))
            return redirect("outreach:campaign", campaign_id=campaign.pk)
    return render(request, "outreach/campaign_detail.html", _campaign_context(request, campaign, activity_form=form),
                  status=400)


@require_perm(Perm.VIEW_ANALYTICS, Perm.MANAGE_CAMPAIGNS)
@require_POST
def activity_deliver(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = get_object_or_404(Activity, pk=activity_id)
    form = DeliverForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date delivered and the number of people reached."))
    else:
        services.activity_deliver(acting_user=request.user, activity=activity, **form.cleaned_data)
        messages.success(request, _("Activity marked delivered."))
    return redirect(reverse("outreach:campaign", kwargs={"campaign_id": activity.campaign_id}) + "#activities")


@require_perm(Perm.VIEW_ANALYTICS, Perm.MANAGE_CAMPAIGNS)
@require_POST
def material_add(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.get_campaign(user=request.user, campaign_id=campaign_id)
    form = MaterialForm(request.POST)
    if form.is_valid():
        services.material_add(acting_user=request.user, campaign=campaign, **form.cleaned_data)
        messages.success(request, _("Material added."))
        return redirect("outreach:campaign", campaign_id=campaign.pk)
    return render(request, "outreach/campaign_detail.html", _campaign_context(request, campaign, material_form=form),
                  status=400)


@require_perm(Perm.VIEW_ANALYTICS)
def campaign_csv(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.get_campaign(user=request.user, campaign_id=campaign_id)
    progress = selectors.campaign_progress(campaign)
    audit.record(actor=request.user, action=audit.Action.EXPORT, object_type="outreach.campaign", object_id=campaign.pk,
                 summary=f"exported progress of {campaign.name}", request=request)
    return _csv_response(exports.to_csv(exports.PROGRESS_COLUMNS, exports.progress_rows(progress)),
                         f"campaign-{campaign.pk}-progress.csv")


# --- public ------------------------------------------------------------------------------
def _year(request: HttpRequest) -> int:
    years = dashboard.published_years()
    raw = request.GET.get("year", "")
    if not raw:
        return dashboard.latest_year_with_data()
    if not raw.isdigit() or int(raw) not in years:
        raise Http404("That year is not published.")
    return int(raw)


def _public_chart(table: dashboard.PublicTable) -> Any:
    """The statewide monthly line; a suppressed month is a gap, its hover text "1-10" or "withheld"."""
    labels = {m: e.display for m, e in zip(table.months, table.statewide.months, strict=True)}
    return svg.line_chart(list(table.months), {table.title: [e.count for e in table.statewide.months]},
                          title=table.title, point_label=lambda m, v: f"{m}: {labels[m]}",
                          # Narrow and large-type: readable on a phone (about 13 px at 390 px wide).
                          width=PUBLIC_CHART_WIDTH, height=300, font_size=PUBLIC_CHART_FONT, legend=False,
                          tick_label=_month_abbr, tick_step=2)


PUBLIC_CHART_WIDTH = 480
PUBLIC_CHART_FONT = 18


def _month_abbr(month: str) -> str:
    """"2025-03" -> "Mar" (localized)."""
    year, m = (int(x) for x in month.split("-"))
    return date_format(dt.date(year, m, 1), "M")


@require_GET
def public_dashboard(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    tables = dashboard.public_tables(year)
    charts = {t.key: _public_chart(t) for t in tables}
    return render(request, "outreach/public_dashboard.html", {
        "public_page": True, "year": year, "years": dashboard.published_years(), "tables": tables, "charts": charts,
    })


@require_GET
def awareness(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    today = timezone.localdate()
    events = selectors.awareness_events(now=now, today=today)
    next_day = dt.date(today.year if (today.month, today.day) <= (1, 11) else today.year + 1, 1, 11)
    return render(request, "outreach/awareness.html", {
        "public_page": True, "events": events, "awareness_day": next_day,
        "days_to_go": (next_day - today).days,
    })
