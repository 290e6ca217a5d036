"""Right-click on the map: the actions for the place or drawing under the cursor."""

import pytest
from gui_steps import right_click
from PySide6.QtWidgets import QApplication, QDialog

from sitrep_desktop.services.demo import demo_id

# The offscreen platform cannot raise a popup or grab the keyboard; a real one can.
pytestmark = pytest.mark.qt_log_ignore(
    "propagateSizeHints", "does not support raise", "grabbing the keyboard"
)
HOMS = demo_id("place", "Homs")


@pytest.fixture(scope="module")
def menu_window(shared_window):
    """The module's shared window and the view it opened on."""
    return shared_window, shared_window.canvas.view.viewRect()


@pytest.fixture
def looking_window(menu_window):
    """The shared window, for the right-clicks that open but never accept; after
    each, its dialogs are closed, the event filters cleared, nothing is selected,
    no menu has been shown yet and the view is back."""
    window, view = menu_window
    events_dock_shown = window.context.docks["events"].isVisible()
    yield window
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible():
            widget.reject()
    window.event_list.clear_all_filters()
    window.context.docks["events"].setVisible(events_dock_shown)
    window.selection.clear()
    # right_click reads the last menu shown: forget it, as in a new window.
    window.features.map.context_menu.last_menu = None
    window.canvas.view.setRange(view, padding=0)


def test_right_click_on_a_place_offers_its_actions_and_selects_it(looking_window):
    window = looking_window
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


def test_right_click_on_a_drawing_offers_copy_forward(looking_window):
    window = looking_window
    m5 = next(a for a in window.store.annotations.all() if "M5" in a.label)
    lon, lat = m5.geometry.split("(")[1].split(",")[1].split()[:2]
    window.canvas.center_on(float(lat), float(lon), 1.0)
    actions = right_click(window, float(lat), float(lon))
    window.features.map.context_menu.last_menu.close()
    assert {"Edit…", "Copy forward to a new date…", "Zoom to", "Delete"} <= set(actions)
    assert window.selection.kind == "annotation" and window.selection.id == m5.id
    actions["Edit…"].trigger()
    assert window.features.drawing.properties_dialog.original.id == m5.id


def test_right_click_on_empty_map_offers_nothing(looking_window):
    window = looking_window
    assert right_click(window, 33.0, 40.5) == {}
