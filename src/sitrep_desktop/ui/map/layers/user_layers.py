"""Users' own layers on the canvas: vector files as lines and points, MBTiles as background.

The list of layers lives in the project database (store.layers); this module
turns each row into graphics items and keeps them in step with the table.
Vector lines reuse the basemap's culled, NaN-separated path groups.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPen
from PySide6.QtWidgets import QGraphicsItem

from sitrep_desktop.io.mbtiles import MBTiles, MBTilesError, tile_bounds, tiles_for
from sitrep_desktop.io.vector_layers import LayerFileError, VectorData, format_of, read_vector_layer
from sitrep_desktop.store.layers import UserLayer, UserLayerRepository
from sitrep_desktop.ui.map.layers.basemap import LineGroups, group_lines

DEFAULT_STYLE = {"colour": "#e65100", "width": 1, "opacity": 1.0}
USER_LAYER_Z = 8.0  # above the basemap, below annotations and places
TILE_Z = 0.5  # background, under the basemap lines


class VectorLayerItem(pg.GraphicsObject):
    """A user's lines (culled groups) and points."""

    def __init__(self, data: VectorData, projection, style: dict) -> None:
        super().__init__()
        self.data = data
        self.groups: LineGroups = group_lines(data.lines, projection)
        self._bounds = self.groups.rect()
        self.points = pg.ScatterPlotItem(pxMode=True, size=6, parent=self)
        if len(data.points):
            x, y = projection.forward(data.points[:, 0], data.points[:, 1])
            self.points.setData(x=np.atleast_1d(x), y=np.atleast_1d(y), data=list(data.point_names))
            self._bounds = self._bounds.united(self.points.boundingRect())
        self.set_style(style)

    def set_style(self, style: dict) -> None:
        style = {**DEFAULT_STYLE, **style}
        colour = QColor(style["colour"])
        pen = QPen(colour)
        pen.setCosmetic(True)
        pen.setWidthF(float(style["width"]) if float(style["width"]) > 1 else 0)
        self._pen = pen
        self.setOpacity(float(style["opacity"]))
        self.points.setBrush(pg.mkBrush(colour))
        self.points.setPen(pg.mkPen("#ffffff"))
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt override)
        return self._bounds

    def paint(self, painter, option, widget=None) -> None:
        view = self.viewRect()
        indices = (
            np.arange(len(self.groups))
            if view is None
            else self.groups.visible(view.left(), view.top(), view.right(), view.bottom())
        )
        painter.setPen(self._pen)
        for index in indices:
            painter.drawPath(self.groups.path(int(index)))


class TileLayerItem(pg.GraphicsObject):
    """Raster MBTiles tiles at the zoom that fits the view, decoded once and cached."""

    def __init__(self, tiles: MBTiles, projection) -> None:
        super().__init__()
        self.tiles = tiles
        self.projection = projection
        self._cache: dict[tuple[int, int, int], tuple[QRectF, QImage] | None] = {}
        self.setZValue(TILE_Z)

    def set_style(self, style: dict) -> None:
        self.setOpacity(float({**DEFAULT_STYLE, **style}["opacity"]))

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt override)
        return QRectF(-2.0037e7, -2.0037e7, 4.0075e7, 4.0075e7)

    def paint(self, painter, option, widget=None) -> None:
        view = self.viewRect()
        if view is None:
            return
        lon, lat = self.projection.inverse(
            np.array([view.left(), view.right()]), np.array([view.top(), view.bottom()])
        )
        pixels = max(painter.device().width(), 1) if painter.device() else 1000
        z = self.tiles.zoom_for((float(lon[1]) - float(lon[0])) / pixels)
        for x, y in tiles_for(float(lon[0]), float(min(lat)), float(lon[1]), float(max(lat)), z):
            found = self._tile(z, x, y)
            if found is not None:
                rect, image = found
                painter.drawImage(rect, image)

    def _tile(self, z: int, x: int, y: int):
        key = (z, x, y)
        if key not in self._cache:
            data = self.tiles.tile(z, x, y)
            image = QImage.fromData(data) if data else QImage()
            if image.isNull():
                self._cache[key] = None
            else:
                # Flipped once here, not at every paint: the map's y axis points up.
                image = image.flipped(Qt.Orientation.Vertical)
                west, south, east, north = tile_bounds(z, x, y)
                px, py = self.projection.forward(np.array([west, east]), np.array([south, north]))
                rect = QRectF(
                    float(px[0]), float(py[0]), float(px[1] - px[0]), float(py[1] - py[0])
                )
                self._cache[key] = (rect, image)
        return self._cache[key]


def open_layer_file(path: str | Path) -> UserLayer:
    """A UserLayer row for a file the user picked (checked readable first)."""
    path = Path(path)
    name = path.name.removesuffix(".osm.pbf") if path.name.endswith(".osm.pbf") else path.stem
    if path.suffix.lower() == ".mbtiles":
        MBTiles(path).close()
        return UserLayer(name=name, path=str(path), format="MBTiles", style={"opacity": 1.0})
    fmt = format_of(path)
    read_vector_layer(path)  # refuse now, with the reason, rather than at every start
    return UserLayer(name=name, path=str(path), format=fmt, style=dict(DEFAULT_STYLE))


class UserLayers:
    """The canvas items of the database's user layers, rebuilt when the table changes."""

    def __init__(self, canvas) -> None:
        self.canvas = canvas
        self.repository = UserLayerRepository(canvas.store)
        self.items: dict[str, QGraphicsItem] = {}
        self.errors: dict[str, str] = {}
        self.reload()

    def reload(self) -> None:
        layers = self.repository.all()
        wanted = {layer.id for layer in layers}
        for layer_id in list(self.items):
            if layer_id not in wanted:
                self.canvas.removeItem(self.items.pop(layer_id))
        for order, layer in enumerate(layers):
            item = self.items.get(layer.id)
            if item is None:
                item = self._make(layer)
                if item is None:
                    continue
                self.canvas.addItem(item)
                self.items[layer.id] = item
            item.set_style(layer.style)
            item.setVisible(layer.visible)
            if layer.format != "MBTiles":
                item.setZValue(USER_LAYER_Z + order * 0.01)

    def _make(self, layer: UserLayer):
        try:
            if layer.format == "MBTiles":
                return TileLayerItem(MBTiles(layer.path), self.canvas.projection)
            data = read_vector_layer(layer.path, layer.layer)
            return VectorLayerItem(data, self.canvas.projection, layer.style)
        except (LayerFileError, MBTilesError, OSError) as exc:
            # A moved or deleted file must not stop the map from opening.
            self.errors[layer.id] = str(exc)
            return None

    def add_file(self, path: str | Path) -> UserLayer:
        return self.repository.add(open_layer_file(path))

    def bounds(self, layer_id: str) -> QRectF | None:
        item = self.items.get(layer_id)
        if isinstance(item, VectorLayerItem) and not item.boundingRect().isEmpty():
            return item.boundingRect()
        return None

    def on_store_changed(self, change) -> None:
        if change.kind in ("layer", "*"):
            self.reload()
