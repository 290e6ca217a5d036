"""Map redraw and pan frame times at world, country (Syria) and city (Homs) zoom.

Each figure is the median time to render the canvas (the whole basemap loaded,
land filled, demo places and labels on top) into an offscreen 1600x1000 image;
its floor is a bare QPainter drawing the same basemap line vertices in one
QPainterPath with a 1 px cosmetic pen into the same image, measured in the same
run (the land fill is the canvas's extra: see _floor_path).
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pyqtgraph as pg  # noqa: E402
from common import print_peak_memory, report, timeit_median  # noqa: E402
from PySide6.QtCore import QEvent, QObject, Qt  # noqa: E402
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QTransform  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from sitrep_desktop.geo.basemap import level_for_span  # noqa: E402
from sitrep_desktop.services.demo import build_demo  # noqa: E402
from sitrep_desktop.store import Store  # noqa: E402
from sitrep_desktop.ui.map.canvas import MapCanvas  # noqa: E402
from sitrep_desktop.ui.map.layers.basemap import BasemapFillItem, layer_groups  # noqa: E402
from sitrep_desktop.ui.window.selection import Selection  # noqa: E402
from sitrep_desktop.ui.window.time_state import TimeState  # noqa: E402

WIDTH, HEIGHT = 1600, 1000
VIEWS = {
    "world": (-170.0, -60.0, 170.0, 75.0),
    "country (Syria)": (35.2, 32.2, 42.5, 37.4),
    "city (Homs)": (36.52, 34.60, 36.92, 34.85),
}


class _PaintCounter(QObject):
    """Counts the paint events a widget receives."""

    def __init__(self, widget) -> None:
        super().__init__(widget)
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def _render(canvas: MapCanvas, image: QImage) -> None:
    image.fill(0)
    painter = QPainter(image)
    canvas.render(painter)
    painter.end()


def _floor_path(canvas: MapCanvas, level: str):
    """One QPainterPath of every vertex the canvas' visible basemap *line* layers hold.

    The land fill is left out of the floor: filled as one path, a bare QPainter
    takes longer than the canvas (27 ms against 16 at Syria zoom, whose culled
    cells skip most edges), so it would flatter the ratio. Without it, the
    ratio charges the canvas for its land fill: the stricter figure.
    """
    xs, ys, cs = [], [], []
    for layer, item in canvas.basemap.items.items():
        if item.isVisible() and not isinstance(item, BasemapFillItem):
            g = layer_groups(layer, level)
            xs.append(g.x)
            ys.append(g.y)
            connect = g.connect.copy()
            connect[np.append(g.starts[1:], len(g.x)) - 1] = False
            cs.append(connect)
    x, y, c = np.concatenate(xs), np.concatenate(ys), np.concatenate(cs)
    return pg.functions.arrayToQPath(x, y, connect=c), len(x)


def _floor(path, canvas: MapCanvas, image: QImage) -> None:
    image.fill(0)
    painter = QPainter(image)
    rect = canvas.view.viewRect()
    transform = QTransform()
    transform.scale(WIDTH / rect.width(), -HEIGHT / rect.height())
    transform.translate(-rect.left(), -rect.bottom())
    painter.setTransform(transform)
    pen = QPen(QColor("#3f6c8c"))
    pen.setCosmetic(True)
    pen.setWidth(0)
    painter.setPen(pen)
    painter.drawPath(path)
    painter.end()


def main() -> None:
    app = QApplication.instance() or QApplication([])
    store = Store.memory()
    build_demo(store)
    canvas = MapCanvas(store, Selection(), TimeState())
    canvas.resize(WIDTH, HEIGHT)
    canvas.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    canvas.show()
    canvas.load_town_labels()
    app.processEvents()
    image = QImage(WIDTH, HEIGHT, QImage.Format.Format_ARGB32_Premultiplied)
    paints = _PaintCounter(canvas.viewport())
    for name, box in VIEWS.items():
        canvas.set_lonlat_range(*box)
        app.processEvents()
        level = level_for_span(box[2] - box[0])
        path, vertices = _floor_path(canvas, level)
        redraw = timeit_median(lambda: _render(canvas, image), repeat=7)
        floor = timeit_median(lambda path=path: _floor(path, canvas, image), repeat=7)
        report(
            f"full redraw at {name} zoom ({vertices:,} basemap vertices loaded)",
            redraw * 1000,
            "ms",
            floor * 1000,
        )
        rect = canvas.view.viewRect()
        step = [0]

        def pan_frame(rect=rect, step=step) -> None:
            # One drag step: the view moves and the event loop paints the canvas,
            # once, as on screen. (Until 2026-11-25 the frame also rendered into
            # the image after that repaint: two paints a frame, twice the time.)
            step[0] += 1
            dx = rect.width() * 0.02 * (1 if step[0] % 2 else -1)
            before = paints.count
            canvas.view.translateBy(x=dx)
            app.processEvents()
            if paints.count != before + 1:
                raise RuntimeError(f"a pan frame painted {paints.count - before} times, not once")

        pan = timeit_median(pan_frame, repeat=15)
        report(f"pan frame at {name} zoom", pan * 1000, "ms", floor * 1000)
    canvas.close()


if __name__ == "__main__":
    main()
    print_peak_memory("bench_map")
