"""The language switch: plain links to the same page in the other language (``/report/`` <->
``/es/report/``), so a public page without a form sets no cookie at all."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language

register = template.Library()

_NAMES = {"en": "English", "es": "Español"}


@register.simple_tag(takes_context=True)
def language_links(context: dict[str, Any]) -> list[dict[str, str]]:
    request = context.get("request")
    if request is None:
        return []
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        if code == current:
            continue
        url = translate_url(request.get_full_path(), code)
        if url != request.get_full_path():  # only pages that exist in that language
            links.append({"code": code, "name": _NAMES.get(code, code), "url": url})
    return links


@register.simple_tag(takes_context=True)
def staff_language_choices(context: dict[str, Any]) -> list[dict[str, str]]:
    """The other languages for the staff header's switch (a form posting to ``core:language``).

    Only on staff and sign-in pages, whose URLs carry no language; public pages use ``language_links``.
    """
    from beacon.core.middleware import STAFF_PATH_PREFIXES

    request = context.get("request")
    if request is None or not request.path_info.startswith(STAFF_PATH_PREFIXES):
        return []
    current = get_language()
    return [{"code": code, "name": _NAMES.get(code, code)} for code, _name in settings.LANGUAGES if code != current]
