"""The "as of" control: typed dates are taken as typed; unticking Latest goes to
the data's last day, not to today."""

import pytest
from PySide6.QtCore import Qt

from sitrep_desktop.domain import parse_moment


@pytest.fixture
def as_of_window(shared_window):
    """The module's shared window (tests/ui/conftest.py): these tests only set the
    time. After each, "latest" again, and the box's tooltip as a new window shows it."""
    edit = shared_window.features.map.time_control.edit
    tooltip = edit.toolTip()
    yield shared_window
    shared_window.time_state.set_at(None)
    edit.setToolTip(tooltip)


def test_unticking_latest_goes_to_the_last_day_of_the_data(as_of_window):
    control = as_of_window.features.map.time_control
    assert control.latest.isChecked() and control.edit.text() == "2024-12-06"
    control.latest.setChecked(False)
    assert as_of_window.time_state.at == parse_moment("2024-12-06")
    assert as_of_window.canvas.place_colours  # the map follows


def test_a_typed_date_is_the_date_shown_and_used(as_of_window, qtbot):
    control = as_of_window.features.map.time_control
    control.edit.selectAll()
    qtbot.keyClicks(control.edit, "2024-12-04")
    qtbot.keyClick(control.edit, Qt.Key.Key_Return)
    assert as_of_window.time_state.at == parse_moment("2024-12-04")
    assert not control.latest.isChecked() and control.edit.text() == "2024-12-04"


def test_a_date_and_time_in_utc_is_read_too(as_of_window, qtbot):
    control = as_of_window.features.map.time_control
    control.edit.selectAll()
    qtbot.keyClicks(control.edit, "2024-12-05 14:30")
    qtbot.keyClick(control.edit, Qt.Key.Key_Return)
    assert as_of_window.time_state.at == parse_moment("2024-12-05T14:30Z")
    assert control.edit.text() == "2024-12-05 14:30 UTC"


def test_an_unreadable_date_is_marked_and_changes_nothing(as_of_window, qtbot):
    control = as_of_window.features.map.time_control
    as_of_window.time_state.set_at(parse_moment("2024-12-04"))
    control.edit.selectAll()
    qtbot.keyClicks(control.edit, "7th Dec")
    qtbot.keyClick(control.edit, Qt.Key.Key_Return)
    assert as_of_window.time_state.at == parse_moment("2024-12-04")
    assert "Not a date" in control.edit.toolTip() and control.edit.styleSheet()


def test_the_control_follows_the_timeline(as_of_window):
    as_of_window.time_state.set_at(parse_moment("2024-12-01T02:29:00Z"))
    assert as_of_window.features.map.time_control.edit.text() == "2024-12-01 02:29 UTC"
