"""Outreach campaigns: target counties and audiences, channels, activities (planned and delivered), materials."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from beacon.core.models import County


class Channel(models.TextChoices):
    TRUCK_STOPS = "truck_stops", _("Truck stops")
    SCHOOLS = "schools", _("Schools")
    CLINICS = "clinics", _("Clinics")
    FAITH = "faith", _("Faith groups")
    RADIO = "radio", _("Radio")
    SOCIAL = "social", _("Social media")
    OTHER = "other", _("Other")


class Audience(models.TextChoices):
    GENERAL = "general", _("General public")
    YOUTH = "youth", _("Youth and students")
    PARENTS = "parents", _("Parents and caregivers")
    DRIVERS = "drivers", _("Truck drivers and travellers")
    HEALTH = "health", _("Health workers")
    EDUCATORS = "educators", _("Educators")
    FAITH = "faith", _("Faith communities")
    HOSPITALITY = "hospitality", _("Hotel and hospitality staff")
    AGRICULTURE = "agriculture", _("Farm workers and employers")
    SPANISH = "spanish", _("Spanish speakers")


class Campaign(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Active")
        DONE = "done", _("Done")

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    start_date = models.DateField()
    end_date = models.DateField()
    counties = models.ManyToManyField(County, related_name="outreach_campaigns")
    audiences = models.JSONField(default=list, blank=True, help_text="Audience codes")
    channels = models.JSONField(default=list, blank=True, help_text="Channel codes")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar = ["-start_date", "name"]
        constraints: ClassVar = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")),
                                   name="outreach_campaign_dates_ordered"),
        ]

    def __str__(self) -> str:
        return self.name


class Activity(models.Model):
    """One planned piece of outreach in one county; delivered when it has happened, with its reach."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="activities")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    title = models.CharField(max_length=200)
    planned_date = models.DateField()
    planned_reach = models.PositiveIntegerField(default=0, help_text="People expected to be reached")
    delivered_date = models.DateField(null=True, blank=True)
    reach = models.PositiveIntegerField(null=True, blank=True, help_text="People reached (when delivered)")
    public_event = models.BooleanField(default=False, help_text="List on the public Awareness Day page")
    location = models.CharField(max_length=200, blank=True, help_text="Public place name for public events")
    notes = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["planned_date", "id"]
        verbose_name_plural = "activities"
        constraints: ClassVar = [
            models.CheckConstraint(condition=models.Q(delivered_date__isnull=True) | models.Q(reach__isnull=False),
                                   name="outreach_delivered_has_reach"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def delivered(self) -> bool:
        return self.delivered_date is not None


class Material(models.Model):
    class Kind(models.TextChoices):
        POSTER = "poster", _("Poster")
        FLYER = "flyer", _("Flyer or brochure")
        WALLET_CARD = "wallet_card", _("Wallet card")
        RADIO_SPOT = "radio_spot", _("Radio spot")
        SOCIAL_POST = "social_post", _("Social media post")
        VIDEO = "video", _("Video")
        OTHER = "other", _("Other")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    language = models.CharField(max_length=10, default="en")
    quantity = models.PositiveIntegerField(default=0, help_text="Copies printed or posts planned")
    url = models.URLField(blank=True)

    class Meta:
        ordering: ClassVar = ["title", "id"]

    def __str__(self) -> str:
        return self.title
