"""Our records as the CoT a TAK server relays: what ATAK draws, and what SitRep reads back.

Places, events and drawings are written by io/cot (markers and TAK shapes, the
full record in <sitrep>). Factions and control changes have nothing for ATAK
to draw: they travel as CoT of a type TAK clients do not display
(b-x-sitrep-*), the record in <sitrep> as usual; a control change also re-sends
its place, whose marker colour and remarks name the new holder. A record that
is gone is a TAK delete (t-x-d-d) with a <link> to its uid, which ATAK obeys
and SitRep reads back with the kind. Every CoT names its sender in <creator>
(as ATAK 4.x does), so a receiver can say who sent it.

Beside our record (or our delete) goes its version and the latest versions of
its history (<sitrep_versions>, as services/merge `versions_of` gives them), so
the receiver merges it by Part 1's rules exactly as it would merge our database.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from xml.etree.ElementTree import Element, SubElement, tostring

from ...domain import Annotation, ControlChange, Event, Faction, Place, Record
from ...io import cot
from ...io.cot_shapes import STAMP, envelope
from ...io.records import text_fields
from ...store import Store
from ..merge import versions_of

SITREP_TYPE = "b-x-sitrep-"  # + faction / control_change: not drawn by TAK clients
DELETE_TYPE = "t-x-d-d"
PRESENCE_TYPE = "a-f-G-E-S"  # our laptop on the map, as TAK clients announce themselves
PRESENCE_MARK = "__sitrep_presence"
CHECK_TYPE = "t-x-sitrep-check"
CHECK_SUFFIX = "-link-check"
VERSIONS_TAG = "sitrep_versions"  # the record's version and its history
# Versions of a record's history sent with it. The receiver takes our change
# only if its own head is among them (the version both last agreed on), and a
# long offline run of edits on one side must not look like a conflict: so the
# whole history goes, up to this many of the latest (~90 bytes each, ~90 KB at
# most, well under the 1 MB CoT cap). Only a record edited more often than this
# since the two last agreed shows as a conflict, never decided on a guess.
HISTORY_SENT = 1000


@dataclass(frozen=True, slots=True)
class Sender:
    """Who we are on the server: a callsign unique per laptop and a stable client id."""

    uid: str
    callsign: str


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One CoT to send; `stamp` is the record's `updated` (None for a delete)."""

    kind: str
    record_id: str
    stamp: str | None
    data: bytes
    seq: int | None = None  # the outbox row it answers, if any


def record_cot(
    store: Store,
    record: Record,
    sender: Sender,
    version: str = "",
    history: Mapping[str, str | None] | None = None,
) -> bytes:
    """The CoT for one record as it is in `store` now, with its version and history."""
    if isinstance(record, (Faction, ControlChange)):
        event = _plain(record)
    elif isinstance(record, Place):
        holders = {}
        state = store.control.control_at(record.id)
        if state is not None:
            holders[record.id] = state
        factions = {}
        if state is not None and state.faction_id:
            found = store.factions.find(state.faction_id)
            if found is not None:
                factions[found.id] = found
        event = cot.event_element(record, {}, holders, factions)
    elif isinstance(record, Event):
        places = {}
        if record.place_id and not record.geometry:
            place = store.places.find(record.place_id)
            if place is not None:
                places[place.id] = place
        event = cot.event_element(record, places)
    elif isinstance(record, Annotation):
        event = cot.event_element(record, {})
    else:  # pragma: no cover - every record kind is listed above
        raise TypeError(f"no CoT for {type(record).__name__}")
    detail = event.find("detail")
    if detail is not None and version:
        _versions(detail, version, record.updated, history or {})
    _creator(event, sender)
    return tostring(event, encoding="utf-8")


def delete_cot(
    kind: str,
    record_id: str,
    sender: Sender,
    version: str = "",
    history: Mapping[str, str | None] | None = None,
    updated: str = "",
) -> bytes:
    """A TAK delete of `record_id`; ATAK removes the marker or shape with that uid."""
    now = datetime.now(UTC)
    # The delete's own uid is new each time: TAK servers keep the latest CoT per uid.
    event, detail = envelope(str(uuid.uuid4()), DELETE_TYPE, now, 0.0, 0.0)
    event.set("stale", (now + timedelta(minutes=10)).strftime(STAMP))
    SubElement(detail, "link", uid=record_id, relation="none", type="none")
    SubElement(detail, "__forcedelete")
    SubElement(detail, "sitrep_delete", record=kind, id=record_id)
    if version:
        _versions(detail, version, updated, history or {})
    _creator(event, sender)
    return tostring(event, encoding="utf-8")


def presence_cot(sender: Sender) -> bytes:
    """Our laptop's own report: the first CoT on a connection, so the server
    registers our callsign (not a place's name) for this client."""
    now = datetime.now(UTC)
    event, detail = envelope(sender.uid, PRESENCE_TYPE, now, 0.0, 0.0)
    event.set("how", "h-g-i-g-o")
    event.set("stale", (now + timedelta(minutes=10)).strftime(STAMP))
    SubElement(detail, "contact", callsign=sender.callsign)
    SubElement(detail, "__group", name="Cyan", role="Team Member")
    SubElement(detail, "takv", device="laptop", platform="SitRep Desktop", os="", version="")
    SubElement(detail, PRESENCE_MARK)
    return tostring(event, encoding="utf-8")


def check_cot(sender: Sender) -> bytes:
    """The CoT a link sends itself through the server to check it receives (client.py).

    Its uid and callsign are the same on every connect, so the server keeps one
    entry for it; its type is one TAK clients ignore.
    """
    now = datetime.now(UTC)
    event, detail = envelope(sender.uid + CHECK_SUFFIX, CHECK_TYPE, now, 0.0, 0.0)
    event.set("stale", (now + timedelta(minutes=1)).strftime(STAMP))
    SubElement(detail, "contact", callsign=sender.callsign + " (link check)")
    return tostring(event, encoding="utf-8")


def is_check(document: bytes, sender: Sender) -> bool:
    return f'uid="{sender.uid}{CHECK_SUFFIX}"'.encode() in document[:400]


def outgoing(
    store: Store, kind: str, record_id: str, sender: Sender, seq: int | None = None
) -> Outgoing:
    """The CoT for the record as it is now, or its delete if it is gone."""
    (item,) = outgoing_many(store, kind, [record_id], sender)
    return item if seq is None else replace(item, seq=seq)


def outgoing_many(
    store: Store, kind: str, record_ids: Sequence[str], sender: Sender
) -> list[Outgoing]:
    """`outgoing` for each of `record_ids`, all of one kind, with their versions
    and records read in one go each (the whole picture, a page at a time)."""
    versions = versions_of(store, record_ids)
    repository = {
        "place": store.places,
        "faction": store.factions,
        "control_change": store.control,
        "event": store.events,
        "annotation": store.annotations,
    }.get(kind)
    found = {r.id: r for r in repository.many(record_ids)} if repository else {}
    items = []
    for record_id in record_ids:
        version, history = versions.get(record_id, ("", {}))
        record = found.get(record_id)
        if record is None:
            # The tombstone's version: a receiver that changed the record keeps it.
            updated = str(history.get(version) or "")
            data = delete_cot(kind, record_id, sender, version, history, updated)
            items.append(Outgoing(kind, record_id, None, data))
        else:
            data = record_cot(store, record, sender, version, history)
            items.append(Outgoing(kind, record_id, record.updated, data))
    return items


def _versions(detail: Element, version: str, updated: str,
              history: Mapping[str, str | None]) -> None:  # fmt: skip
    """<sitrep_versions version updated><seen version updated/>…: the history."""
    element = SubElement(detail, VERSIONS_TAG, version=version, updated=updated)
    # Stamped versions sort by their counter; an implicit one ("0.<stamp>") first.
    for seen in sorted(v for v in history if v != version)[-HISTORY_SENT:]:
        SubElement(element, "seen", version=seen, updated=history[seen] or "")


def _plain(record: Faction | ControlChange) -> Element:
    when = datetime.now(UTC)
    event, detail = envelope(record.id, SITREP_TYPE + record.KIND, when, 0.0, 0.0)
    SubElement(detail, "sitrep", text_fields(record))
    return event


def _creator(event: Element, sender: Sender) -> None:
    detail = event.find("detail")
    if detail is not None:
        SubElement(
            detail,
            "creator",
            uid=sender.uid,
            callsign=sender.callsign,
            time=event.get("time", ""),
            type=PRESENCE_TYPE,
        )
