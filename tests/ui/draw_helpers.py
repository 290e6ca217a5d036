"""Shared set-up for the drawing tests: a demo window and answers instead of dialogs."""

from PySide6.QtCore import QSettings, Qt

from sitrep_desktop.store import Store
from sitrep_desktop.ui.window.main_window import MainWindow


class Answers:
    """Prompts that answer from a script and remember what was refused."""

    def __init__(self, text="", repair=False):
        self.text_answer = text
        self.repair_answer = repair
        self.refusals = []

    def text(self, title, label, default=""):
        return self.text_answer

    def repair(self, reason):
        return self.repair_answer

    def refuse(self, message):
        self.refusals.append(message)


def open_demo_window(qtbot, path):
    """A window on the demo file at `path` (the demo_path fixture), settings beside it."""
    window = MainWindow(QSettings(str(path.parent / "s.ini"), QSettings.Format.IniFormat))
    window.open_store(Store.open(path), path)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.canvas.set_lonlat_range(36.0, 34.3, 37.5, 35.6)
    window.features.drawing.prompts_changed(Answers())
    return window


def point(window, lat, lon):
    return window.canvas.latlon_to_widget(lat, lon).toPoint()


def click(qtbot, window, lat, lon, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.mouseClick(
        window.canvas.viewport(), Qt.MouseButton.LeftButton, modifier, point(window, lat, lon)
    )


def double_click(qtbot, window, lat, lon):
    qtbot.mouseDClick(
        window.canvas.viewport(), Qt.MouseButton.LeftButton, pos=point(window, lat, lon)
    )


def drag(qtbot, window, start, end):
    viewport = window.canvas.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=point(window, *start))
    qtbot.mouseMove(viewport, point(window, *end))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=point(window, *end))


def new_annotations(window, before_ids):
    return [a for a in window.store.annotations.all() if a.id not in before_ids]
