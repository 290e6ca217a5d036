"""Users' own vector layers (roads, villages, front lines) read into plain arrays.

One reader for every format the bundled GDAL opens through pyogrio: GeoPackage,
Shapefile (plain or zipped), GeoJSON, KML/KMZ, FlatGeobuf and OpenStreetMap
.osm/.osm.pbf extracts. The result is what the map draws: NaN-separated WGS84
lon/lat polylines (polygon rings included) and points, plus a name per point
when the data has one. No Qt, no SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyogrio
import shapely
from pyproj.exceptions import CRSError

from .ogr_records import reprojected, wgs84_transformer

FORMATS = {
    ".gpkg": "GeoPackage",
    ".shp": "Shapefile",
    ".zip": "Shapefile (zipped)",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".kml": "KML",
    ".kmz": "KMZ",
    ".fgb": "FlatGeobuf",
    ".pbf": "OpenStreetMap",
    ".osm": "OpenStreetMap",
}
FILE_FILTER = "Map layers (*.gpkg *.shp *.zip *.geojson *.json *.kml *.kmz *.fgb *.osm.pbf *.osm)"
# Of an OpenStreetMap extract, the ways: roads, rivers, boundaries.
OSM_DEFAULT_LAYERS = ("lines",)
NAME_FIELDS = ("name", "Name", "NAME", "name_en", "label", "ref")


class LayerFileError(ValueError):
    """A layer file that cannot be read, with a message for the user."""


@dataclass
class VectorData:
    lines: np.ndarray = field(default_factory=lambda: np.empty((0, 2)))  # NaN-separated lon/lat
    points: np.ndarray = field(default_factory=lambda: np.empty((0, 2)))
    point_names: list[str] = field(default_factory=list)
    features: int = 0

    def bounds(self) -> tuple[float, float, float, float] | None:
        """(west, south, east, north) of everything, or None if empty."""
        parts = [a for a in (self.lines, self.points) if len(a)]
        if not parts:
            return None
        both = np.concatenate(parts)
        both = both[np.isfinite(both[:, 0])]
        if not len(both):
            return None
        (west, south), (east, north) = both.min(axis=0), both.max(axis=0)
        return float(west), float(south), float(east), float(north)


def format_of(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise LayerFileError(f"{Path(path).name}: not a layer format SitRep reads ({FILE_FILTER})")
    return FORMATS[suffix]


def gdal_path(path: str | Path) -> str:
    """The path GDAL should open: zipped shapefiles and KMZ through /vsizip/."""
    text = str(path)
    if Path(text).suffix.lower() == ".zip":
        return "/vsizip/" + text
    return text


def layer_names(path: str | Path) -> list[str]:
    try:
        return [str(name) for name, _kind in pyogrio.list_layers(gdal_path(path))]
    except Exception as exc:  # GDAL's errors vary by driver
        raise LayerFileError(f"{Path(path).name}: cannot be opened ({exc})") from None


def read_vector_layer(path: str | Path, layer: str | None = None) -> VectorData:
    """Every feature of ``layer`` (or of every layer) as WGS84 lines and points."""
    fmt = format_of(path)
    if not Path(path).exists():
        raise LayerFileError(f"{path} does not exist")
    if layer is not None:
        names = [layer]
    elif fmt == "OpenStreetMap":
        names = list(OSM_DEFAULT_LAYERS)
    else:
        names = layer_names(path)
    data = VectorData()
    lines, points = [], []
    for name in names:
        geometries, labels = _read(path, name)
        data.features += len(geometries)
        _collect(geometries, labels, lines, points, data.point_names)
    if lines:
        gap = np.full((1, 2), np.nan)
        data.lines = np.concatenate([part for line in lines for part in (line, gap)][:-1])
    if points:
        data.points = np.asarray(points, float)
    return data


def _read(path: str | Path, layer: str) -> tuple[np.ndarray, list[str]]:
    try:
        meta, _fids, wkb, field_data = pyogrio.raw.read(gdal_path(path), layer=layer, force_2d=True)
    except Exception as exc:
        raise LayerFileError(f"{Path(path).name}: cannot read layer {layer!r} ({exc})") from None
    geometries = shapely.from_wkb(wkb) if wkb is not None else np.empty(0, object)
    try:
        to_wgs84 = wgs84_transformer(meta.get("crs"))
    except CRSError:
        raise LayerFileError(
            f"{Path(path).name}: layer {layer!r} has an unknown coordinate system"
        ) from None
    if to_wgs84 is not None:
        geometries = reprojected(geometries, to_wgs84)
    fields = list(meta.get("fields", []))
    name_field = next((f for f in NAME_FIELDS if f in fields), None)
    if name_field is None:
        labels = [""] * len(geometries)
    else:
        labels = ["" if v is None else str(v) for v in field_data[fields.index(name_field)]]
    return geometries, labels


def _collect(geometries, labels, lines: list, points: list, point_names: list) -> None:
    for geometry, label in zip(geometries, labels):
        if geometry is None or geometry.is_empty:
            continue
        for part in getattr(geometry, "geoms", [geometry]):
            kind = part.geom_type
            if kind == "Point":
                points.append((part.x, part.y))
                point_names.append(label)
            elif kind == "LineString":
                lines.append(np.asarray(part.coords)[:, :2])
            elif kind == "Polygon":
                lines.append(np.asarray(part.exterior.coords)[:, :2])
                lines.extend(np.asarray(r.coords)[:, :2] for r in part.interiors)
            elif kind.startswith("Multi") or kind == "GeometryCollection":
                _collect(list(part.geoms), [label] * len(part.geoms), lines, points, point_names)
