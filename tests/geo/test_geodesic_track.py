"""The measured route's track on the map: geodesic legs, unwrapped at the antimeridian."""

from typing import NamedTuple

import numpy as np
import pytest

from sitrep_desktop.geo.route import geodesic_track


class MeasurePoint(NamedTuple):
    name: str
    lat: float
    lon: float


def test_a_long_leg_follows_the_geodesic_not_the_straight_map_line():
    # Damascus to London: the great circle bows north of the straight Mercator line.
    points = [MeasurePoint("Damascus", 33.51, 36.29), MeasurePoint("London", 51.5, -0.13)]
    lats, lons = geodesic_track(points)
    assert len(lats) > 100
    middle = len(lats) // 2
    straight_lat = 33.51 + (51.5 - 33.51) * (lons[middle] - 36.29) / (-0.13 - 36.29)
    assert lats[middle] > straight_lat + 1.0


def test_a_leg_across_the_antimeridian_does_not_jump_across_the_map():
    lats, lons = geodesic_track([MeasurePoint("a", -17.0, 178.0), MeasurePoint("b", -18.0, -178.0)])
    assert np.all(np.abs(np.diff(lons)) < 1.0)
    assert lons[-1] == pytest.approx(182.0)
