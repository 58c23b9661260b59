from __future__ import annotations

from django import template

from beacon.monitoring.labels import indicator_label

register = template.Library()


@register.filter
def indicator_title(code: str) -> str:
    """The plain-language name of an adscan indicator code (the code itself when unknown)."""
    return indicator_label(code)
