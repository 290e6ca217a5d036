"""apply_incoming: the team's changes arrive, and never silently over a local edit."""

import dataclasses

import pytest

from sitrep_desktop.domain import Event
from sitrep_desktop.services.team import apply_incoming
from sitrep_desktop.services.team.cot_in import read_cot
from sitrep_desktop.services.team.cot_out import Sender, outgoing
from sitrep_desktop.store import Store

ALPHA, BRAVO = Sender("uid-alpha", "Alpha"), Sender("uid-bravo", "Bravo")


def fresh(author):
    store = Store.memory(author=author)
    store.categories.ensure_defaults()
    return store


def ship(source, sender, target, kind, record_id):
    """What the link does: build the CoT as the record is now, send, mark it agreed, apply."""
    sent = outgoing(source, kind, record_id, sender)
    if sent.stamp is not None:
        source.team.mark_synced([(kind, record_id, sent.stamp)])
    return apply_incoming(target, [read_cot(sent.data)], "test")


@pytest.fixture
def pair():
    alpha, bravo = fresh("alpha"), fresh("bravo")
    event = alpha.events.add(Event(at="2024-12-05", title="Clash at Hama", category="clash"))
    assert ship(alpha, ALPHA, bravo, "event", event.id).added == [event.id]
    return alpha, bravo, event


def edit(store, record_id, **changes):
    return store.events.update(dataclasses.replace(store.events.get(record_id), **changes))


def test_an_edit_made_on_what_the_other_has_is_taken(pair):
    alpha, bravo, event = pair
    edit(bravo, event.id, title="Clash at Hama airport")
    result = ship(bravo, BRAVO, alpha, "event", event.id)
    assert result.updated == [event.id]
    assert alpha.events.get(event.id).title == "Clash at Hama airport"
    assert alpha.events.get(event.id).updated == bravo.events.get(event.id).updated
    assert alpha.team.received(event.id).sender_callsign == "Bravo"


def test_the_same_version_again_changes_nothing(pair):
    alpha, bravo, event = pair
    journal = bravo.journal.count()
    result = ship(alpha, ALPHA, bravo, "event", event.id)
    assert (result.changed, result.unchanged) == (0, 1)
    assert bravo.journal.count() == journal


def test_both_edited_is_a_conflict_and_ours_stays(pair):
    alpha, bravo, event = pair
    edit(alpha, event.id, title="Clash at Hama (alpha)")
    edit(bravo, event.id, title="Clash at Hama (bravo)")
    result = ship(alpha, ALPHA, bravo, "event", event.id)
    assert result.conflicts == [event.id]
    assert bravo.events.get(event.id).title == "Clash at Hama (bravo)"
    (conflict,) = bravo.team.conflicts()
    assert conflict.theirs["title"] == "Clash at Hama (alpha)"
    assert conflict.sender_callsign == "Alpha"
    # The same change re-sent (a picture on reconnect) is not a second conflict.
    ship(alpha, ALPHA, bravo, "event", event.id)
    assert len(bravo.team.conflicts()) == 1


def test_a_stale_copy_never_undoes_a_newer_version(pair):
    alpha, bravo, event = pair
    old = outgoing(alpha, "event", event.id, ALPHA)
    edit(bravo, event.id, title="Newer")
    ship(bravo, BRAVO, alpha, "event", event.id)
    result = apply_incoming(alpha, [read_cot(old.data)], "test")
    assert result.unchanged == 1 and not alpha.team.conflicts()
    assert alpha.events.get(event.id).title == "Newer"


def test_a_delete_applies_to_the_version_it_names_only(pair):
    alpha, bravo, event = pair
    alpha.events.delete(event.id)
    assert ship(alpha, ALPHA, bravo, "event", event.id).deleted == [event.id]
    assert bravo.events.find(event.id) is None
    # A copy of the deleted version arriving later does not bring it back.
    second = alpha.events.add(Event(at="2024-12-06", title="Shelling", category="shelling"))
    ship(alpha, ALPHA, bravo, "event", second.id)
    edit(bravo, second.id, title="Shelling of the market")
    alpha.events.delete(second.id)
    result = ship(alpha, ALPHA, bravo, "event", second.id)
    assert result.conflicts == [second.id]
    assert bravo.events.get(second.id).title == "Shelling of the market"


def test_a_record_whose_place_is_missing_is_skipped_not_fatal(pair):
    alpha, bravo, _ = pair
    from sitrep_desktop.domain import Place

    place = alpha.places.add(Place(name="Rastan", lat=34.92, lon=36.73))
    orphan = alpha.events.add(Event(at="2024-12-07", title="At Rastan", place_id=place.id))
    fine = alpha.events.add(Event(at="2024-12-07", title="Elsewhere"))
    items = [read_cot(outgoing(alpha, "event", i, ALPHA).data) for i in (orphan.id, fine.id)]
    result = apply_incoming(bravo, items, "test")
    assert result.added == [fine.id]
    assert len(result.skipped) == 1 and result.skipped[0].startswith(orphan.id)
