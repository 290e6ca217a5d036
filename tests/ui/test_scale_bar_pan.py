"""The scale bar is measured again only when the scale or the latitude changes."""

from PySide6.QtCore import Qt

from sitrep_desktop.ui.map import overlays
from sitrep_desktop.ui.map.canvas import MapCanvas
from sitrep_desktop.ui.window.selection import Selection
from sitrep_desktop.ui.window.time_state import TimeState


def test_a_sideways_pan_keeps_the_bar_and_a_move_north_measures_again(
    qtbot, demo_memory_store, monkeypatch
):
    canvas = MapCanvas(demo_memory_store, Selection(), TimeState())
    qtbot.addWidget(canvas)
    canvas.resize(1200, 800)
    canvas.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    canvas.show()
    canvas.set_lonlat_range(-170.0, -60.0, 170.0, 75.0)
    bar = canvas.overlays.scale_bar
    before = (bar.metres, bar.pixels)
    assert bar.pixels > 0
    measured = []
    real = overlays.inverse
    monkeypatch.setattr(overlays, "inverse", lambda *a: measured.append(a) or real(*a))
    width = canvas.view.viewRect().width()
    canvas.view.translateBy(x=width * 0.05)
    assert measured == []
    assert (bar.metres, bar.pixels) == before
    canvas.view.translateBy(y=canvas.view.viewRect().height() * 0.3)
    assert len(measured) == 1
    assert bar.pixels != before[1]  # Mercator: a metre takes more pixels further north
