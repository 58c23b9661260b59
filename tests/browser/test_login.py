from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_login_with_mfa_reaches_dashboard(live_server: Any, page: Any, mo: Any, user_factory: Any) -> None:
    user = user_factory("supervisor")
    browser_login(page, live_server.url, user)
    assert page.url == f"{live_server.url}/staff/"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Welcome")
    # The USWDS stylesheet is served from the vendored copy (its header layout applies); text uses
    # the system font stack (beacon.css), so no web font is downloaded.
    assert page.evaluate("getComputedStyle(document.querySelector('.usa-skipnav')).zIndex") == "100"
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "system-ui" in font and "Source Sans" not in font
    assert page.evaluate("performance.getEntriesByType('resource').filter(r => /\\.woff2?$/.test(r.name)).length") == 0
    assert page.get_by_label("Primary navigation").get_by_role("link", name="Tips").is_visible()
