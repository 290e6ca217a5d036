"""The demo situation: Hama changes hands on Thursday 5 December 2024."""

import pytest

from sitrep_desktop.services.demo import SOURCE, write_demo

SEED_PLACES = {
    "Aleppo",
    "Hama",
    "Homs",
    "Damascus",
    "Tartus",
    "Latakia",
    "Hmeimim air base",
    "Tartus naval base",
    "Dar al-Kabira",
    "Talbiseh",
    "al-Rastan",
}


@pytest.fixture
def demo(shared_demo_store):
    return shared_demo_store


def holder(store, name, at):
    place = store.places.by_name(name)
    state = store.control.control_at(place.id, at)
    return store.factions.get(state.faction_id).short_name


def test_the_demo_holds_every_place_of_the_article(demo):
    assert {p.name for p in demo.places.all()} >= SEED_PLACES
    assert demo.places.by_name("Homs").population > 1_400_000 - 1
    assert demo.places.by_name("Hims").name == "Homs"


def test_hama_is_held_by_the_government_before_5_december_and_by_hts_after(demo):
    assert holder(demo, "Hama", "2024-12-04") == "GOV"
    assert holder(demo, "Hama", "2024-12-04T23:59Z") == "GOV"
    assert holder(demo, "Hama", "2024-12-05") == "HTS"
    assert holder(demo, "Hama", "2024-12-06") == "HTS"


def test_aleppo_falls_on_30_november_and_homs_still_holds_on_6_december(demo):
    assert holder(demo, "Aleppo", "2024-11-29") == "GOV"
    assert holder(demo, "Aleppo", "2024-11-30") == "HTS"
    assert holder(demo, "Homs", "2024-12-06") == "GOV"
    assert holder(demo, "Hmeimim air base", "2024-12-06") == "RUS"


def test_control_map_covers_every_place(demo):
    states = demo.control.control_map("2024-12-06")
    assert set(states) == {p.id for p in demo.places.all()}
    assert not any(s.conflicted for s in states.values())


def test_what_changed_between_27_november_and_6_december(demo):
    changed = {
        demo.places.get(c.place_id).name for c in demo.control.between("2024-11-27", "2024-12-06")
    }
    assert {"Aleppo", "Hama"} <= changed
    assert "Homs" not in changed


def test_every_record_cites_the_article(demo):
    assert all(c.source == SOURCE for c in demo.control.all())
    assert all(e.source == SOURCE for e in demo.events.all())
    assert demo.events.count() >= 8


def test_the_demo_refuses_to_overwrite_a_file(tmp_path):
    path = write_demo(tmp_path / "d.db")
    with pytest.raises(FileExistsError):
        write_demo(path)
