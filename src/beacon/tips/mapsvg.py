"""A light SVG map of Missouri's counties for the report form (no map library, no tiles).

Equirectangular projection scaled by cos(latitude) at the state's middle; ``report.js`` turns a
click back into latitude/longitude with the same numbers (``data-*`` attributes on the SVG).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from beacon.core.geo import MO_BBOX
from beacon.core.models import County

SCALE = 100.0  # SVG units per degree of latitude
MIN_LON, MIN_LAT, MAX_LON, MAX_LAT = MO_BBOX
COS = math.cos(math.radians((MIN_LAT + MAX_LAT) / 2))


@dataclass(frozen=True)
class CountyShape:
    fips: str
    name: str
    d: str


@dataclass(frozen=True)
class MapSvg:
    width: float
    height: float
    scale: float
    cos: float
    min_lon: float
    max_lat: float
    shapes: list[CountyShape]


def _xy(lon: float, lat: float) -> str:
    return f"{(lon - MIN_LON) * COS * SCALE:.1f},{(MAX_LAT - lat) * SCALE:.1f}"


def _path(geometry: dict[str, Any]) -> str:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    parts = []
    for polygon in polygons:
        for ring in polygon:
            parts.append("M" + "L".join(_xy(lon, lat) for lon, lat in ring) + "Z")
    return "".join(parts)


_cache: dict[str, MapSvg] = {}


def county_map() -> MapSvg:
    if "map" not in _cache:
        shapes = [CountyShape(fips, name, _path(geometry))
                  for fips, name, geometry in County.objects.order_by("fips").values_list("fips", "name", "geometry")]
        svg = MapSvg(width=round((MAX_LON - MIN_LON) * COS * SCALE, 1), height=round((MAX_LAT - MIN_LAT) * SCALE, 1),
                     scale=SCALE, cos=COS, min_lon=MIN_LON, max_lat=MAX_LAT, shapes=shapes)
        if not shapes:
            return svg  # geography not loaded yet: do not cache an empty map
        _cache["map"] = svg
    return _cache["map"]
