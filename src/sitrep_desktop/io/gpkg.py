"""GeoPackage through GDAL (pyogrio): one layer per record type, opens in QGIS.

Layers places, events, control_changes, annotations (WGS84 geometry) and a
factions table without geometry. Every field is a text column holding the
same text as our other formats, so the file reads back as the same records;
the geometry column is for GIS programs (an event without its own geometry is
drawn at its place). Layers of other programs' GeoPackages become events,
places or annotations, as for GeoJSON.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import pyogrio.errors
import shapely
from pyogrio import raw
from shapely.geometry import mapping

from ..domain import Record
from .geojson import foreign_record
from .records import (
    KINDS,
    RECORD_KEY,
    ImportFileError,
    Problem,
    ProblemError,
    RecordBatch,
    collect_records,
    record_from_fields,
    text_fields,
)

LAYERS = {  # layer name -> record kind
    "factions": "faction",
    "places": "place",
    "control_changes": "control_change",
    "events": "event",
    "annotations": "annotation",
}
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
        fields = [RECORD_KEY, *(f for f in text_fields(_example(kind)) if f != RECORD_KEY)]
        columns = [
            np.array([text_fields(r)[f] for r in items] if items else [], dtype=object)
            for f in fields
        ]
        spatial = kind != "faction"
        geometry = np.array([_wkb(r, places) for r in items], dtype=object) if spatial else None
        raw.write(
            path,
            geometry,
            columns,
            fields,
            layer=layer,
            driver="GPKG",
            geometry_type="Unknown" if spatial else None,
            crs="EPSG:4326" if spatial else None,
            append=path.exists(),
        )


def _example(kind: str) -> Record:
    """A record of `kind` whose field names give the layer's columns."""
    examples: dict[str, dict[str, Any]] = {
        "faction": {"name": "x", "short_name": "x", "colour": "#000000"},
        "place": {"name": "x", "lat": 0.0, "lon": 0.0},
        "control_change": {"place_id": "x", "faction_id": "x", "at": "2000-01-01", "source": "x"},
        "event": {"at": "2000-01-01", "title": "x"},
        "annotation": {"geometry": "POINT (0 0)", "kind": "point"},
    }
    return KINDS[kind](**examples[kind])


def _wkb(record: Any, places: dict[str, Any]) -> bytes | None:
    wkt = getattr(record, "geometry", None)
    if wkt:
        return shapely.to_wkb(shapely.from_wkt(wkt))
    if hasattr(record, "lat") and hasattr(record, "lon"):
        return shapely.to_wkb(shapely.Point(record.lon, record.lat))
    place = places.get(getattr(record, "place_id", None) or "")
    return shapely.to_wkb(shapely.Point(place.lon, place.lat)) if place is not None else None


def read(path: str | Path) -> RecordBatch:
    file = str(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # GDAL's notes about odd files become our errors
            layers = [str(name) for name, _ in pyogrio.list_layers(path)]
            tables = {name: raw.read(path, layer=name) for name in layers}
    except _READ_ERRORS as exc:
        raise ImportFileError(
            file, [Problem("file", "gpkg", f"not a readable GeoPackage ({exc})")]
        ) from None
    # Factions and places first: later layers refer to them.
    ordered = sorted(tables, key=lambda n: list(LAYERS).index(n) if n in LAYERS else len(LAYERS))

    def entries():
        for layer in ordered:
            meta, _fids, geometry, columns = tables[layer]
            names = [str(n) for n in meta["fields"]]
            for index in range(len(columns[0]) if columns else 0):
                values = {n: _plain(columns[i][index]) for i, n in enumerate(names)}
                yield f"layer {layer!r} feature {index + 1}", (layer, values, geometry, index)

    return collect_records(file, entries(), lambda entry, where: _record(*entry, where))


def _record(
    layer: str, values: dict[str, Any], geometry: Any, index: int, where: str
) -> tuple[Record, bool]:
    kind = values.get(RECORD_KEY) or LAYERS.get(layer)
    if kind in KINDS and "id" in values:
        return record_from_fields(str(kind), values, where), False
    wkb = geometry[index] if geometry is not None else None
    if wkb is None:
        raise ProblemError(
            Problem(where, "geometry", "a feature of another program needs a geometry")
        )
    try:
        shape = shapely.from_wkb(wkb)
    except (shapely.errors.GEOSException, ValueError, TypeError):
        raise ProblemError(Problem(where, "geometry", "unreadable geometry")) from None
    return foreign_record(mapping(shape), {k: v for k, v in values.items() if v is not None}, where)


def _plain(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value if isinstance(value, str) else str(value)
