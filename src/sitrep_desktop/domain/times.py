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
# Fixed width so that string order is time order (".5Z" would sort after "Z").
_KEY_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


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
        return datetime.strptime(self.key, _KEY_FORMAT).replace(tzinfo=UTC)

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
        return _from_datetime(value)
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
    return _from_datetime(parsed)


def _from_datetime(moment: datetime) -> Moment:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    utc = moment.astimezone(UTC)
    text = moment.isoformat()
    if moment.utcoffset() == timedelta(0):
        text = text.replace("+00:00", "Z")
    return Moment(text, utc.strftime(_KEY_FORMAT))


def now_moment() -> Moment:
    return _from_datetime(datetime.now(UTC).replace(microsecond=0))


def utc_now_text() -> str:
    """Creation/update stamp: UTC, fixed width, sortable."""
    return datetime.now(UTC).strftime(_KEY_FORMAT)
