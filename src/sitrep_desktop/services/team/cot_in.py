"""CoT from a TAK server read into what SitRep keeps: records, deletes, and who sent them.

Runs on the worker thread: plain Python, no database. A stream of bytes is cut
into <event> documents (`CotStream`), each parsed with the same XML safety as a
file (io/safe_xml: no DTDs, no entities) and a size cap; a malformed event is
logged and skipped by the caller, never fatal.

What becomes what:
  another SitRep's record (<sitrep>)  -> that record, exactly, with its version
                                         and history (<sitrep_versions>)
  a TAK delete (t-x-d-d)              -> a delete of the linked uid
  an ATAK marker (a-*, b-m-p-*)       -> an event at its point, category "team"
  a TAK shape (u-d-*, b-m-r)          -> an annotation (io/cot_shapes)
  range and bearing (u-rb-a)          -> a line annotation from its point
  chat (b-t-f)                        -> an event, category "team"
A foreign CoT's record id is derived from its uid alone, so a marker that moves
updates one event instead of adding one per report; its `updated` stamp is the
CoT's time, so a later report is a newer version.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.etree.ElementTree import Element

from ...domain import Annotation, Record
from ...domain.times import utc_now_text
from ...geo.geodesy import destination
from ...io import cot_shapes
from ...io.records import (
    KINDS,
    RECORD_KEY,
    ImportFileError,
    ProblemError,
    derived_id,
    record_from_fields,
)
from ...io.safe_xml import child, parse_xml
from .cot_out import DELETE_TYPE, PRESENCE_MARK, VERSIONS_TAG

MAX_EVENT_BYTES = 1024 * 1024  # a CoT larger than this is refused, not buffered
TEAM_CATEGORY = "team"
_END = b"</event>"
_START = b"<event"


class CotError(ValueError):
    """One CoT that cannot be read; the message says why."""


@dataclass(frozen=True, slots=True)
class Incoming:
    """One CoT read: a record to apply, or a delete (record None, `deleted_id` set).

    `version`, `history` ((version, updated) pairs) and, for a delete, `updated`
    are the sender's when it is a SitRep; a CoT made in TAK carries none.
    """

    cot_uid: str
    cot_type: str
    sender_uid: str
    sender_callsign: str
    record: Record | None = None
    deleted_id: str | None = None
    deleted_kind: str | None = None
    version: str = ""
    history: tuple[tuple[str, str], ...] = ()
    updated: str = ""  # a delete's: the stamp of the version it deleted


class CotStream:
    """Cuts a byte stream into whole <event> documents. A nested event inside a
    u-d-f-m drawing is escaped in an attribute, so a literal </event> always
    closes a top-level one."""

    def __init__(self, limit: int = MAX_EVENT_BYTES) -> None:
        self.limit = limit
        self._buffer = bytearray()
        self.dropped = 0  # events refused for their size

    def feed(self, data: bytes) -> list[bytes]:
        self._buffer += data
        events = []
        while True:
            start = self._buffer.find(_START)
            if start < 0:
                # Keep a tail that might be the start of "<event".
                del self._buffer[: max(0, len(self._buffer) - len(_START))]
                return events
            end = self._buffer.find(_END, start)
            if end < 0:
                if len(self._buffer) - start > self.limit:
                    # Too large: drop it and look for the next event after it.
                    self.dropped += 1
                    del self._buffer[: start + len(_START)]
                    continue
                del self._buffer[:start]
                return events
            stop = end + len(_END)
            if stop - start > self.limit:
                self.dropped += 1
            else:
                events.append(bytes(self._buffer[start:stop]))
            del self._buffer[:stop]


def read_cot(data: bytes) -> Incoming | None:
    """The CoT's meaning for SitRep; None for what we do not keep (pings, our presence)."""
    if len(data) > MAX_EVENT_BYTES:
        raise CotError(f"a CoT of {len(data)} bytes is over the {MAX_EVENT_BYTES} byte cap")
    try:
        event = parse_xml(data, "CoT from the server")
    except ImportFileError as exc:
        raise CotError(str(exc)) from None
    uid = event.get("uid", "").strip()
    kind = event.get("type", "")
    if not uid:
        raise CotError("a CoT event needs a uid")
    detail = child(event, "detail")
    sender_uid, sender = _sender(event, detail, uid)
    base = Incoming(uid, kind, sender_uid, sender)
    try:
        if kind == DELETE_TYPE:
            return _delete(base, detail)
        ours = child(detail, "sitrep") if detail is not None else None
        if ours is not None and ours.get(RECORD_KEY) in KINDS:
            record = record_from_fields(str(ours.get(RECORD_KEY)), dict(ours.attrib), uid)
            return dataclasses.replace(base, record=record, **_versions(detail))
        if detail is not None and child(detail, PRESENCE_MARK) is not None:
            return None  # another SitRep's laptop announcing itself
        return _foreign(base, event, detail)
    except ProblemError as exc:
        raise CotError(str(exc.problem)) from None


def foreign_id(cot_uid: str) -> str:
    """The record id for a CoT made outside SitRep: the same for every report of one uid."""
    return derived_id("team cot", cot_uid)


def _sender(event: Element, detail: Element | None, uid: str) -> tuple[str, str]:
    """(uid, callsign) of who sent a CoT: <creator>, a parent <link>, <contact>, or the uid."""
    if detail is not None:
        creator = child(detail, "creator")
        if creator is not None and creator.get("uid"):
            return str(creator.get("uid")), creator.get("callsign", "") or str(creator.get("uid"))
        for link in detail:
            if link.tag == "link" and link.get("parent_callsign"):
                return link.get("uid", ""), str(link.get("parent_callsign"))
        chat = child(detail, "__chat")
        if chat is not None and chat.get("senderCallsign"):
            return chat.get("id", uid), str(chat.get("senderCallsign"))
        contact = child(detail, "contact")
        if contact is not None and contact.get("callsign"):
            return uid, str(contact.get("callsign"))
    return uid, uid


def _delete(base: Incoming, detail: Element | None) -> Incoming:
    ours = child(detail, "sitrep_delete") if detail is not None else None
    if ours is not None and ours.get("id"):
        return dataclasses.replace(
            base,
            deleted_id=str(ours.get("id")),
            deleted_kind=ours.get(RECORD_KEY),
            **_versions(detail),
        )
    link = child(detail, "link") if detail is not None else None
    if link is None or not link.get("uid"):
        raise CotError("a TAK delete needs a <link uid>")
    # A delete from ATAK names the CoT uid of a marker or shape it made.
    return dataclasses.replace(base, deleted_id=foreign_id(str(link.get("uid"))))


def _versions(detail: Element | None) -> dict[str, object]:
    """The sender's version, history and stamp (<sitrep_versions>), when it sent them."""
    element = child(detail, VERSIONS_TAG) if detail is not None else None
    if element is None or not element.get("version"):
        return {}
    history = tuple(
        (str(seen.get("version")), seen.get("updated", ""))
        for seen in element
        if seen.tag == "seen" and seen.get("version")
    )
    return {
        "version": str(element.get("version")),
        "history": history,
        "updated": element.get("updated", ""),
    }


def _foreign(base: Incoming, event: Element, detail: Element | None) -> Incoming | None:
    kind = base.cot_type
    record_id = foreign_id(base.cot_uid)
    stamp = _stamp(event.get("time", ""))
    if kind == "u-rb-a":
        record: Record = _range_and_bearing(event, detail, record_id)
    elif cot_shapes.is_drawing(kind):
        record = cot_shapes.foreign_drawing(event, base.cot_uid)
    elif kind.startswith("b-t-f"):
        record = _chat(base, event, detail, record_id)
    elif kind.startswith(("a-", "b-m-p")):
        record = _marker(base, event, detail, record_id)
    else:
        return None  # pings (t-x-c-t), server notices and the like
    record = dataclasses.replace(record, id=record_id, created=stamp, updated=stamp)
    return dataclasses.replace(base, record=record)


def _marker(base: Incoming, event: Element, detail: Element | None, record_id: str) -> Record:
    contact = child(detail, "contact") if detail is not None else None
    remarks = child(detail, "remarks") if detail is not None else None
    title = (contact.get("callsign", "") if contact is not None else "") or base.cot_type
    return record_from_fields(
        "event",
        {
            "id": record_id,
            "at": _at(event),
            "title": title,
            "category": TEAM_CATEGORY,
            "description": (remarks.text or "").strip() if remarks is not None else "",
            "geometry": _point_wkt(event),
            "source": f"TAK {base.cot_uid} from {base.sender_callsign}",
        },
        base.cot_uid,
    )


def _chat(base: Incoming, event: Element, detail: Element | None, record_id: str) -> Record:
    remarks = child(detail, "remarks") if detail is not None else None
    text = (remarks.text or "").strip() if remarks is not None else ""
    point = _point_wkt(event)
    return record_from_fields(
        "event",
        {
            "id": record_id,
            "at": _at(event),
            "title": f"Chat from {base.sender_callsign}: {text[:60]}".rstrip(": "),
            "category": TEAM_CATEGORY,
            "description": text,
            # Chat usually carries no position (0, 0): then it has none here either.
            "geometry": None if point == "POINT (0.0 0.0)" else point,
            "source": f"TAK chat {base.cot_uid}",
        },
        base.cot_uid,
    )


def _range_and_bearing(event: Element, detail: Element | None, record_id: str) -> Annotation:
    point = child(event, "point")
    range_ = child(detail, "range") if detail is not None else None
    bearing = child(detail, "bearing") if detail is not None else None
    if point is None or range_ is None or bearing is None:
        raise CotError("a u-rb-a range and bearing needs <point>, <range> and <bearing>")
    try:
        lat, lon = float(point.get("lat", "")), float(point.get("lon", ""))
        metres, degrees = float(range_.get("value", "")), float(bearing.get("value", ""))
    except ValueError:
        raise CotError("range and bearing: a value is not a number") from None
    end_lat, end_lon = destination(lat, lon, degrees, metres)
    contact = child(detail, "contact") if detail is not None else None
    label = contact.get("callsign", "") if contact is not None else ""
    return Annotation(
        id=record_id,
        geometry=f"LINESTRING ({lon!r} {lat!r}, {end_lon!r} {end_lat!r})",
        kind="arrow",
        label=label or f"{metres:.0f} m at {degrees:.0f}°",
        notes=f"Range {metres:.0f} m, bearing {degrees:.1f}° (from TAK)",
    )


def _point_wkt(event: Element) -> str | None:
    point = child(event, "point")
    if point is None:
        return None
    try:
        lat, lon = float(point.get("lat", "")), float(point.get("lon", ""))
    except ValueError:
        raise CotError("a <point> lat or lon is not a number") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise CotError(f"({lat}, {lon}) is not a position")
    return f"POINT ({lon!r} {lat!r})"


def _at(event: Element) -> str:
    return event.get("time", "") or event.get("start", "") or utc_now_text()


def _stamp(text: str) -> str:
    """A CoT time as our `updated` stamp format, so versions compare as text."""
    for pattern in ("%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%dT%H:%M:%SZ"):
        try:
            moment = datetime.strptime(text, pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return utc_now_text()
