"""The basemap's polylines and land on a snapshot page: culled to the frame,
reduced to the page.

The theatre level is GSHHG full resolution, vertices ~100 m apart, while one
page unit (a pixel, or a dot of a PDF) covers a kilometre or more: most vertices
land within a fraction of a unit of their neighbours and only cost file size
and painting time (the demo's SVG was 12 MB). So each line keeps only its
segments that reach the frame, is simplified with Douglas-Peucker (shapely) to
a quarter of a page unit, and its coordinates are rounded to a tenth of a unit,
which SVG and PDF then write as "251.3" instead of "251.337". PNG, SVG and PDF
all take this one path. The land polygons are cut to the frame and reduced the
same way, so their edge stays under the coastline drawn over them.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
import shapely
from PySide6.QtGui import QPainterPath

# Page units (device pixels or dots). Simplifying moves a line by at most the
# tolerance and rounding by at most 0.07 more: together under half a unit.
PAGE_TOLERANCE = 0.25
PAGE_DECIMALS = 1
# Land smaller than this (square page units) is all under its coastline's pen:
# not filled, so not written twice.
MIN_LAND_AREA = 1.0
# Vertices this far beyond the extent (a share of its size) are not even
# projected; the page-unit cull below then keeps exactly what reaches the frame.
LONLAT_MARGIN = 0.2

ToPage = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
Rect = tuple[float, float, float, float]  # left, top, right, bottom


def page_lines(
    lonlat: np.ndarray,
    extent: Rect,
    to_page: ToPage,
    clip: Rect,
    tolerance: float | None = PAGE_TOLERANCE,
) -> np.ndarray:
    """The polylines of a NaN-separated lon/lat array (``extent`` is W, S, E, N)
    as shapely LineStrings in page units, cut to the segments that reach
    ``clip``; simplified and rounded unless ``tolerance`` is None."""
    px, py = _project_near(lonlat, extent, to_page)
    lines = _lines_reaching(px, py, clip)
    if tolerance is None or not len(lines):
        return lines
    simplified = shapely.simplify(lines, tolerance, preserve_topology=False)
    return shapely.transform(simplified, lambda xy: np.round(xy, PAGE_DECIMALS))


def page_polygons(
    polygons: np.ndarray,
    extent: Rect,
    to_page: ToPage,
    clip: Rect,
    tolerance: float | None = PAGE_TOLERANCE,
) -> np.ndarray:
    """Lon/lat shapely polygons (``extent`` is W, S, E, N) in page units, cut to
    ``clip``; simplified and rounded unless ``tolerance`` is None."""
    west, south, east, north = extent
    margin_x, margin_y = (east - west) * LONLAT_MARGIN, (north - south) * LONLAT_MARGIN
    near_box = (west - margin_x, south - margin_y, east + margin_x, north + margin_y)
    bounds = shapely.bounds(polygons)
    near = (
        (bounds[:, 2] >= near_box[0])
        & (bounds[:, 0] <= near_box[2])
        & (bounds[:, 3] >= near_box[1])
        & (bounds[:, 1] <= near_box[3])
    )
    # Cut in lon/lat first: far vertices are not projected (the poles have no page).
    shapes = shapely.clip_by_rect(polygons[near], *near_box)

    def page(xy: np.ndarray) -> np.ndarray:
        return np.column_stack(to_page(xy[:, 0], xy[:, 1]))

    left, top, right, bottom = clip
    shapes = shapely.clip_by_rect(shapely.transform(shapes, page), left, top, right, bottom)
    if tolerance is not None:
        shapes = shapely.simplify(shapes, tolerance, preserve_topology=False)
        shapes = shapely.transform(shapes, lambda xy: np.round(xy, PAGE_DECIMALS))
    parts = shapely.get_parts(shapely.get_parts(shapes))  # collections, then multi-polygons
    parts = parts[(shapely.get_type_id(parts) == shapely.GeometryType.POLYGON)]
    if tolerance is None:
        parts = parts[~shapely.is_empty(parts)]
    else:
        parts = parts[shapely.area(parts) >= MIN_LAND_AREA]
    # One orientation for all: where two polygons meet (the level's pieces meet
    # along the theatre and region boxes), antialiased coverage adds up, no seam.
    return shapely.orient_polygons(parts)


def polygons_path(polygons: np.ndarray) -> QPainterPath:
    """One odd-even QPainterPath of many polygons' rings: the land is one SVG <path>."""
    return lines_path(shapely.get_rings(polygons))


def lines_path(lines: np.ndarray) -> QPainterPath:
    """One QPainterPath for many lines: a layer is one SVG <path>, one style."""
    xy, index = shapely.get_coordinates(lines, return_index=True)
    if not len(xy):
        return QPainterPath()
    # connect[i]: vertex i joins vertex i + 1. NaN breaks would not do: pyqtgraph
    # turns each into a repeated point and an empty subpath ("M x,y Z" in SVG),
    # which is what bloated the files before (one per culled vertex).
    connect = np.zeros(len(xy), np.int32)
    connect[:-1] = index[1:] == index[:-1]
    return pg.arrayToQPath(xy[:, 0], xy[:, 1], connect=connect)


def _project_near(lonlat: np.ndarray, extent: Rect, to_page: ToPage):
    """Page coordinates of the vertices near the extent, NaN elsewhere: far
    vertices break their line (and Web Mercator has no page for a pole)."""
    west, south, east, north = extent
    margin_x, margin_y = (east - west) * LONLAT_MARGIN, (north - south) * LONLAT_MARGIN
    lon, lat = lonlat[:, 0].astype(float), lonlat[:, 1].astype(float)
    near = (
        (lon >= west - margin_x)
        & (lon <= east + margin_x)
        & (lat >= south - margin_y)
        & (lat <= north + margin_y)
    )  # NaN separators compare False: they stay breaks
    px, py = to_page(np.where(near, lon, 0.0), np.where(near, lat, 0.0))
    px, py = np.asarray(px, float), np.asarray(py, float)
    px[~near] = np.nan
    py[~near] = np.nan
    return px, py


def _lines_reaching(px: np.ndarray, py: np.ndarray, clip: Rect) -> np.ndarray:
    """LineStrings of the runs of segments whose bounding box meets ``clip``."""
    left, top, right, bottom = clip
    if len(px) < 2:
        return np.empty(0, object)
    x0, x1, y0, y1 = px[:-1], px[1:], py[:-1], py[1:]
    with np.errstate(invalid="ignore"):  # NaN ends: the segment is not drawn anyway
        reaches = (
            (np.fmax(x0, x1) >= left)
            & (np.fmin(x0, x1) <= right)
            & (np.fmax(y0, y1) >= top)
            & (np.fmin(y0, y1) <= bottom)
            & np.isfinite(x0 + x1 + y0 + y1)
        )
    keep = np.zeros(len(px), bool)
    keep[:-1] |= reaches
    keep[1:] |= reaches
    # A kept vertex starts a new line unless the segment before it is kept too,
    # so every line has at least two vertices.
    starts = keep & ~np.concatenate(([False], reaches))
    ids = np.cumsum(starts)[keep] - 1
    if not len(ids):
        return np.empty(0, object)
    return shapely.linestrings(np.column_stack((px[keep], py[keep])), indices=ids)
