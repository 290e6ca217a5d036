"""What every format shares: a batch of records, their fields as plain values, problems.

A format reads a file into a `RecordBatch` (or writes one out). Records cross a
format as a flat mapping of field name to plain value (`record_fields`), and are
rebuilt with full validation (`record_from_fields`); a value that does not fit
becomes a `Problem` naming where in the file, which field, and why.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..domain import Annotation, ControlChange, Event, Faction, Moment, Place, Record
from ..domain.errors import SitRepError, ValidationError

# Field "kind" belongs to places and annotations, so the record type travels as "record".
RECORD_KEY = "record"
KINDS: dict[str, type[Record]] = {
    "place": Place,
    "faction": Faction,
    "control_change": ControlChange,
    "event": Event,
    "annotation": Annotation,
}
_LIST_FIELDS = frozenset({"alt_names", "tags", "actors"})
_DICT_FIELDS = frozenset({"style", "attributes"})
_MOMENT_FIELDS = frozenset({"at", "valid_from", "valid_to"})
_OPTIONAL_FIELDS = frozenset({"place_id", "geometry", "valid_from", "valid_to", "population"})
# Ids derived from a file's natural keys live in our own namespace.
IMPORT_NAMESPACE = uuid.UUID("0d6c2f55-7a0e-4b8a-9d1e-3f1b5c7e9a21")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input: where (line 5, feature 3), which field, why."""

    where: str
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}, field {self.field!r}: {self.reason}"

    def as_json(self) -> dict[str, str]:
        return {"where": self.where, "field": self.field, "reason": self.reason}


class ImportFileError(SitRepError):
    """The file cannot be imported; `problems` lists everything found wrong."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems
        first = problems[0] if problems else Problem("file", "-", "unreadable")
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        super().__init__(f"{file}: {first}{more}")


@dataclass
class RecordBatch:
    """Records read from (or to be written to) one file, each kind in file order."""

    places: list[Place] = field(default_factory=list)
    factions: list[Faction] = field(default_factory=list)
    control: list[ControlChange] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    annotations: list[Annotation] = field(default_factory=list)
    # Where each record came from in the file, for problems found later (references).
    where: dict[str, str] = field(default_factory=dict)
    # Places made up from a name in the data (ACLED, CSV): an existing place of
    # that name is used instead of adding a second one.
    match_places_by_name: set[str] = field(default_factory=set)
    # Records taken with a change (record id -> what was changed, and why).
    repaired: dict[str, str] = field(default_factory=dict)
    # Chat messages (TAK GeoChat): not records of the map, kept beside them.
    messages: list[Any] = field(default_factory=list)
    # Ids of events the source withdrew (ACLED's deleted-events file).
    deletions: list[str] = field(default_factory=list)
    # Files kept with records (photos in a TAK package), and files tied to none.
    attachments: list[Any] = field(default_factory=list)
    unattached: list[str] = field(default_factory=list)

    def add(self, record: Record, where: str = "") -> None:
        """Add a record, ignoring a second record with an id already in the batch."""
        if record.id in self.where:
            return
        self.where[record.id] = where
        if getattr(record, "KIND", "") == "message":
            self.messages.append(record)
            return
        self.lists()[record.KIND].append(record)  # type: ignore[attr-defined]

    def lists(self) -> dict[str, list[Any]]:
        return {
            "faction": self.factions,
            "place": self.places,
            "control_change": self.control,
            "event": self.events,
            "annotation": self.annotations,
        }

    def __iter__(self) -> Iterator[Record]:
        for records in self.lists().values():
            yield from records

    def __len__(self) -> int:
        return sum(len(records) for records in self.lists().values())

    def counts(self) -> dict[str, int]:
        return {kind: len(records) for kind, records in self.lists().items()}


# A file with more problems than this is reported by its first ones only.
MAX_PROBLEMS = 100
# What reading a damaged zip (KMZ, TAK data package) can raise: each means
# "not a readable archive", never a crash.
ZIP_READ_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
)

Entry = TypeVar("Entry")


def collect_rows(
    file: str,
    entries: Iterable[tuple[str, Entry]],
    add_entry: Callable[[RecordBatch, Entry, str], None],
) -> RecordBatch:
    """Add every (where, entry) to one batch, gathering every entry's problem.

    `add_entry(batch, entry, where)` adds the entry's records (a CSV row may
    give a place, an event and a control change) or raises ProblemError. All
    problems, up to MAX_PROBLEMS, are raised together (ImportFileError), so a
    user sees them all.
    """
    batch, problems = RecordBatch(), []
    for where, entry in entries:
        try:
            add_entry(batch, entry, where)
        except ProblemError as exc:
            problems.append(exc.problem)
            if len(problems) >= MAX_PROBLEMS:
                break
    if problems:
        raise ImportFileError(file, problems)
    return batch


def collect_records(
    file: str,
    entries: Iterable[tuple[str, Entry]],
    read_one: Callable[[Entry, str], tuple[Any, ...]],
) -> RecordBatch:
    """`collect_rows` for entries of one record each: `read_one` returns the
    record, whether its place is to be matched by name and, optionally, what
    was repaired to take it."""

    def add_entry(batch: RecordBatch, entry: Entry, where: str) -> None:
        record, by_name, *repair = read_one(entry, where)
        batch.add(record, where)
        if by_name:
            batch.match_places_by_name.add(record.id)
        if repair and repair[0]:
            batch.repaired[record.id] = f"{where}: {repair[0]}"

    return collect_rows(file, entries, add_entry)


def record_fields(record: Record) -> dict[str, Any]:
    """The record as plain values: `record` kind first, Moments as text, lists, dicts."""
    values: dict[str, Any] = {RECORD_KEY: record.KIND}  # type: ignore[attr-defined]
    for item in dataclasses.fields(record):
        value = getattr(record, item.name)
        if isinstance(value, Moment):
            value = value.text
        elif isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, Mapping):
            value = dict(value)
        values[item.name] = value
    return values


def text_fields(record: Record) -> dict[str, str]:
    """Every field as text, for formats that only hold strings (KML, CoT, CSV)."""
    result = {}
    for name, value in record_fields(record).items():
        if value is None:
            result[name] = ""
        elif isinstance(value, (list, dict)):
            result[name] = json.dumps(value, ensure_ascii=False, sort_keys=True)
        elif isinstance(value, float):
            result[name] = repr(value)
        else:
            result[name] = str(value)
    return result


def record_from_fields(kind: str, values: Mapping[str, Any], where: str) -> Record:
    """Build and validate a record of `kind`; raise ImportFileError-ready `ProblemError`."""
    cls = KINDS.get(kind)
    if cls is None:
        raise ProblemError(Problem(where, RECORD_KEY, f"unknown record kind {kind!r}"))
    known = {f.name: f for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for name, value in values.items():
        if name not in known:
            continue
        kwargs[name] = _plain_value(name, value, where)
    for name in ("created", "updated", "author"):
        if kwargs.get(name) in (None, ""):
            kwargs.pop(name, None)
    if kwargs.get("id") in (None, ""):
        raise ProblemError(Problem(where, "id", "is required"))
    try:
        return cls(**kwargs)
    except ValidationError as exc:
        raise ProblemError(Problem(where, exc.field, f"{exc.reason} (got {exc.value!r})")) from None
    except TypeError as exc:  # a required field is missing
        missing = str(exc).split("'")[1] if "'" in str(exc) else "?"
        raise ProblemError(Problem(where, missing, "is required")) from None


class ProblemError(SitRepError):
    """One problem, raised while reading a single record (collected by the reader)."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def _plain_value(name: str, value: Any, where: str) -> Any:
    if isinstance(value, str):
        text = value
        if name in _OPTIONAL_FIELDS and not text.strip():
            return None
        if name in _LIST_FIELDS or name in _DICT_FIELDS:
            if not text.strip():
                return {} if name in _DICT_FIELDS else ()
            try:
                value = json.loads(text)
            except ValueError:
                raise ProblemError(Problem(where, name, "is not valid JSON")) from None
        elif name in ("lat", "lon"):
            return _float(name, text, where)
        elif name == "population":
            try:
                return int(text)
            except ValueError:
                raise ProblemError(
                    Problem(where, name, f"{text!r} is not a whole number")
                ) from None
    if name in _LIST_FIELDS:
        if not isinstance(value, list):
            raise ProblemError(Problem(where, name, "must be a list of names"))
        return tuple(value)
    if name in _DICT_FIELDS and not isinstance(value, dict):
        raise ProblemError(Problem(where, name, "must be a mapping"))
    if name in _MOMENT_FIELDS and value is not None and not isinstance(value, str):
        raise ProblemError(Problem(where, name, "must be an ISO 8601 time as text"))
    return value


def _float(name: str, text: str, where: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ProblemError(Problem(where, name, f"{text!r} is not a number")) from None


def derived_id(*parts: object) -> str:
    """A stable id from a file's natural key, so a second import finds the same record."""
    return str(uuid.uuid5(IMPORT_NAMESPACE, "\x1f".join(str(p) for p in parts)))


def content_key(values: Mapping[str, Any] | list[Any]) -> str:
    """A short digest of a row's content, for rows that carry no key of their own."""
    text = json.dumps(values, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]
