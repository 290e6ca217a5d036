"""Moments in time as users log them: ISO 8601, a date alone allowed.

A moment keeps the text the user meant (with its original UTC offset) and a
UTC sort key. Keys compare as strings: a date alone sorts before every time on
that day, so "Hama fell on 2024-12-05" counts as at or before any hour of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from .errors import ValidationError

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Keys are fixed width so that string order is time order (".5Z" would sort after
# "Z"): YYYY-MM-DDTHH:MM:SS.ffffffZ. utc_key pads the year by hand: strftime("%Y")
# writes year 999 as "999", which sorts after "2024" (so a typo of 0999 became the
# latest control change).
_KEY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{6})Z$")

# Years a record of each kind can plausibly carry; outside them a time is most
# likely a typo ("0999" for "2024") and the window asks, imports flag it.
PLAUSIBLE_YEARS = {
    "event": (1900, 2100),
    "control change": (1900, 2100),
    "annotation": (1900, 2100),
}


@dataclass(frozen=True, slots=True, order=False)
class Moment:
    """A point in time: `text` as entered (normalised ISO 8601), `key` in UTC."""

    text: str
    key: str

    @property
    def date_only(self) -> bool:
        return "T" not in self.key

    @property
    def upper_key(self) -> str:
        """Key to use when this moment is the end of an "at or before" window.

        A date alone means the whole day, so its bound lies after every time on it.
        """
        return self.key + "~" if self.date_only else self.key

    def as_utc(self) -> datetime:
        """The UTC datetime (midnight UTC for a date alone)."""
        if self.date_only:
            return datetime.fromisoformat(self.key).replace(tzinfo=UTC)
        return _parse_key(self.key)

    def as_datetime(self) -> datetime | date:
        """The value as entered: an aware datetime with its own offset, or a date."""
        if self.date_only:
            return date.fromisoformat(self.text)
        return datetime.fromisoformat(self.text)

    def __str__(self) -> str:
        return self.text


def parse_moment(value: object, field: str = "time") -> Moment:
    """Parse ISO 8601 text, a date or a datetime into a Moment.

    A time without an offset is taken as UTC. Raises ValidationError naming `field`.
    """
    if isinstance(value, Moment):
        return value
    if isinstance(value, datetime):
        return _from_datetime(value, field)
    if isinstance(value, date):
        return Moment(value.isoformat(), value.isoformat())
    if not isinstance(value, str):
        raise ValidationError(field, value, "expected an ISO 8601 date or time")
    text = value.strip()
    if not text:
        raise ValidationError(field, value, "a time is required")
    if _DATE_ONLY.match(text):
        try:
            day = date.fromisoformat(text)
        except ValueError as exc:
            raise ValidationError(field, value, f"not a real date ({exc})") from None
        return Moment(day.isoformat(), day.isoformat())
    try:
        parsed = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise ValidationError(
            field, value, "not an ISO 8601 time (e.g. 2024-12-05 or 2024-12-05T14:30+02:00)"
        ) from None
    return _from_datetime(parsed, field)


def _from_datetime(moment: datetime, field: str = "time") -> Moment:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    text = moment.isoformat()
    if moment.utcoffset() == timedelta(0):
        text = text.replace("+00:00", "Z")
    return Moment(text, utc_key(moment, field))


def utc_key(moment: datetime, field: str = "time") -> str:
    """The sort key of an aware (or UTC naive) datetime: UTC, fixed width, any year.

    The one way a time becomes a key. A time whose UTC instant falls outside the
    years 0001-9999 (0001-01-01T00:00+14:00, 9999-12-31T23:00-05:00) raises
    ValidationError naming `field`, never OverflowError.
    """
    try:
        utc = moment.astimezone(UTC) if moment.tzinfo is not None else moment
    except OverflowError:
        raise ValidationError(
            field,
            moment.isoformat(),
            "in UTC this time falls outside the years 0001-9999",
        ) from None
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T"
        f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}.{utc.microsecond:06d}Z"
    )


def _parse_key(key: str) -> datetime:
    match = _KEY.match(key)
    if match is None:  # a key written before the year was padded ("999-01-01T…")
        return datetime.fromisoformat(legacy_key_to_padded(key).replace("Z", "+00:00"))
    return datetime(*(int(part) for part in match.groups()), tzinfo=UTC)


def legacy_key_to_padded(key: str) -> str:
    """A sort key with its year padded to four digits ("999-01-01T…" -> "0999-01-01T…")."""
    year, dash, rest = key.partition("-")
    if not dash or not year.isdigit() or len(year) >= 4:
        return key
    return f"{int(year):04d}-{rest}"


def implausible_year(moment: Moment, kind: str) -> str | None:
    """Why the year of `moment` looks like a typo for a record of `kind`, or None.

    E.g. "year 0999 — typo?" for an event in 0999. Kinds not listed are never flagged.
    """
    bounds = PLAUSIBLE_YEARS.get(kind)
    if bounds is None:
        return None
    year = int(moment.key[:4])
    if bounds[0] <= year <= bounds[1]:
        return None
    return f"year {year:04d} — typo? ({kind}s are expected in {bounds[0]}–{bounds[1]})"


def now_moment() -> Moment:
    return _from_datetime(datetime.now(UTC).replace(microsecond=0))


def utc_now_text() -> str:
    """Creation/update stamp: UTC, fixed width, sortable."""
    return utc_key(datetime.now(UTC))
