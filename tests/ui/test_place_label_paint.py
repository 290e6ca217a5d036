"""Map names are laid out once per view and drawn from images made once per name."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter

from sitrep_desktop.ui.map import place_labels
from sitrep_desktop.ui.map.canvas import MapCanvas
from sitrep_desktop.ui.window.selection import Selection
from sitrep_desktop.ui.window.time_state import TimeState


@pytest.fixture
def canvas(qtbot, demo_memory_store):
    c = MapCanvas(demo_memory_store, Selection(), TimeState())
    qtbot.addWidget(c)
    c.resize(1200, 800)
    c.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    c.show()
    c.load_town_labels()
    c.set_lonlat_range(35.2, 32.2, 42.5, 37.4)
    return c


def _render(canvas) -> QImage:
    image = QImage(1200, 800, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("#a8c8dc"))
    painter = QPainter(image)
    canvas.render(painter)
    painter.end()
    return image


def test_a_repaint_of_the_same_view_lays_the_names_out_once(canvas, monkeypatch):
    _render(canvas)
    first = list(canvas.place_labels.drawn)
    calls = []
    real = place_labels.layout_labels
    monkeypatch.setattr(
        place_labels, "layout_labels", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    _render(canvas)
    assert calls == []
    assert canvas.place_labels.drawn == first
    canvas.view.translateBy(x=canvas.view.viewRect().width() * 0.1)
    _render(canvas)
    assert calls == [1]  # a moved view is laid out again


def test_each_drawn_name_shows_dark_text_inside_its_box(canvas):
    image = _render(canvas)
    drawn = dict(canvas.place_labels.drawn)
    assert {"Homs", "Hama", "Damascus"} <= set(drawn)
    for name in ("Homs", "Hama", "Damascus"):
        rect = drawn[name]
        darkest = min(
            QColor(image.pixel(int(x), int(y))).lightness()
            for x in range(int(rect.left()), int(rect.right()))
            for y in range(int(rect.top()), int(rect.bottom()))
        )
        assert darkest < 90, name  # the text itself, not only its white halo
