"""Template helpers for rendering Django form widgets with USWDS classes.

    {% load uswds %}{{ form.agree|with_class:"usa-checkbox__input" }}
    {% for choice in form.kind %}{{ choice|with_class:"usa-radio__input" }}...{% endfor %}
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def with_class(bound: Any, css: str) -> SafeString:
    """Render a bound field or one choice of a multi-choice field with ``css`` added to its classes."""
    if hasattr(bound, "as_widget"):
        existing = bound.field.widget.attrs.get("class", "")
        return bound.as_widget(attrs={"class": f"{existing} {css}".strip()})
    attrs = dict(bound.data.get("attrs") or {})
    attrs["class"] = f"{attrs.get('class', '')} {css}".strip()
    bound.data["attrs"] = attrs
    return bound.tag()
