"""Right-click on the map: the actions for the place or drawing under the cursor."""

import pytest
from gui_steps import right_click

from sitrep_desktop.services.demo import demo_id

# The offscreen platform cannot raise a popup or grab the keyboard; a real one can.
pytestmark = pytest.mark.qt_log_ignore(
    "propagateSizeHints", "does not support raise", "grabbing the keyboard"
)
HOMS = demo_id("place", "Homs")


def test_right_click_on_a_place_offers_its_actions_and_selects_it(window):
    homs = window.store.places.get(HOMS)
    window.canvas.center_on(homs.lat, homs.lon, 1.0)
    actions = right_click(window, homs.lat, homs.lon)
    window.features.map.context_menu.last_menu.close()
    assert {"Homs", "Edit…", "Delete", "Zoom to", "Show events here", "Log control change…"} <= set(
        actions
    )
    assert (window.selection.kind, window.selection.id) == ("place", HOMS)
    before = window.event_list.model.rowCount()
    actions["Show events here"].trigger()
    shown = window.event_list.model.rowCount()
    assert 0 < shown < before
    actions["Edit…"].trigger()
    dialog = window.features.logging.last_dialog
    assert dialog.windowTitle() == "Edit place" and dialog.form.text("name") == "Homs"


def test_right_click_on_a_drawing_offers_copy_forward(window):
    m5 = next(a for a in window.store.annotations.all() if "M5" in a.label)
    lon, lat = m5.geometry.split("(")[1].split(",")[1].split()[:2]
    window.canvas.center_on(float(lat), float(lon), 1.0)
    actions = right_click(window, float(lat), float(lon))
    window.features.map.context_menu.last_menu.close()
    assert {"Edit…", "Copy forward to a new date…", "Zoom to", "Delete"} <= set(actions)
    assert window.selection.kind == "annotation" and window.selection.id == m5.id
    actions["Edit…"].trigger()
    assert window.features.drawing.properties_dialog.original.id == m5.id


def test_right_click_on_empty_map_offers_nothing(window):
    assert right_click(window, 33.0, 40.5) == {}
