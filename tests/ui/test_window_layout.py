"""The window on a laptop: rendered at 1024x700 and 1600x1000, the map keeps most
of the width, the toolbars fit, the event titles and the details can be read.

Each render is written to pytest's temporary folder (kept for the last runs) as
window_<width>.png, to look at."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QToolBar, QToolButton

from sitrep_desktop.store import Store
from sitrep_desktop.ui.window.main_window import MAP_SHARE, MainWindow

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def renders(tmp_path_factory):
    return tmp_path_factory.mktemp("renders")


def window_at(qtbot, tmp_path, demo_path, width: int, height: int) -> MainWindow:
    """A window first shown at this size, as on a first start on that screen."""
    win = MainWindow(QSettings(str(tmp_path / f"s{width}.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.resize(width, height)
    win.show()
    qtbot.waitExposed(win)
    with qtbot.waitSignal(win.sigFeaturesInstalled):
        win.open_store(Store.open(demo_path), demo_path, defer_features=True)
    settle(qtbot)
    return win


def settle(qtbot) -> None:
    qtbot.wait(60)  # the docks are fitted once the layout has settled


def map_share(win: MainWindow) -> float:
    return win.canvas.width() / win.width()


@pytest.mark.parametrize(("width", "height"), [(1024, 700), (1600, 1000)])
def test_the_map_keeps_most_of_the_width(qtbot, tmp_path, demo_path, renders, width, height):
    win = window_at(qtbot, tmp_path, demo_path, width, height)
    win.grab().save(str(renders / f"window_{width}.png"))
    assert map_share(win) >= MAP_SHARE
    win.features.map.find()  # the Find panel opens beside the map: the others give way
    settle(qtbot)
    win.grab().save(str(renders / f"window_{width}_find.png"))
    assert win.docks["search"].isVisible()
    assert map_share(win) >= MAP_SHARE - 0.01


@pytest.mark.parametrize(("width", "height"), [(1024, 700), (1600, 1000)])
def test_every_toolbar_button_is_on_screen(qtbot, tmp_path, demo_path, width, height):
    win = window_at(qtbot, tmp_path, demo_path, width, height)
    for toolbar in win.findChildren(QToolBar):
        # The » button appears only when some actions do not fit.
        overflow = [
            b
            for b in toolbar.findChildren(QToolButton)
            if b.objectName() == "qt_toolbar_ext_button"
        ]
        assert not any(b.isVisible() for b in overflow), toolbar.windowTitle()
    areas = win.features.drawing.action_control_areas
    assert win.features.drawing.toolbar.widgetForAction(areas).isVisible()


def test_the_title_gets_the_widest_column_and_the_details_room(qtbot, tmp_path, demo_path):
    win = window_at(qtbot, tmp_path, demo_path, 1600, 1000)
    table = win.event_list.table
    shown = [c for c in range(5) if not table.isColumnHidden(c)]
    widths = {c: table.columnWidth(c) for c in shown}
    assert max(widths, key=widths.get) == 2  # the title
    line = win.detail.fontMetrics().height()
    assert win.docks["detail"].height() >= 10 * line


@pytest.mark.parametrize(("width", "height"), [(1024, 700), (1600, 1000)])
def test_a_first_start_shows_a_compact_legend_and_the_map_keeps_its_share(
    qtbot, tmp_path, demo_path, renders, width, height
):
    win = window_at(qtbot, tmp_path, demo_path, width, height)
    win.grab().save(str(renders / f"window_{width}_legend.png"))
    legend = win.docks["legend"]
    assert legend.isVisible() and not legend.visibleRegion().isEmpty()
    assert legend.width() <= 240  # compact: it was 330 px when opened
    assert map_share(win) >= MAP_SHARE - 0.005
    assert win.docks["events"].width() >= 220  # the events list is not crushed for it


@pytest.mark.parametrize(("width", "height"), [(1024, 700), (1600, 1000)])
def test_no_overlay_covers_damascus_at_the_default_view(qtbot, tmp_path, demo_path, width, height):
    import numpy as np

    win = window_at(qtbot, tmp_path, demo_path, width, height)
    canvas = win.canvas
    damascus = win.store.places.by_name("Damascus")
    x, y = canvas.lonlat_to_view(np.array([damascus.lon]), np.array([damascus.lat]))
    transform = canvas.view.childGroup.deviceTransform(canvas.viewportTransform())
    px, py = transform.map(float(x[0]), float(y[0]))
    for left, top, w, h in canvas.overlays.boxes():
        assert not (left - 8 <= px <= left + w + 8 and top - 8 <= py <= top + h + 8)
