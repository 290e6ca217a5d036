"""Which control change an event implies, decided without Qt or a store."""

import pytest

from sitrep_desktop.domain import ControlChange, Event, Faction, parse_moment
from sitrep_desktop.domain.errors import ValidationError
from sitrep_desktop.domain.implied_control import (
    ALREADY_LOGGED,
    AMBIGUOUS,
    HOLDER_UNKNOWN,
    IMPLIED,
    implied_by_event,
    implied_control,
    named_factions,
)

GOV = Faction(name="Syrian government forces", short_name="GOV", colour="#c62828")
HTS = Faction(name="Hayat Tahrir al-Sham", short_name="HTS", colour="#2e7d32")
RUS = Faction(name="Russian forces", short_name="RUS", colour="#6a1b9a")
FACTIONS = (GOV, HTS, RUS)
HAMA = "hama"


def held(faction, at, place=HAMA):
    return ControlChange(place_id=place, faction_id=faction.id, at=at, source="article")


HAMA_HELD_BY_GOV = [held(GOV, "2024-11-26")]


def offer(category="capture", actors=("HTS",), at="2024-12-05", place=HAMA, history=None):
    return implied_control(
        category=category,
        place_id=place,
        actors=actors,
        at=parse_moment(at),
        factions=FACTIONS,
        history=HAMA_HELD_BY_GOV if history is None else history,
    )


def test_hts_capturing_hama_held_by_gov_implies_hts_holds_hama_from_then():
    found = offer(at="2024-12-05T14:30+02:00")
    assert found.kind == IMPLIED and found.offers_change
    assert found.candidates == (HTS,) and found.holder_id == GOV.id
    event = Event(
        at="2024-12-05T14:30+02:00",
        title="HTS captures Hama",
        category="capture",
        place_id=HAMA,
        actors=("HTS",),
        source="Reuters",
        confidence="high",
    )
    change = found.change_for(event)
    assert (change.place_id, change.faction_id) == (HAMA, HTS.id)
    assert change.at == event.at and change.at.text == "2024-12-05T14:30:00+02:00"
    assert (change.source, change.confidence) == ("Reuters", "high")
    assert "HTS captures Hama" in change.notes


def test_a_date_only_capture_implies_a_date_only_change():
    event = Event(
        at="2024-12-05",
        title="Hama falls",
        category="capture",
        place_id=HAMA,
        actors=("hts",),
        source="article",
    )
    change = implied_by_event(event, FACTIONS, HAMA_HELD_BY_GOV).change_for(event)
    assert change.at.date_only and change.at.text == "2024-12-05"


def test_a_faction_is_named_by_short_name_or_full_name_in_any_case():
    assert offer(actors=("hayat tahrir AL-SHAM",)).candidates == (HTS,)
    assert named_factions(["HTS", "Hayat Tahrir al-Sham", "local fighters"], FACTIONS) == [HTS]


def test_a_capture_by_the_holder_implies_nothing():
    assert offer(history=[*HAMA_HELD_BY_GOV, held(HTS, "2024-12-01")]) is None


def test_a_capture_naming_two_factions_is_ambiguous_non_holder_first():
    found = offer(actors=("Syrian government forces", "HTS"))
    assert found.kind == AMBIGUOUS and found.offers_change
    assert found.candidates == (HTS, GOV)
    assert found.change_for(_sourced_event(), GOV.id).faction_id == GOV.id


@pytest.mark.parametrize(
    "changes",
    [
        {"category": "capture", "place": None},
        {"category": "capture", "actors": ("local fighters",)},
        {"category": "capture", "actors": ()},
        {"category": "airstrike"},
        {"category": "clash", "actors": ("HTS", "GOV")},
    ],
    ids=["no place", "no known faction", "no actors", "airstrike", "clash"],
)
def test_events_that_say_nothing_about_control_imply_nothing(changes):
    assert offer(**changes) is None


def test_categories_match_in_any_case():
    assert offer(category=" Capture ").kind == IMPLIED


def test_a_change_at_that_exact_time_is_not_duplicated():
    same = held(GOV, "2024-12-05")
    found = offer(history=[*HAMA_HELD_BY_GOV, same])
    assert found.kind == ALREADY_LOGGED and not found.offers_change
    assert found.existing == (same,)
    with pytest.raises(ValueError):
        found.change_for(_sourced_event())
    agreeing = held(HTS, "2024-12-05")
    assert offer(history=[*HAMA_HELD_BY_GOV, agreeing]).existing == (agreeing,)


def test_a_change_at_another_time_of_that_day_is_a_different_instant():
    later = held(GOV, "2024-12-05T18:00Z")
    assert offer(at="2024-12-05T09:00Z", history=[*HAMA_HELD_BY_GOV, later]).kind == IMPLIED


def test_other_places_history_is_ignored():
    elsewhere = held(HTS, "2024-12-01", place="homs")
    assert offer(history=[*HAMA_HELD_BY_GOV, elsewhere]).kind == IMPLIED


def test_a_capture_of_a_place_with_no_known_holder_is_implied():
    assert offer(history=[]).kind == IMPLIED


def test_the_holder_withdrawing_alone_leaves_the_next_holder_unknown():
    found = offer(category="withdrawal", actors=("GOV",))
    assert found.kind == HOLDER_UNKNOWN and not found.offers_change


def test_the_holder_withdrawing_before_another_side_offers_that_side_unchecked():
    found = offer(category="withdrawal", actors=("GOV", "HTS"))
    assert found.kind == AMBIGUOUS and found.candidates == (HTS,)


def test_a_withdrawal_by_a_side_that_does_not_hold_the_place_implies_nothing():
    assert offer(category="withdrawal", actors=("HTS",)) is None
    assert offer(category="withdrawal", actors=("GOV",), history=[]) is None


def test_an_event_without_source_cannot_make_a_change():
    event = Event(at="2024-12-05", title="Hama falls", category="capture", place_id=HAMA)
    with pytest.raises(ValidationError) as raised:
        offer().change_for(event)
    assert raised.value.field == "source"


def test_only_a_named_faction_can_be_chosen():
    with pytest.raises(ValueError):
        offer().change_for(_sourced_event(), RUS.id)


def _sourced_event():
    return Event(at="2024-12-05", title="Hama falls", category="capture", source="article")
