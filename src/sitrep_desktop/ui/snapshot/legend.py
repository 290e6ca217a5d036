"""A snapshot's legend: its size, and its drawing (what each colour and symbol means)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen

from sitrep_desktop.geo.label_layout import Box
from sitrep_desktop.services.style import EVENT_OUTLINE, event_colour, event_symbol
from sitrep_desktop.ui.snapshot.drawings import draw_swatch
from sitrep_desktop.ui.snapshot.event_cells import draw_legend_disc
from sitrep_desktop.ui.snapshot.labels import page_font
from sitrep_desktop.ui.snapshot.symbols import draw_place_symbol, draw_symbol

LEGEND_ROW = 20  # units
Entry = tuple[str, str, object]  # kind (faction, symbol, event, cells, annotation), text, value


def legend_size(u: float, entries: list[Entry]) -> tuple[float, float]:
    """Width and height of the legend box in page units."""
    metrics = QFontMetricsF(page_font(12, u))
    width = max(metrics.horizontalAdvance(e[1]) for e in entries) + 46 * u
    return width, LEGEND_ROW * u * len(entries) + 34 * u


def overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def draw_legend(painter: QPainter, entries: list[Entry], where: Box, u: float) -> list[str]:
    """Draw the legend in the box `where`; return its lines' texts (for the sidecar)."""
    font = page_font(12, u)
    metrics = QFontMetricsF(font)
    row = LEGEND_ROW * u
    box = QRectF(*where)
    painter.setPen(QPen(QColor("#9e9e9e"), 0.8 * u))
    painter.setBrush(QColor(255, 255, 255, 230))
    painter.drawRect(box)
    painter.setFont(page_font(12, u, bold=True))
    painter.setPen(QColor("#212121"))
    painter.drawText(QPointF(box.left() + 8 * u, box.top() + 18 * u), "Legend")
    painter.setFont(font)
    y = box.top() + 26 * u
    for kind, text, value in entries:
        centre = QPointF(box.left() + 18 * u, y + row / 2)
        painter.setPen(QPen(QColor("#212121"), 0.8 * u))
        if kind == "faction":
            painter.setBrush(QColor(value))
            painter.drawEllipse(centre, 6 * u, 6 * u)
        elif kind == "symbol":
            painter.setBrush(QColor("#bdbdbd"))
            draw_place_symbol(painter, str(value), centre, 6 * u)
        elif kind == "event":
            painter.setPen(QPen(QColor(EVENT_OUTLINE), 0.7 * u))
            painter.setBrush(QColor(event_colour(str(value))))
            draw_symbol(painter, event_symbol(str(value)), centre, 11 * u)
        elif kind == "cells":  # events aggregated where dense
            draw_legend_disc(painter, centre, u)
        else:
            draw_swatch(painter, value, centre, u)  # type: ignore[arg-type]
            painter.setFont(font)
        painter.setPen(QColor("#212121"))
        painter.drawText(QPointF(box.left() + 34 * u, y + row / 2 + metrics.ascent() / 2.5), text)
        y += row
    return [e[1] for e in entries]
