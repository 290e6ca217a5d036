"""Other programs' GIS files as records, read through GDAL (pyogrio).

Shapefiles (plain or zipped, as QGIS users send them), FlatGeobuf, GPX and
GeoPackages not written by us. Every layer is read (or the one asked for);
coordinates in a declared CRS are reprojected to WGS84 (pyproj) and Z/M values
dropped. Each feature becomes a record as a GeoJSON feature of another program
does (foreign.foreign_feature): a point a place (an event when it has a time),
a line or area a drawing. GPX: waypoints, routes and tracks; the per-vertex
route and track points are left to the lines they make.
"""

from __future__ import annotations

import math
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import shapely
from pyogrio import raw
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.geometry import mapping

from . import repairs
from .foreign import foreign_feature
from .progress import Progress, in_shares
from .records import (
    ZIP_READ_ERRORS,
    ImportFileError,
    Problem,
    ProblemError,
    Record,
    RecordBatch,
    collect_records,
    feature_text,
)

# GPX layers made of other layers' vertices: importing them would repeat each track.
_VERTEX_LAYERS = frozenset({"route_points", "track_points"})
_NAME_COLUMNS = ("name", "title", "label")
_DESCRIPTION_COLUMNS = ("description", "desc", "cmt", "comment")
_DATA_SUFFIXES = (".shp", ".gpkg", ".fgb", ".gpx")
_WGS84 = CRS.from_epsg(4326)


def gdal_path(path: str | Path) -> str:
    """What GDAL opens: a zip's one data file, or its folder of Shapefiles, via /vsizip/."""
    path = Path(path)
    if path.suffix.lower() != ".zip":
        return str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if n.lower().endswith(_DATA_SUFFIXES)]
    except ZIP_READ_ERRORS as exc:
        problem = Problem("file", "zip", f"not a readable zip ({exc})")
        raise ImportFileError(str(path), [problem]) from None
    inner = [n for n in names if not n.lower().endswith(".shp")]
    if len(inner) == 1 and len(names) == 1:
        return f"/vsizip/{path}/{inner[0]}"
    shapefiles = [n for n in names if n.lower().endswith(".shp")]
    folders = {n.rpartition("/")[0] for n in shapefiles}
    if len(folders) == 1:
        folder = folders.pop()
        return f"/vsizip/{path}" + (f"/{folder}" if folder else "")
    raise ImportFileError(
        str(path),
        [Problem("file", "zip", "holds no one Shapefile, GeoPackage, FlatGeobuf or GPX file")],
    )


def layer_names(path: str | Path, *, tables: bool = False) -> list[str]:
    """The file's data layers, in file order; with `tables`, also those without geometry."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # GDAL's notes about odd files
            layers = pyogrio.list_layers(gdal_path(path))
    except ImportFileError:
        raise
    except Exception as exc:  # GDAL's errors vary by driver
        raise ImportFileError(
            str(path), [Problem("file", "gdal", f"not a readable GIS file ({exc})")]
        ) from None
    # Tables without geometry (QGIS's layer_styles, metadata) hold no features to draw.
    return [
        str(name)
        for name, kind in layers
        if (tables or kind is not None) and str(name) not in _VERTEX_LAYERS
    ]


def read(
    path: str | Path, *, layer: str | None = None, progress: Progress | None = None
) -> RecordBatch:
    """Every feature of every layer (or of `layer`) as records; see the module."""
    file = str(path)
    names = layer_names(path)
    if layer is not None:
        if layer not in names:
            raise ImportFileError(
                file, [Problem("command", "layer", f"no layer {layer!r} (has: {', '.join(names)})")]
            )
        names = [layer]
    tables = [(name, _read_layer(path, name)) for name in names]
    count = sum(len(geometries) for _name, (geometries, _columns) in tables)
    size = Path(path).stat().st_size if progress is not None else 0
    entries = in_shares(_entries(tables, len(names) > 1), count, size, progress)
    return collect_records(file, entries, _record)


def _read_layer(path: str | Path, layer: str) -> tuple[list[Any], list[dict[str, Any]]]:
    """(WGS84 shapes, attribute dicts) of one layer."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            meta, _fids, wkb, columns = raw.read(
                gdal_path(path), layer=layer, force_2d=True, datetime_as_string=True
            )
    except Exception as exc:  # GDAL's errors vary by driver
        raise ImportFileError(
            str(path), [Problem(f"layer {layer!r}", "gdal", f"cannot be read ({exc})")]
        ) from None
    fields = [str(f) for f in meta.get("fields", [])]
    count = len(wkb) if wkb is not None else (len(columns[0]) if len(columns) else 0)
    shapes = list(shapely.from_wkb(wkb)) if wkb is not None else [None] * count
    to_wgs84 = _transformer(meta.get("crs"), str(path), layer)
    if to_wgs84 is not None:
        shapes = [None if s is None else reprojected(s, to_wgs84) for s in shapes]
    rows = [
        {name: _plain(columns[i][row]) for i, name in enumerate(fields)} for row in range(count)
    ]
    return shapes, rows


def _transformer(crs: str | None, file: str, layer: str) -> Transformer | None:
    try:
        return wgs84_transformer(crs)
    except CRSError:
        raise ImportFileError(
            file, [Problem(f"layer {layer!r}", "crs", f"unknown coordinate system {crs!r}")]
        ) from None


def wgs84_transformer(crs: str | None) -> Transformer | None:
    """From a layer's declared CRS to lon/lat; None when none is needed (no CRS
    declared: GDAL's formats then mean lon/lat). Raises pyproj's CRSError."""
    if not crs:
        return None
    source = CRS.from_user_input(crs)
    if source.equals(_WGS84, ignore_axis_order=True):
        return None
    return Transformer.from_crs(source, _WGS84, always_xy=True)


def reprojected(shapes: Any, to_wgs84: Transformer) -> Any:
    """A shape (or an array of them) in lon/lat."""
    return shapely.transform(
        shapes, lambda xy: np.column_stack(to_wgs84.transform(xy[:, 0], xy[:, 1]))
    )


def _entries(
    tables: list[tuple[str, tuple[list[Any], list[dict[str, Any]]]]], name_layers: bool
) -> Iterator[tuple[str, tuple[Any, dict[str, Any], int]]]:
    for layer, (shapes, rows) in tables:
        for index, (shape, row) in enumerate(zip(shapes, rows, strict=True), start=1):
            where = f"layer {layer!r} feature {index}" if name_layers else f"feature {index}"
            yield where, (shape, row, index)


def _record(entry: tuple[Any, dict[str, Any], int], where: str) -> tuple[Record, bool, str]:
    shape, row, index = entry
    properties = {k: v for k, v in row.items() if v is not None}
    # Name and description found whatever their case (NAME, Desc).
    for canonical, columns in (("name", _NAME_COLUMNS), ("description", _DESCRIPTION_COLUMNS)):
        if not properties.get(canonical):
            found = next(
                (v for k, v in properties.items() if k.lower() in columns and str(v).strip()),
                None,
            )
            if found is not None:
                properties[canonical] = str(found)
    if shape is None or shape.is_empty:
        raise ProblemError(
            Problem(where, "geometry", "the feature has no geometry", feature_text(properties))
        )
    if not str(properties.get("name", "")).strip() and properties.get("description"):
        # Named from its description; without one, record_from_fields names
        # it "Unnamed point N".
        name = " ".join(str(properties["description"]).split())[:60]
        properties["name"] = name
        repairs.note(Problem(where, "name", f"had no name; named {name!r} from its description"))
    feature = foreign_feature(mapping(shape), properties, where, number=index)
    return feature.record, feature.by_name, feature.repair


def _plain(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, bytes):
        return None  # binary columns carry nothing a record can hold
    return value if isinstance(value, (str, int, float)) else str(value)
