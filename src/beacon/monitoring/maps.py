"""A server-side SVG map of Missouri (county outlines from ``core.County.geometry``) with a movement path.

No tile server and no script: the counties are projected with a simple equirectangular
projection scaled by cos(latitude) and drawn as paths; city points come from the
operation's movement (adscan's place list).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from beacon.core.models import County

WIDTH = 640
_LON0, _LON1, _LAT0, _LAT1 = -95.85, -89.05, 35.95, 40.65
_KX = math.cos(math.radians((_LAT0 + _LAT1) / 2))
SCALE = WIDTH / ((_LON1 - _LON0) * _KX)
HEIGHT = round((_LAT1 - _LAT0) * SCALE)
_cache: dict[str, str] = {}


def project(lat: float, lon: float) -> tuple[float, float]:
    return round((lon - _LON0) * _KX * SCALE, 1), round((_LAT1 - lat) * SCALE, 1)


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    if geometry.get("type") == "Polygon":
        return list(geometry.get("coordinates", []))
    if geometry.get("type") == "MultiPolygon":
        return [ring for poly in geometry.get("coordinates", []) for ring in poly]
    return []


def counties_svg() -> str:
    """The county outlines as SVG paths (computed once per process)."""
    if "counties" in _cache:
        return _cache["counties"]
    parts = []
    for name, geometry in County.objects.order_by("fips").values_list("name", "geometry"):
        d = []
        for ring in _rings(geometry or {}):
            pts = [project(lat, lon) for lon, lat, *_ in ring]
            if pts:
                d.append("M" + " L".join(f"{x},{y}" for x, y in pts) + " Z")
        if d:
            parts.append(f'<path class="county" d="{" ".join(d)}"><title>{escape(name)}</title></path>')
    svg = "".join(parts)
    if parts:
        _cache["counties"] = svg
    return svg


def movement_map(movement: Sequence[dict[str, Any]], *, title: str = "Movement") -> SafeString:
    """An SVG map of Missouri with the stints of ``movement`` (adscan CityVisit dicts) joined in time order."""
    stops = [m for m in movement if m.get("lat") is not None and m.get("lon") is not None]
    pts = [project(float(m["lat"]), float(m["lon"])) for m in stops]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
           f'class="beacon-map" aria-labelledby="map-title"><title id="map-title">{escape(title)}</title>',
           '<g fill="#f0f0f0" stroke="#a9aeb1" stroke-width="0.6">', counties_svg(), "</g>"]
    if len(pts) > 1:
        out.append('<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
                   'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#d83933"/></marker></defs>')
        for (x0, y0), (x1, y1) in zip(pts, pts[1:], strict=False):
            if (x0, y0) != (x1, y1):
                out.append(f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y1}" stroke="#d83933" stroke-width="2.5" '
                           'marker-end="url(#arrow)"/>')
    labelled: set[tuple[float, float]] = set()
    for n, ((x, y), m) in enumerate(zip(pts, stops, strict=True), start=1):
        when = (m.get("first_seen") or "")[:10]
        label = f"{n}. {m.get('city', '')}, {m.get('state', '')} {when} ({m.get('ads', 0)} ads)"
        out.append(f'<circle class="stop" cx="{x}" cy="{y}" r="6" fill="#162e51" stroke="#fff" stroke-width="1.5">'
                   f"<title>{escape(label)}</title></circle>")
        if (x, y) not in labelled:
            labelled.add((x, y))
            out.append(f'<text x="{x + 8}" y="{y - 8}" font-size="13" fill="#1b1b1b" stroke="#fff" stroke-width="3" '
                       f'paint-order="stroke">{escape(str(m.get("city", "")))}</text>')
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - numbers and escaped names only
