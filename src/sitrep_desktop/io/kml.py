"""KML 2.2 for Google Earth: placemarks styled by faction, timed for the time slider.

Places are coloured by who holds them (at `at`, or the latest change); each
control change is a placemark at its place with a TimeSpan from its time to the
next change of that place, so the time slider replays control. Events carry a
TimeStamp, annotations a TimeSpan when they have one. Every field travels in
ExtendedData, so our own KML reads back as the same records; placemarks from
other programs become events, places or annotations. KMZ is read too.
"""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from pathlib import Path
from xml.etree.ElementTree import Element, ElementTree, SubElement

import shapely
from shapely.geometry.base import BaseGeometry

from ..domain import ControlChange, Moment, Record, resolve_control
from .kml_features import placemark_record
from .limits import BudgetedArchive
from .progress import Progress, in_shares
from .records import (
    ZIP_READ_ERRORS,
    ImportFileError,
    Problem,
    RecordBatch,
    collect_records,
    text_fields,
)
from .safe_xml import descendants, dropped_note, local_name, parse_xml, scrub

NS = "http://www.opengis.net/kml/2.2"
ICON_HREF = "http://maps.google.com/mapfiles/kml/pushpin/wht-pushpin.png"
MAX_KMZ_BYTES = 256 * 1024 * 1024
_UNHELD = "unheld"


def _tag(name: str) -> str:
    # Plain names under a root that declares xmlns: ElementTree's default_namespace
    # option refuses unqualified attributes such as id and name.
    return name


def kml_colour(colour: str, alpha: str = "ff") -> str:
    """'#rrggbb' -> KML's 'aabbggrr'."""
    red, green, blue = colour[1:3], colour[3:5], colour[5:7]
    return f"{alpha}{blue}{green}{red}".lower()


def build(batch: RecordBatch, *, at: Moment | None = None) -> Element:
    root = Element(_tag("kml"), xmlns=NS)
    document = SubElement(root, _tag("Document"))
    SubElement(document, _tag("name")).text = "SitRep Desktop export"
    _style(document, _UNHELD, "#9e9e9e")
    for faction in batch.factions:
        _style(document, f"faction-{faction.id}", faction.colour)
    places = {p.id: p for p in batch.places}
    held = resolve_control(batch.control, at)

    folder = _folder(document, "Factions")
    for faction in batch.factions:
        _placemark(folder, faction, faction.name, None, f"faction-{faction.id}")
    folder = _folder(document, "Places")
    for place in batch.places:
        state = held.get(place.id)
        style = f"faction-{state.faction_id}" if state and state.faction_id else _UNHELD
        _placemark(folder, place, place.name, shapely.Point(place.lon, place.lat), style)
    folder = _folder(document, "Control changes")
    for change, end in _with_ends(batch.control):
        place = places.get(change.place_id)
        point = shapely.Point(place.lon, place.lat) if place else None
        name = f"{place.name if place else change.place_id} from {change.at.text}"
        span = _span(change.at, end)
        _placemark(folder, change, name, point, f"faction-{change.faction_id}", span)
    folder = _folder(document, "Events")
    for event in batch.events:
        place = places.get(event.place_id or "")
        shape = (
            shapely.from_wkt(event.geometry)
            if event.geometry
            else shapely.Point(place.lon, place.lat)
            if place
            else None
        )
        stamp = Element(_tag("TimeStamp"))
        SubElement(stamp, _tag("when")).text = event.at.text
        _placemark(folder, event, event.title, shape, None, stamp)
    folder = _folder(document, "Annotations")
    for note in batch.annotations:
        span = _span(note.valid_from, note.valid_to) if note.valid_from or note.valid_to else None
        shape = shapely.from_wkt(note.geometry)
        _placemark(folder, note, note.label or note.kind, shape, None, span)
    return root


def write(batch: RecordBatch, path: str | Path, *, at: Moment | None = None) -> list[str]:
    """Write the KML; return notes for the export's summary (characters dropped)."""
    root = build(batch, at=at)
    dropped = scrub(root)
    ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return dropped_note(dropped)


def _span(begin: Moment | None, end: Moment | None) -> Element:
    span = Element(_tag("TimeSpan"))
    if begin is not None:
        SubElement(span, _tag("begin")).text = begin.text
    if end is not None:
        SubElement(span, _tag("end")).text = end.text
    return span


def _with_ends(changes: list[ControlChange]) -> list[tuple[ControlChange, Moment | None]]:
    """Each change with the time of the next change of the same place (None: still holds)."""
    by_place: dict[str, list[ControlChange]] = defaultdict(list)
    for change in changes:
        by_place[change.place_id].append(change)
    ends: dict[str, Moment | None] = {}
    for group in by_place.values():
        group.sort(key=lambda c: c.at.key)
        for index, change in enumerate(group):
            later = [c.at for c in group[index + 1 :] if c.at.key > change.at.key]
            ends[change.id] = later[0] if later else None
    return [(change, ends[change.id]) for change in changes]


def _style(document: Element, style_id: str, colour: str) -> None:
    style = SubElement(document, _tag("Style"), id=style_id)
    icon = SubElement(style, _tag("IconStyle"))
    SubElement(icon, _tag("color")).text = kml_colour(colour)
    # GDAL's LIBKML driver aborts on an IconStyle without an Icon; Google Earth
    # tints this white pin with the colour above.
    SubElement(SubElement(icon, _tag("Icon")), _tag("href")).text = ICON_HREF
    line = SubElement(style, _tag("LineStyle"))
    SubElement(line, _tag("color")).text = kml_colour(colour)
    SubElement(line, _tag("width")).text = "2"
    poly = SubElement(style, _tag("PolyStyle"))
    SubElement(poly, _tag("color")).text = kml_colour(colour, "40")


def _folder(document: Element, name: str) -> Element:
    folder = SubElement(document, _tag("Folder"))
    SubElement(folder, _tag("name")).text = name
    return folder


def _placemark(
    parent: Element,
    record: Record,
    name: str,
    shape: BaseGeometry | None,
    style: str | None,
    time: Element | None = None,
) -> Element:
    """A placemark in the order KML 2.2's schema asks: name, time, style, data, geometry."""
    mark = SubElement(parent, _tag("Placemark"), id=f"r-{record.id}")
    SubElement(mark, _tag("name")).text = name
    if time is not None:
        mark.append(time)
    if style:
        SubElement(mark, _tag("styleUrl")).text = f"#{style}"
    data = SubElement(mark, _tag("ExtendedData"))
    fields = text_fields(record)
    for key, value in fields.items():
        item = SubElement(data, _tag("Data"), name=key)
        SubElement(item, _tag("value")).text = value
    # Each imported attribute also by its own name, for Google Earth's balloon; we
    # read them back from `attributes` (exactly typed), so a name of ours is skipped.
    for key, value in getattr(record, "attributes", {}).items():
        if key not in fields:
            item = SubElement(data, _tag("Data"), name=key)
            SubElement(item, _tag("value")).text = _attribute_text(value)
    if shape is not None:
        mark.append(_geometry(shape))
    return mark


def _attribute_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join("" if v is None else str(v) for v in value)
    return str(value)


def _geometry(shape: BaseGeometry) -> Element:
    kind = shape.geom_type
    if kind.startswith("Multi"):
        multi = Element(_tag("MultiGeometry"))
        for part in shape.geoms:  # type: ignore[attr-defined]
            multi.append(_geometry(part))
        return multi
    if kind == "Polygon":
        polygon = Element(_tag("Polygon"))
        outer = SubElement(SubElement(polygon, _tag("outerBoundaryIs")), _tag("LinearRing"))
        SubElement(outer, _tag("coordinates")).text = _coordinates(shape.exterior.coords)  # type: ignore[attr-defined]
        for ring in shape.interiors:  # type: ignore[attr-defined]
            inner = SubElement(SubElement(polygon, _tag("innerBoundaryIs")), _tag("LinearRing"))
            SubElement(inner, _tag("coordinates")).text = _coordinates(ring.coords)
        return polygon
    element = Element(_tag(kind))  # Point, LineString
    SubElement(element, _tag("coordinates")).text = _coordinates(shape.coords)
    return element


def _coordinates(coords: object) -> str:
    return " ".join(f"{x!r},{y!r}" for x, y, *_ in coords)  # type: ignore[attr-defined]


# -- reading -------------------------------------------------------------------
def read(path: str | Path, *, progress: Progress | None = None) -> RecordBatch:
    path = Path(path)
    data = path.read_bytes()
    size = len(data)  # progress counts the file's bytes, not a KMZ's unpacked KML
    if data[:2] == b"PK":
        data = _kml_from_kmz(data, str(path))
    return parse(data, str(path), progress=progress, size=size)


def _kml_from_kmz(data: bytes, file: str) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = [i for i in archive.infolist() if i.filename.lower().endswith(".kml")]
            if not names:
                raise ImportFileError(
                    file, [Problem("archive", "doc.kml", "the KMZ holds no KML file")]
                )
            entry = next((i for i in names if i.filename.lower() == "doc.kml"), names[0])
            if entry.file_size > MAX_KMZ_BYTES:
                raise ImportFileError(file, [Problem("archive", entry.filename, "too large")])
            return BudgetedArchive(archive, file, len(data)).read(entry)
    except ZIP_READ_ERRORS as exc:
        raise ImportFileError(
            file, [Problem("archive", "zip", f"not a readable KMZ ({exc})")]
        ) from None


def parse(
    data: bytes, file: str, *, progress: Progress | None = None, size: int | None = None
) -> RecordBatch:
    root = parse_xml(data, file)
    if local_name(root) != "kml":
        raise ImportFileError(file, [Problem("document", "kml", "the root element is not <kml>")])
    marks = descendants(root, "Placemark")
    # `size`: the file's bytes when `data` was unpacked from a KMZ.
    shares = in_shares(marks, len(marks), len(data) if size is None else size, progress)
    entries = ((f"placemark {n}", (n, mark)) for n, mark in enumerate(shares, start=1))
    return collect_records(file, entries, lambda e, where: placemark_record(e[1], where, e[0]))
