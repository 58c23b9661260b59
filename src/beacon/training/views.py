"""Training pages: the public catalog, courses, quizzes, certificates and workshops, and the staff
pages (overview for every staff member, session management for trainers, coverage)."""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from beacon.core import audit
from beacon.core.access import is_verified, require_perm
from beacon.core.permissions import Perm, has_perm
from beacon.core.ratelimit import hit, retry_after

from . import ical, selectors, services
from .access import access_workshop
from .certificates import certificate_pdf
from .forms import (
    CertificateForm,
    CoverageForm,
    FeedbackForm,
    RegistrationForm,
    VerifyForm,
    WorkshopFilterForm,
    WorkshopForm,
    default_period,
)
from .mapsvg import Dot, missouri_svg
from .models import Audience, Course, Registration

PROGRESS_KEY = "training_progress"
CERTS_KEY = "training_certificates"


# --- Session progress (anonymous learners) ------------------------------------------------
def _progress(request: HttpRequest, course: Course) -> dict[str, Any]:
    all_progress = request.session.get(PROGRESS_KEY, {})
    return dict(all_progress.get(course.slug, {"modules": [], "attempts": 0, "passed_score": None}))


def _save_progress(request: HttpRequest, course: Course, progress: dict[str, Any]) -> None:
    all_progress = dict(request.session.get(PROGRESS_KEY, {}))
    all_progress[course.slug] = progress
    request.session[PROGRESS_KEY] = all_progress


def _staff(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and is_verified(request.user))


def _course_or_404(slug: str) -> Course:
    course = selectors.course_get(slug)
    if course is None:
        raise Http404
    return course


def _public(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, template, {"public_page": True, **context}, status=status)


# --- Public: courses ----------------------------------------------------------------------
def public_catalog(request: HttpRequest) -> HttpResponse:
    courses = list(selectors.course_list())
    progress = request.session.get(PROGRESS_KEY, {})
    for c in courses:
        c.passed = bool(progress.get(c.slug, {}).get("passed_score") is not None)  # type: ignore[attr-defined]
    upcoming = list(selectors.workshops_public()[:3])
    return _public(request, "training/catalog.html", {"courses": courses, "upcoming": upcoming})


def course_detail(request: HttpRequest, slug: str) -> HttpResponse:
    course = _course_or_404(slug)
    progress = _progress(request, course)
    return _public(request, "training/course.html", {
        "course": course, "modules": list(course.modules.all()), "progress": progress,
        "attempts_left": _attempts_left(course, progress), "certificate_form": CertificateForm(),
    })


def module_detail(request: HttpRequest, slug: str, position: int) -> HttpResponse:
    course = _course_or_404(slug)
    modules = list(course.modules.all())
    module = next((m for m in modules if m.position == position), None)
    if module is None:
        raise Http404
    progress = _progress(request, course)
    if position not in progress["modules"]:
        progress["modules"] = sorted([*progress["modules"], position])
        _save_progress(request, course, progress)
    following = next((m for m in modules if m.position > position), None)
    previous = next((m for m in reversed(modules) if m.position < position), None)
    return _public(request, "training/module.html", {
        "course": course, "module": module, "body": selectors.render_markdown(module.body),
        "next": following, "previous": previous, "modules": modules,
    })


def _attempts_left(course: Course, progress: dict[str, Any]) -> int | None:
    if course.max_attempts == 0:
        return None
    return max(course.max_attempts - int(progress.get("attempts", 0)), 0)


@require_http_methods(["GET", "POST"])
def quiz(request: HttpRequest, slug: str) -> HttpResponse:
    course = _course_or_404(slug)
    questions = selectors.quiz_questions(course)
    progress = _progress(request, course)
    left = _attempts_left(course, progress)
    context: dict[str, Any] = {"course": course, "questions": questions, "progress": progress, "attempts_left": left,
                               "items": _quiz_items(questions, {}, set()), "certificate_form": CertificateForm()}
    if request.method == "GET" or progress.get("passed_score") is not None:
        return _public(request, "training/quiz.html", context)
    if left == 0:
        messages.error(request, _("You have used every attempt for this quiz. Review the modules and try again in a new session."))
        return redirect("training_public:course", slug=course.slug)
    answers = {q.pk: [int(v) for v in request.POST.getlist(f"q{q.pk}") if v.isdigit()] for q in questions}
    own = {q.pk: {c.pk for c in q.choices.all()} for q in questions}
    unanswered = {q.pk for q in questions if not set(answers[q.pk]) & own[q.pk]}
    if unanswered:
        # Ask for the missing answers: nothing is graded and no attempt is used; the answers given stay checked.
        context.update({"items": _quiz_items(questions, answers, unanswered),
                        "unanswered": [n for n, q in enumerate(questions, 1) if q.pk in unanswered]})
        return _public(request, "training/quiz.html", context, status=400)
    result = services.score_quiz(course=course, answers=answers, questions=questions)
    progress["attempts"] = int(progress.get("attempts", 0)) + 1
    completion = None
    if result.passed:
        progress["passed_score"] = result.score
        progress["passed_at"] = timezone.now().isoformat()
        if _staff(request):
            # A staff member's pass counts for their agency at once; the certificate uses their name.
            user: Any = request.user
            completion = services.completion_create(
                course=course, score=result.score, learner_name=user.get_full_name() or user.get_username(),
                learner_email=user.email, acting_user=user, request=request, send_certificate=False)
            _remember_certificate(request, completion.pk)
    _save_progress(request, course, progress)
    by_id = {r.question_id: r for r in result.questions}
    context.update({
        "result": result, "attempts_left": _attempts_left(course, progress), "completion": completion,
        "reviewed": [(q, by_id[q.pk], [(c, c.pk in by_id[q.pk].chosen, c.pk in by_id[q.pk].correct_choices)
                                       for c in q.choices.all()]) for q in questions],
    })
    return _public(request, "training/quiz_result.html", context)


def _quiz_items(questions: list[Any], answers: dict[int, list[int]], unanswered: set[int]) -> list[dict[str, Any]]:
    """Each question with its choices (and whether each was checked) and whether it still needs an answer."""
    return [{"question": q, "number": n, "missing": q.pk in unanswered,
             "choices": [(c, c.pk in answers.get(q.pk, ())) for c in q.choices.all()]}
            for n, q in enumerate(questions, 1)]


def _remember_certificate(request: HttpRequest, completion_id: int) -> None:
    request.session[CERTS_KEY] = [*request.session.get(CERTS_KEY, []), completion_id]


@require_POST
def certificate_request(request: HttpRequest, slug: str) -> HttpResponse:
    course = _course_or_404(slug)
    progress = _progress(request, course)
    if progress.get("passed_score") is None:
        messages.error(request, _("Pass the quiz first."))
        return redirect("training_public:quiz", slug=course.slug)
    if progress.get("certificate"):
        return redirect("training_public:certificate", code=progress["certificate"])
    if not hit(request, "public_form"):
        return _public(request, "training/rate_limited.html", {"retry": retry_after("public_form")}, status=429)
    form = CertificateForm(request.POST)
    if not form.is_valid():
        return _public(request, "training/quiz_result.html", {"course": course, "certificate_form": form, "passed_only": True}, status=400)
    completion = services.completion_create(
        course=course, score=int(progress["passed_score"]), learner_name=form.cleaned_data["learner_name"],
        learner_email=form.cleaned_data["learner_email"], acting_user=request.user, request=request)
    progress["certificate"] = completion.code
    _save_progress(request, course, progress)
    _remember_certificate(request, completion.pk)
    return redirect("training_public:certificate", code=completion.code)


def _own_completion(request: HttpRequest, code: str) -> Any:
    completion = selectors.completion_by_code(code)
    mine = completion is not None and (
        completion.pk in request.session.get(CERTS_KEY, [])
        or (request.user.is_authenticated and completion.user_id == request.user.pk))
    if not mine:
        raise Http404
    return completion


def certificate_page(request: HttpRequest, code: str) -> HttpResponse:
    return _public(request, "training/certificate.html", {"completion": _own_completion(request, code)})


def certificate_download(request: HttpRequest, code: str) -> HttpResponse:
    completion = _own_completion(request, code)
    response = HttpResponse(certificate_pdf(completion, base_url=services.site_url(request)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="beacon-certificate-{completion.code}.pdf"'
    return response


def verify(request: HttpRequest) -> HttpResponse:
    """Anyone can check a code: the answer is valid/not, the course, the date and the first initial."""
    form = VerifyForm(request.GET or None)
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        if not hit(request, "public_form"):
            return _public(request, "training/rate_limited.html", {"retry": retry_after("public_form")}, status=429)
        code = services.normalise_code(form.cleaned_data["code"])
        context["checked"] = True
        context["completion"] = selectors.completion_by_code(code)
    return _public(request, "training/verify.html", context)


# --- Public: workshops --------------------------------------------------------------------
def workshop_list(request: HttpRequest) -> HttpResponse:
    form = WorkshopFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {"county": data["county"].fips if data["county"] else "", "audience": data["audience"],
                   "date_from": data["date_from"], "date_to": data["date_to"]}
    workshops = list(selectors.workshops_public(**filters))
    per_county: dict[str, list[str]] = {}
    for w in workshops:
        per_county.setdefault(w.county_id, []).append(w.title)
    names = {w.county_id: w.county.name for w in workshops}
    dots = [Dot(fips=f, count=len(t), label=f"{names[f]}: " + "; ".join(t)) for f, t in per_county.items()]
    return _public(request, "training/workshops.html", {
        "form": form, "workshops": workshops, "query": request.GET.urlencode(),
        "map_svg": missouri_svg(dots, title=_("Map of Missouri counties with training sessions")),
    })


def workshop_feed(request: HttpRequest) -> HttpResponse:
    form = WorkshopFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {"county": form.cleaned_data["county"].fips if form.cleaned_data["county"] else "",
                   "audience": form.cleaned_data["audience"]}
    body = ical.calendar(selectors.workshops_public(**filters))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="beacon-workshops.ics"'
    return response


@require_http_methods(["GET", "POST"])
def workshop_detail(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = selectors.workshop_public(pk)
    if workshop is None:
        raise Http404
    form = RegistrationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not hit(request, "public_form"):
            return _public(request, "training/rate_limited.html", {"retry": retry_after("public_form")}, status=429)
        if form.is_valid() and not form.cleaned_data["website"]:
            try:
                reg = services.registration_create(
                    workshop_id=workshop.pk, name=form.cleaned_data["name"], email=form.cleaned_data["email"],
                    organisation=form.cleaned_data["organisation"], acting_user=request.user, request=request)
            except services.AlreadyRegistered:
                form.add_error("email", _("This e-mail address is already registered for this session. Check your inbox."))
            except services.WorkshopFull:
                form.add_error(None, _("Sorry, this session is full."))
            except services.RegistrationClosed:
                form.add_error(None, _("Registration for this session is closed."))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect(reverse("training_public:registered", args=[workshop.pk]) + f"?status={reg.status}")
        status = 400
    is_open = workshop.status == workshop.Status.SCHEDULED and workshop.starts_at > timezone.now()
    return _public(request, "training/workshop.html", {"workshop": workshop, "form": form, "open": is_open},
                   status=status)


def workshop_registered(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = selectors.workshop_public(pk)
    if workshop is None:
        raise Http404
    waitlisted = request.GET.get("status") == Registration.Status.WAITLISTED
    return _public(request, "training/registered.html", {"workshop": workshop, "waitlisted": waitlisted})


@require_http_methods(["GET", "POST"])
def registration_cancel(request: HttpRequest, token: str) -> HttpResponse:
    reg = services.registration_from_token(token, salt=services.CANCEL_SALT)
    if reg is None:
        raise Http404
    done = False
    # The link stops working once the session has started: nothing is left to cancel.
    started = reg.workshop.starts_at <= timezone.now()
    if request.method == "POST" and reg.status != Registration.Status.CANCELLED and not started:
        services.registration_cancel(registration=reg, acting_user=request.user, request=request)
        done = True
    return _public(request, "training/cancel.html",
                   {"registration": reg, "workshop": reg.workshop, "done": done, "started": started})


@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest, token: str) -> HttpResponse:
    reg = services.registration_from_token(token, salt=services.FEEDBACK_SALT)
    if reg is None or not reg.attended:
        raise Http404
    already = hasattr(reg, "feedback")
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and not already:
        if not hit(request, "public_form"):
            return _public(request, "training/rate_limited.html", {"retry": retry_after("public_form")}, status=429)
        if form.is_valid():
            services.feedback_create(registration=reg, request=request, **form.cleaned_data)
            already = True
    return _public(request, "training/feedback.html", {"form": form, "workshop": reg.workshop, "done": already})


# --- Staff --------------------------------------------------------------------------------
@require_perm(Perm.STAFF_AREA)
def index(request: HttpRequest) -> HttpResponse:
    overview = selectors.staff_overview(user=request.user)
    manage = has_perm(request.user, Perm.MANAGE_TRAINING)
    return render(request, "training/staff/index.html", {
        "overview": overview, "manage": manage, "courses": selectors.course_list(),
        "my_workshops": list(selectors.workshops_of_trainer(user=request.user)[:10]) if manage else [],
        "can_view_coverage": has_perm(request.user, Perm.VIEW_ANALYTICS),
    })


@require_perm(Perm.MANAGE_TRAINING)
def staff_workshop_new(request: HttpRequest) -> HttpResponse:
    form = WorkshopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workshop = services.workshop_create(acting_user=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Session created."))
            return redirect("training:workshop", pk=workshop.pk)
    return render(request, "training/staff/workshop_form.html", {"form": form}, status=400 if form.errors else 200)


@require_perm(Perm.MANAGE_TRAINING)
def staff_workshop_edit(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = access_workshop(request.user, pk, request=request)
    form = WorkshopForm(request.POST or None, instance=workshop)
    if request.method == "POST" and form.is_valid():
        try:
            services.workshop_update(workshop=workshop, acting_user=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Session updated."))
            return redirect("training:workshop", pk=workshop.pk)
    return render(request, "training/staff/workshop_form.html", {"form": form, "workshop": workshop},
                  status=400 if form.errors else 200)


@require_perm(Perm.MANAGE_TRAINING)
def staff_workshop(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = access_workshop(request.user, pk, request=request)
    regs = selectors.registrations_of(user=request.user, workshop=workshop, request=request)
    return render(request, "training/staff/workshop.html", {
        "workshop": workshop, "registrations": regs, "feedback": selectors.feedback_summary(workshop=workshop)})


@require_perm(Perm.MANAGE_TRAINING)
def staff_courses(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        course = Course.objects.filter(slug=request.POST.get("slug", "")).first()
        if course is None:
            raise Http404
        services.course_set_published(course=course, published=request.POST.get("published") == "1",
                                      acting_user=request.user, request=request)
        return redirect("training:courses")
    return render(request, "training/staff/courses.html", {"courses": selectors.courses_for_management()})


@require_perm(Perm.MANAGE_TRAINING)
@require_POST
def staff_workshop_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = access_workshop(request.user, pk, request=request)
    services.workshop_cancel(workshop=workshop, acting_user=request.user, request=request)
    messages.success(request, _("Session cancelled; everyone registered has been told."))
    return redirect("training:workshop", pk=workshop.pk)


@require_perm(Perm.MANAGE_TRAINING)
@require_POST
def staff_registration_cancel(request: HttpRequest, pk: int, reg_id: int) -> HttpResponse:
    workshop = access_workshop(request.user, pk, request=request)
    reg = workshop.registrations.filter(pk=reg_id).first()
    if reg is None:
        raise Http404
    promoted = services.registration_cancel(registration=reg, acting_user=request.user, request=request)
    messages.success(request, _("Registration cancelled.") + (" " + _("%(n)s promoted from the waitlist.") % {"n": len(promoted)}
                                                             if promoted else ""))
    return redirect("training:workshop", pk=workshop.pk)


@require_perm(Perm.MANAGE_TRAINING)
def staff_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = access_workshop(request.user, pk, request=request)
    if request.method == "POST":
        present = [int(v) for v in request.POST.getlist("present") if v.isdigit()]
        count = services.attendance_record(workshop=workshop, present_ids=present, acting_user=request.user, request=request)
        messages.success(request, _("Attendance saved: %(n)s present.") % {"n": count})
        return redirect("training:attendance", pk=workshop.pk)
    regs = [r for r in selectors.registrations_of(user=request.user, workshop=workshop, request=request)
            if r.status == Registration.Status.CONFIRMED]
    return render(request, "training/staff/attendance.html", {"workshop": workshop, "registrations": regs})


def _coverage_form(request: HttpRequest) -> CoverageForm:
    form = CoverageForm(request.GET or {k: v.isoformat() for k, v in default_period().items()})
    return form


@require_perm(Perm.VIEW_ANALYTICS)
def staff_coverage(request: HttpRequest) -> HttpResponse:
    form = _coverage_form(request)
    data = None
    if form.is_valid():
        start, end = form.period()
        data = selectors.coverage(start=start, end=end, audience=form.cleaned_data["audience"])
    rows = [(label, data.by_audience[code]) for code, label in Audience.choices] if data else []
    return render(request, "training/staff/coverage.html", {
        "form": form, "coverage": data, "query": request.GET.urlencode(), "audience_rows": rows,
    })


@require_perm(Perm.VIEW_ANALYTICS)
def staff_coverage_csv(request: HttpRequest) -> HttpResponse:
    form = _coverage_form(request)
    if not form.is_valid():
        return HttpResponse(status=400)
    start, end = form.period()
    data = selectors.coverage(start=start, end=end, audience=form.cleaned_data["audience"])
    audit.record(actor=request.user, action=audit.Action.EXPORT, object_type="training_coverage", request=request,
                 summary=f"coverage CSV {start.date()} to {(end - dt.timedelta(days=1)).date()}")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="training-coverage-{start.date()}-{(end - dt.timedelta(days=1)).date()}.csv"'
    writer = csv.writer(response)
    audiences = list(Audience.values)
    writer.writerow(["fips", "county", "population", "rural", "people_trained", "people_trained_per_10k",
                     "workshops_held", "workshops_held_per_10k", *[f"trained_{a}" for a in audiences]])
    for row in data.rows:
        writer.writerow([row.fips, row.name, row.population, int(row.rural), row.trained, row.trained_per_10k,
                         row.held, row.held_per_10k, *[row.trained_by_audience.get(a, 0) for a in audiences]])
    return response
