"""The map's events: single markers when few are in view, cells with counts when many.

Everything drawn comes from the situation's numpy columns (services.event_arrays)
and, past AGGREGATE_THRESHOLD events in view, from services.event_aggregates:
no record is built on the paint path. Cells are worked out for the view padded
by half a view on each side, so a pan within that margin repaints the same
cells and reads nothing; the list's filters (`set_filter`) narrow what is drawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QPixmap, QStaticText

from sitrep_desktop.domain import Moment
from sitrep_desktop.services.event_aggregates import (
    AGGREGATE_THRESHOLD,
    EventCells,
    aggregate,
    cell_size_for,
    count_text,
    disc_sizes,
)
from sitrep_desktop.services.event_arrays import bound_key
from sitrep_desktop.services.situation import event_marker_xy
from sitrep_desktop.services.style import EVENT_OUTLINE, EVENT_SIZE, event_colour, event_symbol

if TYPE_CHECKING:
    from sitrep_desktop.ui.map.canvas import MapCanvas

PAD = 0.5  # of the view's size, on each side: cells and markers ready for a pan
MARKER_CAP = 3 * AGGREGATE_THRESHOLD  # markers in the padded view past this: the view only


class EventCellsItem(pg.GraphicsObject):
    """Discs sized by count, filled with the dominant category's colour, the count inside.

    One item paints every cell (a thousand TextItems would each cost a scene item).
    Its tooltip lists the counts by category; a click zooms the map to the cell.
    """

    sigCellClicked = Signal(object)  # (x0, y0, x1, y1) of the cell, map units

    def __init__(self) -> None:
        super().__init__()
        self.cells: EventCells | None = None
        self.categories: list[str] = []
        self._rect = QRectF()
        self.setAcceptHoverEvents(True)
        self.font = QFont()
        self.font.setPixelSize(11)
        self.font.setBold(True)
        # Worked out once per set of cells, not per paint: a pan repaints the same discs.
        self._sizes = np.zeros(0)
        self._draws: list[tuple] = []  # per cell: sprite, half width, pen, text, text half size
        self._reach = 0.0  # the largest disc's half size: how far off the device one can show
        self.drawn_cells = 0  # what the last paint drew (tests, benchmark)
        self._sprites: dict[tuple[int, int], QPixmap] = {}  # (diameter, rgba) -> disc

    def set_cells(self, cells: EventCells | None, categories: list[str]) -> None:
        self.prepareGeometryChange()
        self.cells, self.categories = cells, list(categories)
        if cells is None or not len(cells):
            self._rect = QRectF()
        else:
            x0, y0 = cells.ix.min() * cells.size, cells.iy.min() * cells.size
            x1, y1 = (cells.ix.max() + 1) * cells.size, (cells.iy.max() + 1) * cells.size
            self._rect = QRectF(float(x0), float(y0), float(x1 - x0), float(y1 - y0))
        self._prepare()
        self.update()

    def _prepare(self) -> None:
        cells = self.cells
        self._draws = []
        if cells is None:
            self._sizes = np.zeros(0)
            return
        self._sizes = disc_sizes(cells.counts)
        self._reach = float(self._sizes.max()) / 2 + 2 if len(self._sizes) else 0.0
        colours = [QColor(event_colour(c)) for c in self.categories]
        white, black = QColor("#ffffff"), QColor("#000000")
        for code, count, size in zip(cells.dominant, cells.counts, self._sizes):
            fill = QColor(colours[code]) if code < len(colours) else QColor("#757575")
            fill.setAlpha(215)
            text = QStaticText(count_text(int(count)))
            text.prepare(font=self.font)
            sprite = self._sprite(round(float(size)), fill)
            # What a paint needs per cell, ready: sprite and its half width, the
            # text's pen and its half size (a pan repaints the same discs).
            text_size = text.size()
            self._draws.append(
                (
                    sprite,
                    sprite.width() / 2,
                    white if fill.lightness() < 150 else black,
                    text,
                    text_size.width() / 2,
                    text_size.height() / 2,
                )
            )

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt override)
        return self._rect

    def paint(self, painter: QPainter, *_args) -> None:
        cells = self.cells
        if cells is None or not len(cells):
            return
        # Discs are drawn in pixels, at the cells' points mapped to the device.
        t = painter.transform()
        cx = t.m11() * cells.x + t.m21() * cells.y + t.dx()
        cy = t.m12() * cells.x + t.m22() * cells.y + t.dy()
        # Cells are ready for half a view around it (a pan needs no new cells), so
        # most of them are off the device: skip those before the per-cell loop.
        device = painter.device()
        reach = self._reach
        width = device.width() if device is not None else np.inf
        height = device.height() if device is not None else np.inf
        seen = np.flatnonzero(
            (cx >= -reach) & (cx <= width + reach) & (cy >= -reach) & (cy <= height + reach)
        )
        self.drawn_cells = len(seen)
        painter.resetTransform()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setFont(self.font)
        draws, pen = self._draws, None
        for i, x, y in zip(seen.tolist(), cx[seen].tolist(), cy[seen].tolist()):
            # An antialiased disc costs ~0.3 ms to fill; a ready sprite a few µs.
            sprite, half, colour, text, text_half_w, text_half_h = draws[i]
            painter.drawPixmap(QPointF(x - half, y - half), sprite)
            if colour is not pen:
                painter.setPen(colour)
                pen = colour
            painter.drawStaticText(QPointF(x - text_half_w, y - text_half_h), text)

    def _sprite(self, diameter: int, fill: QColor) -> QPixmap:
        key = (diameter, fill.rgba())
        sprite = self._sprites.get(key)
        if sprite is None:
            sprite = QPixmap(diameter + 4, diameter + 4)
            sprite.fill(Qt.GlobalColor.transparent)
            painter = QPainter(sprite)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(QPen(QColor(EVENT_OUTLINE), 1.2))
            painter.setBrush(fill)
            centre = (diameter + 4) / 2
            painter.drawEllipse(QPointF(centre, centre), diameter / 2, diameter / 2)
            painter.end()
            self._sprites[key] = sprite
        return sprite

    def cell_under(self, pos: QPointF) -> int | None:
        return None if self.cells is None else self.cells.at(pos.x(), pos.y())

    def hoverEvent(self, event) -> None:  # noqa: N802 (pyqtgraph override)
        if event.isExit() or self.cells is None:
            self.setToolTip("")
            return
        index = self.cell_under(event.pos())
        self.setToolTip("" if index is None else self.cells.tip(index, self.categories))

    def mouseClickEvent(self, event) -> None:  # noqa: N802 (pyqtgraph override)
        if event.button() != Qt.MouseButton.LeftButton:
            return
        index = self.cell_under(event.pos())
        if index is not None and self.cells is not None:
            event.accept()
            self.sigCellClicked.emit(self.cells.bounds(index))


class EventLayer:
    """Decides markers or cells for the view and time, and keeps both items current."""

    def __init__(self, canvas: MapCanvas) -> None:
        self.canvas = canvas
        self.markers = pg.ScatterPlotItem(pxMode=True, hoverable=True, tip=canvas._event_tip)
        self.markers.setZValue(20)
        self.cells_item = EventCellsItem()
        self.cells_item.setZValue(21)
        self.cells_item.sigCellClicked.connect(self.zoom_to_cell)
        self.filter_rows: np.ndarray | None = None  # bool per row of the arrays, or None
        self.rows = np.zeros(0, np.int64)  # rows drawn as markers now
        self.shown_rows = np.zeros(0, np.int64)  # rows shown at the time, any view
        self.cells: EventCells | None = None
        self.aggregated = False
        self.offset_scale = 1.0  # view metres per pixel when markers were placed
        self._ready: tuple[float, float, float, float] | None = None  # padded rect drawn
        self._cell_size = 0.0

    @property
    def arrays(self):
        return self.canvas.situation.events

    # -- what is shown -------------------------------------------------------------------
    def set_filter(self, rows: np.ndarray | None) -> None:
        """Only these rows (a bool mask over the arrays, or row numbers); None: every event."""
        if rows is not None and rows.dtype != bool:
            mask = np.zeros(len(self.arrays.alive), bool)
            mask[rows] = True
            rows = mask
        self.filter_rows = rows
        self.draw(self.canvas.time_state.at)

    def draw(self, at: Moment | None) -> None:
        """Work out the rows shown at `at` (a time filter over arrays), then draw for the view."""
        arrays = self.arrays
        mask = arrays.alive & arrays.located
        bound = bound_key(at)
        if bound is not None:
            mask &= arrays.time <= bound
        if self.filter_rows is not None:
            filt = self.filter_rows
            if len(filt) < len(mask):  # events added since the filter was worked out
                filt = np.concatenate((filt, np.zeros(len(mask) - len(filt), bool)))
            mask &= filt[: len(mask)]
        self.shown_rows = np.flatnonzero(mask)
        self._ready = None
        self.follow_view()

    def follow_view(self, force: bool = False) -> None:
        """Draw again if the view left the padded area drawn, or the cell size changed."""
        rect = self.canvas.view.viewRect()
        units = self.canvas._units_per_pixel()
        size = cell_size_for(units)
        inside = self._ready is not None and _contains(self._ready, rect)
        drifted = abs(np.log(max(units, 1e-9) / max(self.offset_scale, 1e-9))) > np.log(1.15)
        if not force and inside and size == self._cell_size and not drifted:
            return
        arrays = self.arrays
        x, y = arrays.x[self.shown_rows], arrays.y[self.shown_rows]
        view = _in_rect(x, y, _rect(rect))
        padded_rect = _rect(rect, PAD)
        padded = _in_rect(x, y, padded_rect)
        self._ready, self._cell_size, self.offset_scale = padded_rect, size, units
        self.aggregated = int(view.sum()) > AGGREGATE_THRESHOLD
        if self.aggregated:
            rows = self.shown_rows[padded]
            self.cells = aggregate(
                arrays.x[rows], arrays.y[rows], arrays.code[rows], len(arrays.categories), size
            )
            self.cells_item.set_cells(self.cells, arrays.categories)
            self.rows = np.zeros(0, np.int64)
        else:
            self.cells = None
            self.cells_item.set_cells(None, [])
            keep = padded if padded.sum() <= MARKER_CAP else view
            self.rows = self.shown_rows[keep]
        self._draw_markers()

    def _draw_markers(self) -> None:
        arrays, rows = self.arrays, self.rows
        x, y = event_marker_xy(arrays.x[rows], arrays.y[rows], arrays.at_place[rows],
                               self.offset_scale)  # fmt: skip
        brushes = np.array([pg.mkBrush(event_colour(c)) for c in arrays.categories] + [None])
        symbols = np.array([event_symbol(c) for c in arrays.categories] + [""], object)
        codes = arrays.code[rows]
        self.markers.setData(
            x=x,
            y=y,
            data=rows,
            size=EVENT_SIZE,
            symbol=symbols[codes],
            brush=brushes[codes],
            pen=pg.mkPen(EVENT_OUTLINE, width=1),
        )

    def marker_of(self, row: int) -> tuple[float, float] | None:
        """(x, y) of a row's marker as drawn; in cells, the event's own point; None if hidden."""
        arrays = self.arrays
        drawn = self.shown_rows if self.aggregated else self.rows  # both sorted
        at = int(np.searchsorted(drawn, row))
        if at >= len(drawn) or drawn[at] != row:
            return None
        if self.aggregated:
            return float(arrays.x[row]), float(arrays.y[row])
        x, y = event_marker_xy(arrays.x[[row]], arrays.y[[row]], arrays.at_place[[row]],
                               self.offset_scale)  # fmt: skip
        return float(x[0]), float(y[0])

    def zoom_to_cell(self, bounds: tuple[float, float, float, float]) -> None:
        x0, y0, x1, y1 = bounds
        self.canvas.view.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.15)

    def set_visible(self, shown: bool) -> None:
        self.markers.setVisible(shown)
        self.cells_item.setVisible(shown)


def _rect(rect: QRectF, pad: float = 0.0) -> tuple[float, float, float, float]:
    dx, dy = rect.width() * pad, rect.height() * pad
    return (rect.left() - dx, rect.top() - dy, rect.right() + dx, rect.bottom() + dy)


def _contains(outer: tuple[float, float, float, float], rect: QRectF) -> bool:
    x0, y0, x1, y1 = outer
    return x0 <= rect.left() and y0 <= rect.top() and rect.right() <= x1 and rect.bottom() <= y1


def _in_rect(x: np.ndarray, y: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    x0, y0, x1, y1 = box
    return (x >= min(x0, x1)) & (x <= max(x0, x1)) & (y >= min(y0, y1)) & (y <= max(y0, y1))
