"""Missouri's county outlines as SVG path data: the one projection the server-drawn maps share.

An equirectangular projection scaled by cos(latitude) at the middle of the box keeps Missouri's
shape within a few percent; no tile server, no script.  The apps draw their own layers (dots,
colours, movement) on top, and call ``Projection.xy`` for their points so they line up with the
outlines.  ``county_paths`` reads ``core.County.geometry`` once per process and projection.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .geo import MO_BBOX
from .models import County

Ring = Sequence[Sequence[float]]


@dataclass(frozen=True)
class Projection:
    """Longitude/latitude to SVG x/y (y grows southwards) for a lon/lat box; ``scale`` = units per degree of latitude."""

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float
    scale: float

    @classmethod
    def fit(cls, width: float, bbox: tuple[float, float, float, float] = MO_BBOX) -> Projection:
        """The projection of ``bbox`` (min lon, min lat, max lon, max lat) that is ``width`` units wide."""
        min_lon, min_lat, max_lon, max_lat = bbox
        kx = math.cos(math.radians((min_lat + max_lat) / 2))
        return cls(min_lon, min_lat, max_lon, max_lat, width / ((max_lon - min_lon) * kx))

    @property
    def kx(self) -> float:
        return math.cos(math.radians((self.min_lat + self.max_lat) / 2))

    @property
    def width(self) -> float:
        return (self.max_lon - self.min_lon) * self.kx * self.scale

    @property
    def height(self) -> float:
        return (self.max_lat - self.min_lat) * self.scale

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon - self.min_lon) * self.kx * self.scale, (self.max_lat - lat) * self.scale


def rings(geometry: Mapping[str, Any] | None) -> list[Ring]:
    """Every ring (outer and holes) of a GeoJSON Polygon or MultiPolygon; nothing for other types."""
    if not geometry:
        return []
    if geometry.get("type") == "Polygon":
        return list(geometry.get("coordinates") or [])
    if geometry.get("type") == "MultiPolygon":
        return [ring for polygon in geometry.get("coordinates") or [] for ring in polygon]
    return []


def path_data(geometry: Mapping[str, Any] | None, projection: Projection) -> str:
    """SVG path data ``M x,y L … Z`` (one decimal) for every ring of at least three points."""
    parts = []
    for ring in rings(geometry):
        points = [projection.xy(float(p[0]), float(p[1])) for p in ring]
        if len(points) >= 3:
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
    return "".join(parts)


@dataclass(frozen=True)
class CountyPath:
    fips: str
    name: str
    d: str  # path data


_cache: dict[Projection, list[CountyPath]] = {}


def county_paths(projection: Projection) -> list[CountyPath]:
    """Every county's outline (by FIPS), computed once per process and projection.

    Nothing is cached while the geography is not loaded yet (an empty database)."""
    if projection not in _cache:
        paths = [CountyPath(fips, name, path_data(geometry, projection))
                 for fips, name, geometry in County.objects.order_by("fips").values_list("fips", "name", "geometry")]
        if not paths:
            return paths
        _cache[projection] = paths
    return _cache[projection]
