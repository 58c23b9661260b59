"""A server-drawn SVG map of Missouri's counties (``beacon.core.svgmap``) with one dot per county
holding sessions.  No tile server, no script."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.html import escape

from beacon.core.models import County
from beacon.core.svgmap import Projection, county_paths

WIDTH = 600
PROJECTION = Projection.fit(WIDTH)
HEIGHT = round(PROJECTION.height)


@dataclass(frozen=True)
class Dot:
    fips: str
    label: str
    count: int


def missouri_svg(dots: Iterable[Dot], *, title: str) -> str:
    by_fips = {d.fips: d for d in dots}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
           f'class="training-map" aria-labelledby="training-map-title"><title id="training-map-title">{escape(title)}</title>']
    out.append('<g fill="#f0f0f0" stroke="#a9aeb1" stroke-width="0.6">')
    for c in county_paths(PROJECTION):
        out.append(f'<path d="{c.d}" data-fips="{c.fips}"><title>{escape(c.name)}</title></path>')
    out.append('</g><g fill="#d83933" fill-opacity="0.85" stroke="#fff" stroke-width="1.2">')
    centroids = County.objects.filter(fips__in=by_fips).order_by("fips").values_list("fips", "centroid_lat", "centroid_lon")
    for fips, lat, lon in centroids if by_fips else ():
        dot = by_fips[fips]
        x, y = PROJECTION.xy(lon, lat)
        r = 5 + min(dot.count, 6)
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" data-fips="{fips}" class="training-map-dot">'
                   f'<title>{escape(dot.label)}</title></circle>')
    out.append("</g></svg>")
    return "".join(out)
