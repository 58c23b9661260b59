"""Online ad monitoring: stored ads, their clustering state, operations and analyst decisions.

The analysis itself (extraction, indicators, MinHash, operation summaries) is done by the
Django-free core ``beacon.adscan``; this app stores its results so that new ads join existing
operations without re-scanning (see ``clustering.py`` and docs/monitoring.md).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IngestRun(models.Model):
    """One ingestion: a file through ``beacon ads ingest`` or a batch through the API."""

    class Source(models.TextChoices):
        CLI = "cli", _("Command line")
        API = "api", _("API")
        SEED = "seed", _("Demo seed")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    source = models.CharField(max_length=10, choices=Source.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    filename = models.CharField(max_length=300, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    received = models.PositiveIntegerField(default=0, help_text="records read (ads and rejected rows)")
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0, help_text="known (site, id) with new content: a new version")
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    payload = models.JSONField(null=True, blank=True, help_text="records of a queued API batch, cleared once stored")

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"ingest run {self.pk} ({self.source}, {self.status})"


class RejectedRow(models.Model):
    """A record that could not be stored, with its line number and the reason."""

    run = models.ForeignKey(IngestRun, on_delete=models.CASCADE, related_name="rejected_rows")
    line = models.PositiveIntegerField()
    reason = models.CharField(max_length=300)
    raw = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["run", "line", "id"]

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class AdKind(models.TextChoices):
    """What an ad offers: the indicator catalogue it is read with (``beacon.adscan``'s ``kind``)."""

    ESCORT = "escort", _("Escort ad")
    JOB = "job", _("Job ad or recruitment post")


class Operation(models.Model):
    """A set of ads believed to come from one operation (near-duplicate text or shared identifiers).

    Operations only ever merge (persistent union-find): the absorbed one keeps a pointer to
    the one that absorbed it (``merged_into``) and drops out of the queue.
    """

    class Status(models.TextChoices):
        NEW = "new", _("New")
        WATCH = "watch", _("Watching")
        DISMISSED = "dismissed", _("Dismissed")
        ESCALATED = "escalated", _("Escalated")
        MERGED = "merged", _("Merged into another operation")

    key = models.CharField(max_length=40, unique=True, help_text="adscan cluster id of the first ad")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW, db_index=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="absorbed")
    risk = models.FloatField(default=0, db_index=True)
    reasons = models.JSONField(default=list, blank=True)
    ad_count = models.PositiveIntegerField(default=0, db_index=True)
    phones = models.JSONField(default=list, blank=True)
    emails = models.JSONField(default=list, blank=True)
    handles = models.JSONField(default=list, blank=True)
    images = models.JSONField(default=list, blank=True)
    cities = models.JSONField(default=list, blank=True)
    movement = models.JSONField(default=list, blank=True)
    template = models.TextField(blank=True)
    kinds = models.JSONField(default=list, blank=True,
                             help_text='kinds of its ads ("escort", "job"); both only when an identifier links them')
    industry = models.CharField(max_length=40, blank=True,
                                help_text="job ads: the most named Polaris industry (a cases VenueType code)")
    summary_stale = models.BooleanField(default=False, db_index=True,
                                        help_text="ads joined since the summary was computed (recomputed per run)")
    first_seen = models.DateTimeField(null=True, blank=True)
    last_seen = models.DateTimeField(null=True, blank=True)
    links = models.JSONField(default=dict, blank=True,
                             help_text="identifiers that joined it and those set aside, with the reasons (adscan)")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["-risk", "-ad_count", "id"]

    def __str__(self) -> str:
        return f"operation {self.pk} ({self.ad_count} ads, risk {self.risk:g})"


class Ad(models.Model):
    """The current version of one ad, keyed by (site, external id), with its analysis."""

    site = models.CharField(max_length=200, blank=True)
    external_id = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=AdKind.choices, default=AdKind.ESCORT, db_index=True)
    content_hash = models.CharField(max_length=64)
    version = models.PositiveIntegerField(default=1)
    posted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    url = models.TextField(blank=True)
    title = models.TextField(blank=True)
    body = models.TextField(blank=True)
    city = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=50, blank=True)
    phone = models.CharField(max_length=200, blank=True)
    age = models.CharField(max_length=50, blank=True)
    images = models.JSONField(default=list, blank=True)
    first_run = models.ForeignKey(IngestRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    last_run = models.ForeignKey(IngestRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # --- analysis (beacon.adscan.analyse_ad) ---
    phones = models.JSONField(default=list, blank=True)
    emails = models.JSONField(default=list, blank=True)
    handles = models.JSONField(default=list, blank=True)
    ages = models.JSONField(default=list, blank=True)
    names = models.JSONField(default=list, blank=True)
    prices = models.JSONField(default=list, blank=True)
    indicators = models.JSONField(default=list, blank=True)
    job = models.JSONField(null=True, blank=True, help_text="job ads: pay, fees, employer, contact, industry (adscan)")
    risk = models.FloatField(default=0)
    place_name = models.CharField(max_length=100, blank=True)
    place_state = models.CharField(max_length=2, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    # --- clustering state ---
    signature = models.BinaryField(null=True, blank=True, help_text="MinHash signature (uint32 little-endian)")
    text_group = models.BigIntegerField(null=True, blank=True, db_index=True,
                                        help_text="pk of the oldest ad of its near-duplicate group")
    operation = models.ForeignKey(Operation, null=True, blank=True, on_delete=models.SET_NULL, related_name="ads")

    class Meta:
        ordering: ClassVar = ["posted_at", "id"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["site", "external_id"], name="unique_ad_site_id")]

    def __str__(self) -> str:
        return f"{self.site}:{self.external_id}"


class AdVersion(models.Model):
    """An earlier version of an ad, kept when the same (site, id) arrives with new content."""

    ad = models.ForeignKey(Ad, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=64)
    content = models.JSONField()
    replaced_at = models.DateTimeField(auto_now_add=True)
    replaced_by_run = models.ForeignKey(IngestRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering: ClassVar = ["ad", "version"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["ad", "version"], name="unique_ad_version")]

    def __str__(self) -> str:
        return f"{self.ad} v{self.version}"


class AdBand(models.Model):
    """One LSH band key of an ad's MinHash signature: ads sharing a (band, key) are candidates."""

    ad = models.ForeignKey(Ad, on_delete=models.CASCADE, related_name="bands")
    band = models.PositiveSmallIntegerField()
    key = models.BigIntegerField()

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["ad", "band"], name="unique_ad_band")]
        # (key, band, ad_id): the bounded "most recent ads of a bucket" look-up reads the index only
        indexes: ClassVar = [models.Index(fields=["key", "band", "ad"], name="monitoring_band_key_ad")]

    def __str__(self) -> str:
        return f"{self.ad_id} band {self.band}"


class AdKey(models.Model):
    """A linking key of an ad (``tel:+1...``, ``email:...``, ``handle:...``, ``img:...``).

    Phones, e-mails and handles also point to the shared ``core.Identifier`` row, which is how
    tips and cases holding the same identifier link to the operation.
    """

    ad = models.ForeignKey(Ad, on_delete=models.CASCADE, related_name="keys")
    key = models.CharField(max_length=320, db_index=True)
    identifier = models.ForeignKey("core.Identifier", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["ad", "key"], name="unique_ad_key")]

    def __str__(self) -> str:
        return self.key


class OperationDecision(models.Model):
    """An analyst's decision on an operation (the history; the current one is on the operation)."""

    class Decision(models.TextChoices):
        DISMISS = "dismiss", _("Dismiss")
        WATCH = "watch", _("Watch")
        ESCALATE = "escalate", _("Escalate to a case")

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="decisions")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.decision} on {self.operation_id}"


class IdentifierLink(models.Model):
    """Whether a linking key (``tel:+1...``, ``img:...``) joins the ads that carry it.

    Rows of source ``analyst`` are an analyst's mark ("link" / "shared, do not link"), applied by
    the platform's clustering and exported for ``beacon ads scan --marks``; they always win.  Rows
    of source ``rule`` record the linking rule's last decision (``beacon.adscan.cluster``), so a
    link withdrawn later (an identifier found shared) splits the operations it had joined.
    """

    class Source(models.TextChoices):
        RULE = "rule", _("Linking rule")
        ANALYST = "analyst", _("Analyst")

    key = models.CharField(max_length=320, unique=True)
    link = models.BooleanField()
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.RULE, db_index=True)
    reason = models.TextField(blank=True)
    identities = models.PositiveIntegerField(default=0)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["key"]

    def __str__(self) -> str:
        return f"{self.key}: {'link' if self.link else 'shared'} ({self.source})"
