"""apply_incoming: the team's changes arrive by the merge rules, never over a local edit."""

import dataclasses

import pytest

from sitrep_desktop.domain import Event, Place
from sitrep_desktop.services.merge import merge_records
from sitrep_desktop.services.merge_sources import IncomingRecord
from sitrep_desktop.services.team import apply_incoming
from sitrep_desktop.services.team.conflicts import ResolveTeamConflicts, plan_team_conflicts
from sitrep_desktop.services.team.cot_in import read_cot
from sitrep_desktop.services.team.cot_out import Sender, outgoing
from sitrep_desktop.store import Store
from sitrep_desktop.store.content_hash import content_hash

ALPHA, BRAVO = Sender("uid-alpha", "Alpha"), Sender("uid-bravo", "Bravo")


def fresh(author):
    store = Store.memory(author=author)
    store.categories.ensure_defaults()
    return store


def ship(source, sender, target, kind, record_id):
    """What the link does: build the CoT as the record is now, send it, apply it there."""
    sent = outgoing(source, kind, record_id, sender)
    return apply_incoming(target, [read_cot(sent.data)], "test")


def state(store):
    """Everything a merge may write: rows, heads, histories, the journal, kept conflicts."""
    tables = ("record_heads", "record_versions", "journal", "team_conflicts", "team_received")
    return content_hash(store), {
        t: store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables
    }


@pytest.fixture
def pair():
    alpha, bravo = fresh("alpha"), fresh("bravo")
    event = alpha.events.add(Event(at="2024-12-05", title="Clash at Hama", category="clash"))
    assert ship(alpha, ALPHA, bravo, "event", event.id).added == [event.id]
    return alpha, bravo, event


def edit(store, record_id, **changes):
    return store.events.update(dataclasses.replace(store.events.get(record_id), **changes))


def test_an_edit_on_one_side_only_applies_on_the_other(pair):
    alpha, bravo, event = pair
    edit(bravo, event.id, title="Clash at Hama airport")
    result = ship(bravo, BRAVO, alpha, "event", event.id)
    assert result.updated == [event.id] and not result.conflicts
    assert alpha.events.get(event.id) == bravo.events.get(event.id)
    assert alpha.team.received(event.id).sender_callsign == "Bravo"
    # Both now hold one version: alpha's next edit is taken by bravo in turn.
    edit(alpha, event.id, title="Clash at Hama airport, repelled")
    assert ship(alpha, ALPHA, bravo, "event", event.id).updated == [event.id]
    assert content_hash(alpha) == content_hash(bravo)


def test_the_same_cot_twice_changes_nothing(pair):
    alpha, bravo, event = pair
    edit(alpha, event.id, title="Clash at Hama airport")
    cot = outgoing(alpha, "event", event.id, ALPHA).data
    assert apply_incoming(bravo, [read_cot(cot)], "test").updated == [event.id]
    before = state(bravo)
    result = apply_incoming(bravo, [read_cot(cot)], "test")
    assert (result.changed, result.unchanged, result.conflicts) == (0, 1, [])
    assert state(bravo) == before


def test_a_live_edit_on_both_sides_is_one_conflict_with_both_values_and_the_ancestor(pair):
    alpha, bravo, event = pair
    edit(alpha, event.id, title="Clash at Hama (alpha)")
    edit(bravo, event.id, title="Clash at Hama (bravo)")
    result = ship(alpha, ALPHA, bravo, "event", event.id)
    assert result.conflicts == [event.id] and not result.changed
    assert bravo.events.get(event.id).title == "Clash at Hama (bravo)", "ours stays"
    (kept,) = bravo.team.conflicts()
    assert (kept.theirs["title"], kept.sender_callsign) == ("Clash at Hama (alpha)", "Alpha")
    # The conflict is Part 1's, field by field, for the merge dialog.
    plan = plan_team_conflicts(bravo)
    (conflict,) = plan.report.conflicts
    (title,) = conflict.fields
    assert (title.field, title.ours, title.theirs, title.ancestor) == (
        "title",
        "Clash at Hama (bravo)",
        "Clash at Hama (alpha)",
        "Clash at Hama",
    )
    # The same change re-sent (a picture on reconnect) is not a second conflict.
    before = state(bravo)
    assert ship(alpha, ALPHA, bravo, "event", event.id).unchanged == 1
    assert state(bravo) == before and len(bravo.team.conflicts()) == 1


def test_a_conflict_resolved_in_the_dialog_reaches_the_other_side_without_a_new_one(pair):
    alpha, bravo, event = pair
    edit(alpha, event.id, title="Clash at Hama (alpha)", description="alpha's notes")
    edit(bravo, event.id, title="Clash at Hama (bravo)", description="bravo's notes")
    ship(alpha, ALPHA, bravo, "event", event.id)
    plan = plan_team_conflicts(bravo)
    plan.command({event.id: {"title": "theirs", "description": "ours"}}).do(bravo)
    mixed = bravo.events.get(event.id)
    assert (mixed.title, mixed.description) == ("Clash at Hama (alpha)", "bravo's notes")
    assert not plan_team_conflicts(bravo).report.conflicts and not bravo.team.conflicts()
    # The resolution knows alpha's version: alpha takes it as a plain update.
    result = ship(bravo, BRAVO, alpha, "event", event.id)
    assert result.updated == [event.id] and not result.conflicts
    assert content_hash(alpha) == content_hash(bravo)


def test_a_conflict_kept_ours_is_settled_shared_and_undo_brings_it_back(pair):
    alpha, bravo, event = pair
    edit(alpha, event.id, title="Clash at Hama (alpha)")
    edit(bravo, event.id, title="Clash at Hama (bravo)")
    ship(alpha, ALPHA, bravo, "event", event.id)
    bravo.team.set_sharing(True)
    command = ResolveTeamConflicts(plan_team_conflicts(bravo), {event.id: "ours"})
    command.do(bravo)
    assert not plan_team_conflicts(bravo).report.conflicts and bravo.team.conflicts() == []
    # No row changed, yet the team must learn that ours now knows alpha's version.
    assert [(i.record_kind, i.record_id) for i in bravo.team.outbox()] == [("event", event.id)]
    command.undo(bravo)
    assert [c.record_id for c in plan_team_conflicts(bravo).report.conflicts] == [event.id]
    command.do(bravo)  # redo
    result = ship(bravo, BRAVO, alpha, "event", event.id)
    assert result.updated == [event.id] and not result.conflicts
    assert alpha.events.get(event.id).title == "Clash at Hama (bravo)"


def test_a_stale_copy_never_undoes_a_newer_version(pair):
    alpha, bravo, event = pair
    old = outgoing(alpha, "event", event.id, ALPHA)
    edit(bravo, event.id, title="Newer")
    ship(bravo, BRAVO, alpha, "event", event.id)
    result = apply_incoming(alpha, [read_cot(old.data)], "test")
    assert result.unchanged == 1 and not alpha.team.conflicts()
    assert alpha.events.get(event.id).title == "Newer"


def test_a_delete_on_one_side_applies_unless_the_other_edited(pair):
    alpha, bravo, event = pair
    alpha.events.delete(event.id)
    assert ship(alpha, ALPHA, bravo, "event", event.id).deleted == [event.id]
    assert bravo.events.find(event.id) is None
    # A copy of the deleted version arriving later does not bring it back.
    stale = outgoing(bravo, "event", event.id, BRAVO)  # bravo's tombstone
    assert apply_incoming(alpha, [read_cot(stale.data)], "test").changed == 0
    second = alpha.events.add(Event(at="2024-12-06", title="Shelling", category="shelling"))
    ship(alpha, ALPHA, bravo, "event", second.id)
    edit(bravo, second.id, title="Shelling of the market")
    alpha.events.delete(second.id)
    result = ship(alpha, ALPHA, bravo, "event", second.id)
    assert result.changed == 0 and not result.conflicts, "kept: changed here"
    assert bravo.events.get(second.id).title == "Shelling of the market"
    # Back the other way, the edit beats the delete, as in a file merge.
    assert ship(bravo, BRAVO, alpha, "event", second.id).added == [second.id]
    assert alpha.events.get(second.id) == bravo.events.get(second.id)


def test_an_atak_marker_is_added_updated_by_later_reports_and_never_over_a_local_edit():
    store = fresh("alpha")
    marker = b"""<event version="2.0" uid="ANDROID-1.m" type="a-h-G" how="h-g-i-g-o"
     time="2026-11-30T12:00:00.000Z" start="2026-11-30T12:00:00.000Z" stale="2026-11-30T13:00:00Z">
     <point lat="35.14" lon="36.76" hae="0" ce="9" le="9"/>
     <detail><contact callsign="Enemy BMP"/><link uid="ANDROID-1" parent_callsign="Viper 2"/>
     </detail></event>"""
    first = read_cot(marker)
    assert apply_incoming(store, [first], "test").added == [first.record.id]
    assert apply_incoming(store, [read_cot(marker)], "test").unchanged == 1

    def report(minute, lat):
        return read_cot(
            marker.replace(b'lat="35.14"', f'lat="{lat}"'.encode()).replace(
                b'time="2026-11-30T12:00', f'time="2026-11-30T12:{minute:02d}'.encode()
            )
        )

    assert apply_incoming(store, [report(5, 35.15)], "test").updated == [first.record.id]
    assert store.events.get(first.record.id).geometry == "POINT (36.76 35.15)"
    edit(store, first.record.id, description="seen by our patrol too")
    result = apply_incoming(store, [report(10, 35.16)], "test")
    assert result.conflicts == [first.record.id]
    assert store.events.get(first.record.id).description == "seen by our patrol too"


def test_a_delete_from_atak_applies_to_its_marker_and_twice_changes_nothing():
    store = fresh("alpha")
    marker = read_cot(
        b"""<event version="2.0" uid="ANDROID-2.m" type="a-h-G" how="h-g-i-g-o"
     time="2026-11-30T12:00:00.000Z" start="2026-11-30T12:00:00.000Z" stale="2026-11-30T13:00:00Z">
     <point lat="35.14" lon="36.76" hae="0" ce="9" le="9"/><detail/></event>"""
    )
    apply_incoming(store, [marker], "test")
    gone = dataclasses.replace(marker, record=None, deleted_id=marker.record.id)
    assert apply_incoming(store, [gone], "test").deleted == [marker.record.id]
    before = state(store)
    assert apply_incoming(store, [gone], "test").unchanged == 1
    assert state(store) == before


def test_the_live_path_and_a_file_merge_agree(pair):
    """A record sent live merges exactly as `merge_records` with `versions_of` would."""
    alpha, bravo, event = pair
    edit(bravo, event.id, title="Clash at Hama airport")
    cot = read_cot(outgoing(bravo, "event", event.id, BRAVO).data)
    copy = fresh("alpha-copy")
    alpha.conn.backup(copy.conn)
    apply_incoming(alpha, [cot], "test")
    incoming = IncomingRecord(cot.record, version=cot.version, history=dict(cot.history))
    merge_records(copy, [incoming], "test")
    assert content_hash(alpha) == content_hash(copy)


def test_a_record_whose_place_is_missing_is_skipped_not_fatal(pair):
    alpha, bravo, _ = pair
    place = alpha.places.add(Place(name="Rastan", lat=34.92, lon=36.73))
    orphan = alpha.events.add(Event(at="2024-12-07", title="At Rastan", place_id=place.id))
    fine = alpha.events.add(Event(at="2024-12-07", title="Elsewhere"))
    items = [read_cot(outgoing(alpha, "event", i, ALPHA).data) for i in (orphan.id, fine.id)]
    result = apply_incoming(bravo, items, "test")
    assert result.added == [fine.id]
    assert len(result.skipped) == 1 and result.skipped[0].startswith(orphan.id)
    assert bravo.events.find(orphan.id) is None


def test_a_long_offline_run_of_edits_on_one_side_is_taken_not_a_conflict(pair):
    # Bravo edits the event 60 times while offline (more than the 32 versions of
    # history that used to travel with it): alpha's version is far back in it.
    alpha, bravo, event = pair
    for n in range(60):
        edit(bravo, event.id, title=f"Clash at Hama, update {n}")
    result = ship(bravo, BRAVO, alpha, "event", event.id)
    assert result.updated == [event.id] and not result.conflicts
    assert alpha.events.get(event.id).title == "Clash at Hama, update 59"
    assert alpha.team.conflicts() == []
    # And back: alpha's next edit is taken by bravo, both agree again.
    edit(alpha, event.id, title="Clash at Hama, settled")
    back = ship(alpha, ALPHA, bravo, "event", event.id)
    assert back.updated == [event.id] and not back.conflicts
    assert content_hash(alpha) == content_hash(bravo)
