"""How much a file may make us hold in memory, and an archive reader that keeps to it.

A hostile or mistaken file must be refused with a line naming the limit, never
eat the laptop's memory: a zip whose entries each look small but add up to
gigabytes, an entry that claims 1 kB and inflates to 10 GB, a 262 MB name, a
polygon of 50 million vertices, millions of records, a CSV line of 500 MB.

`LIMITS` holds the caps; `configured(...)` changes them for a block (tests), and
a user who really means to read a 300 MB GeoJSON sets them for the process in the
environment: SITREP_LIMITS="document_bytes=300MB,parse_bytes=4GB". Every refusal is an
ImportFileError whose reason names the limit, e.g.
"a name of 262,144,000 characters is over the limit of 1,000 (name_chars)".
"""

from __future__ import annotations

import dataclasses
import logging
import os
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from .progress import Progress

if TYPE_CHECKING:
    from .records import ImportFileError

MB = 1024 * 1024
# Read a zip entry this much at a time: zipfile's read() of a whole entry asks the
# decompressor for up to 2 GB at once, before the CRC check could refuse the entry.
CHUNK = MB


@dataclass(frozen=True)
class Limits:
    """Caps on what one file may make us hold; each refusal names its field.

    A document parsed whole costs about ten times its size: measured, 50 MB of
    GeoJSON points peaked at 556 MB and 32 MB of KML placemarks at 264 MB, so
    64 MB keeps one parse well under the 1 GB a field laptop can spare.
    """

    archive_bytes: int = 64 * MB  # decompressed, all entries of one KMZ or TAK package
    document_bytes: int = 64 * MB  # a GeoJSON, KML or CoT file parsed as one document
    parse_bytes: int = 768 * MB  # what parsing one such document is estimated to hold
    line_chars: int = 4 * MB  # one line of a CSV file (its header included)
    field_chars: int = MB  # one text field of a record
    name_chars: int = 1_000  # a name, title or label
    vertices: int = 1_000_000  # of one feature's geometry
    features: int = 500_000  # records in one file


_UNITS = {"KB": 1024, "MB": MB, "GB": 1024 * MB}


def from_environment(text: str, base: Limits) -> Limits:
    """`base` with the caps set in SITREP_LIMITS: "field=value,..." (value: 1000, 64MB, 2GB).

    An unknown name or a value that is not a positive number raises ValueError naming it:
    a typo must not silently leave a cap where the user thought it was lifted.
    """
    changes: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, value = item.partition("=")
        name, value = name.strip(), value.strip().upper().replace(" ", "")
        if name not in {f.name for f in dataclasses.fields(Limits)}:
            raise ValueError(f"SITREP_LIMITS: unknown limit {name!r}")
        unit = next((u for u in _UNITS if value.endswith(u)), "")
        number = value.removesuffix(unit).replace("_", "")
        if not number.isdigit() or int(number) <= 0:
            raise ValueError(f"SITREP_LIMITS: {name} must be a positive number, not {value!r}")
        changes[name] = int(number) * _UNITS.get(unit, 1)
    return dataclasses.replace(base, **changes)


def _initial() -> Limits:
    try:
        return from_environment(os.environ.get("SITREP_LIMITS", ""), Limits())
    except ValueError as exc:  # said once (stderr when nothing else logs), never a traceback
        logging.getLogger(__name__).warning("%s; the default limits apply", exc)
        return Limits()


LIMITS = _initial()
_NAME_FIELDS = frozenset({"name", "short_name", "title", "label"})


@contextmanager
def configured(**changes: int) -> Iterator[Limits]:
    """Use other limits inside the block: `with configured(features=10): ...`."""
    global LIMITS
    before = LIMITS
    LIMITS = dataclasses.replace(LIMITS, **changes)
    try:
        yield LIMITS
    finally:
        LIMITS = before


def over(what: str, size: int, limit: str, unit: str = "") -> str:
    """Why: "a name of 5,000 characters is over the limit of 1,000 (name_chars)"."""
    value = getattr(LIMITS, limit)
    if limit.endswith("_bytes"):  # sizes read better in MB
        return f"{what} of {size / MB:,.1f} MB is over the limit of {value / MB:,.0f} MB ({limit})"
    return f"{what} of {size:,}{unit} is over the limit of {value:,}{unit} ({limit})"


def refuse(file: str, where: str, field: str, reason: str) -> ImportFileError:
    from .records import ImportFileError, Problem  # records uses this module

    return ImportFileError(file, [Problem(where, field, reason)])


# -- per record ------------------------------------------------------------------------


def field_problem(name: str, value: str) -> str | None:
    """Why a text field is too big to keep, or None."""
    if name == "geometry":
        # WKT separates vertices by commas: a cheap upper count, before shapely parses it.
        vertices = value.count(",") + 1
        if vertices > LIMITS.vertices:
            return over("a geometry", vertices, "vertices", " vertices")
        return None
    if name in _NAME_FIELDS and len(value) > LIMITS.name_chars:
        return over("a name", len(value), "name_chars", " characters")
    if len(value) > LIMITS.field_chars:
        return over("a field", len(value), "field_chars", " characters")
    return None


def count_problem(count: int) -> str | None:
    if count > LIMITS.features:
        return over("a file", count, "features", " records")
    return None


# -- whole files -----------------------------------------------------------------------


def check_document_size(file: str, size: int, fmt: str) -> None:
    """Refuse a file parsed as one document (GeoJSON, KML, CoT) above `document_bytes`,
    or one whose parse is estimated above `parse_bytes` (see `parse_cost`)."""
    if size > LIMITS.document_bytes:
        reason = over(f"a {fmt} document", size, "document_bytes")
        raise refuse(file, "file", "size", f"{reason}; split it into smaller files")
    with open(file, "rb") as handle:
        if handle.read(2) == b"PK":  # a KMZ or data package: its entries are checked unpacked
            return
        handle.seek(0)
        markers = sum(_markers(chunk, fmt) for chunk in iter(lambda: handle.read(CHUNK), b""))
    check_parse_cost(file, "file", size, markers, fmt)


# Measured (CPython 3.11, the whole import in a child, peak RSS): a parsed document costs
# about 3x its bytes plus ~130 bytes for every object its markup makes (a JSON list,
# object or value, counted by "[", "{" and ","; an XML tag, by "<"), records included.
# 45 MB of GeoJSON points: estimated 616 MB, peaked at 700; 62 MB of KML placemarks:
# 706 MB, peaked at 721; 64 MB of "[]," (estimated 6 GB) and of "<a/>" (2.4 GB) peaked at
# 1.88 and 1.57 GB though under `document_bytes`, and are now refused before parsing.
_PER_BYTE, _PER_MARKER = 3, 130


def _markers(data: bytes, fmt: str) -> int:
    if fmt == "geojson":
        return data.count(b"[") + data.count(b"{") + data.count(b",")
    return data.count(b"<")


def check_parse_cost(file: str, where: str, size: int, markers: int, fmt: str) -> None:
    """Refuse a document whose parse would hold more than `parse_bytes`, before parsing it."""
    cost = size * _PER_BYTE + markers * _PER_MARKER
    if cost > LIMITS.parse_bytes:
        reason = (
            f"reading this {fmt} document ({markers:,} objects in {size / MB:,.1f} MB) would "
            f"take about {cost / MB:,.0f} MB, over the limit of "
            f"{LIMITS.parse_bytes / MB:,.0f} MB (parse_bytes); split it into smaller files"
        )
        raise refuse(file, where, "size", reason)


def bounded_lines(text: IO[str], file: str) -> Iterator[str]:
    """The lines of a text stream, refusing one longer than `line_chars` before reading it all.

    For csv.reader: a 500 MB header line would otherwise be read whole, then split.
    """
    limit = LIMITS.line_chars
    number = 0
    while True:
        line = text.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith("\n"):
            raise refuse(
                file, f"line {number}", "-", over("a line", len(line), "line_chars", " characters")
            )
        yield line


class BudgetedArchive:
    """Reads the entries of one zip within one total budget of decompressed bytes.

    The budget is counted while each entry is streamed, a chunk at a time, so
    neither many entries that look small nor an entry that lies about its size
    can make us hold more than `archive_bytes`. `progress(done, total)` hears
    the compressed bytes behind us after every chunk and may raise to cancel.
    """

    def __init__(
        self,
        archive: zipfile.ZipFile,
        file: str,
        size: int,
        progress: Progress | None = None,
    ) -> None:
        self.archive = archive
        self.file = file
        self.size = max(size, 1)
        self.progress = progress
        self.used = 0  # decompressed bytes so far, all entries
        self.passed = 0  # compressed bytes of the entries already read
        self.reported = 0  # reports only grow

    def read(self, info: zipfile.ZipInfo) -> bytes:
        budget = LIMITS.archive_bytes
        if self.used + info.file_size > budget:  # the header says so already: do not start
            raise self._over(info, self.used + info.file_size)
        chunks = []
        with self.archive.open(info) as stream:
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                self.used += len(chunk)
                if self.used > budget:
                    raise self._over(info, self.used)
                chunks.append(chunk)
                self._report(info, stream.tell())
        self.passed += info.compress_size
        self._report(info, None)
        data = b"".join(chunks)
        if info.filename.lower().endswith((".kml", ".cot", ".xml")):  # parsed next, whole
            markers = _markers(data, "xml")
            check_parse_cost(self.file, f"entry {info.filename}", len(data), markers, "XML")
        return data

    def _report(self, info: zipfile.ZipInfo, read: int | None) -> None:
        if self.progress is None:
            return
        within = info.compress_size
        if read is not None and info.file_size:
            within = info.compress_size * min(read, info.file_size) // info.file_size
        done = min(self.passed if read is None else self.passed + within, self.size - 1)
        if done > self.reported:
            self.reported = done
            self.progress(done, self.size)

    def finish(self) -> None:
        """Report the whole file read (the central directory and skipped entries too)."""
        if self.progress is not None and self.reported < self.size:
            self.reported = self.size
            self.progress(self.size, self.size)

    def _over(self, info: zipfile.ZipInfo, size: int) -> ImportFileError:
        reason = over("the unpacked archive", size, "archive_bytes")
        return refuse(self.file, f"entry {info.filename}", "size", f"at least {reason}")
