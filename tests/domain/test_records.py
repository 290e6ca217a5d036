"""Validation lives in the domain: a bad value names its field and value."""

import pytest

from sitrep_desktop.domain import (
    Annotation,
    ControlChange,
    Event,
    Faction,
    Place,
    ValidationError,
    parse_moment,
)


def homs(**overrides):
    fields = dict(name="Homs", lat=34.72405, lon=36.72559, kind="city", population=1_400_000)
    fields.update(overrides)
    return Place(**fields)


def test_a_place_keeps_its_names_and_position():
    place = homs(alt_names=["Hims", "حمص"])
    assert place.all_names == ("Homs", "Hims", "حمص")
    assert (place.lat, place.lon) == (34.72405, 36.72559)
    assert place.created == place.updated


@pytest.mark.parametrize(
    ("field", "value"),
    [("lat", 90.5), ("lat", -91), ("lon", 180.01), ("lon", float("nan")), ("lat", "north")],
)
def test_impossible_coordinates_name_the_field(field, value):
    with pytest.raises(ValidationError) as error:
        homs(**{field: value})
    assert error.value.field == field
    assert repr(value) in str(error.value)


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", ""), ("name", "   "), ("kind", "castle"), ("population", -1), ("id", "x")],
)
def test_required_and_enumerated_place_fields(field, value):
    with pytest.raises(ValidationError) as error:
        homs(**{field: value})
    assert error.value.field == field


def test_faction_colour_must_be_a_hex_colour():
    with pytest.raises(ValidationError, match="colour"):
        Faction(name="HTS", short_name="HTS", colour="green")
    assert Faction(name="HTS", short_name="HTS", colour="#2E7D32").colour == "#2e7d32"


def test_control_change_needs_a_source_and_a_known_confidence():
    with pytest.raises(ValidationError, match="source"):
        ControlChange(place_id="p", faction_id="f", at="2024-12-05", source="")
    with pytest.raises(ValidationError, match="confidence"):
        ControlChange(place_id="p", faction_id="f", at="2024-12-05", source="x", confidence="sure")


def test_event_time_must_be_iso_8601():
    with pytest.raises(ValidationError) as error:
        Event(at="5 December 2024", title="Hama falls")
    assert error.value.field == "at"
    with pytest.raises(ValidationError, match="real date"):
        Event(at="2024-02-30", title="x")


def test_event_geometry_is_checked():
    with pytest.raises(ValidationError, match="latitude"):
        Event(at="2024-12-05", title="x", geometry="POINT (36 95)")
    with pytest.raises(ValidationError, match="WKT"):
        Event(at="2024-12-05", title="x", geometry="POINT (nope)")
    event = Event(at="2024-12-05", title="x", geometry="LINESTRING(36 34, 37 35)")
    assert event.geometry == "LINESTRING (36 34, 37 35)"


def test_not_a_number_in_wkt_is_refused_by_name():
    # Found by hypothesis: GEOS reads NAN as a coordinate.
    with pytest.raises(ValidationError, match="finite"):
        Annotation(kind="arrow", geometry="LINESTRING(0 0,0 NAN)")


def test_a_self_crossing_polygon_is_refused():
    with pytest.raises(ValidationError, match="invalid shape"):
        Annotation(kind="polygon", geometry="POLYGON ((0 0, 1 1, 1 0, 0 1, 0 0))")


def test_annotation_validity_window():
    note = Annotation(
        kind="line",
        geometry="LINESTRING (36 34, 37 35)",
        valid_from="2024-12-01",
        valid_to="2024-12-04",
    )
    assert note.valid_at(parse_moment("2024-12-01"))
    assert note.valid_at(parse_moment("2024-12-04T23:00Z"))
    assert not note.valid_at(parse_moment("2024-12-05"))
    assert not note.valid_at(parse_moment("2024-11-30"))
    assert note.valid_at(None)
    with pytest.raises(ValidationError, match="valid_to"):
        Annotation(
            kind="line",
            geometry="LINESTRING (0 0, 1 1)",
            valid_from="2024-12-05",
            valid_to="2024-12-01",
        )
