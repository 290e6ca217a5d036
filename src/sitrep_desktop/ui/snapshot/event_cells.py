"""Events on paper at volume: the map's cells (services.event_aggregates) on the page.

Past AGGREGATE_THRESHOLD events in the extent, a snapshot draws what the screen
draws: discs sized by count, filled with the dominant category's colour, the
count inside; the legend says what a disc means. Sizes are in page units, so a
PDF and a PNG of the same request look alike.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen

from sitrep_desktop.services.event_aggregates import (
    AGGREGATE_THRESHOLD,
    CELL_PX,
    EventCells,
    aggregate,
    count_text,
    disc_sizes,
)
from sitrep_desktop.services.style import EVENT_OUTLINE, event_colour

LEGEND_TEXT = "events: count per cell, colour of the most frequent kind"


def page_cells(
    px: np.ndarray, py: np.ndarray, codes: np.ndarray, n_categories: int, u: float
) -> EventCells | None:
    """Cells for events at page points (px, py), or None if few enough for markers."""
    if len(px) <= AGGREGATE_THRESHOLD:
        return None
    return aggregate(px, py, codes, n_categories, CELL_PX * u)


def cell_marks(cells: EventCells, categories: list[str]) -> list[tuple[QPointF, str]]:
    """(centre, colour) of each disc: what the label layout keeps names clear of."""
    return [
        (QPointF(float(x), float(y)), event_colour(categories[code]))
        for x, y, code in zip(cells.x, cells.y, cells.dominant)
    ]


def draw_cells(painter: QPainter, cells: EventCells, categories: list[str], u: float) -> None:
    sizes = disc_sizes(cells.counts) * u
    font = QFont()
    font.setPixelSize(max(1, round(11 * u)))
    font.setBold(True)
    painter.setFont(font)
    outline = QPen(QColor(EVENT_OUTLINE), 1.0 * u)
    for i, code in enumerate(cells.dominant):
        fill = QColor(event_colour(categories[code]))
        fill.setAlpha(220)
        draw_disc(painter, QPointF(float(cells.x[i]), float(cells.y[i])), sizes[i] / 2, fill,
                  outline, count_text(int(cells.counts[i])))  # fmt: skip


def draw_disc(painter, centre: QPointF, radius: float, fill: QColor, outline: QPen, text: str):
    painter.setPen(outline)
    painter.setBrush(fill)
    painter.drawEllipse(centre, radius, radius)
    painter.setPen(QColor("#ffffff") if fill.lightness() < 150 else QColor("#000000"))
    box = QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius)
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)


def draw_legend_disc(painter: QPainter, centre: QPointF, u: float) -> None:
    """The legend's swatch for cells: a disc with a count, as on the map."""
    font = painter.font()
    small = QFont(font)
    small.setPixelSize(max(1, round(7 * u)))
    painter.setFont(small)
    draw_disc(painter, centre, 8 * u, QColor(event_colour("airstrike")),
              QPen(QColor(EVENT_OUTLINE), 0.8 * u), "n")  # fmt: skip
    painter.setFont(font)
