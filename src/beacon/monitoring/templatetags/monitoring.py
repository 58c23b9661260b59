from __future__ import annotations

from django import template

from beacon.adscan import AD_INDICATORS, CLUSTER_INDICATORS

register = template.Library()


@register.filter
def indicator_title(code: str) -> str:
    """The plain-language name of an adscan indicator code (the code itself when unknown)."""
    found = CLUSTER_INDICATORS.get(code) or AD_INDICATORS.get(code)
    return found.title if found else code
