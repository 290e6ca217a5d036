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
from . import limits, repairs

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
    """One thing wrong with the input (or repaired in it): where (line 5,
    feature 3), which field, why, and which feature when it has an id or name.

    Always one short line: whitespace is collapsed and a long reason cut, so a
    10 KB polygon can never end up in a message.
    """

    where: str
    field: str
    reason: str
    feature: str = ""  # e.g. '"Antarctica", id 3f1b…'; empty when the entry has neither

    def __post_init__(self) -> None:
        object.__setattr__(self, "reason", one_line(self.reason))
        object.__setattr__(self, "feature", one_line(self.feature, MAX_FEATURE_TEXT))

    def __str__(self) -> str:
        named = f" ({self.feature})" if self.feature else ""
        return f"{self.where}, field {self.field!r}: {self.reason}{named}"

    def as_json(self) -> dict[str, str]:
        return {
            "where": self.where,
            "field": self.field,
            "reason": self.reason,
            "feature": self.feature,
        }


MAX_REASON_TEXT = 200
MAX_FEATURE_TEXT = 80


def one_line(text: str, limit: int = MAX_REASON_TEXT) -> str:
    """`text` on one line, cut to `limit` characters; a lone surrogate (which no
    terminal or file can take) is shown as its escape, \\ud800."""
    flat = " ".join(str(text).split())
    flat = flat.encode("utf-8", "backslashreplace").decode("utf-8")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class ImportFileError(SitRepError):
    """The file cannot be imported; `problems` lists everything found wrong.

    When the problems are each in one entry (a row, a feature) and the rest of
    the file was read, `batch` holds the records that could be read: the
    import policy may take those and list the others as skipped.
    """

    def __init__(
        self,
        file: str,
        problems: list[Problem],
        *,
        batch: RecordBatch | None = None,
        hint: str = "",
    ) -> None:
        self.file = file
        self.problems = problems
        self.batch = batch
        first = problems[0] if problems else Problem("file", "-", "unreadable")
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        super().__init__(f"{file}: {first}{more}{hint}")


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
    # Entries taken with a stated repair, and entries left out with why (the
    # import policy: one odd feature never refuses a whole file).
    repaired: list[Problem] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
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

    def mark(self) -> tuple[int, ...]:
        """Where the batch ends now, for `rollback`."""
        return tuple(len(records) for records in self.lists().values())

    def rollback(self, mark: tuple[int, ...]) -> None:
        """Remove every record added since `mark`: an entry with a problem is
        left out whole (a CSV row's place goes with its event)."""
        for records, length in zip(self.lists().values(), mark, strict=True):
            for record in records[length:]:
                self.where.pop(record.id, None)
                self.match_places_by_name.discard(record.id)
            del records[length:]

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
    give a place, an event and a control change) or raises ProblemError.
    Every entry is read; if any had a problem, ImportFileError lists them all
    and carries the batch of the others (`.batch`), which the import policy
    may take. Repairs made on the way are in `batch.repaired`.
    """
    batch, problems = RecordBatch(), []
    with repairs.noted() as noted:
        for where, entry in entries:
            problem = _take_entry(batch, noted, add_entry, entry, where)
            if problem is not None:
                problems.append(problem)
                continue
            too_many = limits.count_problem(len(batch.where))
            if too_many is not None:
                raise ImportFileError(file, [Problem(where, "-", too_many)])
    if problems:
        raise ImportFileError(file, problems, batch=batch)
    return batch


def collect_chunks(
    entries: Iterable[tuple[str, Entry]],
    add_entry: Callable[[RecordBatch, Entry, str], None],
    size: int,
) -> Iterator[RecordBatch]:
    """`collect_rows` a chunk at a time: a batch of each `size` entries, those
    with a problem listed in its `skipped` (the import policy decides).

    No record-count limit: that limit guards the memory of a whole batch, and
    a chunk's memory does not grow with the file. A record repeated in a later
    chunk is in that chunk too; the planner drops it (io.pipeline.Carried).
    """
    rows = iter(entries)
    while True:
        batch, taken = RecordBatch(), 0
        # Repairs are noted per chunk, never across a yield: the consumer runs in between.
        with repairs.noted() as noted:
            for where, entry in rows:
                problem = _take_entry(batch, noted, add_entry, entry, where)
                if problem is not None:
                    batch.skipped.append(problem)
                taken += 1
                if taken == size:
                    break
        if taken:
            yield batch
        if taken < size:
            return


def _take_entry(
    batch: RecordBatch,
    noted: list[Problem],
    add_entry: Callable[[RecordBatch, Entry, str], None],
    entry: Entry,
    where: str,
) -> Problem | None:
    """Add one entry's records, or leave it out whole and say why."""
    del noted[:]
    mark = batch.mark()
    try:
        add_entry(batch, entry, where)
    except ProblemError as exc:
        batch.rollback(mark)
        return exc.problem
    except RecursionError:  # 2,000 nested MultiGeometry, [[[[…]]]] in a field
        batch.rollback(mark)
        return Problem(where, "-", "nested too deeply to read")
    except UnicodeError as exc:  # a lone surrogate met on its way to bytes
        batch.rollback(mark)
        return Problem(where, "-", f"not storable text ({exc.reason})")
    batch.repaired.extend(noted)
    return None


def _repaired_field(what: str) -> str:
    """The field a reader's repair ("no name: named …", "invalid area … made valid") changed."""
    return "name" if what.startswith("no name") else "geometry"


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
        for what in repair[0].split("; ") if repair and repair[0] else ():
            batch.repaired.append(Problem(where, _repaired_field(what), what))

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
    """Build and validate a record of `kind`; raise ImportFileError-ready `ProblemError`.

    Two things are repaired rather than refused, and the repair is noted (see
    collect_rows): a place without a name is named from the entry's own id or
    description, else "Unnamed point N"; an invalid polygon (a ring that
    crosses itself) is made valid with shapely's make_valid.
    """
    cls = KINDS.get(kind)
    if cls is None:
        problem = Problem(where, RECORD_KEY, f"unknown record kind {kind!r}", feature_text(values))
        raise ProblemError(problem)
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
        raise ProblemError(Problem(where, "id", "is required", feature_text(values)))
    if kind == "place" and not str(kwargs.get("name") or "").strip():
        kwargs["name"] = repairs.name_for(values, where)
        repairs.note(
            Problem(where, "name", f"had no name; named {kwargs['name']!r}", feature_text(values))
        )
    try:
        return cls(**kwargs)
    except ValidationError as exc:
        repaired = repairs.valid_geometry(exc, kwargs)
        if repaired is None:
            raise ProblemError(
                Problem(where, exc.field, _reason(exc), feature_text(values))
            ) from None
        repairs.note(Problem(where, exc.field, f"{exc.reason}; made valid", feature_text(values)))
        kwargs[exc.field] = repaired
        try:
            return cls(**kwargs)
        except ValidationError as again:
            raise ProblemError(
                Problem(where, again.field, _reason(again), feature_text(values))
            ) from None
    except TypeError as exc:  # a required field is missing
        missing = str(exc).split("'")[1] if "'" in str(exc) else "?"
        raise ProblemError(Problem(where, missing, "is required", feature_text(values))) from None


def feature_text(values: Mapping[str, Any]) -> str:
    """How a person recognises an entry: its name (or title, label) and id."""
    name = next(
        (str(values[k]) for k in ("name", "title", "label") if values.get(k) not in (None, "")),
        "",
    )
    ident = values.get("id")
    parts = [f'"{one_line(name, 40)}"'] if name else []
    if ident not in (None, ""):
        parts.append(f"id {one_line(str(ident), 40)}")
    return ", ".join(parts)


def _reason(exc: ValidationError) -> str:
    """The reason with the value that was refused, except a geometry (never dumped)."""
    if exc.field == "geometry" or isinstance(exc.value, (list, dict)):
        return exc.reason
    return f"{exc.reason} (got {one_line(repr(exc.value), 40)})"


class ProblemError(SitRepError):
    """One problem, raised while reading a single record (collected by the reader)."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def _plain_value(name: str, value: Any, where: str) -> Any:
    if isinstance(value, str):
        text = value
        too_big = limits.field_problem(name, text)
        if too_big is not None:
            raise ProblemError(Problem(where, name, too_big))
        if name in _OPTIONAL_FIELDS and not text.strip():
            return None
        if name in _LIST_FIELDS or name in _DICT_FIELDS:
            if not text.strip():
                return {} if name in _DICT_FIELDS else ()
            try:
                value = json.loads(text)
            except ValueError:
                raise ProblemError(Problem(where, name, "is not valid JSON")) from None
            except RecursionError:
                raise ProblemError(Problem(where, name, "is JSON nested too deeply")) from None
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
    # surrogatepass: a lone surrogate is refused by validation, with its field named.
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
