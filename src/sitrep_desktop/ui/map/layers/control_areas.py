"""Estimated areas of control drawn under the places: translucent, and labelled as an estimate.

The areas come from geo.control_areas; this layer only draws them, follows the
"as of" time and control changes, and can turn them into ordinary editable
polygons through a command.
"""

from __future__ import annotations

import numpy as np
import shapely
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPen
from PySide6.QtWidgets import QGraphicsPathItem

from sitrep_desktop.commands.annotation_commands import AddAnnotations
from sitrep_desktop.domain import Annotation
from sitrep_desktop.geo.control_areas import ControlArea
from sitrep_desktop.geo.label_anchors import CENTRED, RANK_ESTIMATE, area_anchors
from sitrep_desktop.services.style import ESTIMATE_FILL_OPACITY, ESTIMATE_LABEL, UNKNOWN_COLOUR
from sitrep_desktop.store import StoreChange
from sitrep_desktop.ui.map.layers.drawings import geometry_path
from sitrep_desktop.ui.map.texts import MapText

Z_VALUE = 2  # above the basemap, below drawings, events and places
# A change of any of these can move an estimated border.
RELEVANT_KINDS = ("control_change", "place", "faction", "*")


class ControlAreaLayer(QObject):
    """The estimated control areas on `window.canvas`, recomputed when time or control moves."""

    def __init__(self, window, enabled: bool = True) -> None:
        super().__init__(window)
        self.window = window
        self.enabled = enabled
        self.areas: list[ControlArea] = []
        self.items: dict[str, QGraphicsPathItem] = {}
        # faction id: (its label, the anchors it was made with, the area in lon/lat)
        self.labels: dict[str, tuple[MapText, list, object]] = {}
        window.time_state.sigChanged.connect(lambda _at: self.recompute())
        window.signals.sigChanged.connect(self._on_store_changed)
        # Before the canvas arranges its texts for the new view (on its transform change).
        window.canvas.view.sigRangeChanged.connect(lambda *_: self.follow_view())
        self.recompute()

    def set_enabled(self, enabled: bool) -> None:
        self.enabled = enabled
        self.recompute()

    def recompute(self) -> None:
        """Work the areas out again for the current time, and redraw them."""
        self._clear()
        canvas = getattr(self.window, "canvas", None)
        if not self.enabled or self.window.store is None:
            self.areas = []
            if canvas is not None:
                canvas.arrange_texts()
            return
        # The canvas's situation is current: it hears the store's news first.
        situation = canvas.situation
        self.areas = situation.estimated_areas(self.window.time_state.at)
        for area in self.areas:
            faction = situation.factions.get(area.faction_id)
            name = faction.short_name if faction else "?"
            colour = faction.colour if faction else UNKNOWN_COLOUR
            self.items[area.faction_id] = self._draw(area, name, colour)
        self.follow_view(arrange=False)
        canvas.arrange_texts()  # the warnings take spots clear of places and drawings

    def faction_at(self, lat: float, lon: float) -> str | None:
        """The faction whose estimated area is drawn at (lat, lon)."""
        return next((a.faction_id for a in self.areas if a.contains(lat, lon)), None)

    def as_annotations(self) -> list[Annotation]:
        """The areas as polygons an analyst can edit, valid from the time they show."""
        at = self.window.time_state.at
        factions = {f.id: f for f in self.window.store.factions.all()}
        when = f" as of {at.text}" if at is not None else ""
        annotations = []
        for area in self.areas:
            faction = factions.get(area.faction_id)
            name = faction.short_name if faction else "unknown"
            annotations.append(
                Annotation(
                    kind="polygon",
                    geometry=shapely.to_wkt(area.geometry, rounding_precision=5),
                    label=f"{name} area (estimate{when})",
                    style={
                        "colour": faction.colour if faction else "#9e9e9e",
                        "width": 1.5,
                        "dash": "dash",
                        "fill_opacity": 0.2,
                        "preset": "area of control",
                        "faction_id": area.faction_id,
                    },
                    valid_from=at,
                    notes="Converted from the estimated control areas (nearest known holder).",
                )
            )
        return annotations

    def convert_to_annotations(self) -> bool:
        """Add the areas as editable polygons (one undo step)."""
        annotations = self.as_annotations()
        if not annotations:
            return False
        command = AddAnnotations(annotations, "convert estimated control areas to drawings")
        return self.window.undo_stack.run(command, self.window)

    # -- drawing ---------------------------------------------------------------------
    def _draw(self, area: ControlArea, name: str, colour: str) -> QGraphicsPathItem:
        canvas = self.window.canvas
        path = geometry_path(area.geometry.wkt, canvas.projection)
        item = QGraphicsPathItem(path)
        fill = QColor(colour)
        fill.setAlphaF(ESTIMATE_FILL_OPACITY)
        item.setBrush(QBrush(fill))
        # Hatched over the tint, as on paper: an estimate never passes for known ground.
        hatch = HatchItem(path, item)
        hatch.setBrush(QBrush(QColor(colour), Qt.BrushStyle.BDiagPattern))
        hatch.setPen(QPen(Qt.PenStyle.NoPen))
        pen = QPen(QColor(colour), 1.0, Qt.PenStyle.DotLine)
        pen.setCosmetic(True)
        item.setPen(pen)
        item.setZValue(Z_VALUE)
        item.setToolTip(f"{name}: estimated area (nearest known holder), not a front line")
        item.setData(0, ("control_area", area.faction_id))
        text = ESTIMATE_LABEL.format(name=name)
        font = QFont()
        font.setItalic(True)
        font.setPointSizeF(9.0)
        for k, (piece, follows) in enumerate(_labelled_pieces(area.geometry)):
            # Anchored in the piece without its holes, so the warning sits on solid ground.
            lon, lat = np.array(area_anchors(shapely.Polygon(piece.exterior))).T
            x, y = canvas.lonlat_to_view(lon, lat)
            label = MapText(text, item, list(zip(x, y)), CENTRED, RANK_ESTIMATE)
            # The first is the faction's own key; the others (Aleppo's piece beside
            # Hama's) are labelled too, so every sizeable piece says it is an estimate.
            self.labels[area.faction_id if k == 0 else f"{area.faction_id}#{k}"] = (
                label,
                label.anchors,
                follows,
            )
            label.setFont(font)
            label.setBrush(QBrush(QColor(colour).darker(130)))
            label.take(0, 0)
        canvas.addItem(item)
        return item

    def follow_view(self, arrange: bool = True) -> None:
        """Zoomed in, the places the labels were anchored at may be out of view: each
        label may also sit inside the part of its area in view, so an estimate is
        labelled wherever it shows."""
        canvas = getattr(self.window, "canvas", None)
        if canvas is None or not self.labels:
            return
        view = shapely.box(*canvas.visible_lonlat())
        moved = False
        for label, anchors, geometry in self.labels.values():
            seen = geometry.intersection(view)
            extra = []
            if not seen.is_empty and seen.area < 0.5 * geometry.area:
                point = seen.representative_point()
                extra = [tuple(float(v) for v in canvas.lonlat_to_view(point.x, point.y))]
            if label.anchors != [*anchors, *extra]:
                moved = True
                label.anchors = [*anchors, *extra]
                # The spot the label holds may now be elsewhere: sit there again.
                anchor, offset = label.spot
                label.take(anchor if anchor < len(label.anchors) else 0, offset)
        if arrange or moved:
            canvas.arrange_texts()

    def _clear(self) -> None:
        canvas = getattr(self.window, "canvas", None)
        self.labels = {}
        for item in self.items.values():
            if canvas is not None:
                canvas.removeItem(item)
        self.items = {}

    def _on_store_changed(self, change: StoreChange) -> None:
        if change.kind in RELEVANT_KINDS:
            self.recompute()


class HatchItem(QGraphicsPathItem):
    """The hatching over an estimated area, in screen pixels at every zoom: Qt
    scales a pattern brush with the view, so it is drawn without the view's scale."""

    def paint(self, painter, option, widget=None) -> None:
        transform = painter.worldTransform()
        painter.save()
        painter.setBrush(self.brush())
        painter.setPen(self.pen())
        brush = painter.brush()
        brush.setTransform(transform.inverted()[0])
        painter.setBrush(brush)
        painter.drawPath(self.path())
        painter.restore()


def _polygons(shape) -> list:
    return list(shape.geoms) if shape.geom_type == "MultiPolygon" else [shape]


# A piece at least this share of the area's largest takes a label of its own.
LABELLED_PIECE_SHARE = 1 / 3


def _labelled_pieces(shape) -> list[tuple[object, object]]:
    """(piece, what its label follows into view) for each sizeable piece, largest
    first; the small pieces are followed by the largest piece's label, so an
    estimate zoomed into anywhere is still labelled."""
    parts = sorted(_polygons(shape), key=lambda p: -p.area)
    big = [p for p in parts if p.area >= LABELLED_PIECE_SHARE * parts[0].area]
    small = parts[len(big) :]
    first = shapely.union_all([big[0], *small]) if small else big[0]
    return [(big[0], first), *((piece, piece) for piece in big[1:])]
