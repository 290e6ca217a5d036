"""The window's snapshot dialog: extent, time, paper, DPI and title, remembered."""

import json

import pytest

from sitrep_desktop.domain import parse_moment
from sitrep_desktop.ui.snapshot.export_dialog import SnapshotDialog
from sitrep_desktop.ui.snapshot.feature import write_snapshot

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def snapshot_window(shared_window):
    """The module's shared window (a snapshot reads the database, and what a dialog
    remembers goes to the window's settings); after each test, the remembered
    snapshot choices are forgotten and the time is now."""
    yield shared_window
    shared_window.context.settings.remove("snapshot")
    shared_window.time_state.set_at(None)


def test_a_pdf_around_homs_at_a4_300_dpi_as_of_the_maps_time(snapshot_window, tmp_path):
    window = snapshot_window
    window.time_state.set_at(parse_moment("2024-12-06"))
    dialog = SnapshotDialog(window.context)
    assert dialog.at_edit.text() == "2024-12-06"  # the map's time by default
    dialog.path_edit.setText(str(tmp_path / "homs.pdf"))
    dialog.around_button.setChecked(True)
    dialog.place_edit.setText("Homs")
    dialog.radius_box.setValue(60)
    dialog.paper_box.setCurrentText("A4")
    dialog.dpi_box.setCurrentText("300")
    dialog.title_edit.setText("Homs, 6 December")
    request = dialog.request()
    assert request.paper == "A4" and request.dpi == 300 and request.fmt == "pdf"
    west, south, east, north = request.bbox
    assert west < 36.72559 < east and south < 34.72405 < north
    assert 1.0 < north - south < 1.2  # 60 km each way
    out = write_snapshot(window.context, dialog.path, request)
    assert out.exists() and out.read_bytes()[:4] == b"%PDF"
    sidecar = json.loads((tmp_path / "homs.pdf.json").read_text())
    assert "Homs, 6 December" in json.dumps(sidecar)


def test_the_title_and_page_are_remembered_for_the_next_snapshot(snapshot_window, tmp_path):
    window = snapshot_window
    dialog = SnapshotDialog(window.context)
    dialog.path_edit.setText(str(tmp_path / "a.png"))
    dialog.title_edit.setText("Morning brief")
    dialog.paper_box.setCurrentText("A3")
    dialog.accept()
    again = SnapshotDialog(window.context)
    assert again.title_edit.text() == "Morning brief" and again.paper_box.currentText() == "A3"


def test_an_unknown_place_is_explained_and_nothing_is_asked_to_draw(snapshot_window):
    window = snapshot_window
    dialog = SnapshotDialog(window.context)
    dialog.around_button.setChecked(True)
    dialog.place_edit.setText("Atlantis")
    assert dialog.request() is None and "Atlantis" in dialog.message.text()
