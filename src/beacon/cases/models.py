"""Task-force case work: cases, people, identifiers, access grants, deconfliction alerts.

Writes go through ``services.py``; reads through ``selectors.py``; the one door to a case is
``access.access_case``.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beacon.core.crypto import EncryptedTextField
from beacon.core.models import Agency, County, Identifier

from .typology import VenueType


class Case(models.Model):
    class Kind(models.TextChoices):
        SEX = "sex", _("Sex trafficking")
        LABOR = "labor", _("Labor trafficking")
        BOTH = "both", _("Sex and labor trafficking")
        UNKNOWN = "unknown", _("Unknown")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACTIVE = "active", _("Active investigation")
        REFERRED = "referred", _("Referred for prosecution")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        NONE = "", _("—")
        CONVICTION = "conviction", _("Conviction")
        PLEA = "plea", _("Plea agreement")
        DECLINED = "declined", _("Prosecution declined")
        DISMISSED = "dismissed", _("Dismissed")
        UNFOUNDED = "unfounded", _("Unfounded")
        TRANSFERRED = "transferred", _("Transferred to another jurisdiction")
        OTHER = "other", _("Other")

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.UNKNOWN)
    venue_type = models.CharField(max_length=40, choices=VenueType.choices, blank=True,
                                  help_text="Polaris typology of modern slavery (2017)")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    lead_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="led_cases")
    lead_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="led_cases",
                                  help_text="The case lead: receives deconfliction alerts")
    participating_agencies = models.ManyToManyField(Agency, related_name="participating_cases", blank=True)
    counties = models.ManyToManyField(County, related_name="cases", blank=True)
    summary = models.TextField(blank=True)
    opened_on = models.DateField(default=timezone.localdate, db_index=True)
    closed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar = ["-opened_on", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(status="closed") | models.Q(outcome=""), name="case_outcome_only_when_closed"),
        ]

    def __str__(self) -> str:
        return f"Case {self.pk}: {self.title}"


class Person(models.Model):
    """Someone on a case.  Identifying fields are encrypted at rest for everyone on a case;
    a potential victim's are shown only to users with need-to-know (see ``access``)."""

    class Role(models.TextChoices):
        VICTIM = "victim", _("Potential victim")
        SUSPECT = "suspect", _("Suspect")
        WITNESS = "witness", _("Witness")
        BUYER = "buyer", _("Buyer")
        OTHER = "other", _("Other")

    class AgeGroup(models.TextChoices):
        MINOR = "minor", _("Minor (under 18)")
        ADULT = "adult", _("Adult")
        UNKNOWN = "unknown", _("Unknown")

    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Another sex / non-binary")
        UNKNOWN = "unknown", _("Unknown")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="persons")
    role = models.CharField(max_length=10, choices=Role.choices)
    age_group = models.CharField(max_length=10, choices=AgeGroup.choices, default=AgeGroup.UNKNOWN)
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    nationality = models.CharField(max_length=80, blank=True)
    name = EncryptedTextField(blank=True)
    date_of_birth = EncryptedTextField(blank=True)
    details = EncryptedTextField(blank=True)
    # Keyed hash of the normalised name (+ date of birth) so a person can be matched across
    # cases for deconfliction without decrypting anything.
    match_index = models.CharField(max_length=64, blank=True, db_index=True)
    identified_on = models.DateField(default=timezone.localdate)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} #{self.pk}"

    @property
    def is_victim(self) -> bool:
        return self.role == self.Role.VICTIM


class CaseIdentifier(models.Model):
    """A shared ``core.Identifier`` on a case, optionally attached to one of its persons."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="identifiers")
    identifier = models.ForeignKey(Identifier, on_delete=models.PROTECT, related_name="case_links")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="identifiers")
    raw = EncryptedTextField(blank=True, help_text="As written by the investigator")
    source = models.CharField(max_length=40, blank=True, help_text='e.g. "tip:12" when copied on escalation')
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["case", "identifier"], condition=models.Q(person__isnull=True),
                                    name="unique_case_identifier"),
            models.UniqueConstraint(fields=["case", "identifier", "person"], name="unique_case_person_identifier"),
        ]

    def __str__(self) -> str:
        return f"{self.identifier} on case {self.case_id}"


class CaseLink(models.Model):
    """A tip, ad operation (or other registered link object) that fed the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links")
    object_type = models.CharField(max_length=20)
    object_id = models.CharField(max_length=64)
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["case", "object_type", "object_id"], name="unique_case_link"),
        ]

    def __str__(self) -> str:
        return f"{self.object_type}:{self.object_id} → case {self.case_id}"


class CaseTask(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="case_tasks")
    due_on = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["done_at", "due_on", "id"]

    def __str__(self) -> str:
        return self.title


class CaseEvent(models.Model):
    """The case timeline: notes, and the countable events federal reports need."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        ARREST = "arrest", _("Arrest")
        CHARGE = "charge", _("Charge filed")
        SERVICE_REFERRAL = "service_referral", _("Referral to services")
        STATUS = "status", _("Status change")
        LINK = "link", _("Linked record")
        OTHER = "other", _("Other")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NOTE, db_index=True)
    occurred_on = models.DateField(default=timezone.localdate, db_index=True)
    text = models.TextField(blank=True)
    count = models.PositiveIntegerField(default=1, help_text="Arrests, charges or referrals this event records")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} on case {self.case_id}"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"cases/{instance.case_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file kept under ``MEDIA_ROOT`` (never in the database), encrypted with the field key, served
    only through the case door (``selectors.attachment_content``)."""

    ENCRYPTED_FILE_FIELDS: ClassVar = ("file",)  # re-encrypted by `beacon keys rotate`

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    encrypted = models.BooleanField(default=False, help_text="Stored encrypted (files from before encryption "
                                                             "are encrypted by `beacon keys rotate`)")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.original_name


class AccessGrant(models.Model):
    """Explicit, time-limited, revocable access to a case for one user or one agency."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="case_grants")
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="case_grants")
    victim_identity = models.BooleanField(default=False, help_text="Need-to-know: may see potential victims' identities")
    reason = models.CharField(max_length=300)
    expires_at = models.DateTimeField()
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering: ClassVar = ["-granted_at", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=(models.Q(user__isnull=False, agency__isnull=True)
                           | models.Q(user__isnull=True, agency__isnull=False)),
                name="grant_to_user_or_agency"),
        ]

    def __str__(self) -> str:
        return f"grant on case {self.case_id} to {self.user or self.agency}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class DeconflictionAlert(models.Model):
    """Told to one case lead: another agency works something this case holds.

    Only ``other_agency`` and ``identifier_kind`` are ever shown; ``other_case`` and
    ``identifier`` are kept to avoid repeating the same alert and are never displayed.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="alerts")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_alerts")
    other_agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    other_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    identifier_kind = models.CharField(max_length=10)  # a core.Identifier kind, or "person"
    identifier = models.ForeignKey(Identifier, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    match_index = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["case", "other_case", "identifier_kind", "identifier", "match_index"],
                                    name="unique_deconfliction_alert"),
        ]

    def __str__(self) -> str:
        return f"deconfliction on case {self.case_id} with {self.other_agency}"

    @property
    def identifier_kind_label(self) -> str:
        from beacon.core.identifiers import Kind

        if self.identifier_kind == "person":
            return str(_("Person"))
        try:
            return str(Kind(self.identifier_kind).label)
        except ValueError:
            return self.identifier_kind
