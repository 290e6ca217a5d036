"""A colleague's malformed export: parsers answer with a clear error, never a crash.

Times raise ValidationError, coordinates CoordinateError, records ValidationError;
anything else (TypeError, AttributeError, an exception from shapely) is a bug.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sitrep_desktop.domain import (
    Annotation,
    ControlChange,
    Event,
    Faction,
    Moment,
    Place,
    ValidationError,
    new_id,
    parse_moment,
)
from sitrep_desktop.geo.coords import CoordinateError, parse_point

# Multiples of the profile's count (tests/conftest.py): 300 and 1500 in CI.
EXAMPLES = settings.default.max_examples
FUZZ = settings(
    max_examples=3 * EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# Text that looks almost like what users type, so the search reaches deep branches.
iso_like = st.from_regex(
    r"\A[0-9]{1,5}-[0-9]{1,3}-[0-9]{1,3}([T ][0-9]{1,2}(:[0-9]{1,2}){0,2}(\.[0-9]{1,9})?"
    r"(Z|z|[+-][0-9]{1,2}(:?[0-9]{1,2})?)?)?\Z"
)
coordinate_like = st.from_regex(
    r"\A[NSEW]?[+-]?[0-9]{1,4}(\.[0-9]{0,8})?[°]?([0-9]{1,3}')?([0-9.]{1,5}\")?[NSEW]?"
    r"[ ,;]{0,2}[NSEW]?[+-]?[0-9]{1,4}(\.[0-9]{0,8})?[°]?[NSEW]?\Z"
)
mgrs_like = st.from_regex(r"\A[0-9]{1,2}[A-Z]{1,3} ?[0-9]{0,12}\Z")
wkt_like = st.builds(
    lambda kind, xs: f"{kind} ({', '.join(' '.join(map(str, p)) for p in xs)})",
    st.sampled_from(
        ["POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "GEOMETRYCOLLECTION", "Point"]
    ),
    st.lists(st.tuples(st.floats(), st.floats()), max_size=5),
)

# Field values a broken CSV, JSON or KML importer might hand to a record.
anything: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    iso_like,
    wkt_like,
    st.just(new_id()),
    st.lists(st.one_of(st.text(max_size=10), st.integers(), st.none()), max_size=4),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.binary(max_size=10),
)


@FUZZ
@given(st.one_of(st.text(), iso_like))
@example("2024-12-05")
@example("2024-02-30")
@example("2024-12-05T25:00Z")
@example("\x00")
@example("２０２４-１２-０５")  # full-width digits
def test_any_text_is_a_moment_or_a_clear_time_error(text: str) -> None:
    try:
        moment = parse_moment(text, "at")
    except ValidationError as exc:
        assert exc.field == "at"
        return
    assert isinstance(moment, Moment)
    assert moment.key[:4].isdigit()


@FUZZ
@given(anything)
def test_any_value_is_a_moment_or_a_clear_time_error(value: Any) -> None:
    try:
        assert isinstance(parse_moment(value), Moment)
    except ValidationError:
        pass


@FUZZ
@given(st.one_of(st.text(), coordinate_like, mgrs_like))
@example("34.72405, 36.72559")
@example("91 N 200 E")
@example("nan, nan")
@example("1e400, 1e400")
@example("37S " + "9" * 200)
def test_any_text_is_a_point_or_a_clear_coordinate_error(text: str) -> None:
    try:
        lat, lon = parse_point(text)
    except CoordinateError:
        return
    assert math.isfinite(lat) and math.isfinite(lon)
    assert -90 <= lat <= 90 and -180 <= lon <= 180


# A valid record of each type; the fuzzer replaces some of its fields, so that a
# bad value in a late field is reached instead of an early field failing first.
VALID: dict[type, dict[str, Any]] = {
    Place: {
        "name": "Hama",
        "lat": 35.13179,
        "lon": 36.75783,
        "kind": "city",
        "alt_names": ("Hamah",),
        "population": 460_602,
        "notes": "",
        "tags": ("M5",),
    },
    Faction: {
        "name": "Hayat Tahrir al-Sham",
        "short_name": "HTS",
        "colour": "#2e7d32",
        "notes": "",
    },
    ControlChange: {
        "place_id": new_id(),
        "faction_id": new_id(),
        "at": "2024-12-05",
        "source": "article",
        "confidence": "high",
        "notes": "",
    },
    Event: {
        "at": "2024-12-05T14:30+02:00",
        "title": "HTS enters Hama",
        "category": "capture",
        "description": "",
        "place_id": new_id(),
        "geometry": "POINT (36.75 35.13)",
        "actors": ("HTS",),
        "source": "article",
        "confidence": "medium",
    },
    Annotation: {
        "geometry": "LINESTRING (36.7 35.1, 36.7 34.7)",
        "kind": "arrow",
        "label": "Axis of advance",
        "style": {"width": 3},
        "valid_from": "2024-12-01",
        "valid_to": "2024-12-08",
        "notes": "",
    },
}
COMMON_FIELDS = ("id", "created", "updated", "author")


@st.composite
def record_fields(draw: st.DrawFn) -> tuple[type, dict[str, Any]]:
    record_type = draw(st.sampled_from(list(VALID)))
    names = [*VALID[record_type], *COMMON_FIELDS]
    replaced = draw(st.dictionaries(st.sampled_from(names), anything, min_size=1, max_size=3))
    return record_type, {**VALID[record_type], **replaced}


@pytest.mark.parametrize("record_type", list(VALID), ids=lambda t: t.__name__)
def test_the_valid_examples_are_valid(record_type: type) -> None:
    record_type(**VALID[record_type])


@settings(max_examples=15 * EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record_fields())
def test_a_record_from_random_field_values_is_valid_or_refused(
    case: tuple[type, dict[str, Any]],
) -> None:
    record_type, fields = case
    try:
        record_type(**fields)
    except ValidationError:
        pass
