"""Geodesy against GeographicLib's published test geodesics and known figures."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sitrep_desktop.geo import geodesy
from sitrep_desktop.geo.geodesy import Leg

HOMS = (34.7324, 36.7137)
HAMA = (35.1318, 36.7578)

# Lines of Karney's GeodTest-short.dat (WGS84, computed in high precision):
# lat1 lon1 azi1 lat2 lon2 azi2 s12 (the a12, m12, S12 columns are not used here).
GEODTEST = [
    # equatorial
    ".003311913742 0 90.001862369144 "
    ".001762385472585824 32.846794581272844 90.003358355630087731 3656488.4472191",
    # long general geodesics
    "35.602540598169 0 111.870427868602 "
    "-19.406200172031696834 78.995799629955596127 126.810557548058637274 10299779.6328425",
    "58.439477249568 0 120.188884190371 "
    "-45.257027614034848134 86.24008736666370817 139.971022015956878884 13935207.2561946",
    # nearly meridional, crossing the pole
    "22.86663328257 0 .000126355728 "
    "78.46255066680075319 179.999381785966101716 179.999419476069852577 8760686.5987538",
    # short: hundreds of metres
    "18.725775553796 0 98.927919777265 "
    "18.724785210853172866 .006615636046166963 98.930043600815390181 706.2676803",
    "47.900780879363 0 148.758779524609 "
    "47.899309788344023215 .001327005894209747 148.759764131627358008 191.3088022",
    # nearly antipodal, a12 = 179.2 degrees
    "20.423135394589 0 169.895260694771 "
    "-21.179388017798691648 179.757116934570412271 10.155770628519677379 19917969.3423672",
    # starting within a kilometre of the North Pole
    "89.991989548145 0 90.383140967854 "
    "-61.038150741515986969 89.631261715462284382 179.983444547483440057 16771704.5214092",
    "89.996344967961 0 118.710939348963 "
    "-89.996002848213014514 114.609255826886658305 126.679770857297993955 20003468.6532733",
    "89.994940622706 0 96.907186071374 "
    "-89.994914740335306689 164.093193142186758948 98.99956768697606414 20003774.649007",
]

# Antipodal lines (a12 = 180 degrees, reduced length m12 of 0 to 5 mm): here a whole
# fan of azimuths reaches point 2 to within nanometres, so the endpoints do not fix
# the azimuth to 1e-6 degrees. GeodTest's own checks measure an azimuth error by
# how far it moves the far end, so these are checked by landing, not by angle.
GEODTEST_ANTIPODAL = [
    "23.225828498891 0 90 -23.225828498891 179.44518683104154539 90 19975528.4919571414229",
    "17.162079946072 0 90 -17.162079946072 179.423239711929197618 90 19973237.8142662576352",
    "72.071239718919 0 89.964343072223 "
    "-72.07123971890502904 179.813796146422114323 90.035656997118252682 20000731.2068002",
]


def _geodtest_cases(lines: list[str] = GEODTEST) -> list[tuple[float, ...]]:
    return [tuple(float(x) for x in line.split()) for line in lines]


def _angle_diff(a: float, b: float) -> float:
    """Smallest difference between two azimuths, modulo 360."""
    return abs((a - b + 180.0) % 360.0 - 180.0)


@pytest.mark.parametrize("case", _geodtest_cases(), ids=[f"line{i}" for i in range(len(GEODTEST))])
def test_inverse_matches_geographiclib_test_set(case: tuple[float, ...]) -> None:
    lat1, lon1, azi1, lat2, lon2, azi2, s12 = case
    leg = geodesy.inverse(lat1, lon1, lat2, lon2)
    assert leg.distance_m == pytest.approx(s12, abs=1e-3)
    assert _angle_diff(leg.initial_bearing, azi1) < 1e-6
    assert _angle_diff(leg.final_bearing, azi2) < 1e-6
    assert 0.0 <= leg.initial_bearing < 360.0
    assert 0.0 <= leg.final_bearing < 360.0


@pytest.mark.parametrize("case", _geodtest_cases(GEODTEST_ANTIPODAL))
def test_inverse_between_antipodes_lands_on_the_far_point(case: tuple[float, ...]) -> None:
    lat1, lon1, azi1, lat2, lon2, azi2, s12 = case
    leg = geodesy.inverse(lat1, lon1, lat2, lon2)
    assert leg.distance_m == pytest.approx(s12, abs=1e-3)
    landed = geodesy.destination(lat1, lon1, leg.initial_bearing, leg.distance_m)
    assert geodesy.inverse(*landed, lat2, lon2).distance_m < 1e-3
    # Still the same fan of geodesics as the published one.
    assert _angle_diff(leg.initial_bearing, azi1) < 1e-4
    assert _angle_diff(leg.final_bearing, azi2) < 1e-4


def test_inverse_many_matches_the_test_set_in_one_call() -> None:
    cols = np.array(_geodtest_cases()).T
    lat1, lon1, azi1, lat2, lon2, azi2, s12 = cols
    dist, az1, az2 = geodesy.inverse_many(lat1, lon1, lat2, lon2)
    np.testing.assert_allclose(dist, s12, rtol=0, atol=1e-3)
    assert max(_angle_diff(a, b) for a, b in zip(az1, azi1, strict=True)) < 1e-6
    assert max(_angle_diff(a, b) for a, b in zip(az2, azi2, strict=True)) < 1e-6


def test_destination_solves_the_direct_problem_of_the_test_set() -> None:
    for lat1, lon1, azi1, lat2, lon2, _, s12 in _geodtest_cases(GEODTEST + GEODTEST_ANTIPODAL):
        lat, lon = geodesy.destination(lat1, lon1, azi1, s12)
        # Compare on the ground: longitude is meaningless right at a pole.
        assert geodesy.inverse(lat, lon, lat2, lon2).distance_m < 1e-3


def test_equator_to_its_antipode_is_two_quarter_meridians() -> None:
    # WGS84 quarter meridian, 10 001 965.7293 m (GeographicLib); the shortest
    # route between antipodes on the equator runs over a pole.
    leg = geodesy.inverse(0.0, 0.0, 0.0, 180.0)
    assert leg.distance_m == pytest.approx(2 * 10_001_965.7293127, abs=1e-3)
    assert _angle_diff(leg.initial_bearing, 0.0) < 1e-6
    assert _angle_diff(leg.final_bearing, 180.0) < 1e-6


def test_homs_is_about_45_km_south_of_hama() -> None:
    leg = geodesy.inverse(*HAMA, *HOMS)
    assert 44_000 < leg.distance_m < 45_500
    assert 184.0 < leg.initial_bearing < 186.5
    assert geodesy.compass_point(leg.initial_bearing) == "S"


def test_the_way_back_is_the_same_distance_with_reversed_bearings() -> None:
    there = geodesy.inverse(*HAMA, *HOMS)
    back = geodesy.inverse(*HOMS, *HAMA)
    assert back.distance_m == pytest.approx(there.distance_m, abs=1e-6)
    assert _angle_diff(back.initial_bearing, there.final_bearing + 180.0) < 1e-9


def test_zero_length_leg() -> None:
    assert geodesy.inverse(*HOMS, *HOMS).distance_m == 0.0


def test_distances_from_agrees_with_one_at_a_time() -> None:
    lats = [35.1318, 36.2021, 33.5138, 34.7324]
    lons = [36.7578, 37.1343, 36.2765, 36.7137]
    dist = geodesy.distances_from(*HOMS, lats, lons)
    expected = [geodesy.inverse(*HOMS, a, o).distance_m for a, o in zip(lats, lons, strict=True)]
    np.testing.assert_allclose(dist, expected, rtol=0, atol=1e-6)
    assert dist[-1] == 0.0


def test_path_legs_and_length_of_a_patrol_route() -> None:
    route = [HAMA, HOMS, (33.5138, 36.2765)]
    legs = geodesy.path_legs(route)
    assert len(legs) == 2
    assert legs[0].distance_m == pytest.approx(geodesy.inverse(*HAMA, *HOMS).distance_m, abs=1e-6)
    assert geodesy.path_length(route) == pytest.approx(
        sum(leg.distance_m for leg in legs), abs=1e-6
    )
    assert geodesy.path_legs([HAMA]) == []
    assert geodesy.path_length([HAMA]) == 0.0


def _authalic_band_area(lat1: float, lat2: float, dlon_deg: float) -> float:
    """Exact ellipsoidal area between two parallels over ``dlon_deg`` of longitude."""
    a = 6378137.0
    f = 1 / 298.257223563
    e2 = f * (2 - f)
    e = math.sqrt(e2)
    b2 = a * a * (1 - e2)

    def q(lat: float) -> float:
        s = math.sin(math.radians(lat))
        return s / (1 - e2 * s * s) + math.log((1 + e * s) / (1 - e * s)) / (2 * e)

    return math.radians(dlon_deg) * b2 / 2 * (q(lat2) - q(lat1))


def test_one_degree_cell_over_homs_has_its_analytic_area() -> None:
    # Meridians are geodesics; the parallels are not, so they are walked in
    # ~9 m steps, close enough that the chord error is well under 1 m².
    n = 10_000
    lons = np.linspace(36.0, 37.0, n + 1)
    south = [(34.0, float(o)) for o in lons]
    north = [(35.0, float(o)) for o in lons[::-1]]
    area, perimeter = geodesy.polygon_area_perimeter(south + north)
    expected = _authalic_band_area(34.0, 35.0, 1.0)
    assert area == pytest.approx(expected, abs=1.0)
    assert 400_000 < perimeter < 410_000


def test_polygon_area_ignores_winding_and_closure() -> None:
    box = [(34.0, 36.0), (34.0, 37.0), (35.0, 37.0), (35.0, 36.0)]
    counter = geodesy.polygon_area_perimeter(box)
    clockwise = geodesy.polygon_area_perimeter(box[::-1])
    closed = geodesy.polygon_area_perimeter([*box, box[0]])
    assert counter[0] > 0
    assert clockwise == pytest.approx(counter)
    assert closed == pytest.approx(counter)


def test_degenerate_polygons_have_no_area() -> None:
    assert geodesy.polygon_area_perimeter([]) == (0.0, 0.0)
    area, perimeter = geodesy.polygon_area_perimeter([HAMA, HOMS])
    assert area == 0.0
    assert perimeter == pytest.approx(2 * geodesy.inverse(*HAMA, *HOMS).distance_m)


@pytest.mark.parametrize("centre", [HOMS, (0.0, 0.0), (78.2, 15.6), (-60.0, 179.9)])
@pytest.mark.parametrize("radius_m", [500.0, 25_000.0, 1_500_000.0])
def test_range_ring_points_are_all_at_the_radius(
    centre: tuple[float, float], radius_m: float
) -> None:
    ring = geodesy.geodesic_circle(*centre, radius_m, n=72)
    assert len(ring) == 73
    assert ring[0] == ring[-1]
    lats = [p[0] for p in ring]
    lons = [p[1] for p in ring]
    np.testing.assert_allclose(
        geodesy.distances_from(*centre, lats, lons), radius_m, rtol=0, atol=1e-3
    )
    bearings = [geodesy.inverse(*centre, *p).initial_bearing for p in ring[:-1]]
    assert max(_angle_diff(b, 5.0 * i) for i, b in enumerate(bearings)) < 1e-6


def test_range_ring_needs_three_points() -> None:
    with pytest.raises(ValueError, match="n=2"):
        geodesy.geodesic_circle(*HOMS, 1000.0, n=2)


def test_densify_keeps_endpoints_and_stays_on_the_geodesic() -> None:
    aleppo, damascus = (36.2021, 37.1343), (33.5138, 36.2765)
    points = geodesy.densify(*aleppo, *damascus, max_segment_m=10_000.0)
    total = geodesy.inverse(*aleppo, *damascus).distance_m
    assert points[0] == aleppo
    assert points[-1] == damascus
    assert len(points) == math.ceil(total / 10_000.0) + 1
    legs = geodesy.path_legs(points)
    assert max(leg.distance_m for leg in legs) <= 10_000.0
    # Points on the geodesic add up to its length exactly; off it, they would not.
    assert sum(leg.distance_m for leg in legs) == pytest.approx(total, abs=1e-3)


def test_densify_short_line_is_just_its_endpoints() -> None:
    assert geodesy.densify(*HOMS, 34.74, 36.72) == [HOMS, (34.74, 36.72)]
    with pytest.raises(ValueError):
        geodesy.densify(*HOMS, *HAMA, max_segment_m=0.0)


@pytest.mark.parametrize(
    ("bearing", "word"),
    [
        (0.0, "N"), (11.24, "N"), (11.26, "NNE"), (359.9, "N"), (348.76, "N"),
        (348.74, "NNW"), (45.0, "NE"), (90.0, "E"), (185.2, "S"), (247.5, "WSW"),
        (-90.0, "W"), (720.0, "N"),
    ],
)  # fmt: skip
def test_compass_point(bearing: float, word: str) -> None:
    assert geodesy.compass_point(bearing) == word


def test_leg_is_an_immutable_value() -> None:
    leg = Leg(1.0, 2.0, 3.0)
    with pytest.raises(AttributeError):
        leg.distance_m = 5.0  # type: ignore[misc]
