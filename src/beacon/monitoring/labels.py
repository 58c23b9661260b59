"""Plain-language, translated names of adscan's indicator codes (escort and job ads) and fee kinds.

``beacon.adscan`` stays free of Django (its English titles serve the command line and the API);
the staff pages show ``indicator_title(code)`` with the code itself in a tooltip: the translated
name when listed here, else adscan's English title.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from beacon.adscan import AD_INDICATORS, CLUSTER_INDICATORS

INDICATOR_TITLES: dict[str, Promise] = {
    "AD_TRUSTWORTHY": _("Presented as trustworthy or professional"),
    "AD_OBSCURED_PHONE": _("Phone number disguised to avoid detection"),
    "AD_YOUTH_LANGUAGE": _("Words that suggest a young person"),
    "AD_STATED_AGE_MINOR": _("Stated age under 18"),
    "AD_ETHNICITY": _("Ethnicity of the person advertised is stated"),
    "AD_THIRD_PERSON": _("Written by someone else (third person or plural)"),
    "AD_MOVEMENT_LANGUAGE": _("'New in town' or travel wording"),
    "OP_MANY_NAMES_ON_PHONE": _("Many names or ages use the same phone"),
    "OP_MANY_PHONES_ON_TEMPLATE": _("Many phones use the same ad text"),
    "OP_THIRD_PERSON_VOICE": _("Ads written by someone else (third person or plural)"),
    "OP_RAPID_MOVEMENT": _("Moves between cities quickly"),
    "OP_SHARED_IMAGES_ACROSS_PHONES": _("Same photos with different phones"),
    "OP_AD_SIGNALS": _("Warning signs in the ads themselves"),
    "JOB_WORKER_PAYS_FEES": _("Worker charged a recruitment, visa or placement fee"),
    "JOB_DEBT_DEDUCTIONS": _("Travel, housing or other costs taken back from pay"),
    "JOB_DOCUMENTS_HELD": _("Employer keeps passports or identity documents"),
    "JOB_WITHHELD_WAGES": _("Wages held until the end of the season or contract"),
    "JOB_RESTRICTED_MOVEMENT": _("Workers may not leave, receive visitors or keep phones"),
    "JOB_EXCESSIVE_HOURS": _("Seven days a week or no days off"),
    "JOB_NO_PAPERS": _("Targets workers without papers or work authorization"),
    "JOB_HIGH_PAY_NO_EXPERIENCE": _("High pay promised for no experience"),
    "JOB_MESSAGING_ONLY": _("Contact only through a messaging app"),
    "JOB_UNVERIFIABLE_EMPLOYER": _("No employer name, address or registration"),
    "JOB_HOUSING_TRANSPORT": _("Housing or transport provided (lawful on its own)"),
    "OP_JOB_MANY_EMPLOYERS": _("One job offer posted under several employer names"),
    "OP_JOB_MANY_TOWNS": _("One job offer posted in several towns"),
    "OP_CROSS_KIND_LINK": _("Escort and job ads linked by a shared identifier"),
}

FEE_NAMES: dict[str, Promise] = {
    "recruitment": _("recruitment"), "visa": _("visa"), "transport": _("transport"), "housing": _("housing"),
    "tools": _("tools"),
}


def indicator_title(code: str) -> str:
    """The plain-language name of an indicator code in the active language (the code itself when unknown)."""
    if code in INDICATOR_TITLES:
        return str(INDICATOR_TITLES[code])
    found = CLUSTER_INDICATORS.get(code) or AD_INDICATORS.get(code)
    return found.title if found else code
