"""Records lifecycle: retention policies, legal holds on cases, and the tombstones purges leave.

Writes go through ``retention.py`` (each with its audit event in the same transaction).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordKind(models.TextChoices):
    TIPS = "tips", _("Tips")
    SURVIVORS = "survivors", _("Survivor records and consents")
    REFERRALS = "referrals", _("Referrals")
    ADS = "ads", _("Ad data")
    REGISTRATIONS = "registrations", _("Workshop registrations")


class RetentionAction(models.TextChoices):
    PURGE = "purge", _("Purge (delete, leave a tombstone)")
    ANONYMISE = "anonymise", _("Anonymize (remove what identifies, keep the counts)")


class RetentionPolicy(models.Model):
    """How long one kind of record is kept, and what happens when it expires.

    ``agency`` empty: the platform policy, set by administrators.  For survivor records a
    provider (an advocate agency) may set its own row, which overrides the platform policy for
    that agency's survivors (VAWA/VOCA: retention chosen by the provider).
    """

    kind = models.CharField(max_length=20, choices=RecordKind.choices)
    agency = models.ForeignKey("core.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    days = models.PositiveIntegerField(help_text="Kept this many days after the record's age date")
    action = models.CharField(max_length=10, choices=RetentionAction.choices, default=RetentionAction.ANONYMISE)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["kind", "agency_id"]
        verbose_name_plural = "retention policies"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["kind"], condition=models.Q(agency__isnull=True),
                                    name="records_one_platform_policy_per_kind"),
            models.UniqueConstraint(fields=["kind", "agency"], name="records_one_agency_policy_per_kind"),
            models.CheckConstraint(condition=models.Q(days__gte=1), name="records_policy_days_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.days} days, {self.action}"


class LegalHold(models.Model):
    """A case under legal hold: nothing linked to it (tips, ad data) is purged or anonymised.

    Set and cleared by a supervisor who may see the case; a cleared hold stays as history.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="legal_holds")
    reason = models.CharField(max_length=300)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now_add=True)
    cleared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-set_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["case"], condition=models.Q(cleared_at__isnull=True),
                                    name="records_one_active_hold_per_case"),
        ]

    def __str__(self) -> str:
        return f"legal hold on case {self.case_id}"


class Tombstone(models.Model):
    """What is left of a purged, anonymised or erased record: no personal data at all."""

    class Action(models.TextChoices):
        PURGED = "purged", _("Purged")
        ANONYMISED = "anonymised", _("Anonymized")
        ERASED = "erased", _("Erased on the survivor's request")

    kind = models.CharField(max_length=20, choices=RecordKind.choices)
    original_id = models.PositiveBigIntegerField(help_text="The record's primary key (every kind has an integer key)")
    action = models.CharField(max_length=10, choices=Action.choices)
    purged_at = models.DateTimeField(auto_now_add=True, db_index=True)
    policy = models.ForeignKey(RetentionPolicy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    policy_days = models.PositiveIntegerField(null=True, blank=True, help_text="The policy's days at the time")

    class Meta:
        ordering: ClassVar = ["-purged_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["kind", "original_id", "action"], name="records_one_tombstone_per_action"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.original_id} {self.action}"
