"""A server-side SVG map of Missouri (county outlines from ``core.County.geometry``) with a movement path.

No tile server and no script: the counties are drawn with the shared projection of
``beacon.core.svgmap``; city points come from the operation's movement (adscan's place list).
The interstates (I-70, I-44, I-55, I-29, I-35, from ``beacon.adscan.places.INTERSTATES``) are
drawn under the path; when an operation's cities leave Missouri the map widens to take them in
(``data-extent="wide"``), so a stint in Tulsa or Memphis is on the map, not off its edge.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from beacon.adscan.places import INTERSTATES, normalise_city
from beacon.core.svgmap import Projection, county_paths

WIDTH = 640
MO_BOX = (-95.85, 35.95, -89.05, 40.65)  # Missouri with a little margin for labels
PROJECTION = Projection.fit(WIDTH, bbox=MO_BOX)
HEIGHT = round(PROJECTION.height)
WIDE_MARGIN = 0.6  # degrees around the cities outside Missouri
_cache: dict[tuple[str, Projection], str] = {}


def project(lat: float, lon: float, projection: Projection = PROJECTION) -> tuple[float, float]:
    x, y = projection.xy(lon, lat)
    return round(x, 1), round(y, 1)


def counties_svg(projection: Projection = PROJECTION) -> str:
    """The county outlines as SVG paths (computed once per process and projection)."""
    key = ("counties", projection)
    if key not in _cache:
        parts = [f'<path class="county" d="{c.d}"><title>{escape(c.name)}</title></path>'
                 for c in county_paths(projection) if c.d]
        if not parts:
            return ""
        _cache[key] = "".join(parts)
    return _cache[key]


def extent(points: Sequence[tuple[float, float]]) -> tuple[float, float, float, float] | None:
    """The lon/lat box to draw when some of ``points`` (lat, lon) lie outside Missouri's box, else None."""
    lo0, la0, lo1, la1 = MO_BOX
    outside = [(la, lo) for la, lo in points if not (lo0 <= lo <= lo1 and la0 <= la <= la1)]
    if not outside:
        return None
    # rounded out to half degrees, so that operations share a few projections (and their cached outlines)
    return (math.floor(2 * min(lo0, *(lo - WIDE_MARGIN for _, lo in outside))) / 2,
            math.floor(2 * min(la0, *(la - WIDE_MARGIN for la, _ in outside))) / 2,
            math.ceil(2 * max(lo1, *(lo + WIDE_MARGIN for _, lo in outside))) / 2,
            math.ceil(2 * max(la1, *(la + WIDE_MARGIN for la, _ in outside))) / 2)


def interstates_svg(projection: Projection) -> str:
    """The interstates as grey polylines with their names, under the movement path."""
    key = ("interstates", projection)
    if key not in _cache:
        out = ['<g class="interstates" fill="none" stroke="#71767a" stroke-width="1.6" stroke-linejoin="round">']
        for road, cities in INTERSTATES.items():
            pts = []
            for name, state in cities:
                p = normalise_city(name, state)
                if p is not None:
                    pts.append(project(p.lat, p.lon, projection))
            if len(pts) < 2:
                continue
            coords = " ".join(f"{x},{y}" for x, y in pts)
            out.append(f'<polyline class="interstate" data-road="{road}" points="{coords}"><title>{road}</title></polyline>')
            inside = [(x, y) for x, y in pts if 0 <= x <= projection.width and 0 <= y <= projection.height]
            if inside:
                x, y = inside[len(inside) // 2]
                out.append(f'<text class="interstate-label" x="{x}" y="{y - 4}" font-size="10" fill="#565c65" '
                           f'stroke="none">{road}</text>')
        out.append("</g>")
        _cache[key] = "".join(out)
    return _cache[key]


def _label(x: float, y: float, text: str, boxes: list[tuple[float, float, float, float]]) -> str:
    """A city name beside its point, in the first of four places that does not cover an earlier label."""
    width, height = 7.2 * len(text), 14.0
    choice = None
    for dx, dy, anchor in ((8, -8, "start"), (8, 18, "start"), (-8, -8, "end"), (-8, 18, "end")):
        x0 = x + dx if anchor == "start" else x + dx - width
        box = (x0, y + dy - height, x0 + width, y + dy)
        if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes):
            choice = (dx, dy, anchor, box)
            break
    if choice is None:
        x0 = x + 8
        choice = (8, -8, "start", (x0, y - 8 - height, x0 + width, y - 8))
    dx, dy, anchor, box = choice
    boxes.append(box)
    return (f'<text x="{x + dx}" y="{y + dy}" text-anchor="{anchor}" font-size="13" fill="#1b1b1b" stroke="#fff" '
            f'stroke-width="3" paint-order="stroke">{escape(text)}</text>')


def movement_map(movement: Sequence[dict[str, Any]], *, title: str = "Movement") -> SafeString:
    """An SVG map of Missouri with the stints of ``movement`` (adscan CityVisit dicts) joined in time order."""
    stops = [m for m in movement if m.get("lat") is not None and m.get("lon") is not None]
    box = extent([(float(m["lat"]), float(m["lon"])) for m in stops])
    projection = PROJECTION if box is None else Projection.fit(WIDTH, bbox=box)
    height = round(projection.height)
    pts = [project(float(m["lat"]), float(m["lon"]), projection) for m in stops]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
           f'class="beacon-map" data-extent="{"missouri" if box is None else "wide"}" aria-labelledby="map-title">'
           f'<title id="map-title">{escape(title)}</title>',
           '<g fill="#f0f0f0" stroke="#a9aeb1" stroke-width="0.6">', counties_svg(projection), "</g>",
           interstates_svg(projection)]
    if box is not None:
        states = sorted({str(m.get("state") or "") for m in stops} - {"MO", ""})
        note = _("Map widened beyond Missouri: %(states)s") % {"states": ", ".join(states)}
        out.append(f'<text class="extent-note" x="8" y="{height - 8}" font-size="12" fill="#1b1b1b">{escape(note)}</text>')
    if len(pts) > 1:
        out.append('<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
                   'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#d83933"/></marker></defs>')
        for (x0, y0), (x1, y1) in zip(pts, pts[1:], strict=False):
            if (x0, y0) != (x1, y1):
                out.append(f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y1}" stroke="#d83933" stroke-width="2.5" '
                           'marker-end="url(#arrow)"/>')
    labelled: set[tuple[float, float]] = set()
    boxes: list[tuple[float, float, float, float]] = []
    for n, ((x, y), m) in enumerate(zip(pts, stops, strict=True), start=1):
        when = (m.get("first_seen") or "")[:10]
        label = f"{n}. {m.get('city', '')}, {m.get('state', '')} {when} ({m.get('ads', 0)} ads)"
        out.append(f'<circle class="stop" cx="{x}" cy="{y}" r="6" fill="#162e51" stroke="#fff" stroke-width="1.5">'
                   f"<title>{escape(label)}</title></circle>")
        if (x, y) not in labelled:
            labelled.add((x, y))
            out.append(_label(x, y, str(m.get("city", "")), boxes))
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - numbers and escaped names only


def timeline(ads: Sequence[Any], *, title: str = "Timeline") -> SafeString:
    """An SVG strip: one row per city (in order of first sighting), one dot per dated ad."""
    dated = [a for a in ads if a.posted_at is not None]
    if not dated:
        return mark_safe("")
    cities: list[str] = []
    for a in sorted(dated, key=lambda a: a.posted_at):
        city = a.place_name or a.city or "?"
        if city not in cities:
            cities.append(city)
    t0 = min(a.posted_at for a in dated)
    t1 = max(a.posted_at for a in dated)
    span = max((t1 - t0).total_seconds(), 1.0)
    left, right, row = 150, 620, 22
    height = row * len(cities) + 30
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 {height}" role="img" class="beacon-timeline" '
           f'aria-labelledby="timeline-title"><title id="timeline-title">{escape(title)}</title>']
    for i, city in enumerate(cities):
        y = 15 + i * row
        out.append(f'<text x="{left - 8}" y="{y + 4}" font-size="12" text-anchor="end">{escape(city)}</text>'
                   f'<line x1="{left}" y1="{y}" x2="{right}" y2="{y}" stroke="#dfe1e2"/>')
    for a in dated:
        x = round(left + (a.posted_at - t0).total_seconds() / span * (right - left), 1)
        y = 15 + cities.index(a.place_name or a.city or "?") * row
        label = f"{a.posted_at:%Y-%m-%d %H:%M} {a.external_id}"
        out.append(f'<circle class="ad-dot" cx="{x}" cy="{y}" r="5" fill="#d83933"><title>{escape(label)}</title></circle>')
    base = height - 8
    out.append(f'<text x="{left}" y="{base}" font-size="11">{t0:%Y-%m-%d}</text>'
               f'<text x="{right}" y="{base}" font-size="11" text-anchor="end">{t1:%Y-%m-%d}</text></svg>')
    return mark_safe("".join(out))  # noqa: S308 - numbers, dates and escaped names only
