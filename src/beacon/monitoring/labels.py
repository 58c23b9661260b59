"""Translated names of adscan's indicator codes and of ad kinds (adscan itself is Django-free and English).

The staff pages show ``indicator_title(code)``: the translated name when listed here, else adscan's
English title (``beacon.adscan.AD_INDICATORS`` / ``CLUSTER_INDICATORS``).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from beacon.adscan import AD_INDICATORS, CLUSTER_INDICATORS

INDICATOR_TITLES: dict[str, Promise] = {
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
