"""Who holds a place: the latest change at or before the time wins."""

from sitrep_desktop.domain import ControlChange, parse_moment, resolve_control


def change(faction, at, place="hama"):
    return ControlChange(place_id=place, faction_id=faction, at=at, source="article")


def test_latest_change_at_or_before_the_time_wins():
    log = [change("gov", "2024-11-26"), change("hts", "2024-12-05")]
    assert resolve_control(log, parse_moment("2024-12-04"))["hama"].faction_id == "gov"
    assert resolve_control(log, parse_moment("2024-12-05"))["hama"].faction_id == "hts"
    assert resolve_control(log, parse_moment("2024-12-05T09:00Z"))["hama"].faction_id == "hts"
    assert resolve_control(log)["hama"].faction_id == "hts"
    assert "hama" not in resolve_control(log, parse_moment("2024-01-01"))


def test_two_changes_at_the_same_instant_are_reported_not_ordered():
    log = [change("gov", "2024-12-05"), change("hts", "2024-12-05")]
    state = resolve_control(log, parse_moment("2024-12-06"))["hama"]
    assert state.conflicted
    assert state.faction_id is None
    assert len(state.change_ids) == 2


def test_two_sources_agreeing_at_the_same_instant_are_no_conflict():
    log = [change("hts", "2024-12-05"), change("hts", "2024-12-05")]
    state = resolve_control(log)["hama"]
    assert state.faction_id == "hts"
    assert not state.conflicted
