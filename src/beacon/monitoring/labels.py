"""Plain-language, translated names of the ad and operation indicator codes adscan reports.

``beacon.adscan`` stays free of Django (its English titles serve the command line and the
API); the staff pages show these labels, with the code itself in a tooltip.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

INDICATOR_LABELS: dict[str, object] = {
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
}


def indicator_label(code: str) -> str:
    """The translated label of an indicator code; adscan's English title, or the code, when unmapped."""
    if code in INDICATOR_LABELS:
        return str(INDICATOR_LABELS[code])
    from beacon.adscan import AD_INDICATORS, CLUSTER_INDICATORS

    found = CLUSTER_INDICATORS.get(code) or AD_INDICATORS.get(code)
    return found.title if found else code
