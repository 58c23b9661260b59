"""Community tips: what a member of the public reported, where it was routed, and its triage.

A tip keeps no trace of who sent it (no IP, user agent or session): the reporter comes back
with the receipt code and passphrase printed on submission.  Contact details, when given, are
encrypted at rest and shown only to supervisors of the routed task force (every read audited).
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from beacon.core.crypto import EncryptedTextField


class Situation(models.TextChoices):
    SEX = "sex", _("Sex trafficking (commercial sex)")
    LABOR = "labor", _("Labor trafficking (work or services)")
    BOTH = "both", _("Both")
    UNSURE = "unsure", _("Not sure")


class Status(models.TextChoices):
    NEW = "new", _("New")
    TRIAGED = "triaged", _("Triaged")
    ASSIGNED = "assigned", _("Assigned")
    REFERRED = "referred", _("Referred")
    CLOSED_NO_ACTION = "closed_no_action", _("Closed, no action")
    ESCALATED = "escalated", _("Escalated to a case")


class PublicStatus(models.TextChoices):
    """What the reporter sees: never investigative details."""

    RECEIVED = "received", _("Received")
    UNDER_REVIEW = "under_review", _("Under review")
    CLOSED = "closed", _("Closed")


PUBLIC_STATUS = {
    Status.NEW: PublicStatus.RECEIVED,
    Status.TRIAGED: PublicStatus.UNDER_REVIEW,
    Status.ASSIGNED: PublicStatus.UNDER_REVIEW,
    Status.REFERRED: PublicStatus.UNDER_REVIEW,
    Status.ESCALATED: PublicStatus.UNDER_REVIEW,
    Status.CLOSED_NO_ACTION: PublicStatus.CLOSED,
}


class Placement(models.TextChoices):
    PICKER = "picker", _("County chosen by the reporter")
    POINT = "point", _("Point on the map")
    PLACE = "place", _("Place name")
    NONE = "none", _("Unknown")


class Tip(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    receipt_code = models.CharField(max_length=10, unique=True)
    passphrase_hash = models.CharField(max_length=200)
    # Keyed hash (HMAC) of the submission's idempotency key (web form token or API header), so the
    # same submission stored twice returns this tip; nothing about the reporter (services.idempotency_hash).
    idempotency_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    failed_followups = models.PositiveSmallIntegerField(default=0)
    followup_locked_until = models.DateTimeField(null=True, blank=True)

    # What the reporter told us.
    narrative = models.TextField()
    occurred = models.CharField(max_length=200, blank=True, help_text="When, in the reporter's words")
    place_text = models.CharField(max_length=300, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    situation = models.CharField(max_length=10, choices=Situation.choices, default=Situation.UNSURE)
    # Yes / No / unknown (None: "I don't know" or not answered; never read as No, see triage.compute).
    danger = models.BooleanField(null=True, blank=True, default=None, help_text="Someone is in immediate danger")
    minor = models.BooleanField(null=True, blank=True, default=None, help_text="Involves someone under 18")
    indicators = models.JSONField(default=list, blank=True, help_text="Checklist codes (see triage.INDICATORS)")
    subjects = models.JSONField(default=dict, blank=True, help_text="Structured descriptions: people, vehicles, ...")
    language = models.CharField(max_length=5, default="en")
    contact = EncryptedTextField(blank=True)

    # Placement and routing.
    county = models.ForeignKey("core.County", null=True, blank=True, on_delete=models.PROTECT, related_name="tips")
    placement = models.CharField(max_length=10, choices=Placement.choices, default=Placement.NONE)
    task_forces = models.ManyToManyField("core.TaskForce", through="TipRoute", related_name="tips")  # type: ignore[var-annotated]
    routed_at = models.DateTimeField(null=True, blank=True)
    # Accepted by the lean JSON intake (tips/intake.py) and not yet placed, routed, linked and
    # triaged by the background enrichment (tips/enrich.py): "being processed" for a second or two.
    processing = models.BooleanField(default=False)

    # Triage.
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW, db_index=True)
    priority = models.PositiveSmallIntegerField(default=4, db_index=True)
    priority_reasons = models.JSONField(default=list, blank=True)
    computed_priority = models.PositiveSmallIntegerField(default=4)
    override_reason = models.CharField(max_length=500, blank=True)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="assigned_tips")
    is_spam = models.BooleanField(default=False, db_index=True)
    spam_reason = models.CharField(max_length=200, blank=True)
    is_demo = models.BooleanField(default=False)

    identifiers = models.ManyToManyField("core.Identifier", through="TipIdentifier", related_name="tips")  # type: ignore[var-annotated]

    class Meta:
        ordering: ClassVar = ["priority", "-created_at", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(condition=models.Q(priority__gte=1, priority__lte=4), name="tip_priority_1_to_4"),
        ]
        # The enrichment's work list: only the few tips still being processed are in it.
        indexes: ClassVar = [models.Index(fields=["id"], condition=models.Q(processing=True), name="tip_processing")]

    def __str__(self) -> str:
        return f"Tip #{self.pk}"

    @property
    def priority_label(self) -> str:
        return f"P{self.priority}"

    @property
    def public_status(self) -> str:
        return PUBLIC_STATUS[Status(self.status)]

    @property
    def public_status_label(self) -> str:
        return str(PublicStatus(self.public_status).label)


class TipRoute(models.Model):
    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="routes")
    task_force = models.ForeignKey("core.TaskForce", on_delete=models.PROTECT, related_name="tip_routes")

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["tip", "task_force"], name="unique_tip_route")]

    def __str__(self) -> str:
        return f"Tip #{self.tip_id} -> task force {self.task_force_id}"


class TipIdentifier(models.Model):
    class Source(models.TextChoices):
        TEXT = "text", _("Found in the text")
        FIELD = "field", _("Structured field")

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="tip_identifiers")
    identifier = models.ForeignKey("core.Identifier", on_delete=models.PROTECT, related_name="tip_links")
    source = models.CharField(max_length=5, choices=Source.choices)
    raw = models.CharField(max_length=300, blank=True, help_text="As written by the reporter")

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["tip", "identifier"], name="unique_tip_identifier")]

    def __str__(self) -> str:
        return f"Tip #{self.tip_id} has identifier {self.identifier_id}"


class TipMessage(models.Model):
    """A question from staff to the reporter, or information the reporter added later."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("Question from staff")
        REPORTER = "reporter", _("Added by the reporter")

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} on tip #{self.tip_id}"


def photo_path(instance: TipPhoto, filename: str) -> str:
    return f"tips/{instance.tip_id}/{uuid.uuid4().hex}"


class TipPhoto(models.Model):
    """A photo or screenshot sent with a tip: re-encoded without metadata, encrypted under ``MEDIA_ROOT``
    (Fernet, the field key), served only through the tip door with a ``read`` audit row (see photos.py)."""

    ENCRYPTED_FILE_FIELDS: ClassVar = ("file",)  # re-encrypted by `beacon keys rotate`

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to=photo_path, max_length=200)
    name = models.CharField(max_length=100)
    content_type = models.CharField(max_length=30)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField(help_text="Bytes of the re-encoded image")
    sha256 = models.CharField(max_length=64, help_text="Of the re-encoded image")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["id"]

    def __str__(self) -> str:
        return f"photo {self.pk} on tip #{self.tip_id}"


class SmsConversation(models.Model):
    """A reporter texting the tip line.  The number is never stored in clear: ``thread_key`` is its
    keyed hash (``blind_index(number, purpose="sms")``) for threading, and ``number`` its encrypted
    form, kept only while the conversation is open and wiped by ``beacon sms purge`` after
    ``BEACON_SMS_RETENTION_DAYS`` without a message, or at once on STOP."""

    class Step(models.TextChoices):
        WHAT = "what", _("What happened")
        WHERE = "where", _("Where")
        DANGER = "danger", _("Anyone in danger")
        MINOR = "minor", _("Anyone under 18")
        OPEN = "open", _("Tip sent; follow-up by text")
        CLOSED = "closed", _("Closed")

    thread_key = models.CharField(max_length=64, db_index=True)
    number = EncryptedTextField(blank=True, help_text="Encrypted; wiped when the conversation closes")
    language = models.CharField(max_length=5, default="en")
    step = models.CharField(max_length=10, choices=Step.choices, default=Step.WHAT)
    answers = models.JSONField(default=dict, blank=True, help_text="The draft tip until it is sent")
    tip = models.ForeignKey(Tip, null=True, blank=True, on_delete=models.SET_NULL, related_name="sms_conversations")
    opened_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-last_message_at", "-id"]

    def __str__(self) -> str:
        return f"SMS conversation {self.pk} ({self.step})"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
