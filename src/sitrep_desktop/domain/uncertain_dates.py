"""Dates known only to the week or the month (ACLED's time_precision 2 and 3).

The record keeps the day its source gave (so it sorts and filters as before)
and `attributes["date_precision"]` ("week" or "month"); this says in words
which span that day stands for.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from .times import Moment

PRECISIONS = ("week", "month")


def date_span(at: Moment, precision: str) -> tuple[date, date] | None:
    """The first and last day the date may be (None: the day itself is known)."""
    day = at.as_utc().date()
    if precision == "week":
        start = day - timedelta(days=day.weekday())  # ISO weeks start on Monday
        return start, start + timedelta(days=6)
    if precision == "month":
        start = day.replace(day=1)
        following = (start + timedelta(days=32)).replace(day=1)
        return start, following - timedelta(days=1)
    return None


def uncertain_date_text(at: Moment, attributes: Mapping[str, Any]) -> str:
    """ "" for a known day; else e.g. "the week of 2 Dec 2024 (2–8 Dec), day uncertain"."""
    precision = attributes.get("date_precision")
    span = date_span(at, precision) if isinstance(precision, str) else None
    if span is None:
        return ""
    start, end = span
    if precision == "month":
        return f"some day in {start:%B %Y} (day uncertain)"
    # Days without %-d, which Windows' strftime lacks.
    return f"some day in the week {start.day} {start:%b} – {end.day} {end:%b %Y} (day uncertain)"
