from __future__ import annotations

import re

from django import template

from beacon.cases.typology import VenueType

from .. import labels

register = template.Library()

_CODE = re.compile(r"\b(?:AD|OP|JOB)_[A-Z_]+\b")


@register.filter
def indicator_codes(text: str) -> str:
    """Evidence text with every indicator code in it replaced by its plain-language label."""
    return _CODE.sub(lambda m: labels.indicator_title(m.group(0)), str(text))


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
