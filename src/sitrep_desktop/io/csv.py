"""CSV of events: one row per event, ISO 8601 times, WKT geometry.

Each row also names the event's place (id, name, position) so the file stands
on its own: importing it elsewhere adds the place, or uses an existing place of
that name. Actors are joined with "; ". On import a column mapping
({our field: their column}) reads files with other headers; a column becomes
one of our fields only when mapped or named exactly, and the audit stamps
(created, updated, author) only from our own export. Every other column is
kept as the event's attributes. Cells a spreadsheet would run as a formula
are written with a leading ' (and read back without it).
"""

from __future__ import annotations

import csv as stdlib_csv
import io
import json
import re
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from ..domain import Event, Place
from .limits import bounded_lines
from .progress import Progress, open_counted
from .records import (
    ImportFileError,
    Problem,
    RecordBatch,
    collect_chunks,
    collect_rows,
    content_key,
    derived_id,
    record_from_fields,
)

COLUMNS = (
    "id",
    "at",
    "category",
    "title",
    "description",
    "place_id",
    "place",
    "place_lat",
    "place_lon",
    "geometry",
    "actors",
    "source",
    "confidence",
    "created",
    "updated",
    "author",
)
# Fields a mapping may name besides COLUMNS: a point from two columns.
EXTRA_FIELDS = ("lat", "lon")
ACTOR_SEPARATOR = "; "
# The record's audit stamps: read only from our own export (its whole header),
# never from a column of someone else's file that happens to share the name.
AUDIT_FIELDS = ("created", "updated", "author")
# A cell starting so is a formula to a spreadsheet (=HYPERLINK(...), cmd|...):
# written with a leading ' (OWASP's advice), which the spreadsheet shows as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


# Characters decoded per read: fewer, larger reads are as fast, and a file's
# progress moves on at each one.
READ_CHARS = 65_536


def write(batch: RecordBatch, path: str | Path) -> None:
    """Our columns, then one column per attribute the events carry (a file's own
    columns go back out as columns, and come back in as attributes)."""
    places = {p.id: p for p in batch.places}
    extra = sorted({k for e in batch.events for k in e.attributes} - set(COLUMNS) - {"lat", "lon"})
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = stdlib_csv.writer(handle)
        writer.writerow([neutralised(c) for c in (*COLUMNS, *extra)])
        for event in batch.events:
            cells = _row(event, places.get(event.place_id or ""))
            cells += [_cell(event.attributes.get(k)) for k in extra]
            writer.writerow([neutralised(c) for c in cells])


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return (
        value if isinstance(value, str) else repr(value) if isinstance(value, float) else str(value)
    )


def neutralised(cell: str) -> str:
    """The cell as a spreadsheet shows it but never runs it: a leading ' before a
    formula's first character. A plain number (-3.5) stays a number. Text that
    already starts with ' and a formula's character ("'+44 20…") gets one more, or
    reading it back (`_restored`) would take its own quote away."""
    if cell.startswith(FORMULA_STARTS) and not _NUMBER.match(cell):
        return "'" + cell
    if cell.startswith("'") and cell.lstrip("'").startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def _restored(cell: str) -> str:
    """The cell as it was before `neutralised`."""
    if cell.startswith("'") and cell.lstrip("'").startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def _row(event: Event, place: Place | None) -> list[str]:
    return [
        event.id,
        event.at.text,
        event.category,
        event.title,
        event.description,
        event.place_id or "",
        place.name if place else "",
        repr(place.lat) if place else "",
        repr(place.lon) if place else "",
        event.geometry or "",
        ACTOR_SEPARATOR.join(event.actors),
        event.source,
        event.confidence,
        event.created,
        event.updated,
        event.author,
    ]


def read(
    path: str | Path,
    *,
    mapping: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> RecordBatch:
    with open_counted(path, progress) as handle:
        return parse(handle, str(path), mapping=mapping)


def dict_rows(data: bytes | BinaryIO, file: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each data row of a CSV file with a header.

    `data` is the file's bytes or a binary stream, read as the rows are taken;
    the stream may be closed afterwards (open_counted's leaves the file open).
    """
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    # Decoded as it is read, so a file's progress follows the rows parsed.
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    text._CHUNK_SIZE = READ_CHARS  # type: ignore[attr-defined]
    reader = stdlib_csv.DictReader(bounded_lines(text, file))
    try:
        if not reader.fieldnames:
            raise ImportFileError(file, [Problem("line 1", "header", "the file has no header row")])
        for row in reader:
            if None in row:
                raise ImportFileError(
                    file,
                    [Problem(f"line {reader.line_num}", "-", "more values than header columns")],
                )
            yield reader.line_num, row
    except stdlib_csv.Error as exc:
        raise ImportFileError(file, [Problem(f"line {reader.line_num}", "csv", str(exc))]) from None
    except UnicodeDecodeError as exc:
        # The decoder saw only the bytes read last, which end where the stream is now.
        at = stream.tell() - len(exc.object) + exc.start
        raise ImportFileError(file, [Problem(f"byte {at}", "encoding", "not UTF-8 text")]) from None


def parse(
    data: bytes | BinaryIO, file: str, *, mapping: Mapping[str, str] | None = None
) -> RecordBatch:
    mapping = dict(mapping or {})
    return collect_rows(file, _rows(data, file, mapping), _row_adder(file, mapping))


def read_chunks(
    path: str | Path,
    *,
    size: int,
    mapping: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> Iterator[RecordBatch]:
    """The file a batch of `size` rows at a time (io.records.collect_chunks)."""
    mapping = dict(mapping or {})
    add = _row_adder(str(path), mapping)  # checks the mapping before a byte is read
    with open_counted(path, progress) as handle:
        yield from collect_chunks(_rows(handle, str(path), mapping), add, size)


def _row_adder(
    file: str, mapping: dict[str, str]
) -> Callable[[RecordBatch, dict[str, str], str], None]:
    """What adds one row's records, once the mapping names only our fields."""
    unknown = set(mapping) - set(COLUMNS) - set(EXTRA_FIELDS)
    if unknown:
        raise ImportFileError(
            file,
            [
                Problem(
                    "column mapping",
                    sorted(unknown)[0],
                    f"not a field; fields are {', '.join(COLUMNS)}",
                )
            ],
        )
    fields = (*COLUMNS, *EXTRA_FIELDS)

    def add(batch: RecordBatch, row: dict[str, str], where: str) -> None:
        row = {_restored(k): _restored(v or "") for k, v in row.items() if k is not None}
        ours = all(c in row for c in COLUMNS)  # our own export: its audit stamps are ours
        used = {mapping.get(f, f) for f in fields}
        values = {f: row.get(mapping.get(f, f), "") for f in fields}
        if not ours:
            used -= set(AUDIT_FIELDS)
            values.update({f: "" for f in AUDIT_FIELDS})
        others = {k: v for k, v in row.items() if k not in used and k.strip() and v != ""}
        _add_row(batch, values, where, others)

    return add


def _rows(
    data: bytes | BinaryIO, file: str, mapping: Mapping[str, str]
) -> Iterator[tuple[str, dict[str, str]]]:
    """(where, row) of each data row, once the first has shown the required columns."""
    for index, (line, row) in enumerate(dict_rows(data, file)):
        if index == 0:
            missing = [f for f in ("at", "title") if mapping.get(f, f) not in row]
            if missing:
                column = mapping.get(missing[0], missing[0])
                raise ImportFileError(
                    file, [Problem("line 1", column, "required column is missing from the header")]
                )
        yield f"line {line}", row


def _add_row(batch: RecordBatch, row: dict[str, str], where: str, others: dict[str, str]) -> None:
    """Add the row's event (and its place); `others`: columns that are not our fields."""
    values: dict[str, Any] = {k: row[k] for k in COLUMNS if row[k] != ""}
    values["attributes"] = dict(others)
    values["id"] = row["id"] or derived_id("csv", content_key({**row, **others}))
    if not _is_uuid(row["id"]) and row["id"]:
        # Someone else's own ids (1, 2, "EV-7"): ours derive from them, theirs is kept.
        values["id"] = derived_id("csv-id", row["id"])
        values["attributes"]["id"] = row["id"]
    values.setdefault("title", "")
    values.setdefault("at", "")
    actors = [a.strip() for a in row["actors"].split(";") if a.strip()]
    values["actors"] = actors
    values.pop("place", None)
    values.pop("place_lat", None)
    values.pop("place_lon", None)
    if not row["geometry"] and row["lat"] and row["lon"]:
        values["geometry"] = f"POINT ({row['lon']} {row['lat']})"
    if row["place"] or row["place_id"]:
        if row["place_lat"] and row["place_lon"] and row["place"]:
            place_id = row["place_id"] or derived_id("place", row["place"].strip().casefold())
            place = record_from_fields(
                "place",
                {
                    "id": place_id,
                    "name": row["place"],
                    "lat": row["place_lat"],
                    "lon": row["place_lon"],
                    "kind": "town",
                },
                where,
            )
            batch.add(place, where)
            if not row["place_id"]:
                batch.match_places_by_name.add(place_id)
            values["place_id"] = place.id
        elif row["place"] and row["lat"] and row["lon"] and not row["place_id"]:
            # The event's own point locates a place named without coordinates.
            place_id = derived_id("place", row["place"].strip().casefold())
            soft = {"id": place_id, "name": row["place"], "lat": row["lat"], "lon": row["lon"]}
            batch.add(record_from_fields("place", soft, where), where)
            batch.match_places_by_name.add(place_id)
            values["place_id"] = place_id
        elif not row["place_id"]:
            # A place we cannot locate stays a name: kept, not a reason to refuse the row.
            values["attributes"]["place"] = row["place"]
    batch.add(record_from_fields("event", values, where), where)


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
