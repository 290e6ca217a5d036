"""Issue 15, the rest of an analyst's day: the timeline's mouse, labels beside
range rings, the legend, glyphs and titles, the detail pane at narrow widths."""

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

from sitrep_desktop.domain import parse_moment
from sitrep_desktop.ui.map.panels.timeline import seconds_of

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def strip_pixel(strip, seconds):
    """Where on the strip's viewport the time `seconds` is, on the events row."""
    view = strip.getPlotItem().getViewBox()
    return strip.mapFromScene(view.mapViewToScene(QPointF(seconds, 0.5)))


def test_a_click_on_the_timeline_sets_the_as_of_time_to_that_day(window, qtbot):
    strip = window.features.logging.timeline.strip
    qtbot.waitExposed(window)
    target = seconds_of(parse_moment("2024-12-03T02:29:00Z"))
    QTest.mouseClick(strip.viewport(), Qt.MouseButton.LeftButton, pos=strip_pixel(strip, target))
    assert window.time_state.at is not None
    # The whole demo is in view (weeks), so the click lands on the nearest midnight.
    assert window.time_state.at.key.startswith("2024-12-03T00:00")


def test_dragging_the_cursor_snaps_to_whole_days_and_to_hours_zoomed_in(window, qtbot):
    timeline = window.features.logging.timeline
    strip, cursor = timeline.strip, timeline.strip.cursor
    qtbot.waitExposed(window)
    timeline.scrub_to("2024-12-01T00:00Z")
    viewport = strip.viewport()

    def drag_to(seconds):
        start = strip_pixel(strip, cursor.value())
        QTest.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
        end = strip_pixel(strip, seconds)
        for step in range(1, 6):  # pyqtgraph needs a few moves to call it a drag
            x = start.x() + (end.x() - start.x()) * step // 5
            QTest.mouseMove(viewport, pos=QPoint(x, start.y()))
        QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)

    drag_to(seconds_of(parse_moment("2024-12-04T02:29:00Z")))
    assert window.time_state.at.key.startswith("2024-12-04T00:00")
    # Zoomed in to two days, a drag stops on whole hours instead.
    day = 86_400
    strip.setXRange(cursor.value() - day, cursor.value() + day, padding=0)
    qtbot.wait(10)
    drag_to(cursor.value() + 5.4 * 3600)
    key = window.time_state.at.key
    assert key[:10] == "2024-12-04" and key[14:19] == "00:00" and key[11:13] != "00"


def test_play_and_pause_show_icons_not_glyphs_the_fonts_lack(window):
    timeline = window.features.logging.timeline
    timeline.play_button.setChecked(True)
    assert timeline.play_button.text() == "Pause" and not timeline.play_button.icon().isNull()
    paused_icon = timeline.play_button.icon().cacheKey()
    timeline.play_button.setChecked(False)
    assert timeline.play_button.text() == "Play" and not timeline.play_button.icon().isNull()
    assert timeline.play_button.icon().cacheKey() != paused_icon


def test_demo_records_cite_the_article_not_a_file_name(window):
    sources = {c.source for c in window.store.control.all()}
    sources |= {e.source for e in window.store.events.all()}
    assert sources == {'News article "Rebel Success in Aleppo and Hama", 6 December 2024'}


@pytest.mark.parametrize("width", [180, 230, 400])
def test_the_detail_panes_buttons_are_whole_at_every_width(window, qtbot, width):
    pane = window.detail
    pane.setMinimumWidth(0)
    pane.setParent(None)  # alone, at exactly the width a narrow dock gives it
    qtbot.addWidget(pane)
    pane.resize(width, 300)
    pane.show()
    qtbot.waitExposed(pane)
    qtbot.wait(20)  # the layout's own turn after the resize
    for button in (pane.edit_button, pane.control_button, pane.delete_button):
        box = button.geometry()
        assert box.left() >= 0 and box.right() < pane.width(), button.text()
        assert box.width() >= button.sizeHint().width(), button.text()
