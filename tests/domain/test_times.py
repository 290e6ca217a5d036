"""Times: UTC for ordering, the original offset kept, a date alone kept as a date."""

from datetime import UTC, date, datetime, timedelta

import pytest

from sitrep_desktop.domain import ValidationError, parse_moment


def test_a_date_alone_stays_a_date():
    moment = parse_moment("2024-12-05")
    assert moment.date_only
    assert moment.text == "2024-12-05"
    assert moment.as_datetime() == date(2024, 12, 5)


def test_the_original_offset_is_kept_and_the_key_is_utc():
    moment = parse_moment("2024-12-05T14:30+02:00")
    assert moment.text == "2024-12-05T14:30:00+02:00"
    assert moment.key == "2024-12-05T12:30:00.000000Z"
    assert moment.as_utc() == datetime(2024, 12, 5, 12, 30, tzinfo=UTC)
    assert moment.as_datetime().utcoffset() == timedelta(hours=2)


def test_keys_sort_in_time_order():
    texts = [
        "2024-12-05T23:30-05:00",
        "2024-12-05",
        "2024-12-05T10:00:00.5Z",
        "2024-12-05T10:00Z",
        "2024-12-04T23:59:59Z",
    ]
    ordered = sorted(texts, key=lambda t: parse_moment(t).key)
    assert ordered == [
        "2024-12-04T23:59:59Z",
        "2024-12-05",
        "2024-12-05T10:00Z",
        "2024-12-05T10:00:00.5Z",
        "2024-12-05T23:30-05:00",
    ]


def test_a_date_as_upper_bound_covers_the_whole_day():
    day = parse_moment("2024-12-05")
    assert parse_moment("2024-12-05T23:59Z").key <= day.upper_key
    assert parse_moment("2024-12-06").key > day.upper_key


def test_naive_times_are_taken_as_utc():
    assert parse_moment("2024-12-05T08:00").text == "2024-12-05T08:00:00Z"


@pytest.mark.parametrize("text", ["", "yesterday", "2024-13-01", "2024-12-05T25:00", None, 42])
def test_bad_times_name_the_field(text):
    with pytest.raises(ValidationError) as error:
        parse_moment(text, "since")
    assert error.value.field == "since"
