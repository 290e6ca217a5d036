"""GeoJSON (RFC 7946): every record a Feature, its fields in the properties.

Properties carry `record` (place, faction, control_change, event, annotation)
and every field, so an export reads back as the same records. Control changes
sit at their place; events without geometry sit at their place too (their
`geometry` property stays null). Factions have no location: null geometry.
Features from other programs become events (with a time), places (points with
a name) or annotations (lines and areas).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import shapely
from shapely.errors import GEOSException

from ..domain import Annotation, Event, Place, Record
from .progress import Progress, in_shares
from .records import (
    KINDS,
    RECORD_KEY,
    ImportFileError,
    Problem,
    ProblemError,
    RecordBatch,
    collect_records,
    content_key,
    derived_id,
    record_fields,
    record_from_fields,
)

_TIME_KEYS = ("at", "time", "date", "datetime", "timestamp", "event_date")
_NAME_KEYS = ("name", "title", "label")


def to_feature_collection(batch: RecordBatch) -> dict[str, Any]:
    places = {p.id: p for p in batch.places}
    features = [_feature(record, places) for record in batch]
    return {"type": "FeatureCollection", "features": features}


def write(batch: RecordBatch, path: str | Path) -> None:
    text = json.dumps(to_feature_collection(batch), ensure_ascii=False, indent=1)
    Path(path).write_text(text + "\n", encoding="utf-8")


def _feature(record: Record, places: dict[str, Place]) -> dict[str, Any]:
    geometry = None
    if isinstance(record, Place):
        geometry = {"type": "Point", "coordinates": [record.lon, record.lat]}
    elif isinstance(record, (Event, Annotation)) and record.geometry is not None:
        geometry = json.loads(shapely.to_geojson(shapely.from_wkt(record.geometry)))
    place = places.get(getattr(record, "place_id", None) or "")
    if geometry is None and place is not None:
        geometry = {"type": "Point", "coordinates": [place.lon, place.lat]}
    return {
        "type": "Feature",
        "id": record.id,
        "geometry": geometry,
        "properties": record_fields(record),
    }


def read(path: str | Path, *, progress: Progress | None = None) -> RecordBatch:
    return parse(Path(path).read_bytes(), str(path), progress=progress)


def parse(data: bytes, file: str, *, progress: Progress | None = None) -> RecordBatch:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            file, [Problem(f"byte {exc.start}", "encoding", "not UTF-8 text")]
        ) from None
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            file,
            [
                Problem(
                    f"line {exc.lineno}, column {exc.colno}", "json", f"not valid JSON ({exc.msg})"
                )
            ],
        ) from None
    except RecursionError:
        raise ImportFileError(file, [Problem("document", "json", "nested too deeply")]) from None
    if isinstance(document, dict) and document.get("type") == "Feature":
        features: Any = [document]
    elif isinstance(document, dict) and document.get("type") == "FeatureCollection":
        features = document.get("features")
    else:
        raise ImportFileError(
            file, [Problem("document", "type", "expected a GeoJSON FeatureCollection or Feature")]
        )
    if not isinstance(features, list):
        raise ImportFileError(file, [Problem("document", "features", "must be a list")])
    features = in_shares(features, len(features), len(data), progress)
    entries = ((f"feature {n}", feature) for n, feature in enumerate(features, start=1))
    return collect_records(file, entries, _record)


def _record(feature: Any, where: str) -> tuple[Record, bool]:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise ProblemError(Problem(where, "type", "is not a GeoJSON Feature"))
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        raise ProblemError(Problem(where, "properties", "must be an object"))
    kind = properties.get(RECORD_KEY)
    if isinstance(kind, str) and kind in KINDS:
        return record_from_fields(kind, properties, where), False
    return foreign_record(feature.get("geometry"), properties, where)


def foreign_record(geometry: Any, properties: dict[str, Any], where: str) -> tuple[Record, bool]:
    """A feature written by another program: guess the record from its shape and time."""
    if not isinstance(geometry, dict):
        raise ProblemError(
            Problem(where, "geometry", "a feature without `record` needs a geometry")
        )
    try:
        shape = shapely.from_geojson(json.dumps(geometry))
    except (GEOSException, ValueError, TypeError):
        raise ProblemError(Problem(where, "geometry", "not a valid GeoJSON geometry")) from None
    name = next((str(properties[k]) for k in _NAME_KEYS if properties.get(k)), "")
    time = next((properties[k] for k in _TIME_KEYS if properties.get(k)), None)
    key = derived_id("geojson", content_key([geometry, properties]))
    if shape is None or shape.is_empty:
        raise ProblemError(Problem(where, "geometry", "geometry is empty"))
    values: dict[str, Any]
    if time is not None:
        kind, values = (
            "event",
            {
                "id": key,
                "at": str(time),
                "title": name or "Imported event",
                "geometry": shape.wkt,
                "description": str(properties.get("description", "")),
            },
        )
    elif shape.geom_type == "Point":
        kind, values = "place", {"id": key, "name": name, "lat": shape.y, "lon": shape.x}
    else:
        kind = "annotation"
        values = {
            "id": key,
            "geometry": shape.wkt,
            "label": name,
            "kind": "polygon" if "Polygon" in shape.geom_type else "line",
        }
    return record_from_fields(kind, values, where), kind == "place"
