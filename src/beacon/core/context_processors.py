from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .navigation import navigation_for


def beacon(request: HttpRequest) -> dict[str, Any]:
    return {"nav_items": navigation_for(request), "HOTLINE_PHONE": "1-888-373-7888", "HOTLINE_TEXT": "233733"}
