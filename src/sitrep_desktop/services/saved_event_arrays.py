"""The map's event columns saved in the file, so the next open reads one blob, not a
million rows (store.event_summaries keeps it; triggers drop it on a change it shows).

`read_in_steps` fills an EventArrays from the saved blob plus the rows added since, or,
when there is none, from every row a chunk per step; `save_read` then keeps that read.
The blob is a JSON header (layout, projection, categories, each column's dtype, length
and offset) and the raw columns, each on 8 bytes: written and read a column at a time
through SQLite's blob I/O, never as one more copy of the whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import NamedTuple

import numpy as np

from sitrep_desktop.domain import Place
from sitrep_desktop.services.event_arrays import EventArrays
from sitrep_desktop.services.event_ids import encoded
from sitrep_desktop.store import Store
from sitrep_desktop.store.event_counts import map_column_chunks
from sitrep_desktop.store.event_summaries import (
    SavedColumns,
    max_event_rowid,
    save_map_columns,
    saved_map_columns,
)

PACK_FORMAT = 1  # the layout of `pack`; another is ignored (the rows are read instead)


class Packed(NamedTuple):
    """The saved blob's size and its parts, (offset, bytes) each."""

    size: int
    parts: list[tuple[int, bytes | np.ndarray]]

    def to_bytes(self) -> bytes:
        blob = bytearray(self.size)
        for offset, part in self.parts:
            blob[offset : offset + len(part)] = bytes(part)
        return bytes(blob)


def pack(arrays: EventArrays) -> Packed | None:
    """Every column laid out as one blob (store.event_summaries keeps it), as parts to
    write in place (no copy of the columns); None if rows were deleted since the load
    (the next full read saves them again)."""
    if not arrays.alive.all():
        return None
    rows = np.flatnonzero(arrays.place_ids != None)  # noqa: E711 (elementwise)
    columns = {
        "ids": arrays.ids.column, "order": arrays.row_of.order,
        "lon": arrays.lon, "lat": arrays.lat, "x": arrays.x, "y": arrays.y,
        "code": arrays.code, "time": arrays.time, "own_geometry": arrays.own_geometry,
        "place_rows": rows, "place_values": encoded(arrays.place_ids[rows]),
    }  # fmt: skip
    header = {"format": PACK_FORMAT, "crs": arrays.projection.crs,
              "categories": arrays.categories, "columns": []}  # fmt: skip
    offset = 0
    for name, values in columns.items():
        header["columns"].append((name, values.dtype.str, len(values), offset))
        offset += _aligned(values.nbytes)
    head = json.dumps(header).encode()
    base = _aligned(8 + len(head))
    parts = [(0, len(head).to_bytes(8, "little") + head)]
    for (_name, _dtype, _n, at), values in zip(header["columns"], columns.values()):
        parts.append((base + at, np.ascontiguousarray(values).view(np.uint8)))
    return Packed(base + offset, parts)


def unpack(arrays: EventArrays, saved: SavedColumns, places: Mapping[str, Place]) -> bool:
    """Replace everything by the saved blob of `pack`, read a column at a time; False
    (nothing changed) if it was packed for another projection or layout. Events at a
    place take the place's position now."""
    size = int.from_bytes(saved.read(0, 8), "little")
    try:
        header = json.loads(saved.read(8, min(size, saved.size)))
    except ValueError:  # not a blob of this layout: read the rows instead
        return False
    if header.get("format") != PACK_FORMAT or header["crs"] != arrays.projection.crs:
        return False
    base = _aligned(8 + size)
    column = {}
    for name, dtype, n, at in header["columns"]:
        kind = np.dtype(dtype)
        column[name] = np.frombuffer(saved.read(base + at, n * kind.itemsize), kind).copy()
    arrays.__init__(arrays.projection)  # type: ignore[misc]
    arrays.set_categories(header["categories"])
    arrays.ids.column = column["ids"]
    for name in ("lon", "lat", "x", "y", "code", "time", "own_geometry"):
        setattr(arrays, name, column[name])
    n = len(arrays.ids)
    arrays.place_ids = np.full(n, None, object)
    arrays.place_ids[column["place_rows"]] = [v.decode() for v in column["place_values"]]
    arrays.at_place = ~arrays.own_geometry & (arrays.place_ids != None)  # noqa: E711
    arrays.alive = np.ones(n, bool)
    arrays.row_of.set_order(column["order"])
    arrays.locate_at_places(places)
    return True


def read_in_steps(arrays: EventArrays, store: Store, places: Mapping[str, Place]) -> Iterator[int]:
    """Fill `arrays` with every event of `store`, yielding the rows read so far after
    each step (a caller may run a step per idle moment). From the columns saved in the
    file when they are there (one blob, plus the rows added since); else a chunk of rows
    per step, and the read is saved for the next open (`save_read`)."""
    saved = saved_map_columns(store)
    if saved is not None and unpack(arrays, saved[1], places):
        for rows in map_column_chunks(store, after_rowid=saved[0]):
            arrays.upsert(rows, places)
        arrays.saved_up_to = None  # nothing to save: the file has it
        yield len(arrays.ids)
        return
    arrays.__init__(arrays.projection)  # type: ignore[misc]
    end = max_event_rowid(store)
    for rows in map_column_chunks(store, up_to_rowid=end):
        arrays.append_new(rows, places)
        yield len(arrays.ids)
    arrays.finish_load()
    arrays.saved_up_to = end


def save_read(arrays: EventArrays, store: Store) -> bool:
    """Keep a full read (read_in_steps) in the file for the next open; True if kept."""
    end = arrays.saved_up_to
    if end is None:
        return False
    arrays.saved_up_to = None
    packed = pack(arrays)
    return packed is not None and save_map_columns(store, end, packed.size, packed.parts)


def _aligned(size: int) -> int:
    return (size + 7) // 8 * 8  # every column starts on 8 bytes, as numpy views want
