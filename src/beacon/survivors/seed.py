"""Directory seed: Beacon's taxonomies, the national hotlines (real, public numbers) and, with
``demo``, clearly labelled "(demo)" providers across Missouri's regions.

Idempotent: organisations and services are looked up by name, so a second run adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from beacon.core import geo
from beacon.core.models import Agency

from . import taxonomy
from .models import Organization, Service
from .services import ServiceInput, service_save

HEARTLAND = "Heartland Survivor Services (demo)"
LEGAL_AGENCY = "Show-Me Legal & Immigration Aid (demo)"


@dataclass(frozen=True)
class Hotline:
    org: str
    description: str
    website: str
    service: str
    phone: str
    text: str = ""
    languages: tuple[str, ...] = ("en", "es")


HOTLINES = [
    Hotline("Polaris Project", "Operates the U.S. National Human Trafficking Hotline.", "https://humantraffickinghotline.org",
            "National Human Trafficking Hotline", "1-888-373-7888", "Text 233733 (BEFREE)"),
    Hotline("988 Suicide & Crisis Lifeline", "The national network of crisis centres.", "https://988lifeline.org",
            "988 Suicide & Crisis Lifeline", "988", "Call or text 988"),
    Hotline("National Domestic Violence Hotline", "Confidential support for people affected by relationship abuse.",
            "https://www.thehotline.org", "National Domestic Violence Hotline", "1-800-799-7233", "Text START to 88788"),
    Hotline("RAINN", "Rape, Abuse & Incest National Network.", "https://www.rainn.org",
            "National Sexual Assault Hotline (RAINN)", "1-800-656-4673"),
    Hotline("United Way 2-1-1 Missouri", "Missouri's 2-1-1 information and referral line for local help.",
            "https://211helps.org", "211 Missouri (United Way 2-1-1)", "2-1-1"),
]


@dataclass(frozen=True)
class Demo:
    name: str
    needs: tuple[str, ...]
    city: str
    counties: tuple[str, ...] = ()
    statewide: bool = False
    confidential: bool = False
    open_24_7: bool = False
    free: bool = True
    genders: tuple[str, ...] = ()
    languages: tuple[str, ...] = ("en",)
    ages: tuple[int | None, int | None] = (None, None)
    agency: str = HEARTLAND
    virtual: bool = False
    description: str = ""
    extra: dict[str, str] = field(default_factory=dict)


DEMO_SERVICES = [
    Demo("Safe Harbor Emergency Shelter - Kansas City (demo)", ("shelter", "case-management"), "Kansas City",
         ("29095", "29047", "29165", "29037"), confidential=True, open_24_7=True, genders=("women",), languages=("en", "es")),
    Demo("Gateway Safe House - St. Louis (demo)", ("shelter",), "St. Louis", ("29510", "29189", "29183"),
         confidential=True, open_24_7=True, languages=("en", "es", "bs")),
    Demo("Ozarks Refuge Shelter - Springfield (demo)", ("shelter",), "Springfield", ("29077", "29043", "29225"),
         confidential=True, open_24_7=True, genders=("women", "nonbinary")),
    Demo("Bootheel Safe Place - Cape Girardeau (demo)", ("shelter", "counselling"), "Cape Girardeau",
         ("29031", "29201", "29207"), confidential=True, open_24_7=True),
    Demo("Mid-Missouri Survivor Clinic - Columbia (demo)", ("medical",), "Columbia", ("29019", "29051", "29027", "29135")),
    Demo("Joplin Survivor Medical Partners (demo)", ("medical",), "Joplin", ("29097", "29145"), free=False),
    Demo("Heartland Counselling Center - Jefferson City (demo)", ("counselling", "case-management"), "Jefferson City",
         ("29051", "29019", "29151"), languages=("en", "es")),
    Demo("Northeast Missouri Youth Outreach - Kirksville (demo)", ("counselling", "case-management"), "Kirksville",
         ("29001", "29197", "29211", "29115"), ages=(12, 24)),
    Demo("Trauma Recovery Counselling - St. Joseph (demo)", ("counselling", "substance-use"), "St. Joseph",
         ("29021", "29003", "29063"), free=False, ages=(18, None)),
    Demo("T Visa & Immigration Legal Clinic - Kansas City (demo)", ("legal", "immigration"), "Kansas City",
         statewide=True, languages=("en", "es", "vi"), agency=LEGAL_AGENCY),
    Demo("Survivor Legal Aid - St. Louis (demo)", ("legal", "immigration"), "St. Louis", ("29510", "29189", "29099"),
         languages=("en", "es", "ar"), agency=LEGAL_AGENCY),
    Demo("Show-Me Interpreters Network (demo)", ("interpreter",), "", statewide=True, virtual=True, open_24_7=True,
         languages=("es", "vi", "sw", "zh", "ar", "bs")),
    Demo("Fresh Start Jobs Program - Springfield (demo)", ("employment",), "Springfield", ("29077", "29043"),
         ages=(16, None)),
    Demo("Pathways to Work - Kansas City (demo)", ("employment", "case-management"), "Kansas City", ("29095", "29047"),
         ages=(18, None), languages=("en", "es")),
]


def _organization(name: str, description: str, *, agency: Agency | None, website: str = "", demo: bool) -> tuple[Organization, bool]:
    org = Organization.objects.filter(name=name).first()
    if org is not None:
        return org, False
    return Organization.objects.create(name=name, description=description, website=website, agency=agency, is_demo=demo), True


@transaction.atomic
def run(*, demo: bool = True) -> dict[str, int]:
    created = {"organizations": 0, "services": 0}
    taxonomy.ensure_taxonomies()
    for h in HOTLINES:
        org, new = _organization(h.org, h.description, agency=None, website=h.website, demo=False)
        created["organizations"] += new
        if not Service.objects.filter(organization=org, name=h.service).exists():
            svc = service_save(acting_user=None, organization=org, data=ServiceInput(
                name=h.service, description=f"{h.description} {h.text}".strip(), url=h.website, phone=h.phone,
                needs=["hotline"], open_24_7=True, free=True, statewide=True, languages=list(h.languages)))
            if h.text:
                from .models import Phone

                Phone.objects.create(service=svc, number=h.text, type="text")
            created["services"] += 1
    if not demo:
        return created
    heartland = Agency.objects.filter(name=HEARTLAND).first()
    legal, _ = Agency.objects.get_or_create(
        name=LEGAL_AGENCY, defaults={"kind": "ngo", "county_id": "29095", "is_demo": True,
                                     "contact_email": "legal@demo.beacon.invalid", "contact_phone": "555-0100"})
    orgs = {
        HEARTLAND: _organization(HEARTLAND, "Demo survivor services network across Missouri (fictional).",
                                 agency=heartland, demo=True),
        LEGAL_AGENCY: _organization(LEGAL_AGENCY, "Demo legal and immigration aid, including T visa help (fictional).",
                                    agency=legal, demo=True),
    }
    created["organizations"] += sum(new for _, new in orgs.values())
    for n, d in enumerate(DEMO_SERVICES):
        org = orgs[d.agency][0]
        if Service.objects.filter(organization=org, name=d.name).exists():
            continue
        point = geo.point_of_place(d.city) if d.city else None
        zip_code = ""
        if point is not None:
            from beacon.core.models import ZipCode

            near = min(ZipCode.objects.filter(county_id=geo.fips_at_point(*point) or "").values_list("zip", "lat", "lon"),
                       key=lambda z: geo.distance_km(point[0], point[1], z[1], z[2]), default=None)
            zip_code = near[0] if near else ""
        service_save(acting_user=None, organization=org, data=ServiceInput(
            name=d.name, description=d.description or "Fictional demo provider for trying Beacon.",
            phone=f"555-01{n:02d}", needs=list(d.needs), open_24_7=d.open_24_7, free=d.free, genders=list(d.genders),
            minimum_age=d.ages[0], maximum_age=d.ages[1], languages=list(d.languages), counties=list(d.counties),
            statewide=d.statewide, confidential=d.confidential,
            address_1="" if d.virtual else f"{100 + n} Demo Street", city=d.city, postal_code=zip_code,
            latitude=point[0] if point else None, longitude=point[1] if point else None))
        created["services"] += 1
    return created
