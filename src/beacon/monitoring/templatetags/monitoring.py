from __future__ import annotations

from django import template

from beacon.cases.typology import VenueType

from .. import labels

register = template.Library()


@register.filter
def indicator_title(code: str) -> str:
    """The plain-language name of an adscan indicator code (the code itself when unknown)."""
    return labels.indicator_title(code)


@register.filter
def fee_name(kind: str) -> str:
    """A fee or deduction kind (``recruitment``, ``visa``...) in the active language."""
    return str(labels.FEE_NAMES.get(kind, kind))


@register.filter
def industry_name(code: str) -> str:
    """A Polaris typology code (``agriculture``...) by its name in the active language."""
    try:
        return str(VenueType(code).label)
    except ValueError:
        return code or ""
