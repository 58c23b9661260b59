"""Training: courses (modules + one quiz), completions and certificates, workshops and registrations.

Course text is bilingual in the row (``*_en`` / ``*_es``); ``localized(obj, "title")`` picks the
active language and falls back to English.  Learners' names and e-mail addresses are encrypted
at rest (``EncryptedTextField``); e-mail equality uses a blind index.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from beacon.core.crypto import EncryptedTextField
from beacon.core.models import Agency, County


class Audience(models.TextChoices):
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement and first responders")
    HEALTH_CARE = "health_care", _("Health care")
    HOSPITALITY = "hospitality", _("Hospitality and hotels")
    TRANSPORTATION = "transportation", _("Trucking and transportation")
    SCHOOLS = "schools", _("Schools")
    FAITH = "faith", _("Faith communities")
    PUBLIC = "public", _("The public")


def localized(obj: Any, field: str) -> str:
    """``obj.<field>_es`` when Spanish is active and filled in, else ``obj.<field>_en``."""
    lang = (translation.get_language() or "en")[:2]
    if lang == "es":
        value = getattr(obj, f"{field}_es", "")
        if value:
            return str(value)
    return str(getattr(obj, f"{field}_en", ""))


class Course(models.Model):
    slug = models.SlugField(unique=True)
    audience = models.CharField(max_length=20, choices=Audience.choices, db_index=True)
    title_en = models.CharField(max_length=200)
    title_es = models.CharField(max_length=200, blank=True)
    summary_en = models.TextField(blank=True)
    summary_es = models.TextField(blank=True)
    pass_mark = models.PositiveSmallIntegerField(default=80, help_text="Percent of questions answered correctly")
    max_attempts = models.PositiveSmallIntegerField(default=3, help_text="Quiz attempts per learner session; 0 = unlimited")
    minutes = models.PositiveSmallIntegerField(default=30)
    position = models.PositiveSmallIntegerField(default=0)
    published = models.BooleanField(default=True)

    class Meta:
        ordering: ClassVar = ["position", "slug"]

    def __str__(self) -> str:
        return self.title_en

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def summary(self) -> str:
        return localized(self, "summary")


class Module(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    position = models.PositiveSmallIntegerField()
    slug = models.SlugField()
    title_en = models.CharField(max_length=200)
    title_es = models.CharField(max_length=200, blank=True)
    body_en = models.TextField(help_text="Markdown")
    body_es = models.TextField(blank=True, help_text="Markdown")

    class Meta:
        ordering: ClassVar = ["course", "position"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["course", "position"], name="training_module_position"),
            models.UniqueConstraint(fields=["course", "slug"], name="training_module_slug"),
        ]

    def __str__(self) -> str:
        return f"{self.course.slug}/{self.slug}"

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def body(self) -> str:
        return localized(self, "body")


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("One answer")
        MULTIPLE = "multiple", _("Every answer that applies")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    text_en = models.TextField()
    text_es = models.TextField(blank=True)
    explanation_en = models.TextField(blank=True)
    explanation_es = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["course", "position"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["course", "position"], name="training_question_position")]

    def __str__(self) -> str:
        return f"{self.course.slug} Q{self.position}"

    @property
    def text(self) -> str:
        return localized(self, "text")

    @property
    def explanation(self) -> str:
        return localized(self, "explanation")


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField()
    text_en = models.CharField(max_length=300)
    text_es = models.CharField(max_length=300, blank=True)
    correct = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar = ["question", "position"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["question", "position"], name="training_choice_position")]

    def __str__(self) -> str:
        return self.text_en

    @property
    def text(self) -> str:
        return localized(self, "text")


class Completion(models.Model):
    """A passed course.  A staff member's completion counts for their agency (and its county);
    a member of the public gets one only when they ask for a certificate (name + e-mail)."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="completions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="training_completions")
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    county = models.ForeignKey(County, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               help_text="The agency's county when the course was completed")
    learner_name = EncryptedTextField()
    learner_email = EncryptedTextField(blank=True)
    first_initial = models.CharField(max_length=1, blank=True)
    score = models.PositiveSmallIntegerField()
    completed_at = models.DateTimeField(db_index=True)
    code = models.CharField(max_length=14, unique=True, help_text="Certificate verification code")
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar = ["-completed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.course.slug} {self.code}"


class Workshop(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    audience = models.CharField(max_length=20, choices=Audience.choices, db_index=True)
    course = models.ForeignKey(Course, null=True, blank=True, on_delete=models.SET_NULL, related_name="workshops")
    language = models.CharField(max_length=2, choices=[("en", _("English")), ("es", _("Spanish"))], default="en")
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="training_workshops")
    venue_name = models.CharField(max_length=200, blank=True)
    venue_address = models.CharField(max_length=300, blank=True)
    online_url = models.URLField(blank=True)
    capacity = models.PositiveIntegerField()
    waitlist_enabled = models.BooleanField(default=True)
    waitlist_limit = models.PositiveIntegerField(default=0, help_text="Largest waitlist; 0 = no limit")
    trainer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_workshops")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    attendance_taken_at = models.DateTimeField(null=True, blank=True,
                                               help_text="Set when the trainer records attendance: the session was held")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar = ["starts_at", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="training_workshop_ends_after_start"),
            models.CheckConstraint(condition=models.Q(capacity__gt=0), name="training_workshop_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def online(self) -> bool:
        return bool(self.online_url) and not self.venue_name


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("Waitlisted")
        CANCELLED = "cancelled", _("Cancelled")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="registrations")
    name = EncryptedTextField()
    email = EncryptedTextField()
    email_index = models.CharField(max_length=64, help_text="Blind index of the lower-cased e-mail")
    organisation = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, db_index=True)
    created_at = models.DateTimeField(db_index=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(null=True, blank=True, help_text="None until attendance is taken")
    survey_sent_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en",
                                help_text="The language the person registered in; their e-mails use it")

    class Meta:
        ordering: ClassVar = ["created_at", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["workshop", "email_index"], condition=~models.Q(status="cancelled"),
                                    name="training_one_active_registration_per_email"),
        ]

    def __str__(self) -> str:
        return f"registration {self.pk} ({self.status})"


class Feedback(models.Model):
    class Confidence(models.TextChoices):
        YES = "yes", _("Yes")
        UNSURE = "unsure", _("Not sure")
        NO = "no", _("No")

    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="feedback")
    rating = models.PositiveSmallIntegerField()
    knows_what_to_do = models.CharField(max_length=6, choices=Confidence.choices)
    comments = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="training_feedback_rating_1_5"),
        ]

    def __str__(self) -> str:
        return f"feedback {self.pk}"
