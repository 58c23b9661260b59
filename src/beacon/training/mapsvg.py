"""A server-drawn SVG map of Missouri's counties (equirectangular, scaled by cos of the mean
latitude) with one dot per county holding sessions.  No tile server, no script."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape

from beacon.core.models import County

WIDTH = 600
LON0, LAT0, LON1, LAT1 = -95.78, 35.99, -89.09, 40.62
KX = math.cos(math.radians((LAT0 + LAT1) / 2))
SCALE = WIDTH / ((LON1 - LON0) * KX)
HEIGHT = round((LAT1 - LAT0) * SCALE)


def project(lon: float, lat: float) -> tuple[float, float]:
    return (lon - LON0) * KX * SCALE, (LAT1 - lat) * SCALE


def _rings(geometry: Mapping[str, Any]) -> Iterable[list[list[float]]]:
    if geometry.get("type") == "Polygon":
        yield from geometry["coordinates"]
    elif geometry.get("type") == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield from polygon


def county_path(geometry: Mapping[str, Any]) -> str:
    parts = []
    for ring in _rings(geometry):
        points = [project(x, y) for x, y, *_ in ring]
        if points:
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
    return "".join(parts)


@dataclass(frozen=True)
class Dot:
    fips: str
    label: str
    count: int


def missouri_svg(dots: Iterable[Dot], *, title: str) -> str:
    by_fips = {d.fips: d for d in dots}
    counties = list(County.objects.only("fips", "name", "geometry", "centroid_lat", "centroid_lon"))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
           f'class="training-map" aria-labelledby="training-map-title"><title id="training-map-title">{escape(title)}</title>']
    out.append('<g fill="#f0f0f0" stroke="#a9aeb1" stroke-width="0.6">')
    for c in counties:
        out.append(f'<path d="{county_path(c.geometry)}" data-fips="{c.fips}"><title>{escape(c.name)}</title></path>')
    out.append('</g><g fill="#d83933" fill-opacity="0.85" stroke="#fff" stroke-width="1.2">')
    for c in counties:
        dot = by_fips.get(c.fips)
        if dot is None:
            continue
        x, y = project(c.centroid_lon, c.centroid_lat)
        r = 5 + min(dot.count, 6)
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" data-fips="{c.fips}" class="training-map-dot">'
                   f'<title>{escape(dot.label)}</title></circle>')
    out.append("</g></svg>")
    return "".join(out)
