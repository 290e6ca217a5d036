"""Repairs made while reading an entry, rather than refusing it (the import policy).

A place without a name is named from the entry's own id or description, else
"Unnamed point N" (N its number in the file); an invalid polygon (a ring that
crosses itself, as Natural Earth's Antarctica) is made valid with shapely's
make_valid. Each repair is noted as a Problem, so the import can count it and
say what it did; `noted()` collects those of the entries being read.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import shapely

from ..domain.errors import ValidationError

if TYPE_CHECKING:
    from .records import Problem

# A context variable, so that readers need not pass a list through every helper
# down to record_from_fields.
_noted: contextvars.ContextVar[list[Problem] | None] = contextvars.ContextVar(
    "repairs", default=None
)


@contextmanager
def noted() -> Iterator[list[Problem]]:
    """The repairs noted while the block runs (the caller empties it per entry)."""
    found: list[Problem] = []
    token = _noted.set(found)
    try:
        yield found
    finally:
        _noted.reset(token)


def note(problem: Problem) -> None:
    """Note a repair of the entry being read (kept only if the entry is taken)."""
    noted = _noted.get()
    if noted is not None:
        noted.append(problem)


# A name for an unnamed place, in this order; the file's own id (a feature id,
# a GIS fid) before its description.
_NAME_SOURCES = ("source_id", "fid", "description", "notes")


def name_for(values: Mapping[str, Any], where: str) -> str:
    for key in _NAME_SOURCES:
        text = " ".join(str(values.get(key) or "").split())
        if text:
            return text if len(text) <= 60 else text[:59] + "…"
    number = re.findall(r"\d+", where)
    return f"Unnamed point {number[-1] if number else ''}".strip()


def valid_geometry(exc: ValidationError, kwargs: dict[str, Any]) -> str | None:
    """A valid version of an invalid shape, of the same dimension; None if not that case."""
    if exc.field != "geometry" or not str(exc.reason).startswith("invalid shape"):
        return None
    try:
        shape = shapely.from_wkt(kwargs["geometry"])
        fixed = shapely.make_valid(shape)
    except (shapely.errors.GEOSException, TypeError, ValueError, KeyError):
        return None
    # make_valid may return lines or points beside the areas (a bow-tie's
    # crossing): keep only parts of the original's dimension.
    dimension = shapely.get_dimensions(shape)
    parts = [p for p in getattr(fixed, "geoms", [fixed]) if shapely.get_dimensions(p) == dimension]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0].wkt
    if dimension == 2:
        polygons = [g for p in parts for g in getattr(p, "geoms", [p])]
        return shapely.MultiPolygon(polygons).wkt
    if dimension == 1:
        lines = [g for p in parts for g in getattr(p, "geoms", [p])]
        return shapely.MultiLineString(lines).wkt
    return None
