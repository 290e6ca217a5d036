"""Cursor-on-Target (CoT) XML events, and TAK data packages that carry them.

Places and events become CoT events at their point (an event's shape at its
representative point, or at its place). Our fields ride along in a
<sitrep> element under <detail>, which TAK clients ignore and we read back.
A file holds one <event> or several under an <events> root. A data package is
a zip of one .cot file per record plus MANIFEST/manifest.xml. CoT events from
other sources become events named by their callsign.
"""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree.ElementTree import Element, SubElement, tostring

import shapely

from ..domain import Event, Place, Record
from .records import (
    KINDS,
    RECORD_KEY,
    ZIP_READ_ERRORS,
    ImportFileError,
    Problem,
    ProblemError,
    RecordBatch,
    derived_id,
    record_from_fields,
    text_fields,
)
from .safe_xml import child, descendants, local_name, parse_xml

PLACE_TYPE = "a-u-G"  # unknown ground point: TAK draws a neutral marker
EVENT_TYPE = "b-m-p-s-m"  # spot map marker
UNKNOWN = "9999999.0"  # CoT's "not known" for height and error
MAX_ENTRY_BYTES = 64 * 1024 * 1024
_STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"


def event_element(record: Place | Event, places: dict[str, Place]) -> Element:
    lon, lat = _point(record, places)
    if isinstance(record, Event):
        start, kind, name = record.at.as_utc(), EVENT_TYPE, record.title
    else:
        start, kind, name = _created(record), PLACE_TYPE, record.name
    stamp = start.strftime(_STAMP)
    event = Element(
        "event",
        version="2.0",
        uid=record.id,
        type=kind,
        how="h-e",
        time=stamp,
        start=stamp,
        stale=(start + timedelta(days=365)).strftime(_STAMP),
    )
    SubElement(event, "point", lat=repr(lat), lon=repr(lon), hae=UNKNOWN, ce=UNKNOWN, le=UNKNOWN)
    detail = SubElement(event, "detail")
    SubElement(detail, "contact", callsign=name)
    remarks = getattr(record, "description", None) or getattr(record, "notes", "")
    SubElement(detail, "remarks").text = remarks
    SubElement(detail, "sitrep", text_fields(record))
    return event


def _point(record: Place | Event, places: dict[str, Place]) -> tuple[float, float]:
    if isinstance(record, Place):
        return record.lon, record.lat
    if record.geometry:
        point = shapely.from_wkt(record.geometry).representative_point()
        return point.x, point.y
    place = places.get(record.place_id or "")
    return (place.lon, place.lat) if place is not None else (0.0, 0.0)


def _created(record: Record) -> datetime:
    try:
        return datetime.strptime(record.created, _STAMP).replace(tzinfo=UTC)
    except ValueError:
        return datetime.now(UTC)


def _elements(batch: RecordBatch) -> list[Element]:
    places = {p.id: p for p in batch.places}
    return [event_element(r, places) for r in (*batch.places, *batch.events)]


def write(batch: RecordBatch, path: str | Path) -> None:
    root = Element("events")
    root.extend(_elements(batch))
    Path(path).write_bytes(tostring(root, encoding="utf-8", xml_declaration=True))


def write_datapackage(batch: RecordBatch, path: str | Path) -> None:
    """A TAK data package: one .cot per record (named by its UUID) and the manifest."""
    events = _elements(batch)
    package_uid = derived_id("datapackage", *(e.get("uid") for e in events))
    manifest = Element("MissionPackageManifest", version="2")
    config = SubElement(manifest, "Configuration")
    SubElement(config, "Parameter", name="uid", value=package_uid)
    SubElement(config, "Parameter", name="name", value=Path(path).stem)
    contents = SubElement(manifest, "Contents")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for event in events:
            uid = event.get("uid", "")  # a validated UUID: safe as an entry name
            entry = f"{uid}/{uid}.cot"
            archive.writestr(entry, tostring(event, encoding="utf-8", xml_declaration=True))
            content = SubElement(contents, "Content", ignore="false", zipEntry=entry)
            SubElement(content, "Parameter", name="uid", value=uid)
        archive.writestr(
            "MANIFEST/manifest.xml", tostring(manifest, encoding="utf-8", xml_declaration=True)
        )


# -- reading -------------------------------------------------------------------
def read(path: str | Path) -> RecordBatch:
    return parse(Path(path).read_bytes(), str(path))


def parse(data: bytes, file: str) -> RecordBatch:
    batch = RecordBatch()
    _add_events(batch, parse_xml(data, file), file, "event")
    return batch


def read_datapackage(path: str | Path) -> RecordBatch:
    file = str(path)
    batch = RecordBatch()
    try:
        with zipfile.ZipFile(path) as archive:
            entries = [
                i
                for i in archive.infolist()
                if i.filename.lower().endswith((".cot", ".xml"))
                and not i.filename.upper().startswith("MANIFEST/")
            ]
            for info in entries:
                if info.file_size > MAX_ENTRY_BYTES:
                    raise ImportFileError(
                        file, [Problem(f"entry {info.filename}", "size", "too large")]
                    )
                root = parse_xml(archive.read(info), f"{file}:{info.filename}")
                _add_events(batch, root, file, f"entry {info.filename} event")
    except ZIP_READ_ERRORS as exc:
        raise ImportFileError(
            file, [Problem("archive", "zip", f"not a readable data package ({exc})")]
        ) from None
    return batch


def _add_events(batch: RecordBatch, root: Element, file: str, label: str) -> None:
    events = [root] if local_name(root) == "event" else descendants(root, "event")
    if local_name(root) not in ("event", "events"):
        raise ImportFileError(file, [Problem("document", "event", "the root is not a CoT <event>")])
    problems = []
    for number, event in enumerate(events, start=1):
        where = f"{label} {number}"
        try:
            record = _record(event, where)
        except ProblemError as exc:
            problems.append(exc.problem)
            continue
        batch.add(record, where)
    if problems:
        raise ImportFileError(file, problems)


def _record(event: Element, where: str) -> Record:
    detail = child(event, "detail")
    ours = child(detail, "sitrep") if detail is not None else None
    if ours is not None and ours.get(RECORD_KEY) in KINDS:
        return record_from_fields(str(ours.get(RECORD_KEY)), dict(ours.attrib), where)
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
