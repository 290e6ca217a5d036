"""ACLED-format CSV import (Armed Conflict Location & Event Data).

Rows of the territory sub-events ("Government regains territory", "Non-state
actor overtakes territory") become control changes: `actor1` takes `location`.
Places and factions are made up from their names and matched by name against
the database on import. Every other row becomes an event at its point, its
category mapped from event_type / sub_event_type. Ids derive from ACLED's
`event_id_cnty` (or a hash of the row), so importing a file twice adds nothing.
"""

from __future__ import annotations

import colorsys
import hashlib
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from ..domain import ControlChange, Event, Faction, Place, ValidationError
from .csv import dict_rows
from .progress import Progress, open_counted
from .records import (
    ImportFileError,
    Problem,
    ProblemError,
    RecordBatch,
    collect_chunks,
    collect_rows,
    content_key,
    derived_id,
)

REQUIRED = (
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "location",
    "latitude",
    "longitude",
)
TERRITORY_SUB_EVENTS = frozenset(
    {"government regains territory", "non-state actor overtakes territory"}
)
# (event_type, sub_event_type) -> category; sub_event_type "" means any.
CATEGORIES = {
    ("battles", ""): "clash",
    ("explosions/remote violence", "air/drone strike"): "airstrike",
    ("explosions/remote violence", "shelling/artillery/missile attack"): "shelling",
    ("strategic developments", "non-violent transfer of territory"): "capture",
    ("strategic developments", "headquarters or base established"): "movement",
    ("strategic developments", "agreement"): "statement",
}
# Older exports (ACLED before 2019, and the Africa files) named columns so.
OLD_COLUMNS = {
    "ally_actor_1": "assoc_actor_1",
    "ally_actor_2": "assoc_actor_2",
    "lat": "latitude",
    "long": "longitude",
    "lon": "longitude",
    "event_id": "event_id_cnty",
}
# Older exports put the territory outcome in event_type ("Battle-Government
# regains territory"), with no sub_event_type column.
OLD_EVENT_TYPES = {
    "battle-government regains territory": ("Battles", "Government regains territory"),
    "battle-non-state actor overtakes territory": (
        "Battles",
        "Non-state actor overtakes territory",
    ),
    "battle-no change of territory": ("Battles", "Armed clash"),
    "remote violence": ("Explosions/Remote violence", ""),
    "violence against civilians": ("Violence against civilians", ""),
    "riots/protests": ("Protests", ""),
    "strategic development": ("Strategic developments", ""),
    "non-violent transfer of territory": (
        "Strategic developments",
        "Non-violent transfer of territory",
    ),
    "headquarters or base established": (
        "Strategic developments",
        "Headquarters or base established",
    ),
}
# time_precision: 1 the day is known; 2 the week; 3 the month (ACLED codebook).
PRECISION = {"2": "week", "3": "month"}
# Columns that become our fields; every other one is kept as an attribute.
_OWN = frozenset(
    {"event_date", "event_type", "sub_event_type", "actor1", "actor2", "location"}
    | {"latitude", "longitude", "source", "notes"}
)
_SHORT = re.compile(r"[A-Za-z0-9]")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")  # checked as a real date by the Moment


def looks_like_acled(path: Path) -> bool:
    """True when the first line of the CSV names ACLED's own columns (of its events,
    or of its list of deleted events)."""
    try:
        with path.open("rb") as handle:
            header = handle.readline(65_536).decode("utf-8-sig", "replace").lower()
    except OSError:
        return False
    if all(column in header for column in DELETION_COLUMNS):
        return True
    return all(column in header for column in ("event_date", "event_type", "actor1", "latitude"))


# ACLED's file of events it withdrew: each id, and when it was deleted.
DELETION_COLUMNS = ("event_id_cnty", "deleted_timestamp")


def acled_id(key: str) -> str:
    """Our id for the ACLED event `event_id_cnty` (as every import derives it)."""
    return derived_id("acled", key)


def newer_revisions(incoming: list[Event], stored: dict[str, Event]) -> list[tuple[Event, Event]]:
    """(stored, incoming) for each incoming event that ACLED revised since the
    stored one: its `timestamp` (ACLED's last change, Unix seconds) is later."""
    revised = []
    for event in incoming:
        old = stored.get(event.id)
        new_stamp = _stamp(event.attributes.get("timestamp"))
        if old is None or new_stamp is None:
            continue
        old_stamp = _stamp(old.attributes.get("timestamp"))
        if old_stamp is None or new_stamp > old_stamp:
            revised.append((old, event))
    return revised


def _stamp(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def category_for(event_type: str, sub_event_type: str) -> str:
    key = event_type.strip().lower(), sub_event_type.strip().lower()
    return CATEGORIES.get(key) or CATEGORIES.get((key[0], "")) or "other"


def read(path: str | Path, *, progress: Progress | None = None) -> RecordBatch:
    with open_counted(path, progress) as handle:
        return parse(handle, str(path))


def parse(data: bytes | BinaryIO, file: str) -> RecordBatch:
    return collect_rows(file, _rows(data, file), _add_checked_row)


def read_chunks(
    path: str | Path, *, size: int, progress: Progress | None = None
) -> Iterator[RecordBatch]:
    """The file a batch of `size` rows at a time (io.records.collect_chunks)."""
    with open_counted(path, progress) as handle:
        yield from collect_chunks(_rows(handle, str(path)), _add_checked_row, size)


def _add_deletion(batch: RecordBatch, row: dict[str, str], where: str) -> None:
    key = row.get("event_id_cnty", "")
    if not key:
        raise ProblemError(Problem(where, "event_id_cnty", "is required"))
    batch.deletions.append(acled_id(key))


def _rows(data: bytes | BinaryIO, file: str) -> Iterator[tuple[str, dict[str, str]]]:
    """(where, row) of each data row, once the first has shown ACLED's columns."""
    for index, (line, raw_row) in enumerate(dict_rows(data, file)):
        row = normalised_row(raw_row)
        if index == 0 and not _is_deletion(row):
            missing = [c for c in REQUIRED if c not in row]
            if missing:
                raise ImportFileError(
                    file, [Problem("line 1", missing[0], "required ACLED column is missing")]
                )
        yield f"line {line}", row


def normalised_row(row: dict[str, str]) -> dict[str, str]:
    """ACLED's row with lower-case current column names, `NA` as empty, and an
    older export's combined event_type split into event_type and sub_event_type."""
    result: dict[str, str] = {}
    for key, value in row.items():
        name = (key or "").strip().lower()
        name = OLD_COLUMNS.get(name, name)
        text = (value or "").strip()
        result[name] = "" if text == "NA" else text
    if "sub_event_type" not in result and "event_type" in result:
        event_type, sub = OLD_EVENT_TYPES.get(
            result["event_type"].lower(), (result["event_type"], "")
        )
        result["event_type"], result["sub_event_type"] = event_type, sub
    return result


def _attributes(row: dict[str, str]) -> dict[str, object]:
    """Every ACLED column we have no field for, numbers as numbers."""
    attributes: dict[str, object] = {}
    for name, text in row.items():
        if name in _OWN or not name or text == "":
            continue
        attributes[name] = _plain(text)
    precision = PRECISION.get(row.get("time_precision", ""))
    if precision:
        attributes["date_precision"] = precision
    return attributes


_INTEGER = re.compile(r"-?\d{1,15}")


def _plain(text: str) -> object:
    if _INTEGER.fullmatch(text):
        return int(text)
    return text


def _is_deletion(row: dict[str, str]) -> bool:
    """A row of ACLED's deleted-events file (not of an export of events)."""
    return "deleted_timestamp" in row and "event_date" not in row


def _add_checked_row(batch: RecordBatch, row: dict[str, str], where: str) -> None:
    if _is_deletion(row):
        _add_deletion(batch, row, where)
        return
    try:
        _add_row(batch, row, where)
    except ValidationError as exc:  # a value the records refuse: a problem of the row
        reason = f"{exc.reason} (got {exc.value!r})"
        raise ProblemError(Problem(where, exc.field, reason)) from None


def _add_row(batch: RecordBatch, row: dict[str, str], where: str) -> None:
    at = _date(row["event_date"], where)
    lat = _number(row["latitude"], "latitude", where)
    lon = _number(row["longitude"], "longitude", where)
    key = row.get("event_id_cnty", "").strip() or content_key(row)
    source = row.get("source", "").strip() or "ACLED"
    notes = row.get("notes", "").strip()
    actor1, actor2 = row["actor1"].strip(), row.get("actor2", "").strip()
    if row["sub_event_type"].strip().lower() in TERRITORY_SUB_EVENTS:
        if not actor1:
            raise ProblemError(
                Problem(where, "actor1", "a territory change needs the actor taking it")
            )
        location = row["location"].strip()
        if not location:
            raise ProblemError(Problem(where, "location", "a territory change needs a location"))
        place = Place(
            id=derived_id("acled-place", location.casefold()),
            name=location,
            lat=_lat(lat, where),
            lon=_lon(lon, where),
            kind="town",
        )
        batch.add(place, where)
        batch.match_places_by_name.add(place.id)
        faction = faction_for(actor1)
        batch.add(faction, where)
        batch.add(
            ControlChange(
                id=derived_id("acled", key),
                place_id=place.id,
                faction_id=faction.id,
                at=at,
                source=source,
                notes=notes,
            ),
            where,
        )
        return
    description = notes
    fatalities = row.get("fatalities", "").strip()
    if fatalities and fatalities != "0":
        description = f"{notes}\nFatalities: {fatalities}".strip()
    precision = PRECISION.get(row.get("time_precision", ""))
    if precision:
        # The day is ACLED's stand-in for a week or month it could not narrow.
        description = f"{description}\nDate known to the {precision} only.".strip()
    title = (
        f"{row['sub_event_type'].strip() or row['event_type'].strip()}: {row['location'].strip()}"
    )
    batch.add(
        Event(
            id=acled_id(key),
            at=at,
            title=title.strip(": "),
            category=category_for(row["event_type"], row["sub_event_type"]),
            description=description,
            geometry=f"POINT ({_lon(lon, where)} {_lat(lat, where)})",
            actors=tuple(a for a in (actor1, actor2) if a),
            source=source,
            attributes=_attributes(row),
        ),
        where,
    )


def faction_for(name: str) -> Faction:
    """A faction made up from an ACLED actor name: initials and a colour from the name."""
    words = [w for w in re.split(r"[\s:()\-]+", name) if w and _SHORT.match(w[0])]
    short = "".join(w[0].upper() for w in words)[:6] or name[:6]
    digest = hashlib.sha256(name.casefold().encode()).digest()
    red, green, blue = colorsys.hsv_to_rgb(digest[0] / 255, 0.65, 0.75)
    colour = f"#{int(red * 255):02x}{int(green * 255):02x}{int(blue * 255):02x}"
    return Faction(
        id=derived_id("acled-faction", name.casefold()),
        name=name,
        short_name=short,
        colour=colour,
        notes="Created from ACLED actor name.",
    )


def _date(text: str, where: str) -> str:
    value = text.strip()
    if _ISO_DATE.match(value):
        return value
    for pattern in ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date().isoformat()
        except ValueError:
            continue
    raise ProblemError(Problem(where, "event_date", f"{text!r} is not a date like 2024-12-05"))


def _number(text: str, field: str, where: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ProblemError(Problem(where, field, f"{text!r} is not a number")) from None


def _lat(value: float, where: str) -> float:
    if not -90 <= value <= 90:
        raise ProblemError(Problem(where, "latitude", f"{value} is outside [-90, 90]"))
    return value


def _lon(value: float, where: str) -> float:
    if not -180 <= value <= 180:
        raise ProblemError(Problem(where, "longitude", f"{value} is outside [-180, 180]"))
    return value
