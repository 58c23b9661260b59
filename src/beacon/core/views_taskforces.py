"""Task forces, agencies and county coverage for administrators (``beacon taskforce`` is the CLI twin).

Thin views over ``services_taskforces``; every change is audited there.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import selectors, services_taskforces
from .access import AccessDenied, deny, require_perm
from .forms import AgencyForm, CoverageForm, TaskForceCreateForm, TaskForceForm
from .models import Agency, TaskForce
from .permissions import Perm
from .views_people import add_form_errors


def _task_force(request: HttpRequest, slug: str) -> TaskForce:
    tf = TaskForce.objects.filter(slug=slug).first()
    if tf is None:
        deny(request, object_type="task_force", object_id=slug, reason="no such task force")
        raise AccessDenied("Not found.")
    return tf


def _agency(request: HttpRequest, agency_id: int) -> Agency:
    agency = Agency.objects.filter(pk=agency_id).first()
    if agency is None:
        deny(request, object_type="agency", object_id=agency_id, reason="no such agency")
        raise AccessDenied("Not found.")
    return agency


@require_perm(Perm.MANAGE_TASK_FORCES)
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "core/taskforces/index.html", {
        "task_forces": selectors.task_force_list(), "agencies": selectors.agency_list()})


@require_http_methods(["GET", "POST"])
@require_perm(Perm.MANAGE_TASK_FORCES)
def create(request: HttpRequest) -> HttpResponse:
    form = TaskForceCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tf = services_taskforces.task_force_create(acting_user=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Task force created. Now choose its agencies and counties."))
            return redirect("core:taskforce", slug=tf.slug)
    return render(request, "core/taskforces/create.html", {"form": form})


@require_http_methods(["GET", "POST"])
@require_perm(Perm.MANAGE_TASK_FORCES)
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    tf = _task_force(request, slug)
    posted = request.POST if request.method == "POST" else None
    form = TaskForceForm(posted, initial={"name": tf.name, "description": tf.description}, prefix="tf")
    coverage = CoverageForm(posted, initial={"agencies": list(tf.agencies.all()), "counties": list(tf.counties.all())},
                            prefix="cov")
    if posted is not None and form.is_valid() and coverage.is_valid():
        try:
            services_taskforces.task_force_update(task_force=tf, acting_user=request.user, request=request,
                                                  **form.cleaned_data)
            services_taskforces.task_force_set_agencies(task_force=tf, agencies=coverage.cleaned_data["agencies"],
                                                        acting_user=request.user, request=request)
            added, removed = ([], []) if tf.statewide else services_taskforces.task_force_set_coverage(
                task_force=tf, counties=coverage.cleaned_data["counties"], acting_user=request.user, request=request)
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Task force saved: %(added)s counties added, %(removed)s removed.")
                             % {"added": len(added), "removed": len(removed)})
            return redirect("core:taskforce", slug=tf.slug)
    return render(request, "core/taskforces/detail.html", {"tf": tf, "form": form, "coverage": coverage})


def _agency_form_view(request: HttpRequest, agency: Agency | None) -> HttpResponse:
    initial: dict[str, Any] = {}
    if agency is not None:
        initial = {"name": agency.name, "kind": agency.kind, "county": agency.county_id,
                   "contact_email": agency.contact_email, "contact_phone": agency.contact_phone}
    form = AgencyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if agency is None:
                agency = services_taskforces.agency_create(acting_user=request.user, request=request,
                                                           **form.cleaned_data)
            else:
                services_taskforces.agency_update(agency=agency, acting_user=request.user, request=request,
                                                  **form.cleaned_data)
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Agency saved."))
            return redirect("core:taskforces")
    return render(request, "core/taskforces/agency.html", {"form": form, "agency": agency})


@require_http_methods(["GET", "POST"])
@require_perm(Perm.MANAGE_TASK_FORCES)
def agency_create(request: HttpRequest) -> HttpResponse:
    return _agency_form_view(request, None)


@require_http_methods(["GET", "POST"])
@require_perm(Perm.MANAGE_TASK_FORCES)
def agency_edit(request: HttpRequest, agency_id: int) -> HttpResponse:
    return _agency_form_view(request, _agency(request, agency_id))
