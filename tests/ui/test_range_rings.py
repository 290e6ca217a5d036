"""Range rings around a place: true geodesic circles and the places inside each."""

import numpy as np
import pytest

from sitrep_desktop.geo.geodesy import distances_from
from sitrep_desktop.ui.measure.range_rings import ring_track

# The offscreen platform cannot pass a dialog's size hints on; a real one can.
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture
def dialog(window, qtbot):
    window.features.measure.rings_action.trigger()
    dialog = window.features.measure.dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


@pytest.fixture
def rings_window(shared_window):
    """The module's shared window, for the tests that draw rings without saving them;
    after each, its rings are cleared and its dialog dropped (a new one takes its
    centre from the selection, which is cleared too)."""
    yield shared_window
    measure = shared_window.features.measure
    if measure.dialog is not None:
        measure.dialog.clear_rings()
        measure.dialog.close()
        measure.dialog.deleteLater()
        measure.dialog = None  # as before the first Tools > Range rings…
    shared_window.selection.clear()


@pytest.fixture
def rings_dialog(rings_window):
    """As `dialog`, on the shared window."""
    rings_window.features.measure.rings_action.trigger()
    dialog = rings_window.features.measure.dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def ring_rows(dialog):
    rows = []
    for i in range(dialog.tree.topLevelItemCount()):
        top = dialog.tree.topLevelItem(i)
        rows.append((top.text(0), [top.child(j).text(0) for j in range(top.childCount())]))
    return rows


def test_rings_around_homs_list_the_places_inside_each_nearest_first(rings_dialog):
    dialog = rings_dialog
    dialog.centre_edit.setText("Homs")
    dialog.radii_edit.setText("10, 25")
    dialog.units.setCurrentText("mi")
    assert dialog.draw()
    assert ring_rows(dialog) == [
        ("Within 10 mi of Homs: 2 place(s)", ["Dar al-Kabira", "Talbiseh"]),
        ("Within 25 mi of Homs: 3 place(s)", ["Dar al-Kabira", "Talbiseh", "al-Rastan"]),
    ]
    talbiseh = dialog.tree.topLevelItem(0).child(1)
    assert (talbiseh.text(1), talbiseh.text(2)) == ("8.0 mi", "2° N")


def test_the_rings_stay_on_the_map_when_the_dialog_closes_until_cleared(rings_dialog, rings_window):
    dialog = rings_dialog
    window = rings_window
    dialog.centre_edit.setText("Hama")
    dialog.radii_edit.setText("50")
    items_before = len(window.canvas.getPlotItem().items)
    assert dialog.draw()
    assert len(window.canvas.getPlotItem().items) == items_before + 2  # ring and its label
    dialog.close()
    assert len(window.canvas.getPlotItem().items) == items_before + 2
    window.features.measure.show_range_rings()
    dialog.clear_button.click()
    assert len(window.canvas.getPlotItem().items) == items_before


def test_each_ring_is_labelled_with_its_radius_in_a_colour_no_faction_wears(
    rings_dialog, rings_window
):
    dialog = rings_dialog
    window = rings_window
    import pyqtgraph as pg

    from sitrep_desktop.ui.measure.range_rings import RING_COLOUR

    dialog.centre_edit.setText("Homs")
    dialog.radii_edit.setText("25")
    dialog.units.setCurrentText("mi")
    assert dialog.draw()
    labels = [i for i in window.canvas.getPlotItem().items if isinstance(i, pg.TextItem)]
    assert any(label.toPlainText() == "25 mi" for label in labels)
    faction_colours = {f.colour.lower() for f in window.store.factions.all()}
    assert RING_COLOUR.lower() not in faction_colours


def test_the_bearing_column_is_in_view(rings_dialog):
    dialog = rings_dialog
    dialog.centre_edit.setText("Homs")
    dialog.radii_edit.setText("10, 25")
    assert dialog.draw()
    header = dialog.tree.header()
    bearing_right = header.sectionPosition(2) + header.sectionSize(2)
    assert header.sectionSize(2) > 20 and bearing_right <= dialog.tree.viewport().width()


def test_a_selected_place_is_the_default_centre(rings_window):
    window = rings_window
    hama = window.store.places.by_name("Hama")
    window.selection.select("place", hama.id)
    window.features.measure.rings_action.trigger()
    assert window.features.measure.dialog.centre_edit.text() == "Hama"


def test_a_typed_coordinate_can_be_the_centre(rings_dialog):
    dialog = rings_dialog
    dialog.centre_edit.setText("34.72405, 36.72559")
    dialog.radii_edit.setText("12")
    assert dialog.draw()
    # The centre is a point, not the Homs record, so Homs itself is listed first.
    assert ring_rows(dialog)[0][1][0] == "Homs"


def test_bad_input_is_explained_and_draws_nothing(rings_dialog):
    dialog = rings_dialog
    dialog.centre_edit.setText("Homz")
    assert not dialog.draw()
    assert "closest names: Homs" in dialog.error_label.text()
    dialog.centre_edit.setText("Homs")
    dialog.radii_edit.setText("10, -5")
    assert not dialog.draw()
    assert "positive" in dialog.error_label.text()
    assert dialog.tree.topLevelItemCount() == 0


def test_saving_rings_makes_circle_annotations_with_their_places(dialog, window):
    dialog.centre_edit.setText("Homs")
    dialog.radii_edit.setText("10 25")
    dialog.units.setCurrentText("mi")
    assert dialog.draw()
    before = window.store.annotations.count()
    dialog.save_button.click()
    assert window.store.annotations.count() == before + 2
    rings = {a.label: a for a in window.store.annotations.all() if a.kind == "circle"}
    ring = rings["25 mi around Homs"]
    assert ring.geometry.startswith("POLYGON")
    assert "al-Rastan: 14.0 mi, 2° N" in ring.notes
    window.undo_stack.undo()
    assert window.store.annotations.count() == before


def test_every_ring_vertex_is_exactly_the_radius_from_the_centre():
    lats, lons = ring_track(34.72405, 36.72559, 40_233.6)
    distances = distances_from(34.72405, 36.72559, lats, lons)
    assert np.allclose(distances, 40_233.6, atol=1e-6)
