"""Parsing and formatting the coordinate formats analysts paste."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitrep_desktop.geo import geodesy
from sitrep_desktop.geo.coords import (
    CoordinateError,
    format_dd,
    format_dms,
    format_mgrs,
    looks_like_coordinate,
    parse_point,
)

HOMS = (34.7324, 36.7137)
ONE_TENTH_SECOND = 0.1 / 3600


@pytest.mark.parametrize(
    "text",
    [
        "34.7324,36.7137",
        "34.7324, 36.7137",
        "34.7324 36.7137",
        "  34.7324 ; 36.7137  ",
        "34.7324N 36.7137E",
        "34.7324 N, 36.7137 E",
        "N34.7324 E36.7137",
        "n34.7324 e36.7137",
        "36.7137E 34.7324N",
        "+34.7324 +36.7137",
    ],
)
def test_decimal_degrees_forms(text: str) -> None:
    assert parse_point(text) == pytest.approx(HOMS, abs=1e-12)


@pytest.mark.parametrize(
    "text",
    [
        "34°43'56.6\"N 36°42'49.3\"E",
        "34°43′56.6″N 36°42′49.3″E",
        "34° 43' 56.6\" N, 36° 42' 49.3\" E",
        "34º43’56.6”N 36º42’49.3”E",
        "N34°43'56.6\" E36°42'49.3\"",
    ],
)
def test_degrees_minutes_seconds(text: str) -> None:
    assert parse_point(text) == pytest.approx(HOMS, abs=ONE_TENTH_SECOND)


def test_degrees_decimal_minutes() -> None:
    assert parse_point("34°43.944'N 36°42.822'E") == pytest.approx(HOMS, abs=1e-5)


def test_southern_and_western_hemispheres() -> None:
    assert parse_point("33°52'S 151°12'E") == pytest.approx((-33.8667, 151.2), abs=1e-4)
    assert parse_point("S 33.8688 W 70.6") == (-33.8688, -70.6)
    assert parse_point("-33.8688, -70.6") == (-33.8688, -70.6)


@pytest.mark.parametrize(
    "text", ["37SBU 90674 45748", "37SBU9067445748", "37s bu 90674 45748", "37S BU 90674 45748"]
)
def test_mgrs_forms_land_within_a_metre_of_homs(text: str) -> None:
    lat, lon = parse_point(text)
    assert geodesy.inverse(lat, lon, *HOMS).distance_m < 1.0


def test_short_mgrs_gives_the_centre_of_its_square() -> None:
    lat, lon = parse_point("37SBU9045")  # a 1 km square
    assert geodesy.inverse(lat, lon, *HOMS).distance_m < 710.0


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("Homs", "expected two numbers"),
        ("nan, 36", "expected two numbers"),
        ("inf -inf", "expected two numbers"),
        ("123", "expected two numbers"),
        ("91, 36", "latitude 91 is outside"),
        ("34, 180.5", "longitude 180.5 is outside"),
        ("-90.01 0", "latitude -90.01 is outside"),
        ("34N 36N", "hemispheres N and N"),
        ("34.5N 36", "both values or for neither"),
        ("-34.5S 36E", "both a sign and the hemisphere S"),
        ("34°61'N 36°E", "below 60"),
        ("34.5°30'N 36°E", "degrees must be whole"),
        ("37SZZ1234567890", "not a valid MGRS"),
        ("37SBU123456789", "even number of digits"),
        ("37SBU 1234 567", "same number of digits"),
        ("61SBU1234567890", "zone 61"),
        ("1" * 200, "longer than"),
    ],
)
def test_bad_text_says_why(text: str, reason: str) -> None:
    with pytest.raises(CoordinateError) as caught:
        parse_point(text)
    error = caught.value
    assert reason in error.reason
    assert error.text == text
    message = str(error)
    assert "\n" not in message
    assert reason in message


def test_coordinate_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_point("garbage")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Homs", False),
        ("Deir ez-Zor", False),
        ("", False),
        ("34.73, 36.71", True),
        ("34°43'56.6\"N 36°42'49.3\"E", True),
        ("37SBU 12345 67890", True),
        ("N34.7 E36.7", True),
    ],
)
def test_looks_like_coordinate(text: str, expected: bool) -> None:
    assert looks_like_coordinate(text) is expected


def test_formats_of_homs() -> None:
    assert format_dd(*HOMS) == "34.73240, 36.71370"
    assert format_dd(*HOMS, digits=2) == "34.73, 36.71"
    assert format_dms(*HOMS) == "34°43'56.6\"N 36°42'49.3\"E"
    assert format_mgrs(*HOMS) == "37S BU 90674 45748"
    assert format_mgrs(*HOMS, precision=2) == "37S BU 90 45"
    assert format_mgrs(*HOMS, precision=0) == "37S BU"


def test_format_dms_carries_rounded_seconds() -> None:
    assert format_dms(10.999999, -0.000001) == "11°00'00.0\"N 0°00'00.0\"E"
    assert format_dms(-33.5, -70.25) == "33°30'00.0\"S 70°15'00.0\"W"


def test_format_mgrs_drops_the_zone_zero_padding() -> None:
    assert format_mgrs(21.3, -157.8).startswith("4Q FJ ")


def test_format_mgrs_is_empty_beyond_the_utm_band_limits() -> None:
    assert format_mgrs(84.5, 10.0) == ""
    assert format_mgrs(-80.5, 10.0) == ""
    assert format_mgrs(84.0, 10.0) != ""
    with pytest.raises(ValueError):
        format_mgrs(*HOMS, precision=6)


latitudes = st.floats(min_value=-90.0, max_value=90.0, allow_nan=False)
longitudes = st.floats(min_value=-180.0, max_value=180.0, allow_nan=False)
COORDINATE_ALPHABET = "0123456789.,;:+- °'\"NSEWnsew′″’”ºBCDFGHJKLMPQRTUVXYZ\t"


@given(st.text(max_size=60))
def test_parse_point_on_any_text_raises_only_coordinate_error(text: str) -> None:
    _parse_or_coordinate_error(text)


@given(st.text(alphabet=COORDINATE_ALPHABET, max_size=40))
def test_parse_point_on_coordinate_like_text_raises_only_coordinate_error(text: str) -> None:
    looks_like_coordinate(text)
    _parse_or_coordinate_error(text)


def _parse_or_coordinate_error(text: str) -> None:
    try:
        lat, lon = parse_point(text)
    except CoordinateError as error:
        assert error.reason
        return
    assert math.isfinite(lat) and -90.0 <= lat <= 90.0
    assert math.isfinite(lon) and -180.0 <= lon <= 180.0


@given(latitudes, longitudes)
def test_decimal_degrees_round_trip(lat: float, lon: float) -> None:
    assert parse_point(format_dd(lat, lon)) == pytest.approx((lat, lon), abs=0.5e-5 + 1e-12)


@given(latitudes, longitudes)
def test_dms_round_trip(lat: float, lon: float) -> None:
    assert parse_point(format_dms(lat, lon)) == pytest.approx(
        (lat, lon), abs=ONE_TENTH_SECOND / 2 + 1e-12
    )


@given(st.floats(min_value=-80.0, max_value=84.0), longitudes)
def test_mgrs_round_trip_within_a_metre(lat: float, lon: float) -> None:
    back = parse_point(format_mgrs(lat, lon))
    assert geodesy.inverse(lat, lon, *back).distance_m < 1.0


def test_mgrs_just_south_of_the_equator_reads_back():
    # Found by hypothesis: the mgrs library rounded this into a square that does not exist.
    text = format_mgrs(-2.025472264292663e-10, 0.0)
    lat, lon = parse_point(text)
    assert abs(lat) < 1e-4 and abs(lon) < 1e-4
