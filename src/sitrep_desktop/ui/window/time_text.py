"""How moments read on screen: local time with UTC beside it; a date alone stays a date."""

from __future__ import annotations

from datetime import datetime, tzinfo

from sitrep_desktop.domain import Moment


def local_and_utc(moment: Moment, local_zone: tzinfo | None = None) -> str:
    """'2024-12-05 16:30 EET (UTC 14:30)'; '2024-12-05 (date only)' when no time is known."""
    if moment.date_only:
        return f"{moment.text} (date only)"
    utc = moment.as_utc()
    local = utc.astimezone(local_zone)
    zone = local.tzname() or local.strftime("%z")
    if local.date() == utc.date():
        utc_text = utc.strftime("%H:%M")
    else:
        utc_text = utc.strftime("%Y-%m-%d %H:%M")
    return f"{local:%Y-%m-%d %H:%M} {zone} (UTC {utc_text})"


def short(moment: Moment) -> str:
    """Compact form for list cells: local time, or the bare date."""
    if moment.date_only:
        return moment.text
    return f"{moment.as_utc().astimezone():%Y-%m-%d %H:%M}"


def as_entered(moment: Moment) -> str:
    """The text as logged, with its original offset."""
    return moment.text


def local_now_text() -> str:
    """Now, in local time with its offset: the default in a new form."""
    return datetime.now().astimezone().replace(microsecond=0, second=0).isoformat()
