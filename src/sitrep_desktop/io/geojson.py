"""GeoJSON (RFC 7946): every record a Feature, its fields in the properties.

Properties carry `record` (place, faction, control_change, event, annotation)
and every field, so an export reads back as the same records. Control changes
sit at their place; events without geometry sit at their place too (their
`geometry` property stays null). Factions have no location: null geometry.
Features from other programs become events (with a time), places (points) or
annotations (lines and areas), their other properties kept as attributes
(io.foreign).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import shapely

from ..domain import Annotation, Event, Place, Record
from .foreign import foreign_feature
from .progress import Progress, in_shares
from .records import (
    KINDS,
    RECORD_KEY,
    ImportFileError,
    Problem,
    ProblemError,
    RecordBatch,
    collect_records,
    record_fields,
    record_from_fields,
)


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
        # RFC 7946: exterior rings counter-clockwise, holes clockwise.
        shape = shapely.orient_polygons(shapely.from_wkt(record.geometry), exterior_cw=False)
        geometry = json.loads(shapely.to_geojson(shape))
    place = places.get(getattr(record, "place_id", None) or "")
    if geometry is None and place is not None:
        geometry = {"type": "Point", "coordinates": [place.lon, place.lat]}
    properties = record_fields(record)
    # Imported attributes also at the top, where QGIS shows them as columns; ours
    # come back from `attributes`, so a name of our own fields is left to ours.
    for key, value in (properties.get("attributes") or {}).items():
        properties.setdefault(key, value)
    return {"type": "Feature", "id": record.id, "geometry": geometry, "properties": properties}


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
        if properties.get("id") in (None, "") and feature.get("id") not in (None, ""):
            # GDAL moves an `id` property to the feature's id when it re-saves a file.
            properties = {**properties, "id": str(feature["id"])}
        return record_from_fields(kind, properties, where), False
    number = int(where.rsplit(" ", 1)[-1]) if where.rsplit(" ", 1)[-1].isdigit() else None
    found = foreign_feature(feature.get("geometry"), properties, where, number=number)
    return found.record, found.by_name, found.repair
