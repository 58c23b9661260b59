"""The movement map: interstates, and a wider map when an operation leaves Missouri."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from beacon.adscan import normalise_city
from beacon.monitoring import maps
from beacon.monitoring.models import Ad, IngestRun


def stop(name: str, state: str, ads: int = 2) -> dict[str, Any]:
    p = normalise_city(name, state)
    assert p is not None
    return {"city": p.name, "state": p.state, "lat": p.lat, "lon": p.lon, "ads": ads, "first_seen": "2025-06-01"}


def _view(svg: str) -> tuple[float, float]:
    m = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)
    assert m
    return float(m.group(1)), float(m.group(2))


def _stops(svg: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r'class="stop" cx="(-?[\d.]+)" cy="(-?[\d.]+)"', svg)]


def test_missouri_only_keeps_the_missouri_map_and_draws_interstates(mo: Any) -> None:
    svg = maps.movement_map([stop("Kansas City", "MO"), stop("Columbia", "MO"), stop("St. Louis", "MO")])
    assert 'data-extent="missouri"' in svg
    assert _view(svg)[1] == maps.HEIGHT
    roads = re.findall(r'class="interstate" data-road="([^"]+)"', svg)
    assert roads == ["I-70", "I-44", "I-55", "I-29", "I-35"]
    assert "Map widened" not in svg


def test_leaving_missouri_widens_the_map_to_every_stop(mo: Any) -> None:
    movement = [stop("Joplin", "MO"), stop("Tulsa", "OK"), stop("Wichita", "KS"), stop("Memphis", "TN")]
    svg = maps.movement_map(movement)
    assert 'data-extent="wide"' in svg
    w, h = _view(svg)
    pts = _stops(svg)
    assert len(pts) == 4 and all(0 <= x <= w and 0 <= y <= h for x, y in pts)
    # west to east: Wichita, Tulsa, Joplin, Memphis
    xs = {m["city"]: x for m, (x, _y) in zip(movement, pts, strict=True)}
    assert xs["Wichita"] < xs["Tulsa"] < xs["Joplin"] < xs["Memphis"]
    assert "Map widened beyond Missouri: KS, OK, TN" in svg
    assert svg.count('class="county"') == 115  # Missouri is still drawn, smaller
    assert svg.count('class="interstate"') == 5
    # the same map for Missouri alone would have put Tulsa off its edge
    x, y = maps.project(movement[1]["lat"], movement[1]["lon"])
    assert x < 0 or y > maps.HEIGHT


def test_operation_page_widens_the_map(mo: Any, ingested: IngestRun, staff_client: Any) -> None:
    client, _user = staff_client("analyst")
    op = Ad.objects.get(external_id="demo-i70-01").operation
    assert op is not None
    op.movement = [*op.movement, stop("Tulsa", "OK", 1)]
    op.save(update_fields=["movement"])
    html = client.get(reverse("monitoring:operation", args=[op.pk])).content.decode()
    assert 'data-extent="wide"' in html and 'data-road="I-44"' in html
    assert html.count('class="stop"') == len(op.movement)
