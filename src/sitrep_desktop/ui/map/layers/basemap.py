"""The offline basemap on the canvas: one item per layer, with levels of detail.

The layers' lines and land come grouped by a coarse grid (geo.basemap_groups,
cached on disk); each group becomes a QPainterPath built with pyqtgraph's
``arrayToQPath(connect="finite")`` when first seen. Painting draws only the
groups that intersect the view, with a 1 px cosmetic pen (a wider pen is about
ten times slower), so panning at city zoom costs the few groups in view, not the
whole theatre. The land is filled the same way, each group the closed rings of
one cell, without antialiasing, under every line (the view's background is the
sea). The level follows the visible span (``geo.basemap.level_for_span``) and
is swapped only when it changes.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen

from sitrep_desktop.geo import basemap, basemap_groups
from sitrep_desktop.geo.basemap_groups import (  # noqa: F401 (the grid, for callers)
    CELL_METRES,
    EDGE_SLACK,
    PIECE_VERTICES,
    GroupedLines,
)
from sitrep_desktop.geo.projection import MapProjection
from sitrep_desktop.services.style import BASEMAP_FILLS, BASEMAP_LAYERS, BASEMAP_LINES

# layer: (title, colour, visible by default, z value), from the one style table.
LAYER_STYLES: dict[str, tuple[str, str, bool, float]] = {
    layer: (style.title, style.colour, style.visible, style.z)
    for layer, style in BASEMAP_LINES.items()
}
FILL_STYLES: dict[str, tuple[str, str, bool, float]] = {
    layer: (style.title, style.colour, style.visible, style.z)
    for layer, style in BASEMAP_FILLS.items()
}
# Layers too dense to read at world zoom wait for a closer look.
LAYER_LEVELS = {"rivers": ("region", "theatre"), "admin1": ("region", "theatre")}
WHOLE_SHARE = 0.6  # with more of a layer's groups in view than this, draw it whole


class LineGroups(GroupedLines):
    """Grouped lines with their painter paths, built when first seen."""

    def __init__(self, *arrays: np.ndarray) -> None:
        super().__init__(*arrays)
        self._paths: list[QPainterPath | None] = [None] * len(self.starts)
        self._whole: QPainterPath | None = None

    @classmethod
    def of(cls, groups: GroupedLines) -> LineGroups:
        return cls(groups.x, groups.y, groups.connect, groups.starts, groups.bounds)

    def path(self, index: int) -> QPainterPath:
        path = self._paths[index]
        if path is None:
            s, e = self.starts[index], self.ends[index]
            connect = self.connect[s:e].copy()
            connect[-1] = False
            path = pg.functions.arrayToQPath(self.x[s:e], self.y[s:e], connect=connect)
            self._paths[index] = path
        return path

    def whole(self) -> QPainterPath:
        """Every group in one path: when most are in view (world zoom), one call
        draws them all, instead of one call per group (~2,000 at world zoom)."""
        if self._whole is None:
            connect = self.connect.copy()
            connect[self.ends[self.ends > 0] - 1] = False  # no line from one group to the next
            self._whole = pg.functions.arrayToQPath(self.x, self.y, connect=connect)
        return self._whole

    def rect(self) -> QRectF:
        if not len(self.x):
            return QRectF()
        left, bottom = self.bounds[:, :2].min(axis=0)
        right, top = self.bounds[:, 2:].max(axis=0)
        return QRectF(left, bottom, right - left, top - bottom)


_WORLD_HALF = 20_037_508.342789244  # Web Mercator's half-width in metres
WORLD_RECT = QRectF(-_WORLD_HALF, -_WORLD_HALF, 2 * _WORLD_HALF, 2 * _WORLD_HALF)


@cache
def layer_groups(layer: str, level: str) -> LineGroups:
    """A basemap layer at a level, grouped for culling, in projected metres
    (cached in the user's cache folder: paid once)."""
    return LineGroups.of(basemap_groups.grouped_layer(layer, level, _cache_folder()))


def _cache_folder() -> Path | None:
    from PySide6.QtCore import QStandardPaths

    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation)
    return Path(folder) if folder else None


def _cache_file(layer: str, level: str) -> Path | None:
    return basemap_groups.cache_file(layer, level, _cache_folder())


def group_lines(lonlat: np.ndarray, projection: MapProjection) -> LineGroups:
    return LineGroups.of(basemap_groups.group_lines(lonlat, projection))


def group_polygons(polygons: np.ndarray, projection: MapProjection) -> LineGroups:
    return LineGroups.of(basemap_groups.group_polygons(polygons, projection))


class BasemapLineItem(pg.GraphicsObject):
    """One basemap layer drawn as thin lines, culled to the view."""

    reorderable = True  # the layer panel may move it among the lines
    whole_share = WHOLE_SHARE

    def __init__(self, layer: str, colour: str | None = None) -> None:
        super().__init__()
        self.layer = layer
        style = BASEMAP_LAYERS[layer]
        title, default_colour, visible, z = style.title, style.colour, style.visible, style.z
        self.title = title
        self.level = ""  # the level wanted; its lines are built on the first paint
        self._built_level = ""
        self._groups: LineGroups | None = None
        self.setZValue(z)
        self.wanted = visible  # the user's choice; the level of detail may still hide it
        self.setVisible(False)
        self.set_colour(colour or default_colour)
        self.drawn_vertices = 0  # what the last paint drew (tests, benchmark)

    def set_colour(self, colour: str) -> None:
        self.colour = colour
        pen = QPen(QColor(colour))
        pen.setWidth(0)  # cosmetic 1 px: the fast path in QPainter
        pen.setCosmetic(True)
        self._pen = pen
        self.update()

    def set_level(self, level: str) -> None:
        """Ask for a level. Building its lines waits for a paint: while a window
        settles, its view passes through several spans, and only the last is drawn."""
        if level == self.level:
            return
        self.level = level
        self.update()

    @property
    def groups(self) -> LineGroups | None:
        """The lines of the wanted level, built (once per level, cached) on demand."""
        if self.level and self._built_level != self.level:
            self._groups = layer_groups(self.layer, self.level)
            self._built_level = self.level
        return self._groups

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt override)
        # The whole projected world: constant, so a level change needs no geometry
        # change; paint() culls to the view itself.
        return WORLD_RECT

    def paint(self, painter, option, widget=None) -> None:
        groups = self.groups
        if groups is None:
            return
        view = self.viewRect()
        if view is None:
            indices = np.arange(len(groups))
        else:
            indices = groups.visible(view.left(), view.top(), view.right(), view.bottom())
        self._style(painter)
        if len(indices) > self.whole_share * len(groups):
            painter.drawPath(groups.whole())  # QPainter culls the rest cheaply
            indices = np.arange(len(groups))
        else:
            for index in indices:
                painter.drawPath(groups.path(int(index)))
        self.drawn_vertices = int((groups.ends[indices] - groups.starts[indices]).sum())

    def _style(self, painter: QPainter) -> None:
        painter.setPen(self._pen)


class BasemapFillItem(BasemapLineItem):
    """One basemap area layer (the land) filled, culled to the view like the lines."""

    reorderable = False  # under every line: above one it would hide it
    # Filled, one path of the whole world costs twice its cells drawn one by one
    # (13 ms against 7 at world zoom): the rasterizer walks every cell's edges on
    # every scanline. So the cells are always drawn one by one.
    whole_share = np.inf

    def set_colour(self, colour: str) -> None:
        self.colour = colour
        self._brush = QBrush(QColor(colour))
        self.update()

    def _style(self, painter: QPainter) -> None:
        # Aliased fill: antialiased, it costs 2.5 times as much (Syria zoom) and the
        # cells' shared edges would show as faint seams; the coastline drawn on top
        # hides the steps.
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._brush)


class Basemap:
    """All basemap layers of one canvas, switching level with the visible span."""

    def __init__(self, plot_widget: pg.PlotWidget) -> None:
        self.items: dict[str, BasemapLineItem] = {}
        for layer in (*FILL_STYLES, *LAYER_STYLES):
            item = (BasemapFillItem if layer in FILL_STYLES else BasemapLineItem)(layer)
            plot_widget.addItem(item)
            self.items[layer] = item
        self.level = ""

    def set_span(self, degrees_visible: float) -> None:
        """Pick the level of detail for a view showing this many degrees of longitude."""
        level = basemap.level_for_span(degrees_visible)
        if level != self.level:
            self.level = level
            for layer in self.items:
                self._apply(layer)

    def set_visible(self, layer: str, visible: bool) -> None:
        self.items[layer].wanted = visible
        self._apply(layer)

    def _apply(self, layer: str) -> None:
        item = self.items[layer]
        shown = item.wanted and bool(self.level)
        shown = shown and self.level in LAYER_LEVELS.get(layer, basemap.LEVELS)
        # Hidden layers load their level when shown, so they cost nothing until then.
        if shown:
            item.set_level(self.level)
        item.setVisible(shown)
