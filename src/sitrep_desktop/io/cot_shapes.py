"""Annotations as the drawings TAK shows (ATAK, WinTAK), and TAK drawings read back.

The CoT shapes, as ATAK itself writes them:

  u-d-f    a polyline; closed (a polygon) when the last <link point> repeats the first
  u-d-f-m  a multi-part freehand: one escaped u-d-f <event> per <link line="...">
  u-d-r    a rectangle (four corners), u-d-p a polygon (read only)
  u-d-c-c  a circle: <point> is the centre, <shape><ellipse major minor/> the radius in metres
  b-m-p-s-m  a spot-map marker: a coloured dot, or text only with the LABEL icon
  b-m-r    a route (read only, as a line)

Vertices are <link point="lat,lon"/>. Colours are ARGB packed in a signed 32-bit
int (<strokeColor value="-16776961"/> is opaque blue). A shape from another
TAK user becomes an annotation; a drawing type we cannot read is a problem
with its place in the file, never skipped.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

import shapely
from shapely.geometry.base import BaseGeometry

from ..domain import Annotation, Record
from ..domain.annotation_styles import full_style
from ..domain.times import utc_key
from ..geo.geodesy import geodesic_circle, inverse
from .records import ImportFileError, Problem, ProblemError, derived_id, record_from_fields
from .safe_xml import child, children, parse_xml

UNKNOWN = "9999999.0"  # CoT's "not known" for height and error
STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"
SPOT = "b-m-p-s-m"
SPOT_ICONS = "COT_MAPPING_SPOTMAP/b-m-p-s-m/"
# What TAK calls our dash styles; TAK has no dash-dot, so it is drawn dashed.
_STROKE_STYLES = {"solid": "solid", "dash": "dashed", "dot": "dotted", "dashdot": "dashed"}
_DASHES = {"solid": "solid", "dashed": "dash", "dotted": "dot"}
_READABLE = ("u-d-f", "u-d-f-m", "u-d-r", "u-d-p", "u-d-c-c", "b-m-r")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_CIRCLE_VERTICES = 72  # as the draw tool stores a circle


def envelope(
    uid: str, kind: str, when: datetime, lon: float, lat: float
) -> tuple[Element, Element]:
    """A CoT <event> at (lon, lat) and its empty <detail>, valid for a year from `when`."""
    # utc_key pads years below 1000; the stale time stops at the end of year 9999.
    stamp = utc_key(when)
    stale = utc_key(when + min(timedelta(days=365), datetime.max.replace(tzinfo=UTC) - when))
    event = Element(
        "event",
        version="2.0",
        uid=uid,
        type=kind,
        how="h-e",
        time=stamp,
        start=stamp,
        stale=stale,
    )
    SubElement(event, "point", lat=repr(lat), lon=repr(lon), hae=UNKNOWN, ce=UNKNOWN, le=UNKNOWN)
    return event, SubElement(event, "detail")


def argb(colour: str, opacity: float = 1.0) -> int:
    """'#rrggbb' and an opacity as TAK's colour: ARGB in a signed 32-bit int."""
    alpha = max(0, min(255, round(opacity * 255)))
    value = (alpha << 24) | int(colour[1:7], 16)
    return value - (1 << 32) if value >= 1 << 31 else value


def colour_of(value: int) -> tuple[str, float]:
    """TAK's signed ARGB int as ('#rrggbb', opacity 0..1)."""
    value &= 0xFFFFFFFF
    return f"#{value & 0xFFFFFF:06x}", round((value >> 24) / 255, 2)


# -- writing -------------------------------------------------------------------
def drawing(note: Annotation, when: datetime) -> tuple[Element, Element]:
    """The CoT event TAK draws for an annotation, and its <detail> for the caller to finish.

    The shape follows the geometry (a "line" drawn around an area is closed);
    a circle drawn here keeps its centre and radius in its style, so TAK gets a
    true circle; text and points are spot-map markers.
    """
    style = full_style(note.style)
    colour = style["colour"] if _COLOUR.match(str(style["colour"])) else "#37474f"
    shape = shapely.from_wkt(note.geometry)
    circle = _circle(style, shape) if note.kind == "circle" else None
    if note.kind == "text" or shape.geom_type in ("Point", "MultiPoint"):
        point = shape if shape.geom_type == "Point" else shape.representative_point()
        event, detail = envelope(note.id, SPOT, when, point.x, point.y)
        icon = "LABEL" if note.kind == "text" else str(argb(colour))
        SubElement(detail, "usericon", iconsetpath=SPOT_ICONS + icon)
        SubElement(detail, "color", argb=str(argb(colour)))
        return event, detail
    if circle is not None:
        (lat, lon), radius = circle
        event, detail = envelope(note.id, "u-d-c-c", when, lon, lat)
        shape_element = SubElement(detail, "shape")
        # ATAK writes a circle as an ellipse with equal semi-axes and angle 360.
        SubElement(shape_element, "ellipse", major=repr(radius), minor=repr(radius), angle="360")
    else:
        parts = list(shapely.get_parts(shape))
        centre = shape.representative_point()
        if len(parts) == 1 and not shape.geom_type.startswith("Multi"):
            event, detail = envelope(note.id, "u-d-f", when, centre.x, centre.y)
            _links(detail, parts[0])
        else:
            event, detail = envelope(note.id, "u-d-f-m", when, centre.x, centre.y)
            for number, part in enumerate(parts, start=1):
                uid = derived_id("cot part", note.id, number)
                inner = _part_event(uid, part, when, style, colour, note.label or note.kind)
                SubElement(detail, "link", line=tostring(inner, encoding="unicode"))
    _stroke(detail, style, colour, filled=shape.geom_type in ("Polygon", "MultiPolygon"))
    SubElement(detail, "labels_on", value="true")
    SubElement(detail, "archive")
    return event, detail


def _circle(style: dict[str, Any], shape: BaseGeometry) -> tuple[tuple[float, float], float] | None:
    """((lat, lon), radius in metres) of a circle as the draw and edit tools save one.

    None unless the style holds them and every vertex lies on that circle: a
    circle reshaped vertex by vertex, or one from a file, goes as its polygon.
    """
    centre, radius = style.get("centre"), style.get("radius_m")
    try:
        lat, lon = (float(v) for v in centre)  # type: ignore[union-attr]
        radius = float(radius)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if not (all(math.isfinite(v) for v in (lat, lon, radius)) and radius > 0):
        return None
    if shape.geom_type != "Polygon" or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    # The radius is saved to 0.1 m and the vertices to 1e-7 degrees.
    tolerance = max(0.5, radius * 1e-3)
    for vlon, vlat in shape.exterior.coords:
        if abs(inverse(lat, lon, vlat, vlon).distance_m - radius) > tolerance:
            return None
    return (lat, lon), radius


def _links(detail: Element, part: BaseGeometry) -> None:
    # A polygon's exterior ring repeats its first vertex, which is how TAK knows it
    # is closed; holes have no place in a TAK drawing.
    line = part.exterior if part.geom_type == "Polygon" else part
    for lon, lat in line.coords:
        SubElement(detail, "link", point=f"{lat!r},{lon!r}")


def _stroke(detail: Element, style: dict[str, Any], colour: str, *, filled: bool) -> None:
    SubElement(detail, "strokeColor", value=str(argb(colour)))
    SubElement(detail, "strokeWeight", value=repr(_number(style.get("width"), 2.0)))
    SubElement(detail, "strokeStyle", value=_STROKE_STYLES.get(str(style.get("dash")), "solid"))
    if filled:
        opacity = min(1.0, max(0.0, _number(style.get("fill_opacity"), 0.15)))
        SubElement(detail, "fillColor", value=str(argb(colour, opacity)))


def _part_event(
    uid: str, part: BaseGeometry, when: datetime, style: dict[str, Any], colour: str, label: str
) -> Element:
    centre = part.representative_point()
    event, detail = envelope(uid, "u-d-f", when, centre.x, centre.y)
    _links(detail, part)
    _stroke(detail, style, colour, filled=part.geom_type == "Polygon")
    SubElement(detail, "contact", callsign=label)
    SubElement(detail, "labels_on", value="false")
    return event


def _number(value: object, default: float) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
    return number if math.isfinite(number) else default


# -- reading -------------------------------------------------------------------
def is_drawing(kind: str) -> bool:
    """A CoT type that is a TAK drawing (user drawing, ranging shape, or a route)."""
    return kind.startswith(("u-d-", "u-r-b-")) or kind == "b-m-r"


def foreign_drawing(event: Element, where: str) -> Record:
    """A drawing made in TAK as an annotation; ProblemError names the element and why."""
    kind = event.get("type", "")
    if kind not in _READABLE:
        raise ProblemError(
            Problem(
                where,
                "type",
                f"TAK drawing type {kind!r} cannot be imported "
                f"(readable drawings: {', '.join(_READABLE)})",
            )
        )
    uid = event.get("uid", "").strip()
    if not uid:
        raise ProblemError(Problem(where, "uid", "a CoT event needs a uid"))
    detail = child(event, "detail")
    if detail is None:
        raise ProblemError(Problem(where, "detail", f"a {kind} drawing needs a <detail>"))
    style = _style(detail, where)
    if kind == "u-d-c-c":
        note_kind, wkt = "circle", _circle_wkt(event, detail, style, where)
    elif kind == "u-d-f-m":
        note_kind, wkt = _multi(detail, style, where)
    else:
        vertices = _vertices(detail, where)
        closed = kind in ("u-d-r", "u-d-p") or (len(vertices) >= 4 and vertices[0] == vertices[-1])
        note_kind, wkt = _shape_wkt(vertices, closed, where)
    if note_kind not in ("polygon", "circle"):
        style.pop("fill_opacity", None)
    contact = child(detail, "contact")
    remarks = child(detail, "remarks")
    values = {
        "id": derived_id("cot", uid, event.get("time", "")),
        "kind": note_kind,
        "geometry": wkt,
        "label": contact.get("callsign", "") if contact is not None else "",
        "style": style,
        "notes": (remarks.text or "").strip() if remarks is not None else "",
    }
    if kind == "b-m-r":
        # A route's waypoints (and checkpoints) by their names, in order.
        names = [link.get("callsign", "") for link in children(detail, "link")]
        values["attributes"] = {"tak_type": kind, "waypoints": [n for n in names if n]}
    return record_from_fields("annotation", values, where)


def _vertices(detail: Element, where: str) -> list[tuple[float, float]]:
    """(lon, lat) of every <link point="lat,lon[,hae]"/>, in order."""
    vertices = []
    for number, link in enumerate(children(detail, "link"), start=1):
        text = link.get("point")
        if text is None:
            continue  # a link to a parent or a style, not a vertex
        try:
            lat, lon = (float(v) for v in text.split(",")[:2])
        except ValueError:
            raise ProblemError(
                Problem(where, f"link {number}", f"point {text!r} is not 'lat,lon'")
            ) from None
        vertices.append((lon, lat))
    return vertices


def _shape_wkt(vertices: list[tuple[float, float]], closed: bool, where: str) -> tuple[str, str]:
    if closed:
        ring = vertices if vertices and vertices[0] == vertices[-1] else [*vertices, *vertices[:1]]
        if len(ring) < 4:
            raise ProblemError(Problem(where, "link", "an area needs at least 3 vertices"))
        return "polygon", shapely.Polygon(ring).wkt
    if len(vertices) < 2:
        raise ProblemError(Problem(where, "link", "a line needs at least 2 <link point> vertices"))
    return "line", shapely.LineString(vertices).wkt


def _multi(detail: Element, style: dict[str, Any], where: str) -> tuple[str, str]:
    """A freehand of several strokes: each <link line> holds one escaped u-d-f event."""
    parts = []
    for number, link in enumerate(children(detail, "link"), start=1):
        text = link.get("line")
        if text is None:
            continue
        part_where = f"{where} line {number}"
        try:
            inner = parse_xml(text, part_where)
        except ImportFileError as exc:
            raise ProblemError(Problem(part_where, "line", exc.problems[0].reason)) from None
        inner_detail = child(inner, "detail")
        vertices = _vertices(inner_detail, part_where) if inner_detail is not None else []
        closed = len(vertices) >= 4 and vertices[0] == vertices[-1]
        parts.append(shapely.from_wkt(_shape_wkt(vertices, closed, part_where)[1]))
        if inner_detail is not None:  # the outer event's style first, then each stroke's
            for name, value in _style(inner_detail, part_where).items():
                style.setdefault(name, value)
    if not parts:
        raise ProblemError(Problem(where, "link", "a u-d-f-m drawing needs <link line> strokes"))
    if all(p.geom_type == "Polygon" for p in parts):
        return "polygon", shapely.MultiPolygon(parts).wkt
    lines = [p.exterior if p.geom_type == "Polygon" else p for p in parts]
    return "line", shapely.MultiLineString([list(line.coords) for line in lines]).wkt


def _circle_wkt(event: Element, detail: Element, style: dict[str, Any], where: str) -> str:
    point = child(event, "point")
    shape = child(detail, "shape")
    ellipse = child(shape, "ellipse") if shape is not None else None
    if point is None or ellipse is None:
        raise ProblemError(
            Problem(where, "ellipse", "a u-d-c-c circle needs a <point> and <shape><ellipse>")
        )
    lat, lon = _float(point, "lat", where), _float(point, "lon", where)
    major, minor = _float(ellipse, "major", where), _float(ellipse, "minor", where)
    if not (math.isfinite(major) and major > 0 and math.isclose(major, minor, rel_tol=1e-6)):
        raise ProblemError(
            Problem(where, "ellipse", f"major {major} and minor {minor}: not a circle's radius")
        )
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ProblemError(Problem(where, "point", f"({lat}, {lon}) is not a position"))
    ring = geodesic_circle(lat, lon, major, _CIRCLE_VERTICES)
    style.update(centre=[lat, lon], radius_m=round(major, 1))
    return shapely.to_wkt(shapely.Polygon([(o, a) for a, o in ring]), rounding_precision=7)


def _style(detail: Element, where: str) -> dict[str, Any]:
    style: dict[str, Any] = {}
    stroke = child(detail, "strokeColor")
    if stroke is not None:
        style["colour"] = colour_of(_int(stroke, where))[0]
    weight = child(detail, "strokeWeight")
    if weight is not None:
        width = _float(weight, "value", where, "strokeWeight")
        if math.isfinite(width) and width > 0:
            style["width"] = width
    dash = child(detail, "strokeStyle")
    if dash is not None and dash.get("value") in _DASHES:
        style["dash"] = _DASHES[str(dash.get("value"))]
    fill = child(detail, "fillColor")
    if fill is not None:
        style["fill_opacity"] = colour_of(_int(fill, where))[1]
    return style


def _int(element: Element, where: str) -> int:
    text = element.get("value", "")
    try:
        return int(float(text))  # some writers add ".0"; a 32-bit int is exact as a float
    except (ValueError, OverflowError):
        name = element.tag if isinstance(element.tag, str) else "colour"
        raise ProblemError(
            Problem(where, name.rsplit("}", 1)[-1], f"{text!r} is not a colour number")
        ) from None


def _float(element: Element, name: str, where: str, field: str | None = None) -> float:
    try:
        return float(element.get(name, ""))
    except ValueError:
        raise ProblemError(
            Problem(where, field or name, f"{element.get(name)!r} is not a number")
        ) from None
