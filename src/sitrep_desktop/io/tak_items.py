"""TAK items that are not plain drawings: ranging shapes and GeoChat messages.

As ATAK writes them:

  u-rb-a            a range-and-bearing line: <point> is its start, <detail>
                    <range value="m"/> <bearing value="degrees"/>; the end is
                    found by geodesy (ATAK stores the bearing in degrees true;
                    <northRef> and <bearingUnits> are only how it shows it)
  u-r-b-bullseye    a bullseye: <point> the centre, <bullseye distance="m">
                    the radius of its outer ring
  u-r-b-c-c         a range circle: <point> the centre, <shape><ellipse major>
                    the radius (more rings: <rangeRings>... ignored, the first kept)
  b-t-f             a GeoChat message: <__chat senderCallsign chatroom>, the
                    text in <remarks>
  b-t-f-d, b-t-f-r  a GeoChat delivered or read receipt (ATAK, WinTAK): no text,
                    nothing to keep; left out and listed, never an event

Ranging shapes become measurement drawings: an arrow or a circle whose label
gives the distance and bearing, the figures kept in its attributes. A chat
line becomes a Message, not an event.
"""

from __future__ import annotations

import math
from xml.etree.ElementTree import Element

import shapely

from ..domain import Record
from ..domain.errors import ValidationError
from ..domain.messages import Message
from ..geo.geodesy import compass_point, destination, geodesic_circle
from .records import Problem, ProblemError, derived_id, record_from_fields
from .safe_xml import child

RANGING = ("u-rb-a", "u-r-b-bullseye", "u-r-b-c-c")
CHAT = "b-t-f"
_CIRCLE_VERTICES = 72
_MEASURE_STYLE = {"colour": "#6a1b9a", "width": 2.0, "dash": "dash", "fill_opacity": 0.0}


# Chat traffic that says something about a message rather than being one.
CHAT_RECEIPTS = {"b-t-f-d": "delivered", "b-t-f-r": "read"}


def is_tak_item(kind: str) -> bool:
    return kind in RANGING or kind == CHAT or kind in CHAT_RECEIPTS


def tak_item(event: Element, where: str) -> Record | Message:
    """The record (or message) for a ranging shape or a GeoChat event."""
    kind = event.get("type", "")
    uid = event.get("uid", "").strip()
    if not uid:
        raise ProblemError(Problem(where, "uid", "a CoT event needs a uid"))
    detail = child(event, "detail")
    if detail is None:
        raise ProblemError(Problem(where, "detail", f"a {kind} item needs a <detail>"))
    if kind == CHAT:
        return _message(event, detail, uid, where)
    if kind in CHAT_RECEIPTS:
        # Without this a receipt fell through to the plain-marker reader and
        # became an event titled "b-t-f-d" at the receiver's position.
        receipt = f"a GeoChat {CHAT_RECEIPTS[kind]} receipt ({kind}), not a message"
        raise ProblemError(Problem(where, "type", receipt))
    lat, lon = _position(event, where)
    contact = child(detail, "contact")
    name = contact.get("callsign", "").strip() if contact is not None else ""
    if kind == "u-rb-a":
        return _range_and_bearing(event, detail, uid, name, lat, lon, where)
    if kind == "u-r-b-bullseye":
        ring = child(detail, "bullseye")
        radius = _metres(ring, "distance", where) if ring is not None else math.nan
        return _circle(event, uid, name or "Bullseye", lat, lon, radius, kind, where)
    shape = child(detail, "shape")
    ellipse = child(shape, "ellipse") if shape is not None else None
    radius = _metres(ellipse, "major", where) if ellipse is not None else math.nan
    return _circle(event, uid, name or "Range circle", lat, lon, radius, kind, where)


def _range_and_bearing(
    event: Element, detail: Element, uid: str, name: str, lat: float, lon: float, where: str
) -> Record:
    range_m = _metres(child(detail, "range"), "value", where)
    bearing_element = child(detail, "bearing")
    bearing = _number(bearing_element, "value", where) if bearing_element is not None else None
    if bearing is None or not math.isfinite(range_m) or range_m <= 0:
        raise ProblemError(
            Problem(where, "range", "a u-rb-a line needs <range value> (m) and <bearing value>")
        )
    end_lat, end_lon = destination(lat, lon, bearing % 360, range_m)
    label = f"{name + ': ' if name else ''}{_distance(range_m)} at {bearing % 360:03.0f}°"
    label += f" {compass_point(bearing % 360)}"
    values = {
        "id": derived_id("cot", uid, event.get("time", "")),
        "kind": "arrow",
        "geometry": shapely.LineString([(lon, lat), (end_lon, end_lat)]).wkt,
        "label": label,
        "style": dict(_MEASURE_STYLE),
        "attributes": {
            "tak_type": "u-rb-a",
            "tak_uid": uid,
            "range_m": range_m,
            "bearing_deg_true": bearing % 360,
        },
    }
    return record_from_fields("annotation", values, where)


def _circle(
    event: Element,
    uid: str,
    name: str,
    lat: float,
    lon: float,
    radius: float,
    kind: str,
    where: str,
) -> Record:
    if not math.isfinite(radius) or radius <= 0:
        raise ProblemError(Problem(where, "radius", f"a {kind} needs a radius in metres"))
    ring = geodesic_circle(lat, lon, radius, _CIRCLE_VERTICES)
    outline = shapely.Polygon([(o, a) for a, o in ring])
    values = {
        "id": derived_id("cot", uid, event.get("time", "")),
        "kind": "circle",
        "geometry": shapely.to_wkt(outline, rounding_precision=7),
        "label": f"{name} ({_distance(radius)})",
        "style": {**_MEASURE_STYLE, "centre": [lat, lon], "radius_m": round(radius, 1)},
        "attributes": {"tak_type": kind, "tak_uid": uid, "radius_m": radius},
    }
    return record_from_fields("annotation", values, where)


def _message(event: Element, detail: Element, uid: str, where: str) -> Message:
    chat = child(detail, "__chat")
    remarks = child(detail, "remarks")
    text = (remarks.text or "").strip() if remarks is not None else ""
    sender = chat.get("senderCallsign", "").strip() if chat is not None else ""
    link = child(detail, "link")
    try:
        return Message(
            id=derived_id("geochat", uid),
            at=event.get("time", ""),
            sender=sender or (link.get("uid", "") if link is not None else "") or "unknown",
            sender_uid=link.get("uid", "") if link is not None else "",
            room=chat.get("chatroom", "") if chat is not None else "",
            text=text,
            source=f"GeoChat {uid}",
        )
    except ValidationError as exc:
        raise ProblemError(Problem(where, exc.field, f"GeoChat message: {exc.reason}")) from None


def _position(event: Element, where: str) -> tuple[float, float]:
    point = child(event, "point")
    if point is None:
        raise ProblemError(Problem(where, "point", "a CoT event needs a <point>"))
    lat, lon = _number(point, "lat", where), _number(point, "lon", where)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ProblemError(Problem(where, "point", f"({lat}, {lon}) is not a position"))
    return lat, lon


def _metres(element: Element | None, name: str, where: str) -> float:
    return math.nan if element is None else _number(element, name, where)


def _number(element: Element, name: str, where: str) -> float:
    try:
        value = float(element.get(name, ""))
    except ValueError:
        raise ProblemError(Problem(where, name, f"{element.get(name)!r} is not a number")) from None
    if not math.isfinite(value):
        raise ProblemError(Problem(where, name, f"{value} is not a number"))
    return value


def _distance(metres: float) -> str:
    return f"{metres / 1000:.2f} km" if metres >= 1000 else f"{metres:.0f} m"
