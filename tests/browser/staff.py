"""Helpers for the staff browser tests: a signed-in context per user and width, budgets, visits."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.test import Client
from django.utils import translation

from beacon.core.services import user_set_language
from tests.browser.axe import assert_no_axe_violations
from tests.conftest import verify_client

WIDTHS = {"desktop": 1280, "phone": 390}

# Budgets for every staff page these tests open (the graph page's cytoscape has its own).
PAGE_WEIGHT_BUDGET = 900_000  # bytes the page and everything it loads weigh, uncompressed as the test server sends them
GRAPH_PAGE_WEIGHT_BUDGET = 1_400_000  # plus cytoscape (~440 kB)
FIRST_PAINT_BUDGET_MS = 5000  # first contentful paint, server time included, on a shared 2-core test machine


def tr(lang: str, msgid: str, **params: Any) -> str:
    """``msgid`` as the pages show it in ``lang`` (the project's catalogs), with its %(name)s filled in."""
    with translation.override(lang):
        text = translation.gettext(msgid)
    return text % params if params else text


def signed_in_page(browser: Any, live_server: Any, user: Any, width: int, locale: str = "en-US",
                   language: str | None = None) -> Any:
    """A page whose context carries a session already past both sign-in steps (the sign-in pages
    themselves are walked in test_login.py).

    ``language``: the staff member's saved choice of language for the staff pages (as after using
    the header's switch); every page ``check`` then sees must be in that language.
    """
    if language:
        user_set_language(user=user, language=language, acting_user=user)
        if language == "es" and locale == "en-US":
            locale = "es-US"
    client = verify_client(Client(), user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context = browser.new_context(viewport={"width": width, "height": 900 if width > 600 else 844}, locale=locale)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    page.expected_lang = language or "en"
    return page


def _weight(page: Any) -> int:
    return int(page.evaluate(
        "() => { const nav = performance.getEntriesByType('navigation')[0];"
        " const res = performance.getEntriesByType('resource');"
        " return (nav ? (nav.transferSize || nav.encodedBodySize) : 0)"
        "   + res.reduce((s, r) => s + (r.transferSize || r.encodedBodySize || 0), 0); }"))


def first_paint_ms(page: Any) -> float:
    return float(page.evaluate(
        "() => { const p = performance.getEntriesByName('first-contentful-paint')[0]; return p ? p.startTime : -1; }"))


def visit(page: Any, url: str, *, weight_budget: int = PAGE_WEIGHT_BUDGET, status: int = 200) -> Any:
    """Open a page (or follow to it), check its status, axe-core, weight, first paint, no script errors."""
    response = page.goto(url) if url else None
    if response is not None:
        assert response.status == status, (url, response.status)
    check(page, weight_budget=weight_budget)
    return response


def check(page: Any, *, weight_budget: int = PAGE_WEIGHT_BUDGET) -> None:
    page.wait_for_load_state("load")
    assert_no_axe_violations(page)
    weight = _weight(page)
    assert weight <= weight_budget, f"{page.url}: {weight} bytes > budget {weight_budget}"
    fcp = first_paint_ms(page)
    if os.environ.get("BEACON_BUDGET_REPORT"):  # print the figures: BEACON_BUDGET_REPORT=1 pytest -s ...
        print(f"budget {page.viewport_size['width']}px {page.url}: {weight} bytes, first paint {fcp:.0f} ms")
    assert 0 <= fcp <= FIRST_PAINT_BUDGET_MS, f"{page.url}: first contentful paint {fcp:.0f} ms"
    # The page fits the viewport: nothing but a labelled scroll region may be wider.
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{page.url}: page scrolls sideways by {overflow}px"
    assert page.js_errors == [], (page.url, page.js_errors)
    expected = getattr(page, "expected_lang", None)
    if expected:
        assert page.locator("html").get_attribute("lang") == expected, f"{page.url}: not in {expected}"
