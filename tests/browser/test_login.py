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
    # The USWDS stylesheet is served from the vendored copy.
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Source Sans" in font
    assert page.get_by_label("Primary navigation").get_by_role("link", name="Tips").is_visible()
