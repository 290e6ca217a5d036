"""Issue 15, the rest of an analyst's day: the timeline's mouse, labels beside
range rings, the legend, glyphs and titles, the detail pane at narrow widths."""

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

from sitrep_desktop.domain import parse_moment
from sitrep_desktop.ui.map.panels.timeline import seconds_of

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def polish_window(shared_window):
    """The module's shared window (tests/ui/conftest.py), for the tests that only
    look, play, scrub or write a snapshot to a file; after each, the time, the
    timeline's range, the range rings, the snapshot dialogs and the page they
    remember, the tool, the size and the view go back as a new window shows them."""
    yield shared_window
    from sitrep_desktop.ui.snapshot.export_dialog import SnapshotDialog

    timeline = shared_window.features.logging.timeline
    timeline.set_playing(False)
    shared_window.time_state.set_at(None)
    timeline.reload()  # the whole demo in view again
    rings = shared_window.features.measure.dialog
    if rings is not None:
        rings.clear_rings()
        rings.close()
    for dialog in shared_window.findChildren(SnapshotDialog):
        dialog.close()
        dialog.deleteLater()
    shared_window.settings.remove("snapshot")  # the page an accepted dialog remembered
    shared_window.canvas.set_tool(None)
    shared_window.resize(1400, 900)
    shared_window.canvas.zoom_to_all()


def strip_pixel(strip, seconds):
    """Where on the strip's viewport the time `seconds` is, on the events row."""
    view = strip.getPlotItem().getViewBox()
    return strip.mapFromScene(view.mapViewToScene(QPointF(seconds, 0.5)))


def test_a_click_on_the_timeline_sets_the_as_of_time_to_that_day(polish_window, qtbot):
    strip = polish_window.features.logging.timeline.strip
    qtbot.waitExposed(polish_window)
    target = seconds_of(parse_moment("2024-12-03T02:29:00Z"))
    QTest.mouseClick(strip.viewport(), Qt.MouseButton.LeftButton, pos=strip_pixel(strip, target))
    assert polish_window.time_state.at is not None
    # The whole demo is in view (weeks), so the click lands on the nearest midnight.
    assert polish_window.time_state.at.key.startswith("2024-12-03T00:00")


def test_dragging_the_cursor_snaps_to_whole_days_and_to_hours_zoomed_in(polish_window, qtbot):
    timeline = polish_window.features.logging.timeline
    strip, cursor = timeline.strip, timeline.strip.cursor
    qtbot.waitExposed(polish_window)
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
    assert polish_window.time_state.at.key.startswith("2024-12-04T00:00")
    # Zoomed in to two days, a drag stops on whole hours instead.
    day = 86_400
    strip.setXRange(cursor.value() - day, cursor.value() + day, padding=0)
    qtbot.wait(10)
    drag_to(cursor.value() + 5.4 * 3600)
    key = polish_window.time_state.at.key
    assert key[:10] == "2024-12-04" and key[14:19] == "00:00" and key[11:13] != "00"


def test_play_and_pause_show_icons_not_glyphs_the_fonts_lack(polish_window):
    timeline = polish_window.features.logging.timeline
    timeline.play_button.setChecked(True)
    assert timeline.play_button.text() == "Pause" and not timeline.play_button.icon().isNull()
    paused_icon = timeline.play_button.icon().cacheKey()
    timeline.play_button.setChecked(False)
    assert timeline.play_button.text() == "Play" and not timeline.play_button.icon().isNull()
    assert timeline.play_button.icon().cacheKey() != paused_icon


def test_demo_records_cite_the_article_not_a_file_name(shared_window):
    sources = {c.source for c in shared_window.store.control.all()}
    sources |= {e.source for e in shared_window.store.events.all()}
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


# -- snapshots -------------------------------------------------------------------------------
def snapshot_dialog_to(window, path, paper):
    from sitrep_desktop.ui.snapshot.export_dialog import SnapshotDialog

    window.time_state.set_at(parse_moment("2024-12-06"))
    dialog = SnapshotDialog(window.context)
    dialog.path_edit.setText(str(path))
    dialog.view_button.setChecked(True)
    dialog.paper_box.setCurrentText(paper)
    dialog.dpi_box.setCurrentText("150")
    return dialog


@pytest.mark.parametrize("paper", ["screen size (pixels)", "A4"])
def test_the_pdf_shows_the_same_extent_as_the_png(polish_window, tmp_path, paper):
    import json

    from sitrep_desktop.ui.snapshot.feature import write_snapshot

    drawn = {}
    for name in ("view.png", "view.pdf"):
        dialog = snapshot_dialog_to(polish_window, tmp_path / name, paper)
        write_snapshot(polish_window.context, dialog.path, dialog.request())
        drawn[name] = json.loads((tmp_path / f"{name}.json").read_text())["drawn_bbox"]
    assert drawn["view.png"] == drawn["view.pdf"]


def test_a_portrait_page_with_a_subtitle_is_remembered(polish_window, tmp_path):
    import json

    from sitrep_desktop.ui.snapshot.export_dialog import SnapshotDialog
    from sitrep_desktop.ui.snapshot.feature import write_snapshot

    dialog = snapshot_dialog_to(polish_window, tmp_path / "brief.png", "A4")
    dialog.orientation_box.setCurrentText("portrait")
    dialog.subtitle_edit.setText("Sources: field reports")
    request = dialog.request()
    width, height = request.page_pixels()
    assert height > width and (width, height) == (1240, 1754)  # A4 upright at 150 dpi
    write_snapshot(polish_window.context, dialog.path, request)
    sidecar = json.loads((tmp_path / "brief.png.json").read_text())
    assert sidecar["subtitle"] == "Sources: field reports"
    assert sidecar["orientation"] == "portrait" and sidecar["page_pixels"] == [1240, 1754]
    dialog.accept()
    again = SnapshotDialog(polish_window.context)
    assert again.orientation_box.currentText() == "portrait"
    assert again.subtitle_edit.text() == "Sources: field reports"


@pytest.mark.parametrize("orientation", ["landscape", "portrait"])
def test_the_demo_at_a4_has_no_legend_over_a_place_marker(
    qapp, shared_demo_path, tmp_path, orientation
):
    from sitrep_desktop.app import main
    from sitrep_desktop.services.snapshot import SnapshotRequest
    from sitrep_desktop.store import Store
    from sitrep_desktop.ui.snapshot.legend import overlaps
    from sitrep_desktop.ui.snapshot.render import Snapshot

    out = tmp_path / f"demo-{orientation}.png"
    args = ["snapshot", str(shared_demo_path), "-o", str(out), "--paper", "A4", "--dpi", "100"]
    args += ["--orientation", orientation, "--subtitle", "Demo", "--at", "2024-12-06"]
    assert main(args) == 0
    with Store.open(shared_demo_path) as store:
        request = SnapshotRequest(
            bbox=tuple(json_of(out)["requested_bbox"]),
            paper="A4",
            dpi=100,
            orientation=orientation,
            at=parse_moment("2024-12-06"),
        )
        snapshot = Snapshot(store, request)
        snapshot.render(tmp_path / "again.png")
    assert json_of(out)["drawn_bbox"] == snapshot.info["drawn_bbox"]
    places = snapshot._place_marks()
    assert places
    for mark in places:
        box = (mark.x - mark.radius, mark.y - mark.radius, 2 * mark.radius, 2 * mark.radius)
        assert not overlaps(snapshot.legend_box, box), mark.name


def json_of(path):
    import json

    return json.loads(path.with_name(path.name + ".json").read_text())


# -- a line's label beside it, not struck through ---------------------------------------------
FRONT = "LINESTRING (38.0 34.0, 38.5 34.5, 39.0 35.0)"  # south-west to north-east, in the desert


def crosses(box, line_xy, half_width=1.0):
    import shapely

    left, top, width, height = box
    stroke = shapely.LineString(line_xy).buffer(half_width)
    return shapely.box(left, top, left + width, top + height).intersects(stroke)


def test_a_front_lines_stroke_does_not_strike_through_its_label_on_paper(qapp, demo_path, tmp_path):
    import numpy as np

    from sitrep_desktop.domain import Annotation
    from sitrep_desktop.services.snapshot import SnapshotRequest
    from sitrep_desktop.store import Store
    from sitrep_desktop.ui.snapshot.render import Snapshot

    with Store.open(demo_path) as store:
        store.annotations.add(Annotation(kind="line", geometry=FRONT, label="Front line 7 Dec"))
        request = SnapshotRequest(bbox=(35.5, 33.0, 40.0, 36.0), paper="A4", dpi=100)
        snapshot = Snapshot(store, request)
        snapshot.render(tmp_path / "front.png")
    box = dict(snapshot.label_boxes)["Front line 7 Dec"]
    lon, lat = np.array([(38.0, 34.0), (38.5, 34.5), (39.0, 35.0)]).T
    px, py = snapshot.to_page(lon, lat)
    assert not crosses(box, np.column_stack([px, py]), snapshot.u)


def test_a_front_lines_stroke_does_not_strike_through_its_label_on_the_map(window, qtbot):
    import numpy as np

    from sitrep_desktop.domain import Annotation
    from sitrep_desktop.ui.map.texts import MapText

    window.store.annotations.add(Annotation(kind="line", geometry=FRONT, label="Front line 7 Dec"))
    window.canvas.set_lonlat_range(36.5, 33.0, 40.5, 36.0)
    qtbot.waitUntil(
        lambda: any(
            isinstance(i, MapText) and i.text() == "Front line 7 Dec" and i.isVisible()
            for i in window.canvas.scene().items()
        )
    )
    qtbot.wait(100)  # the labels' layout after the last view change
    text = next(
        i
        for i in window.canvas.scene().items()
        if isinstance(i, MapText) and i.text() == "Front line 7 Dec"
    )
    view = window.canvas.viewportTransform()
    rect = text.deviceTransform(view).mapRect(text.boundingRect())
    projection = window.canvas.projection
    x, y = projection.forward(np.array([38.0, 38.5, 39.0]), np.array([34.0, 34.5, 35.0]))
    transform = window.canvas.view.childGroup.deviceTransform(view)
    points = [transform.map(*(float(a), float(b))) for a, b in zip(x, y)]
    line = [(p[0], p[1]) for p in points]
    assert not crosses((rect.left(), rect.top(), rect.width(), rect.height()), line)


# -- range rings leave place names be ---------------------------------------------------------
def test_hama_keeps_its_name_while_a_25_mile_ring_around_homs_shows(polish_window, qtbot):
    polish_window.resize(1024, 700)
    polish_window.canvas.set_lonlat_range(35.5, 34.0, 37.8, 35.8)
    polish_window.features.measure.rings_action.trigger()
    dialog = polish_window.features.measure.dialog
    dialog.centre_edit.setText("Homs")
    dialog.radii_edit.setText("25")
    dialog.units.setCurrentText("mi")
    assert dialog.draw()
    dialog.close()
    polish_window.canvas.set_lonlat_range(35.5, 34.0, 37.8, 35.8)
    polish_window.canvas.viewport().repaint()
    qtbot.wait(50)
    drawn = {text for text, _rect in polish_window.canvas.place_labels.drawn}
    assert {"Hama", "Homs"} <= drawn


# -- a box drawn on the map as the snapshot's extent --------------------------------------------
class LeftButton:
    def button(self):
        return Qt.MouseButton.LeftButton


class Escape:
    def key(self):
        return Qt.Key.Key_Escape


def drag_box(canvas, south_west, north_east):
    tool = canvas.tool
    tool.mouse_press(*south_west, LeftButton())
    tool.mouse_move(*north_east, LeftButton())
    tool.mouse_release(*north_east, LeftButton())


def test_a_box_drawn_on_the_map_is_the_snapshots_extent(polish_window, qtbot, tmp_path):
    import json

    from PySide6.QtCore import QTimer

    from sitrep_desktop.ui.snapshot.export_dialog import SnapshotDialog
    from sitrep_desktop.ui.snapshot.extent_box import draw_box_on_map
    from sitrep_desktop.ui.snapshot.feature import write_snapshot

    dialog = snapshot_dialog_to(polish_window, tmp_path / "box.png", "A4")
    dialog.draw_box_button.click()  # steps aside for the map: export_snapshot_dialog draws
    assert dialog.box_requested and not dialog.isVisible()
    QTimer.singleShot(0, lambda: drag_box(polish_window.canvas, (34.5, 36.4), (35.3, 37.1)))
    box = draw_box_on_map(polish_window.canvas)
    assert polish_window.canvas.tool is None  # the box tool is gone with its rectangle
    dialog.set_box(box)
    assert dialog.box_button.isChecked()
    write_snapshot(polish_window.context, dialog.path, dialog.request())
    sidecar = json.loads((tmp_path / "box.png.json").read_text())
    assert sidecar["requested_bbox"] == pytest.approx([36.4, 34.5, 37.1, 35.3])
    west, south, east, north = sidecar["drawn_bbox"]  # grown to the page's shape only
    assert west <= 36.4 and east >= 37.1 and south <= 34.5 and north >= 35.3
    assert isinstance(dialog, SnapshotDialog)


def test_esc_while_drawing_the_box_keeps_the_extent_as_it_was(polish_window, tmp_path):
    from PySide6.QtCore import QTimer

    from sitrep_desktop.ui.snapshot.extent_box import draw_box_on_map

    dialog = snapshot_dialog_to(polish_window, tmp_path / "box.png", "A4")
    QTimer.singleShot(0, lambda: polish_window.canvas.tool.key_press(Escape()))
    dialog.set_box(draw_box_on_map(polish_window.canvas))
    assert (
        polish_window.canvas.tool is None and dialog.view_button.isChecked() and dialog.box is None
    )


def test_the_snapshot_dialog_is_wide_enough_for_its_title(polish_window):
    from sitrep_desktop.ui.snapshot.export_dialog import SnapshotDialog

    dialog = SnapshotDialog(polish_window.context)
    title = dialog.fontMetrics().horizontalAdvance(dialog.windowTitle())
    assert dialog.minimumWidth() >= title + 300  # the title, and a title bar's buttons
