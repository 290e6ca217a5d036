"""The window on a laptop: rendered at 1024x700 and 1600x1000, the map keeps most
of the width, the toolbars fit, the event titles and the details can be read.

Each render is written to pytest's temporary folder (kept for the last runs) as
window_<width>.png, to look at."""

from __future__ import annotations

import pytest
from gui_steps import settle, window_at
from PySide6.QtCore import QSettings
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QToolBar, QToolButton

from sitrep_desktop.store import Store
from sitrep_desktop.ui.window.main_window import MAP_SHARE, MainWindow

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def renders(tmp_path_factory):
    return tmp_path_factory.mktemp("renders")


@pytest.fixture(scope="module")
def first_start(qapp, tmp_path_factory, shared_demo_path):
    """`first_start(width, height)`: the window of window_at, built once per size for
    the tests below that only look at it (the shared file fails the module on a write)."""
    windows: dict[tuple[int, int], MainWindow] = {}

    def at(width: int, height: int) -> MainWindow:
        if (width, height) not in windows:
            folder = tmp_path_factory.mktemp(f"first-start-{width}")
            win = MainWindow(QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat))
            win.resize(width, height)
            win.show()
            assert QTest.qWaitForWindowExposed(win)
            installed: list[bool] = []
            win.sigFeaturesInstalled.connect(lambda *_: installed.append(True))
            win.open_store(Store.open(shared_demo_path), shared_demo_path, defer_features=True)
            for _ in range(500):  # as qtbot.waitSignal, up to 5 s
                if installed:
                    break
                QTest.qWait(10)
            assert installed
            QTest.qWait(60)  # as settle()
            windows[width, height] = win
        return windows[width, height]

    yield at
    for win in windows.values():
        win.close()  # and with it the store
        win.deleteLater()
    qapp.processEvents()


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
def test_every_toolbar_button_is_on_screen(first_start, width, height):
    win = first_start(width, height)
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


def test_the_title_gets_the_widest_column_and_the_details_room(first_start):
    win = first_start(1600, 1000)
    table = win.event_list.table
    shown = [c for c in range(5) if not table.isColumnHidden(c)]
    widths = {c: table.columnWidth(c) for c in shown}
    assert max(widths, key=widths.get) == 2  # the title
    line = win.detail.fontMetrics().height()
    assert win.docks["detail"].height() >= 10 * line


@pytest.mark.parametrize(("width", "height"), [(1024, 700), (1600, 1000)])
def test_a_first_start_shows_a_compact_legend_and_the_map_keeps_its_share(
    first_start, renders, width, height
):
    win = first_start(width, height)
    win.grab().save(str(renders / f"window_{width}_legend.png"))
    legend = win.docks["legend"]
    assert legend.isVisible() and not legend.visibleRegion().isEmpty()
    assert legend.width() <= 240  # compact: it was 330 px when opened
    assert map_share(win) >= MAP_SHARE - 0.005
    assert win.docks["events"].width() >= 220  # the events list is not crushed for it


@pytest.mark.parametrize(("width", "height"), [(1024, 700), (1600, 1000)])
def test_no_overlay_covers_damascus_at_the_default_view(first_start, width, height):
    import numpy as np

    win = first_start(width, height)
    canvas = win.canvas
    damascus = win.store.places.by_name("Damascus")
    x, y = canvas.lonlat_to_view(np.array([damascus.lon]), np.array([damascus.lat]))
    transform = canvas.view.childGroup.deviceTransform(canvas.viewportTransform())
    px, py = transform.map(float(x[0]), float(y[0]))
    for left, top, w, h in canvas.overlays.boxes():
        assert not (left - 8 <= px <= left + w + 8 and top - 8 <= py <= top + h + 8)
