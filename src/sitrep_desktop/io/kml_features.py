"""Reading one KML placemark: its data, its geometry, its time.

Our own placemarks carry every field in ExtendedData and read back as the
same record. Others become events, places or drawings (io.foreign), keeping
their ExtendedData (`Data` and `SchemaData`, as Google Earth and GDAL write
them) as attributes. Geometry: Point, LineString, LinearRing, Polygon with its
holes, MultiGeometry, gx:Track and gx:MultiTrack (a line, with its times kept);
altitudes are kept as attributes.
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element

import shapely
from shapely.geometry.base import BaseGeometry

from .foreign import feature_named, foreign_feature
from .records import KINDS, RECORD_KEY, Problem, ProblemError, record_from_fields
from .safe_xml import child, child_text, children, descendants, local_name

_SHAPES = ("Point", "LineString", "LinearRing", "Polygon", "MultiGeometry", "Track", "MultiTrack")
# Not KML, but written by some tools (GDAL issue 4031): read as a MultiGeometry.
_COLLECTIONS = ("MultiGeometry", "MultiTrack", "MultiPolygon", "MultiLineString", "MultiPoint")
_SHAPES += _COLLECTIONS[2:]
# How deep MultiGeometry may nest: real files use one or two levels.
MAX_NESTING = 32


def placemark_record(mark: Element, where: str, number: int) -> tuple[Any, ...]:
    """(record, match its place by name, what was repaired) for one <Placemark>."""
    values = extended_data(mark)
    kind = values.get(RECORD_KEY)
    if kind in KINDS:
        # A file re-saved by GDAL keeps the name and description in their own elements.
        for field, element in (("name", "name"), ("description", "description")):
            if field not in values and child(mark, element) is not None:
                values[field] = child_text(mark, element)
        return record_from_fields(kind, values, where), False, ""
    properties: dict[str, Any] = {}
    for element in ("name", "description"):
        if child(mark, element) is not None:
            properties[element] = child_text(mark, element)
    properties.update({k: v for k, v in values.items() if k not in properties})
    shape, times = placemark_shape(mark, where)
    if shape is None:
        named = feature_named({**properties, "id": mark.get("id") or properties.get("id")})
        raise ProblemError(Problem(where, "geometry", "the placemark has no geometry", named))
    when = _time(mark) or (times[0] if times else "")
    if when:
        properties["when"] = when
    extra = {"track_times": times} if times else None
    found = foreign_feature(shape, properties, where, extra=extra, number=number)
    return found.record, found.by_name, found.repair


def extended_data(mark: Element) -> dict[str, str]:
    """Every <Data name><value> and <SchemaData><SimpleData name> of a placemark."""
    values: dict[str, str] = {}
    extended = child(mark, "ExtendedData")
    if extended is None:
        return values
    for item in children(extended, "Data"):
        values[item.get("name", "")] = child_text(item, "value")
    for schema in children(extended, "SchemaData"):
        for item in children(schema, "SimpleData"):
            values[item.get("name", "")] = (item.text or "").strip()
    values.pop("", None)
    return values


def _time(mark: Element) -> str:
    stamp = child(mark, "TimeStamp")
    span = child(mark, "TimeSpan")
    when = child_text(stamp, "when") if stamp is not None else ""
    return when or (child_text(span, "begin") if span is not None else "")


def placemark_shape(mark: Element, where: str) -> tuple[BaseGeometry | None, list[str]]:
    """The placemark's geometry (None: it has none) and a track's times."""
    for item in mark:
        if local_name(item) in _SHAPES:
            times: list[str] = []
            return _shape(item, where, times, 0), times
    return None, []


def _shape(element: Element, where: str, times: list[str], depth: int) -> BaseGeometry:
    kind = local_name(element)
    if depth > MAX_NESTING:
        raise ProblemError(
            Problem(
                where, "geometry", f"MultiGeometry nested too deeply (over {MAX_NESTING} levels)"
            )
        )
    try:
        if kind in _COLLECTIONS:
            parts = [
                _shape(item, where, times, depth + 1)
                for item in element
                if local_name(item) in _SHAPES
            ]
            return shapely.GeometryCollection([p for p in parts if not p.is_empty])
        if kind == "Track":
            return _track(element, where, times)
        if kind == "Polygon":
            return _polygon(element, where)
        coords = child(element, "coordinates")
        if coords is None:
            raise ProblemError(Problem(where, "coordinates", f"{kind} has no coordinates"))
        points = _points(coords, where)
        if kind == "Point":
            return shapely.Point(points[0])
        return shapely.LineString(points)  # a LinearRing too: a closed line
    except (ValueError, IndexError, shapely.errors.GEOSException):
        raise ProblemError(Problem(where, "coordinates", f"not a valid {kind}")) from None


def _polygon(element: Element, where: str) -> BaseGeometry:
    boundary = child(element, "outerBoundaryIs")
    outer = descendants(element if boundary is None else boundary, "coordinates")
    if not outer:
        raise ProblemError(Problem(where, "coordinates", "a polygon needs an outer ring"))
    holes = [
        _points(c, where)
        for b in children(element, "innerBoundaryIs")
        for c in descendants(b, "coordinates")
    ]
    return shapely.Polygon(_points(outer[0], where), holes)


def _track(element: Element, where: str, times: list[str]) -> BaseGeometry:
    """gx:Track: <when> and <gx:coord> ("lon lat alt") in pairs; a line through them."""
    whens = [(w.text or "").strip() for w in children(element, "when")]
    points = []
    for coord in children(element, "coord"):
        parts = (coord.text or "").split()
        try:
            points.append(tuple(float(p) for p in parts[:3]))
        except ValueError:
            raise ProblemError(
                Problem(where, "coordinates", f"{coord.text!r} is not 'lon lat alt'")
            ) from None
    if not points:
        raise ProblemError(Problem(where, "coordinates", "the track has no gx:coord"))
    times.extend(w for w in whens if w)
    if len({len(p) for p in points}) > 1:
        points = [p[:2] for p in points]
    return shapely.Point(points[0]) if len(points) == 1 else shapely.LineString(points)


def _points(element: Element, where: str) -> list[tuple[float, ...]]:
    """ "lon,lat[,alt]" tuples; the altitude only when every point has one."""
    points = []
    for token in (element.text or "").split():
        parts = token.split(",")
        try:
            points.append(tuple(float(p) for p in parts[:3]))
        except ValueError:
            raise ProblemError(Problem(where, "coordinates", f"{token!r} is not lon,lat")) from None
        if len(parts) < 2:
            raise ProblemError(Problem(where, "coordinates", f"{token!r} is not lon,lat"))
    if len({len(p) for p in points}) > 1:
        points = [p[:2] for p in points]
    return points
