"""Map projection: WGS84 lon/lat to the canvas' plane coordinates and back.

Web Mercator (EPSG:3857) through pyproj: conformal, so shapes and bearings look
right at every zoom, and familiar to anyone who knows web maps. Its scale varies
with latitude, so the scale bar is measured geodesically, never read off x/y.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from pyproj import Transformer

MAX_MERCATOR_LAT = 85.05112878


@lru_cache(maxsize=4)
def _transformers(crs: str) -> tuple[Transformer, Transformer]:
    forward = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    inverse = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    return forward, inverse


class MapProjection:
    """Forward (lon, lat) -> (x, y) metres and inverse; arrays in, arrays out."""

    def __init__(self, crs: str = "EPSG:3857") -> None:
        self.crs = crs
        self._forward, self._inverse = _transformers(crs)

    def forward(
        self, lon: np.ndarray | float, lat: np.ndarray | float
    ) -> tuple[np.ndarray, np.ndarray]:
        lat = np.clip(np.asarray(lat, dtype=float), -MAX_MERCATOR_LAT, MAX_MERCATOR_LAT)
        x, y = self._forward.transform(np.asarray(lon, dtype=float), lat)
        return np.asarray(x), np.asarray(y)

    def inverse(
        self, x: np.ndarray | float, y: np.ndarray | float
    ) -> tuple[np.ndarray, np.ndarray]:
        lon, lat = self._inverse.transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
        return np.asarray(lon), np.asarray(lat)

    def forward_lines(self, lonlat: np.ndarray) -> np.ndarray:
        """Project an (N, 2) lon/lat array, keeping NaN separators as NaN."""
        x, y = self.forward(lonlat[:, 0], lonlat[:, 1])
        out = np.column_stack([x, y])
        out[~np.isfinite(lonlat).all(axis=1)] = np.nan
        return out


@lru_cache(maxsize=1)
def default_projection() -> MapProjection:
    return MapProjection()
