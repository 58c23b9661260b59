"""A light SVG map of Missouri's counties for the report form (no map library, no tiles).

The outlines come from the shared projection (``beacon.core.svgmap``): equirectangular scaled by
cos(latitude) at the state's middle, 100 SVG units per degree of latitude. ``report.js`` turns a
click back into latitude/longitude with the same numbers (``data-*`` attributes on the SVG).
"""

from __future__ import annotations

from dataclasses import dataclass

from beacon.core.geo import MO_BBOX
from beacon.core.svgmap import CountyPath, Projection, county_paths

PROJECTION = Projection(*MO_BBOX, scale=100.0)


@dataclass(frozen=True)
class MapSvg:
    width: float
    height: float
    scale: float
    cos: float
    min_lon: float
    max_lat: float
    shapes: list[CountyPath]


def county_map() -> MapSvg:
    p = PROJECTION
    return MapSvg(width=round(p.width, 1), height=round(p.height, 1), scale=p.scale, cos=p.kx,
                  min_lon=p.min_lon, max_lat=p.max_lat, shapes=county_paths(p))
