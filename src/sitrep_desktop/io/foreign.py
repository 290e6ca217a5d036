"""Features written by other programs (Google Earth, QGIS, GDAL, ATAK) as our records.

A feature is a shape and its properties. The shape says what it becomes: with a
time it is an event; a point with no time is a place; a line or an area a
drawing. What the shape carries beyond lon/lat (Z, M, a track's times) and
every property we have no field for is kept in the record's `attributes`, so
it is shown and exported back. Names and times are found whatever the case of
their column (`NAME`, `Name`, `title`). A feature taken with a change (a
collection of mixed parts, an invalid polygon made valid, no name) says so:
`ForeignFeature.repair`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.errors import GEOSException
from shapely.geometry.base import BaseGeometry

from ..domain import Record
from .records import (
    Problem,
    ProblemError,
    content_key,
    derived_id,
    feature_text,
    record_from_fields,
)

# Columns that name a feature or give its time, most telling first, compared casefolded.
NAME_KEYS = ("name", "title", "label", "callsign")
TIME_KEYS = ("at", "when", "time", "datetime", "date", "timestamp", "event_date", "begin")
_DESCRIPTION_KEYS = ("description", "desc", "notes")
_SINGLE = {"MultiPoint": "Point", "MultiLineString": "LineString", "MultiPolygon": "Polygon"}
_MULTI = {"Point": shapely.MultiPoint, "LineString": shapely.MultiLineString}


@dataclass(frozen=True)
class ForeignFeature:
    """The record made from a feature; `repair` says what was changed to take it ("": none)."""

    record: Record
    by_name: bool
    repair: str = ""


def foreign_feature(
    shape: BaseGeometry | Mapping[str, Any] | None,
    properties: Mapping[str, Any],
    where: str,
    *,
    extra: Mapping[str, Any] | None = None,
    number: int | None = None,
) -> ForeignFeature:
    """The record for one feature of another program's file.

    `shape`: a shapely geometry or a GeoJSON geometry mapping; `extra`:
    attributes the reader found beside the properties (a track's times);
    `number`: the feature's place in its file, to name an unnamed one.
    """
    if isinstance(shape, Mapping):
        shape = _from_geojson(shape, where)
    if shape is None or shape.is_empty:
        raise ProblemError(
            Problem(where, "geometry", "the feature has no geometry", feature_named(properties))
        )
    repairs: list[str] = []
    attributes = {**_plain_attributes(properties), **dict(extra or {})}
    shape, measures = _flat(shape, repairs)
    attributes.update(measures)
    name, name_key = _first(properties, NAME_KEYS)
    time, time_key = _first(properties, TIME_KEYS)
    description, description_key = _first(properties, _DESCRIPTION_KEYS)
    for key in (name_key, time_key, description_key):
        attributes.pop(key, None)
    if not str(name or "").strip():
        name = _unnamed(shape, properties, number)
        repairs.append(f"no name: named {name!r}")
    key = derived_id("foreign", content_key([shape.wkt, dict(properties), dict(extra or {})]))
    kind, values = _record_values(shape, str(name), time, key)
    if kind != "place":
        values["attributes"] = attributes
        if description is not None and kind == "event":
            values["description"] = str(description)
    else:
        if description is not None:
            values["notes"] = str(description)
        values["attributes"] = attributes
    record = record_from_fields(kind, values, where)
    return ForeignFeature(record, kind == "place", "; ".join(repairs))


def foreign_record(geometry: Any, properties: dict[str, Any], where: str) -> tuple[Record, bool]:
    """`foreign_feature` for callers that need only the record and its by-name flag."""
    feature = foreign_feature(geometry, properties, where)
    return feature.record, feature.by_name


def _from_geojson(geometry: Mapping[str, Any], where: str) -> BaseGeometry:
    try:
        return shapely.from_geojson(json.dumps(geometry))
    except (GEOSException, ValueError, TypeError):
        raise ProblemError(Problem(where, "geometry", "not a valid GeoJSON geometry")) from None


def feature_named(properties: Mapping[str, Any]) -> str:
    """How a problem names a feature of another program's file: its name (in
    whatever case the file spells the column) and id, so "feature 5" can be found."""
    name, _key = _first(properties, NAME_KEYS)
    ident, _key = _first(properties, ("id", "fid"))
    return feature_text({"name": name, "id": ident})


def _first(properties: Mapping[str, Any], keys: tuple[str, ...]) -> tuple[Any, str | None]:
    """The first non-empty property among `keys`, whatever its case, and its own key."""
    folded = {str(k).casefold(): k for k in properties}
    for wanted in keys:
        key = folded.get(wanted)
        if key is not None:
            value = properties[key]
            if value is not None and str(value).strip():
                return value, key
    return None, None


def _unnamed(shape: BaseGeometry, properties: Mapping[str, Any], number: int | None) -> str:
    ident, _ = _first(properties, ("id", "fid", "uid", "objectid", "ogc_fid"))
    kind = {"Point": "point", "LineString": "line", "Polygon": "area"}.get(
        _SINGLE.get(shape.geom_type, shape.geom_type), "feature"
    )
    if ident is not None:
        return f"Unnamed {kind} {ident}"
    return f"Unnamed {kind} {number}" if number is not None else f"Unnamed {kind}"


def _plain_attributes(properties: Mapping[str, Any]) -> dict[str, Any]:
    """Properties as JSON values: nested objects as JSON text, NaN as missing."""
    result: dict[str, Any] = {}
    for key, value in properties.items():
        key = str(key).strip()
        if not key:
            continue
        if isinstance(value, float) and not math.isfinite(value):
            value = None
        elif isinstance(value, (dict, list, tuple)):
            value = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
        elif value is not None and not isinstance(value, (str, int, float, bool)):
            value = str(value)
        result[key] = value
    return result


def _flat(shape: BaseGeometry, repairs: list[str]) -> tuple[BaseGeometry, dict[str, Any]]:
    """The shape in lon/lat only, as one of our geometry types, and its Z/M values.

    Z and M leave the geometry (our maps are flat) and stay as attributes; a
    collection becomes a Multi* of its parts (of its largest dimension, when
    mixed); an invalid area is made valid.
    """
    measures: dict[str, Any] = {}
    if shapely.has_z(shape):
        z = shapely.get_coordinates(shape, include_z=True)[:, 2]
        # Altitudes all 0 say nothing (KML's clampToGround writes them so).
        if np.any(np.nan_to_num(z) != 0):
            measures["z"] = _numbers(z)
    if hasattr(shapely, "has_m") and shapely.has_m(shape):
        m = shapely.get_coordinates(shape, include_m=True)[:, -1]
        measures["m"] = _numbers(m)
    if shapely.has_z(shape) or measures:
        shape = shapely.force_2d(shape)
    if shape.geom_type == "GeometryCollection":
        shape = _collection(shape, repairs)
    if shape.geom_type in ("Polygon", "MultiPolygon") and not shape.is_valid:
        reason = shapely.is_valid_reason(shape).split("[")[0].strip()
        fixed = _collection(shapely.make_valid(shape), [])
        if fixed.geom_type in ("Polygon", "MultiPolygon") and not fixed.is_empty:
            repairs.append(f"invalid area ({reason}) made valid")
            shape = fixed
    if shape.geom_type == "LinearRing":
        shape = shapely.LineString(shape.coords)
    return shape, measures


def _numbers(values: np.ndarray) -> Any:
    plain = [None if math.isnan(v) else float(v) for v in values]
    return plain[0] if len(plain) == 1 else plain


def _collection(shape: BaseGeometry, repairs: list[str]) -> BaseGeometry:
    """A GeometryCollection (a KML MultiGeometry) as a single or Multi* geometry."""
    parts = _parts(shape)
    if not parts:
        return shapely.GeometryCollection()
    dimension = max(shapely.get_dimensions(p) for p in parts)
    kept = [p for p in parts if shapely.get_dimensions(p) == dimension]
    if len(kept) < len(parts):
        dropped = len(parts) - len(kept)
        repairs.append(f"{dropped} part(s) of a lower dimension dropped from a mixed collection")
    if len(kept) == 1:
        return kept[0]
    if kept[0].geom_type == "Polygon":
        union = shapely.union_all(kept)  # overlapping parts would make an invalid MultiPolygon
        if union.geom_type in ("Polygon", "MultiPolygon"):
            return union
        return shapely.MultiPolygon(kept)
    return _MULTI[kept[0].geom_type](kept)


def _parts(shape: BaseGeometry) -> list[BaseGeometry]:
    if shape.geom_type in ("GeometryCollection", *_SINGLE):
        return [part for item in shape.geoms for part in _parts(item)]  # type: ignore[attr-defined]
    if shape.geom_type == "LinearRing":
        return [shapely.LineString(shape.coords)]
    return [] if shape.is_empty else [shape]


def _record_values(
    shape: BaseGeometry, name: str, time: Any, key: str
) -> tuple[str, dict[str, Any]]:
    if time is not None:
        return "event", {"id": key, "at": str(time), "title": name, "geometry": shape.wkt}
    if shape.geom_type == "Point":
        return "place", {"id": key, "name": name, "lat": shape.y, "lon": shape.x}
    kind = "polygon" if "Polygon" in shape.geom_type else "line"
    if shape.geom_type == "MultiPoint":
        kind = "point"
    return "annotation", {"id": key, "geometry": shape.wkt, "label": name, "kind": kind}
