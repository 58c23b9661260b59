"""Writes for training.  Each is atomic and records its audit event in the same transaction;
e-mails go out after commit through ``tasks.send_email``."""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import DisallowedHost, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beacon.core import audit
from beacon.core.crypto import blind_index, blind_indexes

from .models import Completion, Course, Feedback, Question, Registration, Workshop
from .tasks import send_email

CANCEL_SALT = "beacon.training.cancel"
FEEDBACK_SALT = "beacon.training.feedback"
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U


class WorkshopFull(Exception):
    """The session and its waitlist are full (or the session has no waitlist)."""


class RegistrationClosed(Exception):
    """The session is cancelled or has already started."""


class AlreadyRegistered(Exception):
    """This e-mail already holds a place or a waitlist spot in this session."""


# --- Quizzes ------------------------------------------------------------------------------
@dataclass(frozen=True)
class QuestionResult:
    question_id: int
    correct: bool
    chosen: frozenset[int]
    correct_choices: frozenset[int]


@dataclass(frozen=True)
class QuizResult:
    score: int  # percent, 0-100
    passed: bool
    questions: list[QuestionResult] = field(default_factory=list)

    @property
    def correct_count(self) -> int:
        return sum(q.correct for q in self.questions)


def score_quiz(*, course: Course, answers: Mapping[int, Iterable[int]],
               questions: Iterable[Question] | None = None) -> QuizResult:
    """Score answers ({question id: chosen choice ids}).  A question counts as right only when the
    chosen set equals the set of correct choices (for single-choice questions: the one right
    answer).  Choice ids that do not belong to the question are ignored."""
    qs = list(questions) if questions is not None else list(course.questions.prefetch_related("choices"))
    results = []
    for q in qs:
        own = {c.pk for c in q.choices.all()}
        right = frozenset(c.pk for c in q.choices.all() if c.correct)
        chosen = frozenset(int(c) for c in answers.get(q.pk, ()) if int(c) in own)
        if q.kind == Question.Kind.SINGLE and len(chosen) > 1:
            correct = False
        else:
            correct = chosen == right
        results.append(QuestionResult(question_id=q.pk, correct=correct, chosen=chosen, correct_choices=right))
    total = len(results)
    score = round(100 * sum(r.correct for r in results) / total) if total else 0
    return QuizResult(score=score, passed=total > 0 and score >= course.pass_mark, questions=results)


# --- Completions and certificates ---------------------------------------------------------
def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_code(text: str) -> str:
    raw = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:12]}" if len(raw) == 12 else ""


@transaction.atomic
def completion_create(*, course: Course, score: int, learner_name: str, learner_email: str = "",
                      acting_user: Any = None, request: Any = None, completed_at: dt.datetime | None = None,
                      send_certificate: bool = True, is_demo: bool = False) -> Completion:
    """Record a passed course and issue its certificate.  A signed-in staff member's completion
    carries their agency and its county; the public give a name (and optionally an e-mail, to
    receive the PDF)."""
    if score < course.pass_mark:
        raise ValidationError({"score": _("The quiz was not passed.")})
    name = " ".join((learner_name or "").split())[:150]
    if not name:
        raise ValidationError({"learner_name": _("Enter the name to print on the certificate.")})
    staff = acting_user if getattr(acting_user, "is_authenticated", False) else None
    if staff is not None and (existing := Completion.objects.filter(user=staff, course=course).first()):
        return existing  # one completion per staff member and course: a retake is not a second person trained
    agency = getattr(staff, "agency", None)
    completion = Completion(
        course=course, user=staff, agency=agency, county_id=getattr(agency, "county_id", None),
        learner_name=name, learner_email=(learner_email or "").strip()[:254], first_initial=name[0].upper(),
        score=score, completed_at=completed_at or timezone.now(), code=new_code(), is_demo=is_demo,
    )
    completion.full_clean()
    completion.save()
    audit.record(actor=acting_user, action=audit.Action.CREATE, object_type="training_completion",
                 object_id=completion.pk, summary=f"completed {course.slug}", request=request,
                 detail={"course": course.slug, "score": score})
    if send_certificate and completion.learner_email:
        from .certificates import certificate_pdf

        base = site_url(request)
        pdf = base64.b64encode(certificate_pdf(completion, base_url=base)).decode()
        subject = _("Your Beacon training certificate: %(course)s") % {"course": course.title}
        body = render_to_string("training/email/certificate.txt", {"completion": completion, "base": base})
        to = completion.learner_email
        transaction.on_commit(lambda: send_email.enqueue(to, subject, body, f"certificate-{completion.code}.pdf", pdf))
    return completion


@transaction.atomic
def course_set_published(*, course: Course, published: bool, acting_user: Any, request: Any = None) -> Course:
    """Show or hide a course in the public catalog (its content is edited in ``content/*.yaml``)."""
    course = Course.objects.select_for_update().get(pk=course.pk)
    course.published = published
    course.save(update_fields=["published"])
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="training_course", object_id=course.pk,
                 summary=f"{'published' if published else 'unpublished'} {course.slug}", request=request)
    return course


# --- Workshops ----------------------------------------------------------------------------
WORKSHOP_FIELDS = ("title", "description", "audience", "course", "course_id", "language", "starts_at", "ends_at", "county", "county_id",
                   "venue_name", "venue_address", "online_url", "capacity", "waitlist_enabled", "waitlist_limit")


def _check_place(workshop: Workshop) -> None:
    if not workshop.venue_name and not workshop.online_url:
        raise ValidationError({"venue_name": _("Give a venue or an online link.")})
    if workshop.starts_at and workshop.ends_at and workshop.ends_at <= workshop.starts_at:
        raise ValidationError({"ends_at": _("The session must end after it starts.")})


@transaction.atomic
def workshop_create(*, acting_user: Any, trainer: Any | None = None, request: Any = None, is_demo: bool = False,
                    **values: Any) -> Workshop:
    workshop = Workshop(trainer=trainer or acting_user, is_demo=is_demo,
                        **{k: v for k, v in values.items() if k in WORKSHOP_FIELDS})
    _check_place(workshop)
    workshop.full_clean()
    workshop.save()
    audit.record(actor=acting_user, action=audit.Action.CREATE, object_type="training_workshop", object_id=workshop.pk,
                 summary=f"workshop {workshop.title[:100]}", request=request)
    return workshop


@transaction.atomic
def workshop_update(*, workshop: Workshop, acting_user: Any, request: Any = None, **values: Any) -> Workshop:
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    changed = []
    for key, value in values.items():
        if key in WORKSHOP_FIELDS and getattr(workshop, key) != value:
            setattr(workshop, key, value)
            changed.append(key)
    _check_place(workshop)
    workshop.full_clean()
    workshop.save()
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="training_workshop", object_id=workshop.pk,
                 summary=f"changed {', '.join(changed) or 'nothing'}", request=request)
    if "capacity" in changed or "waitlist_enabled" in changed:
        _promote(workshop, request=request)
    return workshop


@transaction.atomic
def workshop_cancel(*, workshop: Workshop, acting_user: Any, request: Any = None) -> Workshop:
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    workshop.status = Workshop.Status.CANCELLED
    workshop.save(update_fields=["status", "updated_at"])
    active = list(workshop.registrations.exclude(status=Registration.Status.CANCELLED))
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="training_workshop", object_id=workshop.pk,
                 summary="workshop cancelled", request=request, detail={"registrations_notified": len(active)})
    for reg in active:
        _registration_email(reg, "workshop_cancelled", request)
    return workshop


# --- Registration, waitlist and promotion --------------------------------------------------
def email_key(email: str) -> str:
    """The e-mail's blind index under the newest index key (stored on a registration)."""
    return blind_index(email.strip().lower(), purpose="training.registration")


def email_keys(email: str) -> list[str]:
    """The e-mail's blind index under every configured index key (look-ups during a rotation)."""
    return blind_indexes(email.strip().lower(), purpose="training.registration")


def registration_reindex(registration: Registration) -> str:
    """The registration's e-mail index under the newest index key (``beacon keys rotate-index``)."""
    return email_key(registration.email)


def cancel_token(registration: Registration) -> str:
    return signing.dumps(registration.pk, salt=CANCEL_SALT)


def feedback_token(registration: Registration) -> str:
    return signing.dumps(registration.pk, salt=FEEDBACK_SALT)


def registration_from_token(token: str, *, salt: str) -> Registration | None:
    try:
        pk = signing.loads(token, salt=salt)
    except signing.BadSignature:
        return None
    return Registration.objects.select_related("workshop", "workshop__county").filter(pk=pk).first()


def site_url(request: Any = None) -> str:
    """Scheme and host for links in e-mails and PDFs: the host that served the request when there
    is one (so a link works from wherever the person reached Beacon), else ``BEACON_BASE_URL``
    (background tasks, commands)."""
    if request is not None and hasattr(request, "build_absolute_uri"):
        try:
            return str(request.build_absolute_uri("/")).rstrip("/")
        except DisallowedHost:
            pass
    return str(settings.BEACON_BASE_URL).rstrip("/")


def _absolute(path: str, request: Any = None) -> str:
    return site_url(request) + path


def _mail_after_commit(to: str, subject: str, body: str) -> None:
    transaction.on_commit(lambda: send_email.enqueue(to, subject, body))


def _lock(workshop_id: int) -> Workshop:
    """Lock the session row: ``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite the IMMEDIATE
    transaction already holds the database write lock, so counts read next cannot change."""
    return Workshop.objects.select_for_update().get(pk=workshop_id)  # no joins: lock this row only


def _counts(workshop: Workshop) -> tuple[int, int]:
    counts = workshop.registrations.aggregate(
        confirmed=Count("pk", filter=Q(status=Registration.Status.CONFIRMED)),
        waitlisted=Count("pk", filter=Q(status=Registration.Status.WAITLISTED)),
    )
    return counts["confirmed"], counts["waitlisted"]


_EMAIL_SUBJECTS = {
    "registration_confirmed": gettext_lazy("You are registered: %(title)s"),
    "registration_waitlisted": gettext_lazy("You are on the waitlist: %(title)s"),
    "registration_promoted": gettext_lazy("A place opened up: %(title)s"),
    "workshop_cancelled": gettext_lazy("Cancelled: %(title)s"),
    "feedback": gettext_lazy("Thank you for coming: %(title)s"),
}


def _registration_email(reg: Registration, template: str, request: Any = None) -> None:
    """E-mail the registrant in the language they registered in, whoever triggers the mail."""
    with translation.override(reg.language or settings.LANGUAGE_CODE):
        subject = str(_EMAIL_SUBJECTS[template]) % {"title": reg.workshop.title}
        body = render_to_string(f"training/email/{template}.txt", {
            "registration": reg, "workshop": reg.workshop,
            "cancel_url": _absolute(reverse("training_public:cancel", args=[cancel_token(reg)]), request),
            "workshop_url": _absolute(reverse("training_public:workshop", args=[reg.workshop_id]), request),
            "feedback_url": _absolute(reverse("training_public:feedback", args=[feedback_token(reg)]), request),
        })
    _mail_after_commit(reg.email, subject, body)


def _registrant_language(language: str | None) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    lang = (language or translation.get_language() or settings.LANGUAGE_CODE)[:2]
    return lang if lang in codes else settings.LANGUAGE_CODE


@transaction.atomic
def registration_create(*, workshop_id: int, name: str, email: str, organisation: str = "", acting_user: Any = None,
                        request: Any = None, now: dt.datetime | None = None, is_demo: bool = False,
                        language: str | None = None) -> Registration:
    """Register for a session: a place while there is one, else the waitlist (when the session
    has one and it is not full), else ``WorkshopFull``. ``language`` (default: the active one,
    i.e. the page's) is the language of every e-mail the registrant gets later."""
    now = now or timezone.now()
    workshop = _lock(workshop_id)
    if workshop.status != Workshop.Status.SCHEDULED or workshop.starts_at <= now:
        raise RegistrationClosed
    name = " ".join((name or "").split())[:150]
    email = (email or "").strip()
    if not name or not email:
        raise ValidationError({"name": _("Enter your name and e-mail address.")})
    key = email_key(email)
    if workshop.registrations.filter(email_index__in=email_keys(email)).exclude(status=Registration.Status.CANCELLED).exists():
        raise AlreadyRegistered
    confirmed, waitlisted = _counts(workshop)
    if confirmed < workshop.capacity:
        status = Registration.Status.CONFIRMED
    elif workshop.waitlist_enabled and (workshop.waitlist_limit == 0 or waitlisted < workshop.waitlist_limit):
        status = Registration.Status.WAITLISTED
    else:
        raise WorkshopFull
    reg = Registration(workshop=workshop, name=name, email=email, email_index=key, organisation=organisation[:200],
                       status=status, created_at=now, is_demo=is_demo,
                       language=_registrant_language(language))
    reg.full_clean()
    reg.save()
    audit.record(actor=acting_user, action=audit.Action.CREATE, object_type="training_registration", object_id=reg.pk,
                 summary=f"{status} for workshop {workshop.pk}", request=request, detail={"workshop": workshop.pk})
    if not is_demo:
        if status == Registration.Status.CONFIRMED:
            _registration_email(reg, "registration_confirmed", request)
        else:
            _registration_email(reg, "registration_waitlisted", request)
    return reg


def _promote(workshop: Workshop, *, request: Any = None) -> list[Registration]:
    """Move the earliest waitlisted people into free places (caller holds the workshop lock)."""
    confirmed, _waitlisted = _counts(workshop)
    free = workshop.capacity - confirmed
    if free <= 0 or workshop.status != Workshop.Status.SCHEDULED:
        return []
    promoted = list(workshop.registrations.filter(status=Registration.Status.WAITLISTED).order_by("created_at", "id")[:free])
    now = timezone.now()
    for reg in promoted:
        reg.status = Registration.Status.CONFIRMED
        reg.promoted_at = now
        reg.save(update_fields=["status", "promoted_at"])
        audit.record(actor=None, action=audit.Action.UPDATE, object_type="training_registration", object_id=reg.pk,
                     summary=f"promoted from the waitlist of workshop {workshop.pk}", request=request)
        _registration_email(reg, "registration_promoted", request)
    return promoted


@transaction.atomic
def registration_cancel(*, registration: Registration, acting_user: Any = None, request: Any = None) -> list[Registration]:
    """Cancel a place or waitlist spot; returns the people promoted into the freed place."""
    workshop = _lock(registration.workshop_id)
    reg = Registration.objects.get(pk=registration.pk)
    if reg.status == Registration.Status.CANCELLED:
        return []
    reg.status = Registration.Status.CANCELLED
    reg.cancelled_at = timezone.now()
    reg.save(update_fields=["status", "cancelled_at"])
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="training_registration", object_id=reg.pk,
                 summary=f"cancelled for workshop {workshop.pk}", request=request)
    registration.status, registration.cancelled_at = reg.status, reg.cancelled_at
    return _promote(workshop, request=request)


@transaction.atomic
def attendance_record(*, workshop: Workshop, present_ids: Iterable[int], acting_user: Any, request: Any = None,
                      send_feedback: bool = True) -> int:
    """Mark who came (every confirmed registration not listed is absent); the session counts as
    held from now on.  Attendees get the feedback survey the first time they are marked present.
    Returns the number present."""
    workshop = _lock(workshop.pk)
    present = {int(i) for i in present_ids}
    regs = list(workshop.registrations.filter(status=Registration.Status.CONFIRMED))
    count = 0
    for reg in regs:
        was = reg.attended
        reg.attended = reg.pk in present
        count += reg.attended
        if was != reg.attended:
            survey = reg.attended and reg.survey_sent_at is None and send_feedback and not reg.is_demo
            if survey:
                reg.survey_sent_at = timezone.now()
            reg.save(update_fields=["attended", "survey_sent_at"] if survey else ["attended"])
            if survey:
                _registration_email(reg, "feedback", request)
    workshop.attendance_taken_at = workshop.attendance_taken_at or timezone.now()
    workshop.save(update_fields=["attendance_taken_at", "updated_at"])
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="training_workshop", object_id=workshop.pk,
                 summary=f"attendance: {count} of {len(regs)} present", request=request)
    return count


@transaction.atomic
def feedback_create(*, registration: Registration, rating: int, knows_what_to_do: str, comments: str = "",
                    request: Any = None) -> Feedback:
    if not registration.attended:
        raise ValidationError({"registration": _("Only attendees can leave feedback.")})
    if Feedback.objects.filter(registration=registration).exists():
        raise ValidationError({"registration": _("Thank you, we already have your feedback.")})
    fb = Feedback(registration=registration, rating=rating, knows_what_to_do=knows_what_to_do, comments=comments[:2000])
    fb.full_clean()
    fb.save()
    audit.record(actor=None, action=audit.Action.CREATE, object_type="training_feedback", object_id=fb.pk,
                 summary=f"feedback for workshop {registration.workshop_id}", request=request)
    return fb
