"""The snapshot request and its page geometry, without Qt."""

import pytest

from sitrep_desktop.services.snapshot import (
    SnapshotRequest,
    graticule_step,
    parse_bbox,
    parse_size,
)

SYRIA = (35.2, 32.2, 42.5, 37.4)


def test_a4_at_300_dpi_is_3508_by_2480_pixels_landscape():
    assert SnapshotRequest(SYRIA, paper="A4", dpi=300).page_pixels() == (3508, 2480)


def test_without_paper_the_picture_has_the_asked_size_or_the_default():
    assert SnapshotRequest(SYRIA, size=(800, 600)).page_pixels() == (800, 600)
    assert SnapshotRequest(SYRIA).page_pixels() == (1600, 1000)


def test_graticule_steps_give_a_few_lines_across():
    assert graticule_step(3.0) == 0.5
    assert graticule_step(0.3) == 0.05
    assert graticule_step(300) == 30.0


def test_an_extent_must_be_west_south_east_north():
    assert parse_bbox("35,32,42.5,37.4") == (35.0, 32.0, 42.5, 37.4)
    with pytest.raises(ValueError, match="valid extent"):
        parse_bbox("10,5,5,10")
    with pytest.raises(ValueError, match="W,S,E,N"):
        parse_bbox("1,2,3")


def test_sizes_are_width_x_height_within_bounds():
    assert parse_size("1600×1000") == (1600, 1000)
    with pytest.raises(ValueError, match="out of range"):
        parse_size("10x10")


def test_a_request_draws_every_layer_unless_told_and_refuses_unknown_ones():
    request = SnapshotRequest(SYRIA)
    assert request.shows("events") and request.shows("drawings")
    assert not SnapshotRequest(SYRIA, layers=("basemap", "places")).shows("events")
    with pytest.raises(ValueError, match="rivers"):
        SnapshotRequest(SYRIA, layers=("rivers",))


def test_every_event_category_has_its_own_colour_and_its_own_shape():
    from sitrep_desktop.services.style import EVENT_STYLES, event_colour, event_symbol

    colours = [colour for colour, _symbol in EVENT_STYLES.values()]
    symbols = [symbol for _colour, symbol in EVENT_STYLES.values()]
    assert len(set(colours)) == len(colours) and len(set(symbols)) == len(symbols)
    # Clash, shelling and airstrike were three near-identical reds.
    assert len({event_symbol(c) for c in ("clash", "shelling", "airstrike")}) == 3
    assert event_colour("no such category") == EVENT_STYLES["other"][0]


def test_the_as_of_line_reads_as_a_date_not_as_iso_text():
    from sitrep_desktop.domain import parse_moment
    from sitrep_desktop.services.snapshot import as_of_text

    assert as_of_text(parse_moment("2024-12-09")) == "9 December 2024"
    assert as_of_text(parse_moment("2024-12-09T00:00:00Z")) == "9 December 2024, 00:00 UTC"
    assert as_of_text(parse_moment("2024-12-09T16:30+02:00")) == "9 December 2024, 14:30 UTC"
    assert as_of_text(None) == "the latest entries"
