"""The timeline: scrubbing sets the map's time, play replays the days."""

import pytest

from sitrep_desktop.services.demo import demo_id
from sitrep_desktop.ui.map.panels.timeline import moment_at, seconds_of

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
HAMA = demo_id("place", "Hama")
GOV, HTS = "#c62828", "#2e7d32"


@pytest.fixture
def timeline_window(shared_window):
    """The module's shared window (tests/ui/conftest.py): these tests only move the
    time. After each, playing stopped and "latest" again."""
    yield shared_window
    shared_window.features.logging.timeline.set_playing(False)
    shared_window.time_state.set_at(None)


def test_scrubbing_across_5_december_recolours_hama(timeline_window):
    timeline = timeline_window.features.logging.timeline
    cursor = timeline.strip.cursor
    start = seconds_of(
        moment_at(0).__class__("2024-12-04T18:00:00Z", "2024-12-04T18:00:00.000000Z")
    )
    seen = []
    for hour in range(0, 24, 3):  # a drag moves the line in small steps
        cursor.setValue(start + hour * 3600)
        seen.append(timeline_window.canvas.place_colours[HAMA])
    assert timeline_window.time_state.at.key.startswith("2024-12-05T15:00")
    assert seen[0] == GOV and seen[-1] == HTS
    assert seen.index(HTS) == 2  # 2024-12-05T00:00: a date alone counts from the start of the day
    cursor.setValue(start)
    assert timeline_window.canvas.place_colours[HAMA] == GOV


def test_later_events_leave_the_list_as_the_time_moves_back(timeline_window):
    timeline_window.features.logging.timeline.scrub_to("2024-11-30T12:00Z")
    assert timeline_window.event_list.model.rowCount() == 2
    timeline_window.features.logging.timeline.latest_button.click()
    assert timeline_window.time_state.at is None
    assert timeline_window.event_list.model.rowCount() == 10


def test_play_steps_a_day_at_a_time_and_pause_stops(timeline_window):
    timeline = timeline_window.features.logging.timeline
    timeline.scrub_to("2024-11-29T12:00Z")
    timeline.play_button.setChecked(True)
    assert timeline.timer.isActive()
    timeline.step()
    assert timeline_window.time_state.at.key.startswith("2024-11-30T12:00")
    assert timeline_window.canvas.place_colours[demo_id("place", "Aleppo")] == HTS
    timeline.play_button.setChecked(False)
    assert not timeline.timer.isActive()


def test_timeline_shows_every_event_and_control_change(timeline_window):
    strip = timeline_window.features.logging.timeline.strip
    assert int(strip.bins[1].sum()) == 10
    assert len(strip.controls.data) == 16
