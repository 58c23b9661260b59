"""The county choropleth draws in a real browser: 115 county paths, several fill colours."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_choropleth_map_renders(live_server: Any, page: Any, mo: Any, user_factory: Any) -> None:
    user = user_factory("viewer")
    browser_login(page, live_server.url, user)
    page.goto(f"{live_server.url}/staff/outreach/?metric=population")
    svg = page.locator("#county-map svg.outreach-map")
    svg.wait_for()
    assert page.locator("#county-map svg path").count() >= 115
    box = svg.bounding_box()
    assert box["width"] > 400 and box["height"] > 300
    # Hover text is there for every county.
    assert page.locator("#county-map svg path title").count() == 115
    image = Image.open(io.BytesIO(svg.screenshot())).convert("RGB")
    palette = {(255, 255, 178), (254, 204, 92), (253, 141, 60), (240, 59, 32), (189, 0, 38)}
    colours = {c for _n, c in image.getcolors(maxcolors=1 << 20) or []}
    near = {p for p in palette if any(sum(abs(a - b) for a, b in zip(p, c, strict=True)) < 12 for c in colours)}
    assert len(near) >= 4, near  # population quintiles: the map is drawn in several classes
