"""The records users log: places, factions, control changes, events, annotations.

Plain frozen dataclasses; every constructor validates, so a record that exists
is a valid one. Edits make a new record with `dataclasses.replace`.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .errors import ValidationError
from .geometry import normalise_wkt
from .times import Moment, parse_moment, utc_now_text

CONFIDENCE_LEVELS = ("low", "medium", "high")
PLACE_KINDS = (
    "city",
    "town",
    "village",
    "air_base",
    "naval_base",
    "military_base",
    "checkpoint",
    "border_crossing",
    "other",
)
DEFAULT_CATEGORIES = (
    "clash",
    "airstrike",
    "shelling",
    "capture",
    "withdrawal",
    "statement",
    "movement",
    "other",
)
ANNOTATION_KINDS = ("point", "line", "arrow", "polygon", "circle", "text")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def new_id() -> str:
    return str(uuid.uuid4())


def _required_text(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(name, value, "is required")
    return _storable(name, value.strip())


def _text(name: str, value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(name, value, "must be text")
    return _storable(name, value)


def _storable(name: str, text: str) -> str:
    """`text`, if it can be written as UTF-8: a lone surrogate (from JSON's "\\ud800")
    passes every other check and fails only when the database writes it."""
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValidationError(
                name,
                text[max(0, exc.start - 10) : exc.end + 10],
                "holds a lone surrogate, not text",
            ) from None
    return text


def _names(name: str, value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        raise ValidationError(name, value, "must be a list of names, not one string")
    if not isinstance(value, Iterable) or isinstance(value, (bytes, Mapping)):
        raise ValidationError(name, value, "must be a list of names")
    items = tuple(value)
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise ValidationError(name, value, "every entry must be non-empty text")
    return tuple(_storable(name, item.strip()) for item in items)


def check_latitude(value: object, name: str = "lat") -> float:
    lat = _number(name, value)
    if not -90.0 <= lat <= 90.0:
        raise ValidationError(name, value, "latitude must be within [-90, 90]")
    return lat


def check_longitude(value: object, name: str = "lon") -> float:
    lon = _number(name, value)
    if not -180.0 <= lon <= 180.0:
        raise ValidationError(name, value, "longitude must be within [-180, 180]")
    return lon


def _number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValidationError(name, value, "must be a number")
    number = float(value)
    if not math.isfinite(number):
        raise ValidationError(name, value, "must be a finite number")
    return number


# Attributes of other programs' files (a KML's ExtendedData, a CSV's other
# columns) are kept as JSON: keys are text, values plain JSON values.
_ATTRIBUTE_VALUES = (str, int, float, bool, type(None))


def check_attributes(value: object) -> dict[str, Any]:
    """A copy of `value` as a plain {text: JSON value} dict; ValidationError if it is not."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValidationError("attributes", value, "must be a mapping of names to values")
    result: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not key.strip():
            raise ValidationError("attributes", key, "every name must be non-empty text")
        result[key] = _attribute_value(key, item)
    return result


def _attribute_value(key: str, item: object) -> Any:
    if isinstance(item, float) and not math.isfinite(item):
        return None  # JSON has no NaN; a missing number is what it meant
    if isinstance(item, _ATTRIBUTE_VALUES):
        return item
    if isinstance(item, (list, tuple)):
        return [_attribute_value(key, part) for part in item]
    raise ValidationError("attributes", item, f"{key}: must be text, a number or a list")


def _confidence(value: object) -> str:
    if value not in CONFIDENCE_LEVELS:
        raise ValidationError("confidence", value, f"must be one of {', '.join(CONFIDENCE_LEVELS)}")
    return str(value)


@dataclass(frozen=True, kw_only=True)
class Record:
    """What every record carries: identity, and who made it when."""

    id: str = field(default_factory=new_id)
    created: str = field(default_factory=utc_now_text)
    updated: str = ""
    author: str = ""

    def _check_identity(self) -> None:
        try:
            uuid.UUID(self.id)
        except (ValueError, AttributeError, TypeError):
            raise ValidationError("id", self.id, "must be a UUID") from None
        if not self.updated:
            object.__setattr__(self, "updated", self.created)


@dataclass(frozen=True, kw_only=True)
class Place(Record):
    name: str
    lat: float
    lon: float
    kind: str = "town"
    alt_names: tuple[str, ...] = ()
    population: int | None = None
    notes: str = ""
    tags: tuple[str, ...] = ()
    # Columns of an imported file we have no field for; hash=False: a dict cannot be hashed.
    attributes: Mapping[str, Any] = field(default_factory=dict, hash=False)

    KIND = "place"

    def __post_init__(self) -> None:
        self._check_identity()
        set_ = object.__setattr__
        set_(self, "name", _required_text("name", self.name))
        set_(self, "lat", check_latitude(self.lat))
        set_(self, "lon", check_longitude(self.lon))
        if self.kind not in PLACE_KINDS:
            raise ValidationError("kind", self.kind, f"must be one of {', '.join(PLACE_KINDS)}")
        set_(self, "alt_names", _names("alt_names", self.alt_names))
        set_(self, "tags", _names("tags", self.tags))
        set_(self, "notes", _text("notes", self.notes))
        set_(self, "attributes", check_attributes(self.attributes))
        if self.population is not None:
            if isinstance(self.population, bool) or not isinstance(self.population, int):
                raise ValidationError("population", self.population, "must be a whole number")
            if self.population < 0:
                raise ValidationError("population", self.population, "cannot be negative")

    @property
    def all_names(self) -> tuple[str, ...]:
        return (self.name, *self.alt_names)


@dataclass(frozen=True, kw_only=True)
class Faction(Record):
    name: str
    short_name: str
    colour: str
    notes: str = ""

    KIND = "faction"

    def __post_init__(self) -> None:
        self._check_identity()
        object.__setattr__(self, "name", _required_text("name", self.name))
        object.__setattr__(self, "short_name", _required_text("short_name", self.short_name))
        if not isinstance(self.colour, str) or not _COLOUR.match(self.colour):
            raise ValidationError("colour", self.colour, "must be a colour like #c62828")
        object.__setattr__(self, "colour", self.colour.lower())
        object.__setattr__(self, "notes", _text("notes", self.notes))


@dataclass(frozen=True, kw_only=True)
class ControlChange(Record):
    """From `at` on, `faction_id` controls `place_id`."""

    place_id: str
    faction_id: str
    at: Moment
    source: str
    confidence: str = "medium"
    notes: str = ""

    KIND = "control_change"

    def __post_init__(self) -> None:
        self._check_identity()
        object.__setattr__(self, "place_id", _required_text("place_id", self.place_id))
        object.__setattr__(self, "faction_id", _required_text("faction_id", self.faction_id))
        object.__setattr__(self, "at", parse_moment(self.at, "at"))
        object.__setattr__(self, "source", _required_text("source", self.source))
        object.__setattr__(self, "confidence", _confidence(self.confidence))
        object.__setattr__(self, "notes", _text("notes", self.notes))


@dataclass(frozen=True, kw_only=True)
class Event(Record):
    """Something that happened, at a place and/or on a geometry (WKT, lon/lat)."""

    at: Moment
    title: str
    category: str = "other"
    description: str = ""
    place_id: str | None = None
    geometry: str | None = None
    actors: tuple[str, ...] = ()
    source: str = ""
    confidence: str = "medium"
    attributes: Mapping[str, Any] = field(default_factory=dict, hash=False)

    KIND = "event"

    def __post_init__(self) -> None:
        self._check_identity()
        object.__setattr__(self, "at", parse_moment(self.at, "at"))
        object.__setattr__(self, "title", _required_text("title", self.title))
        object.__setattr__(self, "category", _required_text("category", self.category))
        object.__setattr__(self, "description", _text("description", self.description))
        if self.place_id is not None:
            object.__setattr__(self, "place_id", _required_text("place_id", self.place_id))
        if self.geometry is not None:
            object.__setattr__(self, "geometry", normalise_wkt(self.geometry))
        object.__setattr__(self, "actors", _names("actors", self.actors))
        object.__setattr__(self, "source", _text("source", self.source))
        object.__setattr__(self, "confidence", _confidence(self.confidence))
        object.__setattr__(self, "attributes", check_attributes(self.attributes))


@dataclass(frozen=True, kw_only=True)
class Annotation(Record):
    """A drawing on the map: the M5 line, the coastal region, a front line on a date."""

    geometry: str
    kind: str = "line"
    label: str = ""
    style: Mapping[str, Any] = field(default_factory=dict)
    valid_from: Moment | None = None
    valid_to: Moment | None = None
    notes: str = ""
    attributes: Mapping[str, Any] = field(default_factory=dict, hash=False)

    KIND = "annotation"

    def __post_init__(self) -> None:
        self._check_identity()
        if self.kind not in ANNOTATION_KINDS:
            raise ValidationError(
                "kind", self.kind, f"must be one of {', '.join(ANNOTATION_KINDS)}"
            )
        object.__setattr__(self, "geometry", normalise_wkt(self.geometry))
        object.__setattr__(self, "label", _text("label", self.label))
        object.__setattr__(self, "notes", _text("notes", self.notes))
        if not isinstance(self.style, Mapping):
            raise ValidationError("style", self.style, "must be a mapping of style names to values")
        object.__setattr__(self, "style", dict(self.style))
        object.__setattr__(self, "attributes", check_attributes(self.attributes))
        if self.valid_from is not None:
            object.__setattr__(self, "valid_from", parse_moment(self.valid_from, "valid_from"))
        if self.valid_to is not None:
            object.__setattr__(self, "valid_to", parse_moment(self.valid_to, "valid_to"))
        if self.valid_from and self.valid_to and self.valid_to.key < self.valid_from.key:
            raise ValidationError("valid_to", self.valid_to.text, "is before valid_from")

    def valid_at(self, moment: Moment | None) -> bool:
        """True when the drawing holds at `moment` (None: always shown)."""
        if moment is None:
            return True
        if self.valid_from is not None and self.valid_from.key > moment.upper_key:
            return False
        if self.valid_to is not None and self.valid_to.upper_key < moment.key:
            return False
        return True


RecordT = TypeVar("RecordT", bound=Record)


def trusted_record(cls: type[RecordT], **fields: Any) -> RecordT:
    """A record from values that were validated when they were first stored.

    For the store's own rows only: every write went through the validating
    constructor (and the schema's CHECKs), so reading them back skips the checks,
    which cost ~10 µs a record (WKT parsing, time parsing) on lists of millions.
    Every field must be given.
    """
    record = object.__new__(cls)
    # Frozen dataclasses keep fields in the instance dict; one update sets them all.
    record.__dict__.update(fields)
    return record


RECORD_TYPES: dict[str, type[Record]] = {
    cls.KIND: cls
    for cls in (Place, Faction, ControlChange, Event, Annotation)  # type: ignore[attr-defined]
}
