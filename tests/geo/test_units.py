"""Distance units and the sentences the relative-position readout shows."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitrep_desktop.geo import geodesy, units
from sitrep_desktop.geo.geodesy import Leg
from sitrep_desktop.geo.units import nice_length

HOMS = (34.7324, 36.7137)
HAMA = (35.1318, 36.7578)


@pytest.mark.parametrize(
    ("unit", "metres_per"), [("m", 1.0), ("km", 1000.0), ("mi", 1609.344), ("nmi", 1852.0)]
)
def test_unit_definitions(unit: str, metres_per: float) -> None:
    assert units.from_unit(1.0, unit) == metres_per
    assert units.to_unit(metres_per, unit) == pytest.approx(1.0)


@given(st.floats(min_value=0.0, max_value=4e7), st.sampled_from(units.UNITS))
def test_units_round_trip(metres: float, unit: str) -> None:
    assert units.from_unit(units.to_unit(metres, unit), unit) == pytest.approx(
        metres, rel=1e-12, abs=1e-9
    )


def test_unknown_unit_is_named_in_the_error() -> None:
    with pytest.raises(ValueError, match="'furlong'"):
        units.to_unit(1.0, "furlong")
    with pytest.raises(ValueError, match="'yd'"):
        units.from_unit(1.0, "yd")
    with pytest.raises(ValueError, match="'parsec'"):
        units.format_distance(1.0, "parsec")


@pytest.mark.parametrize(
    ("metres", "unit", "text"),
    [
        (44_492.0, "km", "44 km"),
        (44_492.0, "mi", "28 mi"),
        (2_760.0, "km", "2.76 km"),
        (500.0, "km", "0.5 km"),
        (9_996.0, "km", "10 km"),
        (1_250_400.0, "km", "1,250 km"),
        (926.0, "nmi", "0.5 nmi"),
        (12.4, "m", "12 m"),
        (0.0, "km", "0 km"),
    ],
)
def test_format_distance_rounds_like_people_speak(metres: float, unit: str, text: str) -> None:
    assert units.format_distance(metres, unit) == text


def test_format_distance_defaults_to_km() -> None:
    assert units.format_distance(44_492.0) == "44 km"


def test_homs_relative_to_hama() -> None:
    leg = geodesy.inverse(*HAMA, *HOMS)
    assert units.describe_relative("Homs", "Hama", leg) == "Homs is 44 km (28 mi) S of Hama"


def test_hama_relative_to_homs_is_the_other_way() -> None:
    leg = geodesy.inverse(*HOMS, *HAMA)
    assert units.describe_relative("Hama", "Homs", leg) == "Hama is 44 km (28 mi) N of Homs"


def test_same_place_has_no_direction() -> None:
    assert (
        units.describe_relative("Checkpoint 4", "Homs", Leg(0.3, 0.0, 0.0))
        == "Checkpoint 4 is at Homs"
    )


def test_short_distances_keep_three_digits() -> None:
    assert units.describe_relative("Gate", "Base", Leg(1_234.0, 100.0, 100.0)) == (
        "Gate is 1.23 km (0.767 mi) E of Base"
    )


def test_a_scale_bar_takes_the_largest_round_length_that_fits():
    assert nice_length(73_000) == 50_000
    assert nice_length(1_900) == 1_000
    assert nice_length(250) == 200
    assert nice_length(0) == 0.0
    assert nice_length(float("nan")) == 0.0
