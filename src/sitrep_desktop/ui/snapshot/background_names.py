"""Country and town names on a snapshot, as the map shows them, so a reader can orient.

After the drawings' labels and the database's place names have their spots,
the basemap's country names (centred, by area) and the gazetteer's towns (a dot
and a name, by population) take what space is left, biggest first, never over
a marker, a label or the page's furniture (``geo.label_layout.layout_labels``).
The same level of detail as on screen decides how small a town may be named.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QFontMetricsF, QPainter

from sitrep_desktop.geo import basemap
from sitrep_desktop.geo.gazetteer import Gazetteer
from sitrep_desktop.geo.label_layout import Box, layout_labels
from sitrep_desktop.geo.label_priority import MIN_PRIORITY, country_priority
from sitrep_desktop.ui.snapshot.drawings import ToPage
from sitrep_desktop.ui.snapshot.labels import PlaceMark, page_font

COUNTRY_TEXT, TOWN_TEXT = 14.0, 10.5  # units
COUNTRY_COLOUR, TOWN_COLOUR = "#5d4e63", "#3c3c3c"
DOT = 2.2  # units: a town's dot
MAX_NAMES = 200  # the biggest in the extent are offered; the layout keeps what fits
# Paper is read at a glance: only the biggest towns, enough to orient, not a gazetteer.
MAX_TOWNS = 30
MIN_TOWN_POPULATION = 15_000


@dataclass(frozen=True)
class BackgroundName:
    text: str
    kind: str  # country or town
    x: float  # the named point, page units
    y: float
    box: Box


def lay_out_background_names(
    extent: tuple[float, float, float, float],
    to_page: ToPage,
    places: Sequence[PlaceMark],
    obstacles: Sequence[Box],
    bounds: tuple[float, float, float, float],
    u: float,
) -> list[BackgroundName]:
    """The country and town names that fit, with their page boxes."""
    west, south, east, north = extent
    level = basemap.level_for_span(east - west)
    texts, kinds, lon, lat, priority = _candidates(extent, MIN_PRIORITY[level])
    if not texts:
        return []
    px, py = (np.atleast_1d(v).astype(float) for v in to_page(lon, lat))
    # A town the database holds is named once, as the database's place.
    keep = np.ones(len(texts), bool)
    for place in places:
        near = np.hypot(px - place.x, py - place.y) < place.radius + 4 * u
        keep &= ~(near & (np.array(kinds) == "town"))
    index = np.flatnonzero(keep)[:MAX_NAMES]
    fonts = {
        kind: page_font(size, u) for kind, size in (("country", COUNTRY_TEXT), ("town", TOWN_TEXT))
    }
    metrics = {kind: QFontMetricsF(font) for kind, font in fonts.items()}
    widths = np.array([metrics[kinds[i]].horizontalAdvance(texts[i]) for i in index])
    heights = np.array([metrics[kinds[i]].height() for i in index])
    marker_boxes = [(p.x - p.radius, p.y - p.radius, 2 * p.radius, 2 * p.radius) for p in places]
    placed = layout_labels(
        px[index],
        py[index],
        widths,
        heights,
        priority[index],
        gap=DOT * u + 2 * u,
        padding=2 * u,
        centred=np.array([kinds[i] == "country" for i in index]),
        bounds=bounds,
        obstacles=[*obstacles, *marker_boxes],
    )
    return [
        BackgroundName(
            texts[index[b.index]],
            kinds[index[b.index]],
            float(px[index[b.index]]),
            float(py[index[b.index]]),
            (b.left, b.top, b.width, b.height),
        )
        for b in placed
    ]


def draw_background_names(painter: QPainter, names: Sequence[BackgroundName], u: float) -> None:
    for kind, size, colour in (
        ("country", COUNTRY_TEXT, COUNTRY_COLOUR),
        ("town", TOWN_TEXT, TOWN_COLOUR),
    ):
        font = page_font(size, u)
        ascent = QFontMetricsF(font).ascent()
        painter.setFont(font)
        for name in (n for n in names if n.kind == kind):
            if kind == "town":
                painter.setPen(QColor("#ffffff"))
                painter.setBrush(QColor(colour))
                painter.drawEllipse(QPointF(name.x, name.y), DOT * u, DOT * u)
            left, top, _width, _height = name.box
            _light_halo_text(painter, QPointF(left, top + ascent), name.text, u, colour)


def _light_halo_text(painter: QPainter, at: QPointF, text: str, u: float, colour: str) -> None:
    """Text over a halo of the same text in white, nudged four ways: on a PDF this
    stays a few text runs, where an outlined path per glyph (labels.halo_text)
    would double the file for names that are only background."""
    painter.setPen(QColor(255, 255, 255, 230))
    for dx, dy in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        painter.drawText(at + QPointF(dx * u, dy * u), text)
    painter.setPen(QColor(colour))
    painter.drawText(at, text)


def _candidates(extent, min_priority: float):
    """Names inside `extent` worth showing at its level: (texts, kinds, lon, lat, priority)."""
    west, south, east, north = extent
    texts: list[str] = []
    kinds: list[str] = []
    lons: list[float] = []
    lats: list[float] = []
    priority: list[float] = []
    for label in basemap.labels("country"):
        if west <= label.lon <= east and south <= label.lat <= north:
            texts.append(label.name)
            kinds.append("country")
            lons.append(label.lon)
            lats.append(label.lat)
            priority.append(country_priority(label.area_km2))
    names, lon, lat, population = Gazetteer.load().towns()
    inside = (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)
    inside &= population >= max(min_priority, MIN_TOWN_POPULATION)
    order = np.flatnonzero(inside)[np.argsort(-population[inside], kind="stable")][:MAX_TOWNS]
    texts += [names[i] for i in order]
    kinds += ["town"] * len(order)
    lons += lon[order].tolist()
    lats += lat[order].tolist()
    priority += population[order].tolist()
    return texts, kinds, np.array(lons, float), np.array(lats, float), np.array(priority, float)
