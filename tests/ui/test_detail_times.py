"""Times in the detail pane: local time with UTC beside it; a date alone stays a date."""

from datetime import timedelta, timezone

from sitrep_desktop.domain import parse_moment
from sitrep_desktop.ui.window.time_text import local_and_utc


def test_local_time_with_utc_beside_it():
    moment = parse_moment("2024-12-05T14:30+02:00")
    text = local_and_utc(moment, timezone(timedelta(hours=3), "AST"))
    assert text == "2024-12-05 15:30 AST (UTC 12:30)"


def test_a_date_alone_is_not_midnight():
    assert local_and_utc(parse_moment("2024-12-05")) == "2024-12-05 (date only)"
