"""Raster MBTiles packages (PNG/JPEG tiles of a background map), read tile by tile.

An MBTiles file is itself an SQLite database; reading a user's MBTiles with
sqlite3 here is reading a file format, like reading a zip, not the app's own
storage (that stays in store/). Rows are stored TMS-flipped: the tile (z, x, y)
of the usual XYZ scheme is at tile_row = 2**z - 1 - y. No Qt: tiles come back
as encoded image bytes for the map to decode.
"""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path


class MBTilesError(ValueError):
    """Not a readable raster MBTiles file."""


def tile_row(z: int, y: int) -> int:
    """The stored (TMS) row of XYZ row ``y`` at zoom ``z``."""
    return (1 << z) - 1 - y


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(west, south, east, north) in degrees of XYZ tile (z, x, y)."""
    n = 1 << z

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return x / n * 360.0 - 180.0, lat(y + 1), (x + 1) / n * 360.0 - 180.0, lat(y)


def tiles_for(west: float, south: float, east: float, north: float, z: int):
    """XYZ (x, y) of the tiles covering a lon/lat box at zoom z."""
    n = 1 << z

    def col(lon: float) -> int:
        return min(n - 1, max(0, int((lon + 180.0) / 360.0 * n)))

    def row(lat: float) -> int:
        lat = max(-85.0511, min(85.0511, lat))
        rad = math.radians(lat)
        return min(n - 1, max(0, int((1 - math.asinh(math.tan(rad)) / math.pi) / 2 * n)))

    for x in range(col(west), col(east) + 1):
        for y in range(row(north), row(south) + 1):
            yield x, y


class MBTiles:
    """An open raster MBTiles file (read only)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise MBTilesError(f"{self.path} does not exist")
        try:
            self._conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            rows = self._conn.execute("SELECT name, value FROM metadata").fetchall()
            zooms = self._conn.execute(
                "SELECT min(zoom_level), max(zoom_level) FROM tiles"
            ).fetchone()
        except sqlite3.Error as exc:
            raise MBTilesError(f"{self.path.name}: not an MBTiles file ({exc})") from None
        self.metadata = {str(k): str(v) for k, v in rows}
        if self.metadata.get("format", "png") not in ("png", "jpg", "jpeg", "webp"):
            raise MBTilesError(
                f"{self.path.name}: vector tiles ({self.metadata['format']}) "
                "are not a raster background"
            )
        self.min_zoom = int(zooms[0] or 0)
        self.max_zoom = int(zooms[1] or 0)

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """Encoded image of XYZ tile (z, x, y), or None if the package lacks it."""
        found = self._conn.execute(
            "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
            (z, x, tile_row(z, y)),
        ).fetchone()
        return bytes(found[0]) if found else None

    def zoom_for(self, degrees_per_pixel: float) -> int:
        """The package zoom closest to a view's resolution (256-pixel tiles)."""
        z = round(math.log2(360.0 / (256 * max(degrees_per_pixel, 1e-9))))
        return max(self.min_zoom, min(self.max_zoom, z))

    def close(self) -> None:
        self._conn.close()
