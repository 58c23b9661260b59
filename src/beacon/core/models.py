"""Core records: Missouri geography, agencies and task forces, users and roles, the audit trail."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


# --- Geography ----------------------------------------------------------------------------
class County(models.Model):
    """One of Missouri's 115 county-level units (114 counties and the independent city of St. Louis)."""

    fips = models.CharField(primary_key=True, max_length=5)
    name = models.CharField(max_length=80)  # e.g. "Jackson County", "St. Louis city"
    population_2020 = models.PositiveIntegerField()
    population_2022 = models.PositiveIntegerField(null=True)
    rucc_2023 = models.PositiveSmallIntegerField(help_text="USDA ERS Rural-Urban Continuum Code 2023 (1-9)")
    rucc_description = models.CharField(max_length=200, blank=True)
    metro = models.BooleanField(default=False)
    land_area_sqmi = models.FloatField()
    centroid_lat = models.FloatField()
    centroid_lon = models.FloatField()
    poverty_rate = models.FloatField(null=True, help_text="SAIPE 2021, percent of all people")
    child_poverty_rate = models.FloatField(null=True, help_text="SAIPE 2021, percent aged 0-17")
    median_household_income = models.PositiveIntegerField(null=True, help_text="SAIPE 2021, dollars")
    unemployment_rate = models.FloatField(null=True, help_text="BLS LAUS 2022 annual average, percent")
    interstates = models.JSONField(default=list, help_text='Routes crossing the county, e.g. ["I-44", "I-70"]')
    geometry = models.JSONField(help_text="Simplified GeoJSON geometry (Polygon or MultiPolygon)")

    class Meta:
        ordering: ClassVar = ["name"]
        verbose_name_plural = "counties"

    def __str__(self) -> str:
        return self.name

    @property
    def population(self) -> int:
        return self.population_2022 or self.population_2020

    @property
    def rural(self) -> bool:
        return self.rucc_2023 >= 4


class Place(models.Model):
    """A Missouri city, town, village or census-designated place, with the county holding it."""

    geoid = models.CharField(primary_key=True, max_length=7)
    name = models.CharField(max_length=100, db_index=True)
    kind = models.CharField(max_length=10)
    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="places")
    lat = models.FloatField()
    lon = models.FloatField()
    population_2020 = models.PositiveIntegerField(null=True)

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.county.name})"


class ZipCode(models.Model):
    """A ZIP Code Tabulation Area touching Missouri and the Missouri county holding most of it."""

    zip = models.CharField(primary_key=True, max_length=5)
    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="zip_codes")
    lat = models.FloatField()
    lon = models.FloatField()
    population_2020 = models.PositiveIntegerField(null=True)

    def __str__(self) -> str:
        return self.zip


# --- Agencies -----------------------------------------------------------------------------
class Agency(models.Model):
    class Kind(models.TextChoices):
        LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
        PROSECUTOR = "prosecutor", _("Prosecutor")
        FEDERAL = "federal", _("Federal")
        NGO = "ngo", _("NGO / service provider")
        HEALTH = "health", _("Health")
        SCHOOL = "school", _("School")
        TRIBAL = "tribal", _("Tribal")
        OTHER = "other", _("Other")

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    county = models.ForeignKey(County, null=True, blank=True, on_delete=models.SET_NULL, related_name="agencies")
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
    is_demo = models.BooleanField(default=False, help_text="Fictional record created by `beacon seed`")

    class Meta:
        ordering: ClassVar = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class TaskForce(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(unique=True)
    description = models.TextField(blank=True)
    statewide = models.BooleanField(default=False, help_text="Covers every county; takes what no regional force covers")
    agencies = models.ManyToManyField(Agency, related_name="task_forces", blank=True)
    counties = models.ManyToManyField(County, related_name="task_forces", blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar = ["-statewide", "name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["statewide"], condition=models.Q(statewide=True), name="one_statewide_task_force"),
        ]

    def __str__(self) -> str:
        return self.name


# --- Users and roles ----------------------------------------------------------------------
class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    SUPERVISOR = "supervisor", _("Supervisor")
    INVESTIGATOR = "investigator", _("Investigator")
    ANALYST = "analyst", _("Analyst")
    ADVOCATE = "advocate", _("Advocate")
    TRAINER = "trainer", _("Trainer")
    VIEWER = "viewer", _("Viewer")


class User(AbstractUser):
    """A staff member of one agency.  What they may do comes from their roles (see permissions.py)."""

    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    phone = models.CharField(max_length=30, blank=True)
    # The staff pages' language, chosen with the switch in the staff header (blank: the browser's).
    language = models.CharField(_("language"), max_length=8, blank=True, choices=settings.LANGUAGES)

    objects: ClassVar[UserManager[User]] = UserManager()  # type: ignore[assignment]

    def role_set(self) -> frozenset[str]:
        cached: frozenset[str] | None = getattr(self, "_role_cache", None)
        if cached is None:
            cached = frozenset(self.roles.values_list("role", flat=True)) if self.pk else frozenset()
            self._role_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set() & set(roles))


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["user", "role"], name="unique_user_role")]

    def __str__(self) -> str:
        return f"{self.user} as {self.role}"


class EnrolmentToken(models.Model):
    """A one-time, expiring link that lets a user set a password and enrol a TOTP device.

    Issued by an invitation (``purpose=invite``: the user has no password yet) or by an
    administrator's MFA reset (``purpose=mfa_reset``: the user signs in with their password).
    Only a SHA-256 digest of the token is stored; the token itself is in the e-mailed link.
    """

    class Purpose(models.TextChoices):
        INVITE = "invite", _("Invitation")
        MFA_RESET = "mfa_reset", _("Two-step sign-in reset")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolment_tokens")
    digest = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.purpose} for {self.user_id} (expires {self.expires_at:%Y-%m-%d %H:%M})"


# --- Audit --------------------------------------------------------------------------------
class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Audit events are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are append-only.")


class AuditEvent(models.Model):
    """An append-only record of who did what to which record, and when.

    Written only through ``beacon.core.audit.record``; never updated or deleted (the ORM refuses,
    and on PostgreSQL and SQLite a trigger refuses too).
    """

    class Action(models.TextChoices):
        READ = "read", _("Read")
        CREATE = "create", _("Create")
        UPDATE = "update", _("Update")
        DELETE = "delete", _("Delete")
        EXPORT = "export", _("Export")
        LOGIN = "login", _("Login")
        LOGOUT = "logout", _("Logout")
        DENIED = "denied", _("Denied")

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices, db_index=True)
    object_type = models.CharField(max_length=60, db_index=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    summary = models.CharField(max_length=300, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=36, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or 'anonymous'} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are append-only.")


def new_request_id() -> str:
    return uuid.uuid4().hex


# --- Shared identifiers -------------------------------------------------------------------
class Identifier(models.Model):
    """A normalised phone, e-mail, URL, handle, plate, address or payment account.

    Tips, cases and ads link to the same row when they mention the same identifier: that is
    how the tip line links tips, how deconfliction finds two agencies on one target, and how
    the link graph is walked.  Normalisation: ``beacon.core.identifiers.normalise``.
    """

    kind = models.CharField(max_length=10, choices=[
        ("phone", _("Phone")), ("email", _("E-mail")), ("url", _("Web address")), ("handle", _("Online account")),
        ("plate", _("Vehicle plate")), ("address", _("Address")), ("payment", _("Payment account")),
    ])
    value = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["kind", "value"], name="unique_identifier")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class RateCounter(models.Model):
    """One client's request count in one rate-limit window (see ``beacon.core.ratelimit``).

    The key names the scope, the window and a bucket: an HMAC of the client under the window's
    random ``RateWindowKey``, cut short; rows are purged once the window ends.
    """

    key = models.CharField(primary_key=True, max_length=80)
    count = models.PositiveIntegerField()
    expires_at = models.BigIntegerField(db_index=True, help_text="Unix time the window ends")

    def __str__(self) -> str:
        return self.key


class RateWindowKey(models.Model):
    """The random key of one rate-limit window (see ``beacon.core.ratelimit``).

    Kept only until the window ends, then deleted with the window's counters: without it a
    counter's name cannot be recomputed from any address.
    """

    name = models.CharField(primary_key=True, max_length=80, help_text="scope:window start")
    secret = models.CharField(max_length=64, help_text="32 random bytes, hex")
    expires_at = models.BigIntegerField(db_index=True, help_text="Unix time the window ends")

    def __str__(self) -> str:
        return self.name
