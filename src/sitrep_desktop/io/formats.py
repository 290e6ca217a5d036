"""The one table of exchange formats: what each is called, its file names, how
it is read and written, and which kinds of record it carries.

The command line's `--format` choices, the window's file-dialog filters, the
import pipeline and an export's summary all read this table; adding a format
is adding a row. Readers and writers are named as "module:function" inside
`io` and imported when used, so listing the formats stays cheap (the GDAL
readers load pyogrio).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ALL_KINDS = ("faction", "place", "control_change", "event", "annotation")
KIND_LABELS = {
    "faction": "factions",
    "place": "places",
    "control_change": "control changes",
    "event": "events",
    "annotation": "drawings",
}


@dataclass(frozen=True)
class Format:
    """One exchange format."""

    name: str  # as given to --format
    title: str  # as shown in a file dialog
    suffixes: tuple[str, ...]  # lower case, with the dot; the first is the default
    reader: str | None  # "module:function" in sitrep_desktop.io, or None
    writer: str | None
    carries: tuple[str, ...]  # record kinds a file of this format holds
    # Reading reports progress through the bytes of the file (else: start and end).
    streams: bool = True
    # Takes a CSV column mapping (--map FIELD=COLUMN).
    mapped: bool = False
    # Suffixes an export may be named with (default: all of `suffixes`): we
    # write KML, never KMZ.
    write_suffixes: tuple[str, ...] | None = None

    def read_function(self) -> Callable[..., Any]:
        return _function(self.reader)

    def write_function(self) -> Callable[..., Any]:
        return _function(self.writer)

    @property
    def filter(self) -> str:
        """`Title (*.a *.b)` for a Qt file dialog."""
        return f"{self.title} ({' '.join('*' + s for s in self.suffixes)})"


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "geojson", "GeoJSON", (".geojson", ".json"), "geojson:read", "geojson:write", ALL_KINDS
        ),
        Format(
            "kml",
            "KML for Google Earth",
            (".kml", ".kmz"),
            "kml:read",
            "kml:write",
            ALL_KINDS,
            write_suffixes=(".kml",),
        ),
        Format(
            "csv",
            "CSV, one row per event",
            (".csv",),
            "csv:read",
            "csv:write",
            ("event",),
            mapped=True,
        ),
        Format(
            "acled",
            "ACLED CSV",
            (".csv",),
            "acled:read",
            None,
            ("place", "faction", "control_change", "event"),
        ),
        Format("gpkg", "GeoPackage for QGIS", (".gpkg",), "gpkg:read", "gpkg:write", ALL_KINDS),
        Format(
            "cot",
            "Cursor on Target",
            (".cot", ".xml"),
            "cot:read",
            "cot:write",
            ("place", "event", "annotation"),
            streams=False,
        ),
        Format(
            "datapackage",
            "TAK data package",
            (".zip",),
            "cot:read_datapackage",
            "cot:write_datapackage",
            ("place", "event", "annotation"),
        ),
        # Other programs' GIS files, read through GDAL (pyogrio): points become
        # places (or events, with a time), lines and areas become drawings.
        Format(
            "gis",
            "Shapefile, FlatGeobuf, GPX or other GIS data",
            (".shp", ".fgb", ".gpx"),
            "ogr_records:read",
            None,
            ("place", "event", "annotation"),
        ),
    )
}


def _function(spec: str | None) -> Callable[..., Any]:
    if spec is None:
        raise ValueError("this format has no such function")
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(f"{__package__}.{module}"), name)


def readable() -> list[str]:
    return [f.name for f in FORMATS.values() if f.reader]


def writable() -> list[str]:
    return [f.name for f in FORMATS.values() if f.writer]


def by_suffix(path: str | Path, *, writing: bool = False) -> Format | None:
    """The first format (in table order) whose suffixes include the file's."""
    suffix = Path(path).suffix.lower()
    for fmt in FORMATS.values():
        if writing and fmt.writer and suffix in (fmt.write_suffixes or fmt.suffixes):
            return fmt
        if not writing and fmt.reader and suffix in fmt.suffixes:
            return fmt
    return None


def import_filter() -> str:
    """The window's Import filters: everything first, then each readable format.

    Formats that share suffixes (CSV and ACLED, which the content tells apart)
    are listed once.
    """
    seen: set[tuple[str, ...]] = set()
    parts, every = [], []
    for fmt in FORMATS.values():
        if not fmt.reader or fmt.suffixes in seen:
            continue
        seen.add(fmt.suffixes)
        parts.append(fmt.filter)
        every.extend(f"*{s}" for s in fmt.suffixes)
    return ";;".join([f"All supported ({' '.join(every)})", *parts])


def export_filter() -> str:
    """The window's Export filters, each with the one suffix an export is given."""
    return ";;".join(
        f"{f.title} (*{(f.write_suffixes or f.suffixes)[0]})" for f in FORMATS.values() if f.writer
    )
