"""Survivor support: an Open Referral HSDS 3.1 services directory, and protected survivor records.

Directory tables follow HSDS names (organization, service, location, service_at_location,
address, phone, schedule, language, service_area, taxonomy, taxonomy_term, attribute) and key
on the HSDS UUIDs, so a re-import updates rather than duplicates.  Beacon's own facts about a
service (open 24/7, free, genders served, not public) are taxonomy terms of the "Beacon
facets" taxonomy linked through attributes, so they travel in any HSDS export; a location's
confidentiality is a column, exported as an attribute of the location.

Survivor records hold identity fields encrypted at rest (``EncryptedTextField``); everything
leaving the advocate's agency goes through a ``Consent``.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beacon.core.crypto import EncryptedTextField
from beacon.core.models import Agency, County


# --- Directory (HSDS) ---------------------------------------------------------------------
class DirectoryState(models.Model):
    """One row: bumped by every directory write.  ``stamp`` (random per bump) is the search
    index's cache key, so a database reset or restore can never revive a stale index."""

    version = models.PositiveBigIntegerField(default=0)
    stamp = models.CharField(max_length=32, default="", blank=True)

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class Taxonomy(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    name = models.CharField(max_length=200)
    description = models.TextField()
    uri = models.URLField(blank=True)
    version = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering: ClassVar = ["name"]
        verbose_name_plural = "taxonomies"

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    code = models.CharField(max_length=100, blank=True, db_index=True)
    name = models.CharField(max_length=200)
    description = models.TextField()
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    taxonomy = models.ForeignKey(Taxonomy, null=True, blank=True, on_delete=models.SET_NULL, related_name="terms")
    language = models.CharField(max_length=20, blank=True)
    term_uri = models.URLField(blank=True)

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name


class Organization(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    name = models.CharField(max_length=300)
    alternate_name = models.CharField(max_length=300, blank=True)
    description = models.TextField()
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    tax_status = models.CharField(max_length=100, blank=True)
    tax_id = models.CharField(max_length=100, blank=True)
    year_incorporated = models.PositiveIntegerField(null=True, blank=True)
    legal_status = models.CharField(max_length=100, blank=True)
    uri = models.URLField(blank=True)
    parent_organization_id = models.UUIDField(null=True, blank=True)
    # Beacon: the agency whose staff manage this organisation and receive its referrals.
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.SET_NULL, related_name="hsds_organizations")
    is_demo = models.BooleanField(default=False)
    last_modified = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        DEFUNCT = "defunct", _("Defunct")
        TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(max_length=300)
    alternate_name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    url = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    interpretation_services = models.TextField(blank=True)
    application_process = models.TextField(blank=True)
    fees_description = models.TextField(blank=True)
    wait_time = models.CharField(max_length=200, blank=True)
    eligibility_description = models.TextField(blank=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    alert = models.TextField(blank=True)
    last_modified = models.DateTimeField(default=timezone.now, db_index=True)
    terms: models.ManyToManyField[TaxonomyTerm, ServiceAttribute] = models.ManyToManyField(
        TaxonomyTerm, through="ServiceAttribute", related_name="services")

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceAttribute(models.Model):
    """HSDS ``attribute`` linking a service (``link_entity = "service"``) to a taxonomy term."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="attributes")
    taxonomy_term = models.ForeignKey(TaxonomyTerm, on_delete=models.CASCADE, related_name="service_attributes")
    value = models.CharField(max_length=200, blank=True)
    label = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["service", "taxonomy_term"], name="unique_service_term")]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class Location(models.Model):
    class LocationType(models.TextChoices):
        PHYSICAL = "physical", _("Physical")
        POSTAL = "postal", _("Postal")
        VIRTUAL = "virtual", _("Virtual")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="locations")
    location_type = models.CharField(max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL)
    url = models.URLField(blank=True)
    name = models.CharField(max_length=300, blank=True)
    alternate_name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    transportation = models.TextField(blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    # Beacon: a confidential location (a shelter) never shows its address or point publicly;
    # the county (derived from the point or the ZIP) is what may be said about where it is.
    confidential = models.BooleanField(default=False)
    county = models.ForeignKey(County, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering: ClassVar = ["name"]
        indexes: ClassVar = [models.Index(fields=["latitude", "longitude"], name="survivors_loc_latlon")]

    def __str__(self) -> str:
        return self.name or str(self.id)


class Address(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(max_length=200, blank=True)
    address_1 = models.CharField(max_length=300)
    address_2 = models.CharField(max_length=300, blank=True)
    city = models.CharField(max_length=100)
    region = models.CharField(max_length=100, blank=True)
    state_province = models.CharField(max_length=100)
    postal_code = models.CharField(max_length=20)
    country = models.CharField(max_length=2, default="US")
    address_type = models.CharField(max_length=10, default="physical")

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class ServiceAtLocation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="service_at_locations")
    description = models.TextField(blank=True)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["service", "location"], name="unique_service_location")]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class Phone(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="phones")
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="phones")
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(max_length=50)
    extension = models.PositiveIntegerField(null=True, blank=True)
    type = models.CharField(max_length=20, blank=True)  # text, voice, fax, cell, video, pager, textphone
    description = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["type", "number"]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class Schedule(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules")
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules")
    freq = models.CharField(max_length=10, blank=True)
    byday = models.CharField(max_length=50, blank=True)
    opens_at = models.CharField(max_length=20, blank=True)
    closes_at = models.CharField(max_length=20, blank=True)
    description = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class Language(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="languages")
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.CASCADE, related_name="languages")
    name = models.CharField(max_length=100, blank=True)
    code = models.CharField(max_length=20, blank=True)  # ISO 639-1 where possible ("en", "es")
    note = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class ServiceArea(models.Model):
    """HSDS ``service_area``.  Beacon resolves it to a Missouri county (or the whole state)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    extent = models.TextField(blank=True)
    extent_type = models.CharField(max_length=20, blank=True)
    uri = models.CharField(max_length=300, blank=True)
    county = models.ForeignKey(County, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    statewide = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


def directory_import_path(instance: DirectoryImport, filename: str) -> str:
    suffix = ".zip" if filename.lower().endswith(".zip") else ".json"
    return f"hsds-imports/{uuid.uuid4().hex}{suffix}"


class DirectoryImport(models.Model):
    """An HSDS package (zip or JSON) uploaded by an administrator and imported by a background
    task; the file is kept under ``MEDIA_ROOT`` (never served), the report in ``report``."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    file = models.FileField(upload_to=directory_import_path, max_length=200)
    original_name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    hsds_version = models.CharField(max_length=5, blank=True, help_text="blank: recognized from the package")
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               help_text="runs the imported organisations that have no agency yet")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    summary = models.TextField(blank=True)
    error = models.TextField(blank=True, help_text="why a package could not be read at all")
    report = models.JSONField(null=True, blank=True, help_text="the per-record report (ImportReport.as_dict)")

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"HSDS import {self.pk} ({self.original_name})"

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}


# --- Survivor records ---------------------------------------------------------------------
SHAREABLE_FIELDS: dict[str, Any] = {
    # field name -> label; what a consent may cover
    "preferred_name": _("Preferred name"),
    "legal_name": _("Legal name"),
    "date_of_birth": _("Date of birth"),
    "phone": _("Phone"),
    "email": _("E-mail"),
    "address": _("Address"),
    "languages": _("Languages"),
    "needs": _("Needs"),
}


class Survivor(models.Model):
    """A survivor served by an advocate's agency.  Identity fields are encrypted at rest."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="survivors")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    preferred_name = EncryptedTextField()
    legal_name = EncryptedTextField(blank=True)
    date_of_birth = EncryptedTextField(blank=True)
    phone = EncryptedTextField(blank=True)
    email = EncryptedTextField(blank=True)
    address = EncryptedTextField(blank=True)
    notes = EncryptedTextField(blank=True)
    languages = models.CharField(max_length=200, blank=True, help_text="Comma-separated language codes")
    needs = models.JSONField(default=list, blank=True, help_text="Taxonomy term codes")
    county = models.ForeignKey(County, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Survivor {self.pk}"


class Goal(models.Model):
    """One goal of a survivor's service plan."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MET = "met", _("Met")
        DROPPED = "dropped", _("Dropped")

    survivor = models.ForeignKey(Survivor, on_delete=models.CASCADE, related_name="goals")
    description = models.CharField(max_length=300)
    need = models.CharField(max_length=100, blank=True)
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class ServiceReceived(models.Model):
    survivor = models.ForeignKey(Survivor, on_delete=models.CASCADE, related_name="services_received")
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    description = models.CharField(max_length=300)
    received_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-received_on", "-id"]
        verbose_name_plural = "services received"

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class Consent(models.Model):
    """A survivor's informed, time-limited consent to disclose named fields to one agency."""

    class Method(models.TextChoices):
        WRITTEN = "written", _("Written (signed form)")
        E_SIGNED = "e_signed", _("Electronically signed")

    survivor = models.ForeignKey(Survivor, on_delete=models.CASCADE, related_name="consents")
    recipient_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    fields = models.JSONField(default=list)
    purpose = models.CharField(max_length=300)
    method = models.CharField(max_length=10, choices=Method.choices)
    given_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering: ClassVar = ["-given_at", "-id"]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"

    def is_active(self, at: object = None) -> bool:
        now = at or timezone.now()
        return self.revoked_at is None and self.given_at <= now < self.expires_at  # type: ignore[operator]

    def covers(self, agency_id: int, fields: list[str] | set[str], at: object = None) -> bool:
        return self.is_active(at) and self.recipient_agency_id == agency_id and set(fields) <= set(self.fields)


class Referral(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    survivor = models.ForeignKey(Survivor, on_delete=models.CASCADE, related_name="referrals")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="referrals")
    from_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="referrals")
    shared_fields = models.JSONField(default=list)
    message = models.TextField(blank=True, help_text="Non-identifying note to the receiving organisation")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENT)
    sent_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=300, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering: ClassVar = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class ReferralNotification(models.Model):
    """Tells the receiving agency a referral arrived or changed (shown on its referral inbox)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"
