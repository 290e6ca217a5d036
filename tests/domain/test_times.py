"""Times: UTC for ordering, the original offset kept, a date alone kept as a date."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitrep_desktop.domain import ValidationError, parse_moment
from sitrep_desktop.domain.times import implausible_year, utc_key


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


# -- every year 0001-9999, whatever its offset ---------------------------------------

_OFFSETS = st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
_TIMES = st.datetimes(
    min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59, 999999)
)


def _instant_or_none(naive, zone):
    """The UTC instant of naive-in-zone, or None when it leaves the years 0001-9999."""
    try:
        return naive.replace(tzinfo=zone).astimezone(UTC)
    except OverflowError:
        return None


@given(_TIMES, _OFFSETS, _TIMES, _OFFSETS)
def test_every_year_with_any_offset_sorts_in_time_order(a, zone_a, b, zone_b):
    texts = [t.replace(tzinfo=z).isoformat() for t, z in ((a, zone_a), (b, zone_b))]
    instants = [_instant_or_none(a, zone_a), _instant_or_none(b, zone_b)]
    keys = []
    for text, instant in zip(texts, instants):
        if instant is None:  # a clear refusal, never OverflowError
            with pytest.raises(ValidationError, match="0001-9999"):
                parse_moment(text, "at")
            return
        moment = parse_moment(text, "at")
        assert len(moment.key) == len("2024-12-05T12:30:00.000000Z")
        assert moment.as_utc() == instant
        keys.append(moment.key)
    assert (keys[0] < keys[1]) == (instants[0] < instants[1])
    assert (keys[0] == keys[1]) == (instants[0] == instants[1])


@given(st.dates(min_value=date(1, 1, 1)), _TIMES, _OFFSETS)
def test_a_date_alone_sorts_before_every_time_on_that_day(day, moment, zone):
    instant = _instant_or_none(moment, zone)
    if instant is None:
        return
    key = parse_moment(moment.replace(tzinfo=zone).isoformat()).key
    assert (parse_moment(day.isoformat()).key <= key) == (day <= instant.date())


def test_a_year_below_1000_has_a_padded_key_that_sorts_first():
    early = parse_moment("0999-01-01T00:00Z")
    assert early.key == "0999-01-01T00:00:00.000000Z"
    assert early.key < parse_moment("2024-12-06").key
    assert early.as_utc() == datetime(999, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "text", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "9999-12-31T23:00-01:00"]
)
def test_a_time_that_leaves_the_calendar_in_utc_is_a_clear_error(text):
    with pytest.raises(ValidationError, match="outside the years 0001-9999") as error:
        parse_moment(text, "--since")
    assert error.value.field == "--since"


def test_the_last_moment_of_9999_in_utc_is_kept():
    moment = parse_moment("9999-12-31T23:59:59.999999Z")
    assert moment.key == "9999-12-31T23:59:59.999999Z"
    assert utc_key(moment.as_utc()) == moment.key


def test_a_year_far_from_now_is_flagged_as_a_likely_typo():
    assert implausible_year(parse_moment("0999-12-05"), "event") == (
        "year 0999 — typo? (events are expected in 1900–2100)"
    )
    assert implausible_year(parse_moment("2024-12-05"), "control change") is None
    assert "9999" in implausible_year(parse_moment("9999-01-01"), "annotation")
