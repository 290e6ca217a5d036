"""Offline basemap layers and labels, read from resources/basemap.

Pure Python, numpy and shapely: the map canvas turns these arrays into pyqtgraph
items; nothing here knows about Qt.

Layers (all lon/lat WGS84 polylines):
  land       GSHHG land polygons' rings, closed: the coastline's shores (and
             Antarctica's) as outer rings, lakes as holes, islands in lakes;
             `land_polygons` gives them as polygons
  coastline  GSHHG shorelines and lake shores
  borders    WDB-II international borders (the Golan inside Syria)
  rivers     WDB-II rivers
  countries  Natural Earth 10m country outlines (de facto lines, coasts included)
  admin1     Natural Earth 10m first-level regions of Syria, Lebanon, Turkey,
             Iraq, Jordan, Israel and Cyprus (Syria's governorates)

Levels of detail, each a complete worldwide drawing so the canvas draws one:
  world    GSHHG/WDB-II resolution l (rivers c) everywhere
  region   resolution i inside the region box (lon 10..65, lat 15..52), l outside
  theatre  full resolution f inside the theatre box (lon 25..50, lat 25..45),
           i in the rest of the region box, l outside
Land takes the coastline's resolution at each level, so its edge is the coast.
The Natural Earth layers use Douglas-Peucker tolerances of 0.05 deg (world),
0.01 deg (region) and none (theatre) instead. The boxes and the vertex counts
are in resources/basemap/manifest.json, written by packaging/build_resources.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

import numpy as np
import shapely

from sitrep_desktop.paths import resource_path

LAYERS = ("land", "coastline", "borders", "rivers", "countries", "admin1")
LEVELS = ("world", "region", "theatre")
LABEL_KINDS = ("country", "admin1")

# Visible longitude span (degrees) above which the coarser level is enough.
# Region detail starts when about a continent is in view, full detail when
# less than half the theatre box is; pyqtgraph stays fluid at these sizes.
WORLD_SPAN = 70.0
REGION_SPAN = 12.0
# The canvas groups every layer by this grid of projected (Web Mercator) metres
# to cull what is out of view; the land is stored already cut along it
# (packaging/build_resources.py), so the app need not cut continents itself.
GRID_METRES = 500_000.0


@dataclass(frozen=True)
class BasemapLabel:
    """A name to draw on the map at (lon, lat)."""

    name: str
    lon: float
    lat: float
    kind: str  # "country" or "admin1"
    country: str = ""  # ISO 3166-1 alpha-2 of an admin1 region's country
    area_km2: float = 0.0  # a country's area on the ellipsoid (ranks its name)


@cache
def manifest() -> dict:
    """Boxes, level composition, resolutions and vertex counts of the build."""
    return json.loads(resource_path("basemap", "manifest.json").read_text("utf-8"))


@cache
def load_layer(layer: str, level: str) -> np.ndarray:
    """Polylines of ``layer`` at ``level`` as float32 (N, 2) lon/lat rows.

    Polylines are separated by NaN rows, ready for pyqtgraph's
    ``connect="finite"``. The array is cached and shared: treat it as read-only.
    """
    if layer not in LAYERS:
        raise ValueError(f"unknown basemap layer {layer!r}; expected one of {LAYERS}")
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {LEVELS}")
    gap = np.full((1, 2), np.nan, np.float32)
    with np.load(resource_path("basemap", f"{layer}.npz"), allow_pickle=False) as pieces:
        parts = [pieces[name] for name in manifest()["levels"][level]]
    joined: list[np.ndarray] = []
    for part in parts:
        if len(part):
            joined.extend((gap, part) if joined else (part,))
    result = np.concatenate(joined) if joined else np.empty((0, 2), np.float32)
    if layer != "land":  # a ring must stay whole; no shore crosses 180 deg anyway
        result = split_at_antimeridian(result)
    result.flags.writeable = False
    return result


def split_at_antimeridian(lonlat: np.ndarray) -> np.ndarray:
    """Break a polyline where it steps across 180° (a jump of over 180° of
    longitude), which would otherwise be drawn as a line across the whole world.

    Natural Earth's outlines of Russia and Fiji do so eleven times.
    """
    steps = np.abs(np.diff(lonlat[:, 0]))
    jumps = np.flatnonzero(steps > 180.0) + 1
    if not len(jumps):
        return lonlat
    return np.insert(lonlat, jumps, np.nan, axis=0)


@cache
def land_polygons(level: str) -> np.ndarray:
    """Land at ``level`` as an array of shapely Polygons in lon/lat (lakes are holes).

    The polygons of the level's pieces meet along the region and theatre boxes'
    edges; no two overlap. Cached and shared: do not modify the array.
    """
    rings = load_layer("land", level)
    with np.load(resource_path("basemap", "land.npz"), allow_pickle=False) as pieces:
        counts = [pieces[f"{name}_rings"] for name in manifest()["levels"][level]]
    finite = np.isfinite(rings[:, 0])
    ring = np.cumsum(~finite)[finite]  # ring number of every vertex
    ring_offsets = np.searchsorted(ring, np.arange(ring[-1] + 2)) if len(ring) else [0]
    polygon_offsets = np.concatenate(([0], np.cumsum(np.concatenate(counts))))
    return shapely.from_ragged_array(
        shapely.GeometryType.POLYGON,
        rings[finite].astype(np.float64),
        (np.asarray(ring_offsets), polygon_offsets),
    )


def level_for_span(degrees_visible: float) -> str:
    """The level of detail for a view showing ``degrees_visible`` of longitude."""
    if degrees_visible > WORLD_SPAN:
        return "world"
    if degrees_visible > REGION_SPAN:
        return "region"
    return "theatre"


@cache
def _labels(kind: str) -> tuple[BasemapLabel, ...]:
    raw = json.loads(resource_path("basemap", "labels.json").read_text("utf-8"))
    return tuple(BasemapLabel(**item) for item in raw[kind])


def labels(kind: str) -> list[BasemapLabel]:
    """Label points: ``"country"`` (every country) or ``"admin1"`` (theatre regions)."""
    if kind not in LABEL_KINDS:
        raise ValueError(f"unknown label kind {kind!r}; expected one of {LABEL_KINDS}")
    return list(_labels(kind))


def vertex_count() -> dict[str, dict[str, int]]:
    """Vertices per layer and level, counted from the loaded arrays."""
    return {
        layer: {level: int(np.isfinite(load_layer(layer, level)[:, 0]).sum()) for level in LEVELS}
        for layer in LAYERS
    }
