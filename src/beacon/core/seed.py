"""Missouri data and a clearly labelled demo: agencies, regional task forces, one user per role.

Reference data (geography) is real and always loaded.  The demo (task forces, agencies and
users with a published password and TOTP keys anyone can compute from this file) is for
development only: with ``BEACON_ENV=production`` every demo function refuses to run.  A real
deployment creates its own task forces and administrator (docs/operations.md).

Idempotent: everything is looked up by its natural key, so a second run adds nothing.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from .geo import load_geography
from .models import Agency, County, Role, TaskForce, User
from .services import totp_device_for, user_create

DEMO_PASSWORD = "Beacon-demo-2026!"  # noqa: S105 - demo only; `beacon seed --no-demo` in production

REGIONS: dict[str, tuple[str, list[str]]] = {
    "st-louis": ("St. Louis Area Task Force", ["29510", "29189", "29183", "29099", "29071", "29113", "29219"]),
    "kansas-city": ("Kansas City Area Task Force", ["29095", "29047", "29165", "29037", "29177", "29107", "29049"]),
    "southwest": ("Southwest Missouri (Springfield) Task Force", [
        "29077", "29043", "29213", "29209", "29097", "29145", "29009", "29109", "29119", "29225", "29167", "29059"]),
    "central": ("Central Missouri Task Force", [
        "29019", "29051", "29027", "29159", "29161", "29169", "29105", "29029", "29131", "29135", "29053", "29089",
        "29151", "29125", "29141"]),
    "southeast": ("Southeast Missouri Task Force", [
        "29031", "29201", "29023", "29207", "29143", "29155", "29069", "29133", "29157", "29186", "29187", "29017",
        "29223", "29181"]),
    "north-rural": ("Northeast/Northwest Rural Task Force", [
        "29001", "29021", "29147", "29127", "29121", "29175", "29007", "29163", "29111", "29045", "29199", "29103",
        "29205", "29137", "29173", "29005", "29087", "29003", "29075", "29227", "29081", "29129", "29171", "29211",
        "29079", "29115", "29117", "29061", "29063", "29025", "29033", "29041"]),
}


@dataclass(frozen=True)
class DemoAgency:
    key: str
    name: str
    kind: str
    county: str
    regions: tuple[str, ...]


DEMO_AGENCIES = [
    DemoAgency("state", "Missouri Statewide Anti-Trafficking Office (demo)", "other", "29051", ("statewide",)),
    DemoAgency("kcpd", "Kansas City Metro Police (demo)", "law_enforcement", "29095", ("kansas-city", "statewide")),
    DemoAgency("jcpo", "Jackson County Prosecutor's Office (demo)", "prosecutor", "29095", ("kansas-city",)),
    DemoAgency("stlpd", "St. Louis Area Police (demo)", "law_enforcement", "29510", ("st-louis", "statewide")),
    DemoAgency("greene", "Greene County Sheriff's Office (demo)", "law_enforcement", "29077", ("southwest",)),
    DemoAgency("federal", "Federal Trafficking Liaison, Missouri (demo)", "federal", "29510", ("statewide",)),
    DemoAgency("ngo", "Heartland Survivor Services (demo)", "ngo", "29019", ("central", "statewide")),
    DemoAgency("training", "Show-Me Anti-Trafficking Training Collaborative (demo)", "ngo", "29019", ()),
]

# username, first name, agency key, roles
DEMO_USERS = [
    ("admin", "Avery", "state", [Role.ADMIN]),
    ("supervisor", "Sam", "kcpd", [Role.SUPERVISOR]),
    ("investigator", "Irene", "kcpd", [Role.INVESTIGATOR]),
    ("stl_investigator", "Stefan", "stlpd", [Role.INVESTIGATOR]),
    ("analyst", "Ana", "state", [Role.ANALYST]),
    ("advocate", "Ada", "ngo", [Role.ADVOCATE]),
    ("trainer", "Terry", "training", [Role.TRAINER]),
    ("viewer", "Val", "jcpo", [Role.VIEWER]),
]


def demo_totp_key(username: str) -> str:
    """A fixed, published TOTP key per demo user (hex).  Demo data only."""
    return hashlib.sha1(f"beacon-demo-totp:{username}".encode(), usedforsecurity=False).hexdigest()


def totp_secret_base32(key_hex: str) -> str:
    return base64.b32encode(bytes.fromhex(key_hex)).decode().rstrip("=")


class DemoRefused(Exception):  # noqa: N818 - reads as the refusal it is
    """Demo data (published password and TOTP keys) asked for with ``BEACON_ENV=production``."""

    def __init__(self) -> None:
        super().__init__("The demo (published password and TOTP secrets) cannot be loaded when "
                         "BEACON_ENV=production; `beacon seed` loads reference data only there.")


def refuse_demo_in_production() -> None:
    if settings.PRODUCTION:
        raise DemoRefused


@transaction.atomic
def seed_task_forces() -> None:
    """The demo's task forces (labelled "(demo)"; a real deployment creates its own)."""
    refuse_demo_in_production()
    statewide, _ = TaskForce.objects.get_or_create(
        slug="statewide",
        defaults={"name": "Missouri Statewide Task Force (demo)", "statewide": True, "is_demo": True,
                  "description": "Takes tips from counties no regional task force covers."},
    )
    statewide.counties.set(County.objects.all())
    for slug, (name, fips) in REGIONS.items():
        tf, _ = TaskForce.objects.get_or_create(slug=slug, defaults={"name": f"{name} (demo)", "is_demo": True})
        tf.counties.set(County.objects.filter(fips__in=fips))


@transaction.atomic
def seed_demo_users() -> list[tuple[str, str, str]]:
    """Create demo agencies and users; returns (username, roles, TOTP secret) for printing."""
    refuse_demo_in_production()
    agencies: dict[str, Agency] = {}
    for a in DEMO_AGENCIES:
        agency, _ = Agency.objects.get_or_create(
            name=a.name, defaults={"kind": a.kind, "county_id": a.county, "is_demo": True,
                                   "contact_email": f"{a.key}@demo.beacon.invalid", "contact_phone": "555-0100"},
        )
        agencies[a.key] = agency
        for region in a.regions:
            TaskForce.objects.get(slug=region).agencies.add(agency)
    printed = []
    for username, first, agency_key, roles in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(username=username, password=DEMO_PASSWORD, agency=agencies[agency_key], roles=roles,
                               email=f"{username}@demo.beacon.invalid", first_name=first, last_name="Demo",
                               validate=False)
        key = demo_totp_key(username)
        totp_device_for(user, key_hex=key)
        printed.append((username, ", ".join(roles), totp_secret_base32(key)))
    return printed


def run(*, demo: bool = True) -> dict[str, object]:
    """Geography always; with ``demo`` the demo task forces, agencies and users (never in production)."""
    if demo:
        refuse_demo_in_production()
    created = load_geography()
    users = []
    if demo:
        seed_task_forces()
        users = seed_demo_users()
    return {"created": created, "users": users}
