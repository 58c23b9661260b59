"""The shared county map (``beacon.core.svgmap``) and the three apps drawing with it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from beacon.core.geo import MO_BBOX
from beacon.core.svgmap import Projection, county_paths, path_data, rings
from beacon.monitoring import maps as monitoring_maps
from beacon.outreach import selectors, svg
from beacon.training.mapsvg import Dot, missouri_svg

PROJECTION = Projection.fit(600)


def test_projection_fits_the_box() -> None:
    assert PROJECTION.width == pytest.approx(600)
    assert PROJECTION.xy(MO_BBOX[0], MO_BBOX[3]) == pytest.approx((0, 0))
    assert PROJECTION.xy(MO_BBOX[2], MO_BBOX[1]) == pytest.approx((PROJECTION.width, PROJECTION.height))
    # Missouri is a little wider than tall once longitude is scaled by cos(latitude).
    assert 0.85 < PROJECTION.height / PROJECTION.width < 1.0


@given(st.floats(MO_BBOX[0], MO_BBOX[2]), st.floats(MO_BBOX[1], MO_BBOX[3]))
def test_every_point_of_the_box_lands_in_the_picture(lon: float, lat: float) -> None:
    x, y = PROJECTION.xy(lon, lat)
    assert -1e-9 <= x <= PROJECTION.width + 1e-9 and -1e-9 <= y <= PROJECTION.height + 1e-9


def test_rings_and_path_data() -> None:
    square = [[-95.0, 40.0], [-94.0, 40.0], [-94.0, 39.0], [-95.0, 40.0]]
    assert rings({"type": "Polygon", "coordinates": [square]}) == [square]
    assert rings({"type": "MultiPolygon", "coordinates": [[square], [square, square]]}) == [square] * 3
    assert rings({"type": "Point", "coordinates": [1, 2]}) == [] and rings(None) == []
    d = path_data({"type": "MultiPolygon", "coordinates": [[square], [[[-95.0, 40.0], [-94.0, 40.0]]]]}, PROJECTION)
    assert d.count("M") == 1 and d.endswith("Z") and d.count("L") == 3  # the two-point ring is dropped
    assert re.fullmatch(r"M(-?\d+\.\d,-?\d+\.\d)(L-?\d+\.\d,-?\d+\.\d)+Z", d)


def test_county_paths_are_read_once(mo: Any, django_assert_num_queries: Any) -> None:
    first = county_paths(PROJECTION)
    assert len(first) == 115 and all(p.d.startswith("M") for p in first)
    with django_assert_num_queries(0):
        assert county_paths(PROJECTION) is first


def test_the_three_maps_draw_every_county(mo: Any) -> None:
    training = missouri_svg([Dot("29019", "Boone: Community workshop", 2)], title="Sessions")
    assert training.count('<path d="M') == 115 and training.count("<circle") == 1
    movement = monitoring_maps.movement_map([
        {"lat": 39.0997, "lon": -94.5786, "city": "Kansas City", "state": "MO", "ads": 3},
        {"lat": 38.627, "lon": -90.1994, "city": "St. Louis", "state": "MO", "ads": 2}], title="Movement")
    assert movement.count('<path class="county" d="M') == 115 and movement.count('class="stop"') == 2
    # Kansas City is drawn west of St. Louis, both inside the picture.
    xs = [float(x) for x in re.findall(r'class="stop" cx="([\d.]+)"', movement)]
    assert 0 < xs[0] < xs[1] < monitoring_maps.WIDTH
    features = selectors.map_features()
    choropleth = svg.choropleth(features, {f.fips: 1.0 for f in features}, title="All")
    assert choropleth.count('<path d="M') == 115
