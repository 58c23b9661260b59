from __future__ import annotations

import re

from django import template

from beacon.monitoring.labels import indicator_label

register = template.Library()


_CODE = re.compile(r"\b(?:AD|OP)_[A-Z_]+\b")


@register.filter
def indicator_codes(text: str) -> str:
    """Evidence text with every indicator code in it replaced by its plain-language label."""
    return _CODE.sub(lambda m: indicator_label(m.group(0)), str(text))


@register.filter
def indicator_title(code: str) -> str:
    """The plain-language name of an adscan indicator code (the code itself when unknown)."""
    return indicator_label(code)
