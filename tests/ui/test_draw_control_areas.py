"""The estimated control-area layer follows the time, can be hidden, and converts to drawings."""

import pytest
import shapely
from draw_helpers import Answers, open_demo_window

from sitrep_desktop.domain import ControlChange, parse_moment
from sitrep_desktop.services.demo import demo_id

NEAR_HAMA = (35.10, 36.76)


@pytest.fixture
def window(qtbot, demo_path):
    window = open_demo_window(qtbot, demo_path)
    yield window
    window.close()


# The view open_demo_window starts on: Hama to Homs.
DRAW_VIEW = (36.0, 34.3, 37.5, 35.6)


@pytest.fixture(scope="module")
def estimates_window(shared_window):
    """The module's shared window, set up as open_demo_window sets up its own."""
    shared_window.canvas.set_lonlat_range(*DRAW_VIEW)
    shared_window.features.drawing.prompts_changed(Answers())
    return shared_window


@pytest.fixture
def looking_window(estimates_window):
    """The shared window, for the tests that only move the time, the view or the
    layer; after each, the time is now, the areas shown and the view back."""
    yield estimates_window
    estimates_window.time_state.set_at(None)
    action = estimates_window.features.drawing.action_control_areas
    if not action.isChecked():
        action.trigger()
    estimates_window.canvas.set_lonlat_range(*DRAW_VIEW)


def test_control_area_around_hama_changes_hands_on_5_december(looking_window):
    window = looking_window
    layer = window.features.drawing.control_layer
    window.time_state.set_at(parse_moment("2024-12-04"))
    assert layer.faction_at(*NEAR_HAMA) == demo_id("faction", "GOV")
    window.time_state.set_at(parse_moment("2024-12-06"))
    assert layer.faction_at(*NEAR_HAMA) == demo_id("faction", "HTS")
    assert layer.items[demo_id("faction", "HTS")].isVisible()


def test_control_areas_are_labelled_as_an_estimate(looking_window):
    window = looking_window
    window.time_state.set_at(parse_moment("2024-12-06"))
    item = window.features.drawing.control_layer.items[demo_id("faction", "HTS")]
    labels = [child.text() for child in item.childItems() if hasattr(child, "text")]
    assert labels == ["HTS — ESTIMATE"] * 2  # Aleppo's piece and Hama's
    assert "estimated" in item.toolTip()


def test_a_new_control_change_moves_the_estimate(window):
    layer = window.features.drawing.control_layer
    homs = window.store.places.by_name("Homs")
    assert layer.faction_at(homs.lat, homs.lon) == demo_id("faction", "GOV")
    change = ControlChange(
        place_id=homs.id, faction_id=demo_id("faction", "HTS"), at="2024-12-08", source="test"
    )
    from sitrep_desktop.commands import AddRecords

    window.undo_stack.run(AddRecords([change]), window)
    assert layer.faction_at(homs.lat, homs.lon) == demo_id("faction", "HTS")
    window.undo_stack.undo()
    assert layer.faction_at(homs.lat, homs.lon) == demo_id("faction", "GOV")


def test_control_areas_can_be_turned_off(looking_window):
    window = looking_window
    action = window.features.drawing.action_control_areas
    assert action.isChecked() and window.features.drawing.control_layer.items
    action.trigger()
    assert not action.isChecked()
    assert window.features.drawing.control_layer.items == {}
    action.trigger()
    assert window.features.drawing.control_layer.items


def test_convert_estimate_into_editable_polygons(window):
    window.time_state.set_at(parse_moment("2024-12-06"))
    before = {a.id for a in window.store.annotations.all()}
    window.features.drawing.action_convert.trigger()
    added = [a for a in window.store.annotations.all() if a.id not in before]
    assert {a.style["faction_id"] for a in added} == {
        demo_id("faction", short) for short in ("GOV", "HTS", "RUS")
    }
    hts = next(a for a in added if a.style["faction_id"] == demo_id("faction", "HTS"))
    assert hts.kind == "polygon" and "estimate" in hts.label
    assert hts.valid_from.text == "2024-12-06"
    assert shapely.from_wkt(hts.geometry).covers(shapely.Point(NEAR_HAMA[1], NEAR_HAMA[0]))
    window.undo_stack.undo()
    assert {a.id for a in window.store.annotations.all()} == before


def test_zoomed_into_an_estimate_it_is_still_hatched_and_labelled(looking_window, qtbot):
    window = looking_window
    from sitrep_desktop.ui.map.layers.control_areas import HatchItem

    window.time_state.set_at(parse_moment("2024-12-06"))
    window.canvas.center_on(35.0, 36.95, 0.25)  # east of Hama, far from any place
    qtbot.wait(100)  # the view settles as on screen
    window.canvas.grab()
    # `window.features.drawing` once the feature context is merged; `window.drawing` before.
    layer = getattr(window, "features", window).drawing.control_layer
    item = layer.items[demo_id("faction", "HTS")]
    hatches = [child for child in item.childItems() if isinstance(child, HatchItem)]
    assert hatches and hatches[0].brush().style().name == "BDiagPattern"
    x0, y0, x1, y1 = window.canvas.view.viewRect().getCoords()
    hts = demo_id("faction", "HTS")  # a label per piece: "<id>", "<id>#1"…
    shown = [
        label
        for key, (label, _anchors, _piece) in layer.labels.items()
        if key.split("#")[0] == hts and label.isVisible() and label.text() == "HTS — ESTIMATE"
    ]
    assert any(
        min(x0, x1) <= lb.pos().x() <= max(x0, x1) and min(y0, y1) <= lb.pos().y() <= max(y0, y1)
        for lb in shown
    )
