"""Annotated snapshots of the map: PNG, SVG or PDF, drawn headless with QPainter.

The picture holds the basemap, places coloured by control at the chosen time,
the annotations valid then (styled as on the canvas: snapshot_drawings) and
events, the drawings' labels and place names laid out clear of each other
(snapshot_labels), a title and "situation as of" line, a legend, a scale bar
measured on the ellipsoid, a north arrow, a graticule, the data sources'
attribution and a short hash of the database content. A JSON sidecar records
what was drawn. SVG and PDF stay vector (paths and text, not an embedded image).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QPen,
    QPolygonF,
)
from PySide6.QtSvg import QSvgGenerator

from sitrep_desktop import __version__
from sitrep_desktop.geo import basemap
from sitrep_desktop.geo.geodesy import inverse
from sitrep_desktop.geo.label_layout import Box
from sitrep_desktop.geo.projection import default_projection
from sitrep_desktop.geo.units import nice_length
from sitrep_desktop.services.situation import Situation, event_marker_xy
from sitrep_desktop.services.snapshot import SnapshotRequest, as_of_text
from sitrep_desktop.services.style import (
    BASEMAP_LINES,
    EVENT_OUTLINE,
    LAND,
    PAPER,
    PAPER_ATTRIBUTION,
    SEA,
    event_colour,
    event_symbol,
    place_size,
)
from sitrep_desktop.store import Store
from sitrep_desktop.store.content_hash import content_hash
from sitrep_desktop.ui.map.panels.time_control import last_known_time
from sitrep_desktop.ui.snapshot.background_names import (
    draw_background_names,
    lay_out_background_names,
)
from sitrep_desktop.ui.snapshot.basemap import (
    PAGE_TOLERANCE,
    lines_path,
    page_lines,
    page_polygons,
    polygons_path,
)
from sitrep_desktop.ui.snapshot.drawings import draw_drawing, labelled_pieces
from sitrep_desktop.ui.snapshot.event_cells import (
    LEGEND_TEXT,
    cell_marks,
    draw_cells,
    page_cells,
)
from sitrep_desktop.ui.snapshot.graticule import draw_graticule, draw_graticule_labels
from sitrep_desktop.ui.snapshot.labels import (
    PlaceMark,
    draw_labels,
    halo_text,
    lay_out_labels,
    page_font,
)
from sitrep_desktop.ui.snapshot.legend import draw_legend, legend_size, overlaps
from sitrep_desktop.ui.snapshot.symbols import draw_place_symbol, draw_symbol

ATTRIBUTION_LINE = PAPER_ATTRIBUTION
_DASHES = {
    "solid": Qt.PenStyle.SolidLine,
    "dot": Qt.PenStyle.DotLine,
    "dashdot": Qt.PenStyle.DashDotLine,
}
BASEMAP_STYLE = tuple(  # layer, colour, width (page units), dash: as on screen
    (layer, style.colour, style.paper_width, _DASHES[style.paper_dash])
    for layer, style in BASEMAP_LINES.items()
)
EVENT_RADIUS = 4.5  # units: an event's diamond


class Snapshot:
    """One picture: call `render(path)`; `info` afterwards is the sidecar's content."""

    def __init__(
        self, store: Store, request: SnapshotRequest, situation: Situation | None = None
    ) -> None:
        self.store = store
        self.request = request
        self.projection = default_projection()
        # Who holds what, which events and drawings show: the map's own answer.
        self.situation = situation or Situation(store, self.projection)
        self.info: dict = {}
        # What the last paint laid out, for callers and tests: each label's text
        # and page box (left, top, width, height), the arrow heads, the legend box.
        self.label_boxes: list[tuple[str, Box]] = []
        self.arrow_heads: list[QPolygonF] = []
        self.legend_box: Box | None = None
        self.background_names: list = []  # country and town names drawn
        self.event_categories: list[str] = []  # of the events drawn, for the legend
        self.event_cells = None  # EventCells when the extent holds too many for markers

    # -- output ----------------------------------------------------------------------
    def render(self, path: str | Path) -> dict:
        path = Path(path)
        width, height = self.request.page_pixels()
        fmt = self.request.fmt
        if fmt == "png":
            # Opaque paper: RGB32 paints and encodes faster than ARGB32 (no alpha to blend
            # or store) and the PNG is a tenth smaller.
            image = QImage(width, height, QImage.Format.Format_RGB32)
            image.setDotsPerMeterX(round(self.request.dpi / 0.0254))
            image.setDotsPerMeterY(round(self.request.dpi / 0.0254))
            image.fill(QColor(PAPER))
            self._paint_on(image, width, height)
            if not image.save(str(path), "PNG"):
                raise OSError(f"could not write {path}")
        elif fmt == "svg":
            generator = QSvgGenerator()
            generator.setFileName(str(path))
            generator.setSize(QSize(width, height))
            generator.setViewBox(QRectF(0, 0, width, height))
            generator.setTitle(self.request.title)
            generator.setDescription("SitRep Desktop snapshot")
            self._paint_on(generator, width, height)
        elif fmt == "pdf":
            writer = QPdfWriter(str(path))
            writer.setResolution(self.request.dpi)
            writer.setTitle(self.request.title)
            writer.setCreator(f"SitRep Desktop {__version__}")
            page = QPageSize(QSizeF_mm(width, height, self.request.dpi), QPageSize.Unit.Millimeter)
            writer.setPageLayout(QPageLayout(page, QPageLayout.Orientation.Portrait, QMarginsF()))
            self._paint_on(writer, width, height)
        else:
            raise ValueError(f"unknown snapshot format {fmt!r} (png, svg or pdf)")
        self.info["file"] = str(path)
        sidecar = path.with_name(path.name + ".json")
        sidecar.write_text(json.dumps(self.info, indent=2, ensure_ascii=False), encoding="utf-8")
        return self.info

    def _paint_on(self, device, width: int, height: int) -> None:
        painter = QPainter(device)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            # For PDF the device may be a little larger than asked (rounding to points).
            self.paint(painter, QRectF(0, 0, width, height))
        finally:
            painter.end()

    # -- the page ----------------------------------------------------------------------
    def paint(self, painter: QPainter, page: QRectF) -> None:
        self.u = min(page.width(), page.height()) / 1000.0  # one "unit" of the layout
        u = self.u
        painter.fillRect(page, QColor(PAPER))
        title_h, footer_h = 70 * u, 44 * u
        self.frame = QRectF(
            page.left() + 20 * u,
            page.top() + title_h,
            page.width() - 40 * u,
            page.height() - title_h - footer_h,
        )
        self._fit_extent()
        request = self.request
        annotations = self.situation.drawings_at(request.at) if request.shows("drawings") else []
        estimates = (
            labelled_pieces(self.situation.estimate_drawings(request.at))
            if request.shows("estimates")
            else []
        )
        events, places = self._marks()
        legend_entries = self._legend_entries(annotations, estimates)
        self.legend_box = self._legend_place(legend_entries, places, events)
        if self.legend_box is None:  # every corner would hide data: beside the map instead
            width = legend_size(self.u, legend_entries)[0]
            self.frame.setWidth(self.frame.width() - width - 10 * u)
            self._fit_extent()
            events, places = self._marks()
            legend_entries = self._legend_entries(annotations, estimates)
            width, height = legend_size(self.u, legend_entries)
            left = self.frame.right() + 10 * u
            self.legend_box = (left, self.frame.bottom() - height, width, height)
        legend_box = self.legend_box
        painter.save()
        painter.setClipRect(self.frame)
        painter.fillRect(self.frame, QColor(SEA))
        if request.shows("basemap"):
            self._draw_basemap(painter)
        self.grid_step = draw_graticule(painter, self.extent, self.to_page, self.frame, self.u)
        self.arrow_heads = [
            head
            for head in (draw_drawing(painter, a, self.to_page, u) for a in annotations)
            if head is not None
        ]
        for estimate in estimates:
            draw_drawing(painter, estimate, self.to_page, u)
        self._draw_events(painter, events)
        self._draw_place_markers(painter, places)
        furniture = [legend_box, *self._furniture_boxes()]
        r = EVENT_RADIUS * u
        event_boxes = [(c.x() - r, c.y() - r, 2 * r, 2 * r) for c, *_ in events]
        labels = lay_out_labels(
            [*annotations, *estimates],
            places,
            event_boxes,
            furniture,
            (self.frame.left(), self.frame.top(), self.frame.right(), self.frame.bottom()),
            self.extent,
            self.to_page,
            u,
        )
        self.background_names = (
            lay_out_background_names(
                self.extent,
                self.to_page,
                places,
                [*(box for _text, box in labels.boxes()), *event_boxes, *furniture],
                (self.frame.left(), self.frame.top(), self.frame.right(), self.frame.bottom()),
                u,
            )
            if request.shows("basemap")
            else []
        )
        draw_background_names(painter, self.background_names, u)
        draw_labels(painter, labels, u)
        self.label_boxes = labels.boxes()
        painter.restore()
        # QSvgGenerator writes no clip: cover whatever the map drew beyond its frame.
        margins = QPainterPath()  # odd-even fill: the page less the frame
        margins.addRect(page)
        margins.addRect(self.frame)
        painter.fillPath(margins, QColor(PAPER))
        painter.setPen(QPen(QColor("#424242"), 1.2 * u))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(self.frame)
        draw_graticule_labels(
            painter, self.extent, self.grid_step, self.to_page, self.frame, self.u,
            self._font(11), legend_box,
        )  # fmt: skip
        self._draw_title(painter, page)
        legend = draw_legend(painter, legend_entries, self.legend_box, self.u)
        scale_km = self._draw_scale_bar(painter)
        self._draw_north_arrow(painter)
        digest = content_hash(self.store)
        self._draw_footer(painter, page, digest)
        drawing_texts = [label.text for label in labels.drawings]
        estimate_texts = {e.label for e in estimates}
        self.info = {
            "app": f"SitRep Desktop {__version__}",
            "generated_utc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "format": request.fmt,
            "page_pixels": [round(page.width()), round(page.height())],
            "paper": request.paper,
            "dpi": request.dpi,
            "title": request.title,
            "subtitle": request.subtitle,
            "orientation": request.orientation,
            "as_of": request.at.text if request.at else None,
            "requested_bbox": list(request.bbox),
            "drawn_bbox": [round(v, 6) for v in self.extent],
            "filters": request.filters,
            "layers": list(request.layers),
            "basemap_layers": [name for name, *_ in BASEMAP_STYLE if request.basemap_shows(name)],
            "content_hash": digest,
            "drawn": {
                "places": len(places),
                "events": self.event_cells.total if self.event_cells is not None else len(events),
                "event_cells": len(self.event_cells) if self.event_cells is not None else 0,
                "annotations": len(annotations),
                "estimated_areas": len(estimates),
            },
            "labels": {
                "drawings": [t for t in drawing_texts if t not in estimate_texts],
                "estimates": [t for t in drawing_texts if t in estimate_texts],
                "places": [name for name, _box in labels.places],
                "background": [name.text for name in self.background_names],
            },
            "legend": legend,
            "scale_bar_km": scale_km,
            "attribution": ATTRIBUTION_LINE,
        }

    # -- geometry ------------------------------------------------------------------------
    def _fit_extent(self) -> None:
        """Grow the requested extent so it fills the frame without distortion, and
        so that no marker of a place in it is cut by the frame's edge."""
        west, south, east, north = self.request.bbox
        x, y = self.projection.forward(np.array([west, east]), np.array([south, north]))
        box = (float(x[0]), float(x[1]), float(y[0]), float(y[1]))
        self._fit(*box)
        if self.request.shows("places"):
            margin = (place_size(10**7) / 2 * 1.3 + 3) * self.u  # the largest marker, and air
            inside = self.situation.places_at(None, self.request.bbox)
            px, py = self.to_page(
                np.array([v.place.lon for v in inside]), np.array([v.place.lat for v in inside])
            )
            frame = self.frame.adjusted(margin, margin, -margin, -margin)
            cut = (px < frame.left()) | (px > frame.right())
            cut |= (py < frame.top()) | (py > frame.bottom())
            if cut.any():
                pad = margin / self.scale
                self._fit(box[0] - pad, box[1] + pad, box[2] - pad, box[3] + pad)

    def _fit(self, x0: float, x1: float, y0: float, y1: float) -> None:
        frame_ratio = self.frame.width() / self.frame.height()
        if (x1 - x0) / (y1 - y0) < frame_ratio:
            grow = ((y1 - y0) * frame_ratio - (x1 - x0)) / 2
            x0, x1 = x0 - grow, x1 + grow
        else:
            grow = ((x1 - x0) / frame_ratio - (y1 - y0)) / 2
            y0, y1 = y0 - grow, y1 + grow
        self.x0, self.x1, self.y0, self.y1 = x0, x1, y0, y1
        self.scale = self.frame.width() / (x1 - x0)
        # Grown past the antimeridian (a whole-world picture on a wide page), the
        # inverse projection would wrap 190°E round to 170°W and the extent would
        # turn inside out: the drawn extent stops at the world's edges.
        world = float(self.projection.forward(180.0, 0.0)[0])
        xs = np.clip(np.array([x0, x1]), -world, world)
        lon, lat = self.projection.inverse(xs, np.array([y0, y1]))
        self.extent = (float(lon[0]), float(lat[0]), float(lon[1]), float(lat[1]))

    def to_page(self, lon, lat) -> tuple[np.ndarray, np.ndarray]:
        x, y = self.projection.forward(lon, lat)
        px = self.frame.left() + (np.asarray(x) - self.x0) * self.scale
        py = self.frame.bottom() - (np.asarray(y) - self.y0) * self.scale
        return px, py

    def basemap_lines(self, layer: str, tolerance: float | None = PAGE_TOLERANCE) -> np.ndarray:
        """A basemap layer's lines in page units as drawn (after `paint` placed the
        frame); ``tolerance=None`` gives them unsimplified."""
        lonlat = basemap.load_layer(layer, self._basemap_level())
        return page_lines(lonlat, self.extent, self.to_page, self._basemap_clip(), tolerance)

    def basemap_land(self, tolerance: float | None = PAGE_TOLERANCE) -> np.ndarray:
        """The land polygons in page units as filled, like `basemap_lines`."""
        polygons = basemap.land_polygons(self._basemap_level())
        return page_polygons(polygons, self.extent, self.to_page, self._basemap_clip(), tolerance)

    def _basemap_level(self) -> str:
        return basemap.level_for_span(self.extent[2] - self.extent[0])

    def _basemap_clip(self) -> tuple[float, float, float, float]:
        # Wider than any basemap pen: no line end, and no edge of the land cut
        # here, shows inside the frame.
        pad = 3 * self.u
        frame = self.frame.adjusted(-pad, -pad, pad, pad)
        return (frame.left(), frame.top(), frame.right(), frame.bottom())

    # -- layers --------------------------------------------------------------------------
    def _draw_basemap(self, painter: QPainter) -> None:
        if self.request.basemap_shows("land"):
            painter.fillPath(polygons_path(self.basemap_land()), QColor(LAND))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for layer, colour, width, dash in BASEMAP_STYLE:
            if not self.request.basemap_shows(layer):
                continue  # hidden on screen: hidden on paper
            pen = QPen(QColor(colour), width * self.u)
            pen.setStyle(dash)
            painter.setPen(pen)
            painter.drawPath(lines_path(self.basemap_lines(layer)))

    def _event_marks(self) -> list[tuple[QPointF, str, str]]:
        """Centre, colour and symbol of each event's marker; an event at a place goes
        beside its marker, by the map's rule (services.situation)."""
        events = self.situation.events
        rows = self.situation.events_at(self.request.at, self.extent)
        px, py = self.to_page(events.lon[rows], events.lat[rows])
        px, py = event_marker_xy(px, py, events.at_place[rows], -self.u)
        self.event_cells = page_cells(px, py, events.code[rows], len(events.categories), self.u)
        if self.event_cells is not None:  # aggregated as on screen
            self.event_categories = []
            return [
                (centre, colour, "")
                for centre, colour in cell_marks(self.event_cells, events.categories)
            ]
        styles = [(event_colour(c), event_symbol(c)) for c in events.categories]
        self.event_categories = sorted({events.categories[c] for c in set(events.code[rows])})
        return [
            (QPointF(float(x), float(y)), *styles[code])
            for x, y, code in zip(px, py, events.code[rows])
        ]

    def _draw_events(self, painter: QPainter, marks: list[tuple[QPointF, str, str]]) -> None:
        if self.event_cells is not None:
            draw_cells(painter, self.event_cells, self.situation.events.categories, self.u)
            return
        size = 2 * EVENT_RADIUS * self.u * 1.15
        painter.setPen(QPen(QColor(EVENT_OUTLINE), 0.7 * self.u))
        for centre, colour, symbol in marks:
            painter.setBrush(QColor(colour))
            draw_symbol(painter, symbol, centre, size)

    def _place_marks(self) -> list[PlaceMark]:
        """The places in the extent, biggest first (their names choose first)."""
        views = sorted(
            self.situation.places_at(self.request.at, self.extent),
            key=lambda v: (-(v.place.population or 0), v.place.name),
        )
        marks = []
        for view in views:
            place = view.place
            px, py = self.to_page(place.lon, place.lat)
            marks.append(
                PlaceMark(
                    place.name,
                    place.kind,
                    place.population or 0,
                    float(px),
                    float(py),
                    place_size(place.population) / 2 * self.u * 1.3,
                    view.colour,
                )
            )
        return marks

    def _draw_place_markers(self, painter: QPainter, marks: list[PlaceMark]) -> None:
        painter.setPen(QPen(QColor("#212121"), 0.9 * self.u))
        for mark in marks:  # small places last: a base stays visible on its city
            painter.setBrush(QColor(mark.colour))
            draw_place_symbol(painter, mark.kind, QPointF(mark.x, mark.y), mark.radius)

    # -- furniture ---------------------------------------------------------------------
    def _draw_title(self, painter: QPainter, page: QRectF) -> None:
        u = self.u
        painter.setPen(QColor("#212121"))
        painter.setFont(self._font(26, bold=True))
        painter.drawText(QPointF(page.left() + 20 * u, page.top() + 34 * u), self.request.title)
        painter.setFont(self._font(15))
        at = self.request.at or last_known_time(self.store)  # latest: say which day
        latest = " (the latest entries)" if self.request.at is None and at else ""
        line = f"Situation as of {as_of_text(at)}{latest}"
        if self.request.subtitle:  # one line: the map keeps its height
            line = f"{self.request.subtitle} · {line}"
        painter.drawText(QPointF(page.left() + 20 * u, page.top() + 58 * u), line)

    def _legend_entries(self, annotations: list, estimates: list) -> list[tuple[str, str, object]]:
        factions = list(self.situation.factions.values())
        entries: list[tuple[str, str, object]] = [("faction", f.name, f.colour) for f in factions]
        entries += [
            ("symbol", "town / city", "city"),
            ("symbol", "air base", "air_base"),
            ("symbol", "naval / military base", "naval_base"),
        ]
        entries += [("event", category, category) for category in self.event_categories]
        if self.event_cells is not None:
            entries.append(("cells", LEGEND_TEXT, None))
        entries += [("annotation", a.label, a) for a in annotations if a.label][:6]
        if estimates:  # one sample: the colours are the factions' above
            entries.append(("annotation", "estimated area (nearest known holder)", estimates[0]))
        return entries

    def _marks(self) -> tuple[list, list[PlaceMark]]:
        """The event and place markers for the frame as it is now."""
        events = self._event_marks() if self.request.shows("events") else []
        places = self._place_marks() if self.request.shows("places") else []
        return events, places

    def _legend_place(self, entries: list, places: list[PlaceMark], events: list) -> Box | None:
        """The first corner of the frame where the legend hides no place or event
        marker (bottom left, top left, top right, bottom right), or None. Known
        before anything is labelled: no name goes under it."""
        u, frame = self.u, self.frame
        width, height = legend_size(self.u, entries)
        left, right = frame.left() + 10 * u, frame.right() - width - 60 * u
        top, bottom = frame.top() + 10 * u, frame.bottom() - height - 26 * u
        r = EVENT_RADIUS * u
        markers = [(m.x - m.radius, m.y - m.radius, 2 * m.radius, 2 * m.radius) for m in places]
        markers += [(c.x() - r, c.y() - r, 2 * r, 2 * r) for c, *_ in events]
        for x, y in ((left, bottom), (left, top), (right, top), (right, bottom - 24 * u)):
            box = (x, y, width, height)
            if not any(overlaps(box, marker) for marker in markers):
                return box
        return None

    def _furniture_boxes(self) -> list[Box]:
        """The scale bar (with its label) and the north arrow, drawn over the map."""
        u, frame = self.u, self.frame
        scale_bar = (frame.right() - 262 * u, frame.bottom() - 40 * u, 206 * u, 30 * u)
        north = (frame.right() - 50 * u, frame.top() + 14 * u, 28 * u, 46 * u)
        return [scale_bar, north]

    def _draw_scale_bar(self, painter: QPainter) -> float:
        """A bar whose length is measured on the ellipsoid at the bar's own latitude."""
        u = self.u
        y = self.frame.bottom() - 22 * u
        left = self.frame.right() - 260 * u
        lat, lon0 = self._page_to_latlon(left, y)
        _, lon1 = self._page_to_latlon(left + 100 * u, y)
        metres_per_unit = inverse(lat, lon0, lat, lon1).distance_m / (100 * u)
        length_m = nice_length(metres_per_unit * 200 * u)
        length_px = length_m / metres_per_unit
        painter.setPen(QPen(QColor("#212121"), 1.2 * u))
        for i, colour in enumerate(("#212121", "#ffffff")):
            painter.setBrush(QColor(colour))
            painter.drawRect(QRectF(left + i * length_px / 2, y, length_px / 2, 6 * u))
        painter.setFont(self._font(11))
        km = length_m / 1000
        label = f"{km:g} km ({km / 1.609344:.1f} mi)"
        halo_text(painter, QPointF(left, y - 5 * u), label, u)
        return km

    def _page_to_latlon(self, px: float, py: float) -> tuple[float, float]:
        x = self.x0 + (px - self.frame.left()) / self.scale
        y = self.y0 + (self.frame.bottom() - py) / self.scale
        lon, lat = self.projection.inverse(x, y)
        return float(lat), float(lon)

    def _draw_north_arrow(self, painter: QPainter) -> None:
        # Web Mercator keeps north straight up everywhere on the map.
        u = self.u
        tip = QPointF(self.frame.right() - 36 * u, self.frame.top() + 18 * u)
        arrow = QPolygonF(
            [
                tip,
                tip + QPointF(12 * u, 36 * u),
                tip + QPointF(0, 28 * u),
                tip + QPointF(-12 * u, 36 * u),
            ]
        )
        painter.setPen(QPen(QColor("#212121"), 1 * u))
        painter.setBrush(QColor("#212121"))
        painter.drawPolygon(arrow)
        painter.setFont(self._font(14, bold=True))
        halo_text(painter, tip + QPointF(-5 * u, 54 * u), "N", u)

    def _draw_footer(self, painter: QPainter, page: QRectF, digest: str) -> None:
        u = self.u
        painter.setPen(QColor("#616161"))
        painter.setFont(self._font(10))
        painter.drawText(QPointF(page.left() + 20 * u, page.bottom() - 22 * u), ATTRIBUTION_LINE)
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        painter.drawText(
            QPointF(page.left() + 20 * u, page.bottom() - 8 * u),
            f"Data hash {digest[:12]} · made {stamp} · Web Mercator, WGS84",
        )

    def _font(self, size: float, bold: bool = False) -> QFont:
        return page_font(size, self.u, bold)


def QSizeF_mm(width_px: int, height_px: int, dpi: int):  # noqa: N802 (Qt-style factory)
    from PySide6.QtCore import QSizeF

    return QSizeF(width_px / dpi * 25.4, height_px / dpi * 25.4)
