"""GeoPackage through GDAL (pyogrio): one layer per record type, opens in QGIS.

Layers places, events, control_changes, annotations (WGS84 geometry) and a
factions table without geometry. Columns have their GeoPackage types, so a GIS
user can filter `population > 100000`, sort by time or style by confidence:
lat, lon REAL; population INTEGER; lists and styles JSON TEXT; other fields
TEXT. A moment (`at`, `valid_from`, `valid_to`) stays TEXT as entered, with its
offset, which is what reads back; beside it `<field>_utc` (DATETIME, UTC; a
date alone is its first instant, as we sort it) and `<field>_date` (DATE, set
only for a date alone). `confidence_rank` (INTEGER, low 1 to high 3) is for
graduated styles. `created`/`updated` stay TEXT: they carry microseconds, and
GDAL writes DATETIME to the millisecond. The geometry column is for GIS
programs (an event without its own geometry is drawn at its place). Layers of
other programs' GeoPackages become events, places or annotations, as for
GeoJSON.
"""

from __future__ import annotations

import dataclasses
import json
import math
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import pyogrio.errors
import pyproj
import shapely
from pyogrio import raw
from pyproj import Transformer

from ..domain import CONFIDENCE_LEVELS, Moment
from .foreign import foreign_feature
from .progress import Progress, in_shares
from .records import (
    KINDS,
    RECORD_KEY,
    ImportFileError,
    Problem,
    RecordBatch,
    collect_records,
    record_fields,
    record_from_fields,
)

LAYERS = {  # layer name -> record kind
    "factions": "faction",
    "places": "place",
    "control_changes": "control_change",
    "events": "event",
    "annotations": "annotation",
}
_REAL = frozenset({"lat", "lon"})
_INTEGER = frozenset({"population"})
_MOMENTS = frozenset({"at", "valid_from", "valid_to"})
_GDAL_UTC = 100  # GDAL's time zone flag for UTC
_READ_ERRORS = (
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
    pyogrio.errors.FieldError,
    pyogrio.errors.GeometryError,
    pyogrio.errors.CRSError,
    ValueError,
    OSError,
    RuntimeError,
    TypeError,
)


def write(batch: RecordBatch, path: str | Path) -> None:
    path = Path(path)
    path.unlink(missing_ok=True)
    places = {p.id: p for p in batch.places}
    records = batch.lists()
    for layer, kind in LAYERS.items():
        items: list[Any] = records[kind]
        columns = _columns(kind, items)
        spatial = kind != "faction"
        geometry = np.array([_wkb(r, places) for r in items], dtype=object) if spatial else None
        raw.write(
            path,
            geometry,
            [c.values for c in columns],
            [c.name for c in columns],
            field_mask=[c.mask for c in columns],
            layer=layer,
            driver="GPKG",
            geometry_type="Unknown" if spatial else None,
            crs="EPSG:4326" if spatial else None,
            append=path.exists(),
            # GeoPackage 1.3: GDAL 3.12 would write 1.4, which GDAL 3.6 (Debian 12,
            # QGIS 3.28) opens with a "partially supported" warning. Nothing we
            # write needs 1.4.
            dataset_options=None if path.exists() else {"VERSION": "1.3"},
            # Marks the times as UTC, so GDAL writes them with the "Z" the spec asks for.
            gdal_tz_offsets={c.name: np.full(len(items), _GDAL_UTC) for c in columns if c.utc},
        )


@dataclass(frozen=True, slots=True)
class _Column:
    """One layer column: GDAL picks its GeoPackage type from the array's dtype."""

    name: str
    values: np.ndarray
    mask: np.ndarray | None = None  # True where the value is NULL (integers have no NaN)
    utc: bool = False


def _columns(kind: str, items: list[Any]) -> list[_Column]:
    rows = [record_fields(r) for r in items]
    columns = []
    for name in [RECORD_KEY, *(f.name for f in dataclasses.fields(KINDS[kind]))]:
        values = [row[name] for row in rows]
        if name in _REAL:
            columns.append(_Column(name, np.array(values, dtype=np.float64)))
        elif name in _INTEGER:
            whole = np.array([v or 0 for v in values], dtype=np.int64)
            columns.append(_Column(name, whole, np.array([v is None for v in values], bool)))
        else:
            columns.append(_Column(name, np.array([_text(v) for v in values], dtype=object)))
        if name in _MOMENTS:
            moments: list[Moment | None] = [getattr(r, name) for r in items]
            columns += _moment_columns(name, moments)
        if name == "confidence":
            ranks = [CONFIDENCE_LEVELS.index(v) + 1 for v in values]
            columns.append(_Column("confidence_rank", np.array(ranks, dtype=np.int64)))
    return columns + _attribute_columns(items, {c.name.casefold() for c in columns})


def _attribute_columns(items: list[Any], taken: set[str]) -> list[_Column]:
    """Each imported attribute as a column of its own, so QGIS can filter and style
    by it (`fatalities > 10`); the `attributes` column keeps them exactly for us."""
    attributes = [getattr(r, "attributes", {}) or {} for r in items]
    names = sorted({k for a in attributes for k in a if k.casefold() not in taken})
    columns = []
    for name in names:
        values = [a.get(name) for a in attributes]
        present = [v for v in values if v is not None]
        missing = np.array([v is None for v in values], bool)
        if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
            whole = np.array([v or 0 for v in values], dtype=np.int64)
            columns.append(_Column(name, whole, missing))
        elif present and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in present
        ):
            real = np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
            columns.append(_Column(name, real))
        else:
            columns.append(_Column(name, np.array([_text(v) for v in values], dtype=object)))
    return columns


def _number(value: Any, kinds: type | tuple[type, ...]) -> bool:
    return isinstance(value, kinds) and not isinstance(value, bool)


def _moment_columns(name: str, moments: list[Moment | None]) -> list[_Column]:
    # numpy datetimes are naive: the UTC value, with GDAL told it is UTC.
    utc = [m.as_utc().replace(tzinfo=None) if m else None for m in moments]
    days = [m.text if m and m.date_only else None for m in moments]
    return [
        _Column(f"{name}_utc", np.array(utc, dtype="datetime64[ms]"), utc=True),
        _Column(f"{name}_date", np.array(days, dtype="datetime64[D]")),
    ]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _wkb(record: Any, places: dict[str, Any]) -> bytes | None:
    wkt = getattr(record, "geometry", None)
    if wkt:
        return shapely.to_wkb(shapely.from_wkt(wkt))
    if hasattr(record, "lat") and hasattr(record, "lon"):
        return shapely.to_wkb(shapely.Point(record.lon, record.lat))
    place = places.get(getattr(record, "place_id", None) or "")
    return shapely.to_wkb(shapely.Point(place.lon, place.lat)) if place is not None else None


def read(path: str | Path, *, progress: Progress | None = None) -> RecordBatch:
    file = str(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # GDAL's notes about odd files become our errors
            layers = [str(name) for name, _ in pyogrio.list_layers(path)]
            tables = {name: raw.read(path, layer=name, return_fids=True) for name in layers}
    except _READ_ERRORS as exc:
        raise ImportFileError(
            file, [Problem("file", "gpkg", f"not a readable GeoPackage ({exc})")]
        ) from None
    # Factions and places first: later layers refer to them.
    ordered = sorted(tables, key=lambda n: list(LAYERS).index(n) if n in LAYERS else len(LAYERS))

    def entries():
        for layer in ordered:
            meta, fids, geometry, columns = tables[layer]
            names = [str(n) for n in meta["fields"]]
            dtypes = zip(names, meta["dtypes"], strict=True)
            integers = frozenset(n for n, t in dtypes if np.dtype(t).kind in "iu")
            crs = meta.get("crs")
            shapes = _in_lon_lat(geometry, crs, layer, file)
            # Counted by features, not by the first column: a layer may have none.
            for index in range(len(fids)):
                values = {n: _plain(columns[i][index]) for i, n in enumerate(names)}
                entry = (layer, values, integers, shapes, index)
                yield f"layer {layer!r} feature {index + 1}", entry

    # GDAL reads the tables in one step; progress follows the features made into records.
    count = sum(len(fids) for _m, fids, _g, _c in tables.values())
    size = Path(path).stat().st_size if progress is not None else 0
    shares = in_shares(entries(), count, size, progress)
    return collect_records(file, shares, lambda entry, where: _record(*entry, where))


def _record(
    layer: str,
    values: dict[str, Any],
    integers: frozenset[str],
    geometry: Any,
    index: int,
    where: str,
) -> tuple[Any, ...]:
    kind = values.get(RECORD_KEY) or LAYERS.get(layer)
    if kind in KINDS and "id" in values:
        return record_from_fields(str(kind), _whole_numbers(values, integers), where), False
    shape = geometry[index] if geometry is not None else None
    whole = _whole_numbers(values, integers)
    properties = {k: v for k, v in whole.items() if v is not None}
    number = index + 1
    found = foreign_feature(shape, properties, where, number=number)
    return found.record, found.by_name, found.repair


def _in_lon_lat(geometry: Any, crs: str | None, layer: str, file: str) -> list[Any] | None:
    """The layer's shapes in WGS84 lon/lat; a declared projected CRS is reprojected.

    A geometry GEOS cannot read stays None: that feature is refused, not the file.
    """
    if geometry is None:
        return None
    shapes = []
    for wkb in geometry:
        try:
            shapes.append(shapely.from_wkb(wkb) if wkb is not None else None)
        except (shapely.errors.GEOSException, ValueError, TypeError):
            shapes.append(None)
    if not crs or crs.upper() in ("EPSG:4326", "OGC:CRS84"):
        return shapes
    try:
        transformer = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    except pyproj.exceptions.CRSError:
        problem = Problem(f"layer {layer!r}", "crs", f"unknown coordinate system {crs}")
        raise ImportFileError(file, [problem]) from None
    return [
        None if s is None else shapely.transform(s, _lon_lat(transformer), include_z=False)
        for s in shapes
    ]


def _lon_lat(transformer: Transformer) -> Any:
    def project(coords: np.ndarray) -> np.ndarray:
        lon, lat = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])

    return project


def _whole_numbers(values: dict[str, Any], integers: frozenset[str]) -> dict[str, Any]:
    """An INTEGER column with a NULL comes back as floats with NaN: make them ints again."""
    fixed = dict(values)
    for name in integers:
        value = fixed.get(name)
        if isinstance(value, float):
            fixed[name] = None if math.isnan(value) else int(value)
    return fixed


def _plain(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value if isinstance(value, str) else str(value)
