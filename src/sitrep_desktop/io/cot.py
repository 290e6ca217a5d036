"""Cursor-on-Target (CoT) XML events, and TAK data packages that carry them.

Places and events become CoT markers at their point (an event's shape at its
representative point, or at its place); annotations become the drawings TAK
shows (cot_shapes). Every CoT uid is our record id, so a second export updates
what TAK shows instead of adding a copy. A place's marker names who holds it,
and since when, as of the export's last control change: in <remarks>, and in
its <color>. Its type stays a-u-G (unknown): friend or foe depends on who looks.

Our fields ride along in a <sitrep> element under <detail>, which TAK clients
ignore and we read back. A file holds one <event> or several under an <events>
root. A data package is a zip of one .cot file per record plus
MANIFEST/manifest.xml. CoT events from other sources become events named by
their callsign; TAK drawings become annotations.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from xml.etree.ElementTree import Element, SubElement, tostring

import shapely

from ..domain import Annotation, ControlState, Event, Faction, Place, Record, resolve_control
from . import cot_shapes, tak_items, tak_package
from .cot_shapes import STAMP, envelope
from .limits import BudgetedArchive
from .progress import Progress
from .records import (
    KINDS,
    RECORD_KEY,
    ZIP_READ_ERRORS,
    ImportFileError,
    Problem,
    ProblemError,
    RecordBatch,
    collect_records,
    derived_id,
    record_from_fields,
    text_fields,
)
from .safe_xml import child, descendants, dropped_note, local_name, parse_xml, scrub

PLACE_TYPE = "a-u-G"  # ground point of unknown affiliation: TAK draws a yellow marker
EVENT_TYPE = "b-m-p-s-m"  # spot map marker


def event_element(
    record: Place | Event | Annotation,
    places: dict[str, Place],
    holders: dict[str, ControlState] | None = None,
    factions: dict[str, Faction] | None = None,
) -> Element:
    """The CoT event for one record; `holders` (place id -> control) colours places."""
    if isinstance(record, Annotation):
        event, detail = cot_shapes.drawing(record, _updated(record))
        name, remarks = record.label or record.kind, record.notes
    elif isinstance(record, Event):
        lon, lat = _point(record, places)
        event, detail = envelope(record.id, EVENT_TYPE, record.at.as_utc(), lon, lat)
        name, remarks = record.title, record.description
    else:
        state = (holders or {}).get(record.id)
        # A change of hands is news to TAK too: the later of the last edit and the change.
        when = max(_updated(record), state.since.as_utc()) if state else _updated(record)
        event, detail = envelope(record.id, PLACE_TYPE, when, record.lon, record.lat)
        faction = (factions or {}).get(state.faction_id or "") if state else None
        if faction is not None:
            SubElement(detail, "color", argb=str(cot_shapes.argb(faction.colour)))
        name = record.name
        remarks = "\n\n".join(t for t in (holder_text(state, faction), record.notes) if t)
    SubElement(detail, "contact", callsign=name)
    SubElement(detail, "remarks").text = remarks
    SubElement(detail, "sitrep", text_fields(record))
    return event


def holder_text(state: ControlState | None, faction: Faction | None) -> str:
    """Who holds a place, and since when, in words for TAK's remarks."""
    if state is None:
        return "Holder: no control change recorded in this export."
    if state.faction_id is None:
        return f"Holder: disputed since {state.since.text} (reports disagree)."
    holder = f"{faction.name} ({faction.short_name})" if faction else state.faction_id
    return f"Held by {holder} since {state.since.text}."


def _point(record: Event, places: dict[str, Place]) -> tuple[float, float]:
    if record.geometry:
        point = shapely.from_wkt(record.geometry).representative_point()
        return point.x, point.y
    place = places.get(record.place_id or "")
    return (place.lon, place.lat) if place is not None else (0.0, 0.0)


def _updated(record: Record) -> datetime:
    # The last edit, so TAK takes a re-export as newer than what it shows.
    for stamp in (record.updated, record.created):
        try:
            return datetime.strptime(stamp, STAMP).replace(tzinfo=UTC)
        except ValueError:
            continue
    return datetime.now(UTC)


def _elements(batch: RecordBatch) -> list[Element]:
    places = {p.id: p for p in batch.places}
    factions = {f.id: f for f in batch.factions}
    # The batch holds control changes up to the export's time (--at or --until).
    holders = resolve_control(batch.control)
    records = (*batch.places, *batch.events, *batch.annotations)
    return [event_element(r, places, holders, factions) for r in records]


def marker_count(batch: RecordBatch) -> int:
    """How many CoT events the batch makes (places, events, drawings)."""
    return len(batch.places) + len(batch.events) + len(batch.annotations)


def write(batch: RecordBatch, path: str | Path) -> list[str]:
    """One record: one <event>, as ATAK reads a .cot file. Several (for our own
    tools only; the export makes them a data package): under an <events> root."""
    events = _elements(batch)
    root = events[0] if len(events) == 1 else Element("events")
    if len(events) != 1:
        root.extend(events)
    dropped = scrub(root)
    Path(path).write_bytes(tostring(root, encoding="utf-8", xml_declaration=True))
    return dropped_note(dropped)


def write_datapackage(batch: RecordBatch, path: str | Path, *, name: str = "") -> list[str]:
    """A TAK data package: one .cot per record (named by its UUID) and the manifest.

    `name`: the package's name in its manifest, when `path` is a temporary file's.
    """
    events = _elements(batch)
    dropped = sum(scrub(event) for event in events)
    package_uid = derived_id("datapackage", *(e.get("uid") for e in events))
    manifest = Element("MissionPackageManifest", version="2")
    config = SubElement(manifest, "Configuration")
    SubElement(config, "Parameter", name="uid", value=package_uid)
    SubElement(config, "Parameter", name="name", value=Path(name or path).stem)
    contents = SubElement(manifest, "Contents")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for event in events:
            uid = event.get("uid", "")  # a validated UUID: safe as an entry name
            entry = f"{uid}/{uid}.cot"
            archive.writestr(entry, tostring(event, encoding="utf-8", xml_declaration=True))
            content = SubElement(contents, "Content", ignore="false", zipEntry=entry)
            SubElement(content, "Parameter", name="uid", value=uid)
        dropped += scrub(manifest)
        archive.writestr(
            "MANIFEST/manifest.xml", tostring(manifest, encoding="utf-8", xml_declaration=True)
        )
    return dropped_note(dropped)


# -- reading -------------------------------------------------------------------
def read(path: str | Path) -> RecordBatch:
    """A .cot (or .xml) file; a data package given as one is read as a package."""
    with open(path, "rb") as handle:
        if handle.read(2) == b"PK":
            return read_datapackage(path)
    return parse(Path(path).read_bytes(), str(path))


def parse(data: bytes, file: str) -> RecordBatch:
    return collect_records(file, _events(parse_xml(data, file), file, "event"), _read_one)


def read_datapackage(path: str | Path, *, progress: Progress | None = None) -> RecordBatch:
    """Every CoT entry of a data package; problems of all entries are reported together.

    Entries are unpacked within one budget (io.limits); `progress` may cancel.
    """
    file = str(path)
    record_ids: dict[str, str] = {}  # CoT uid -> our record's id, for attachments

    def read_one(event: Element, where: str) -> tuple[Record, bool]:
        if local_name(event) != "event":  # a map source, an iconset: see _package_events
            raise ProblemError(
                Problem(where, "entry", f"<{local_name(event)}> is not a CoT event: not imported")
            )
        record = _record(event, where)
        record_ids[event.get("uid", "")] = record.id
        return record, False

    try:
        with zipfile.ZipFile(path) as archive:
            budget = BudgetedArchive(archive, file, Path(path).stat().st_size, progress)
            try:
                batch, problems = collect_records(file, _package_events(budget, file), read_one), []
            except ImportFileError as exc:
                if exc.batch is None:
                    raise
                # Some entries were refused: the photos of the others still come
                # with them (they were dropped along with the refused entries).
                batch, problems = exc.batch, exc.problems
            found, unattached = tak_package.attachments(archive, record_ids, file)
            batch.attachments.extend(found)
            batch.unattached.extend(unattached)
            left = [
                Problem(f"entry {name}", "file", "tied to no marker in the package: not imported")
                for name in unattached
            ]
            budget.finish()
            if problems:
                raise ImportFileError(file, problems + left, batch=batch)
            batch.skipped.extend(left)
            return batch
    except ZIP_READ_ERRORS as exc:
        raise ImportFileError(
            file, [Problem("archive", "zip", f"not a readable data package ({exc})")]
        ) from None


def _package_events(budget: BudgetedArchive, file: str) -> Iterator[tuple[str, Element]]:
    for info in budget.archive.infolist():
        name = info.filename
        if not name.lower().endswith((".cot", ".xml")) or name.upper().startswith("MANIFEST/"):
            continue
        root = parse_xml(budget.read(info), f"{file}:{name}")
        if local_name(root) not in ("event", "events"):
            # ATAK packages carry other XML (map sources, iconset.xml): that
            # entry is listed as left out; it refused the whole package.
            yield f"entry {name}", root
            continue
        yield from _events(root, file, f"entry {name} event")


def _events(root: Element, file: str, label: str) -> Iterator[tuple[str, Element]]:
    """(where, <event>) for each event of a document: "event 3", "entry x.cot event 1"."""
    if local_name(root) not in ("event", "events"):
        raise ImportFileError(file, [Problem("document", "event", "the root is not a CoT <event>")])
    events = [root] if local_name(root) == "event" else descendants(root, "event")
    for number, event in enumerate(events, start=1):
        yield f"{label} {number}", event


def _read_one(event: Element, where: str) -> tuple[Record, bool]:
    return _record(event, where), False


def _record(event: Element, where: str) -> Record:
    detail = child(event, "detail")
    ours = child(detail, "sitrep") if detail is not None else None
    if ours is not None and ours.get(RECORD_KEY) in KINDS:
        return record_from_fields(str(ours.get(RECORD_KEY)), dict(ours.attrib), where)
    if tak_items.is_tak_item(event.get("type", "")):
        return tak_items.tak_item(event, where)  # type: ignore[return-value]
    if cot_shapes.is_drawing(event.get("type", "")):
        return cot_shapes.foreign_drawing(event, where)
    point = child(event, "point")
    if point is None:
        raise ProblemError(Problem(where, "point", "a CoT event needs a <point>"))
    uid = event.get("uid", "").strip()
    if not uid:
        raise ProblemError(Problem(where, "uid", "a CoT event needs a uid"))
    contact = child(detail, "contact") if detail is not None else None
    remarks = child(detail, "remarks") if detail is not None else None
    title = (contact.get("callsign", "") if contact is not None else "") or event.get("type", "")
    values = {
        "id": derived_id("cot", uid, event.get("time", "")),
        "at": event.get("time", ""),
        "title": title or "CoT event",
        "description": (remarks.text or "") if remarks is not None else "",
        "geometry": f"POINT ({_number(point, 'lon', where)} {_number(point, 'lat', where)})",
        "source": f"CoT {uid}",
    }
    return record_from_fields("event", values, where)


def _number(point: Element, name: str, where: str) -> float:
    try:
        return float(point.get(name, ""))
    except ValueError:
        raise ProblemError(Problem(where, name, f"{point.get(name)!r} is not a number")) from None
