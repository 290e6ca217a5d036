"""Migration 7 and the team tables: the outbox survives a restart, in order."""

import dataclasses
import sqlite3

from sitrep_desktop.domain import ControlChange, Event, Faction, Place
from sitrep_desktop.store import Store
from sitrep_desktop.store.opening import migrate
from sitrep_desktop.store.team import Received, TeamConflict

STAMP = "'2026-11-30T08:00:00.000000Z', '2026-11-30T08:00:00.000000Z', 'analyst'"


def test_migration_7_from_version_3_adds_the_team_tables_and_keeps_the_log(tmp_path):
    path = tmp_path / "v3.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=3)
    conn.executescript(
        "INSERT INTO categories (name, label) VALUES ('clash', 'Clash');"
        "INSERT INTO events (id, at, at_key, category, title, confidence, created, updated,"
        f" author) VALUES ('e1', '2026-11-30', '2026-11-30T00:00:00.000000Z', 'clash',"
        f" 'Clash at the bridge', 'high', {STAMP});"
    )
    conn.close()
    with Store.open(path) as store:
        assert store.schema_version >= 8  # and on to the latest
        names = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
        assert {"team_outbox", "team_received", "team_conflicts"} <= names
        assert store.events.get("e1").title == "Clash at the bridge"
        assert store.team.outbox_count() == 0
        assert store.backup_before_upgrade is not None


def test_migration_8_from_version_7_drops_team_sync_and_keeps_the_team_tables(tmp_path):
    path = tmp_path / "v7.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=7)
    conn.executescript(
        "INSERT INTO team_outbox (record_kind, record_id, queued) VALUES ('event', 'e1', 'now');"
        "INSERT INTO team_sync (record_id, record_kind, synced_updated)"
        " VALUES ('e1', 'event', 'x');"
        "INSERT INTO team_received (record_id, record_kind, sender_uid, sender_callsign, cot_type,"
        " received) VALUES ('e2', 'event', 'uid-b', 'Bravo', 'b-m-p-s-p-i', 'now');"
        "UPDATE team_state SET enabled = 1;"
    )
    conn.close()
    with Store.open(path) as store:
        assert store.schema_version >= 8
        names = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
        assert "team_sync" not in names
        assert [(i.record_kind, i.record_id) for i in store.team.outbox()] == [("event", "e1")]
        assert store.team.received("e2").sender_callsign == "Bravo"
        assert store.team.sharing


def test_the_outbox_keeps_its_order_across_a_restart(tmp_path):
    path = tmp_path / "team.db"
    with Store.open(path) as store:
        store.team.queue([("event", "a"), ("place", "b"), ("event", "c")])
    with Store.open(path) as store:
        items = store.team.outbox()
        assert [(i.record_kind, i.record_id) for i in items] == [
            ("event", "a"),
            ("place", "b"),
            ("event", "c"),
        ]
        store.team.sent(items[1].seq)
        assert [i.record_id for i in store.team.outbox()] == ["c"]


def test_a_conflict_is_kept_once_with_the_senders_version_until_settled():
    store = Store.memory()
    kept = TeamConflict(
        "event", "e1", {"id": "e1", "title": "Shelling"}, "Viper 2",
        "000000000004.ab", {"0.2026-11-30T10:00:00.000000Z": "2026-11-30T10:00:00.000000Z"},
    )  # fmt: skip
    assert store.team.keep_conflict(kept)
    assert not store.team.keep_conflict(kept), "the same change again: kept already"
    (found,) = store.team.conflicts_for("e1")
    assert (found.theirs, found.version, found.history) == (kept.theirs, kept.version,
                                                            kept.history)  # fmt: skip
    later = dataclasses.replace(kept, version="000000000005.cd")
    assert store.team.keep_conflict(later)
    assert [c.version for c in store.team.conflicts()] == ["000000000005.cd"], "the latest"
    store.team.drop_conflicts(["e1"])
    assert store.team.conflicts() == []


def test_who_sent_a_record_is_kept_in_the_team_layer():
    store = Store.memory()
    store.team.note_received(
        [Received("r1", "event", "Team", "ANDROID-1", "Viper 2", "a-h-G", "2026-11-30T12:00Z")]
    )
    found = store.team.received("r1")
    assert found is not None and found.sender_callsign == "Viper 2"
    assert [r.record_id for r in store.team.in_layer("Team")] == ["r1"]


def test_changes_are_queued_in_their_own_transaction_while_sharing_is_on(tmp_path):
    path = tmp_path / "team.db"
    with Store.open(path) as store:
        store.categories.ensure_defaults()
        store.events.add(Event(at="2026-11-30", title="Before sharing"))
        assert store.team.outbox_count() == 0
        store.team.set_sharing(True)
        clash = store.events.add(Event(at="2026-11-30", title="Clash"))
        try:
            with store.transaction():
                store.events.add(Event(at="2026-11-30", title="Never committed"))
                raise RuntimeError("power cut")
        except RuntimeError:
            pass
        with store.team.applying():
            store.events.add(Event(at="2026-11-30", title="From the team"))
        store.events.delete(clash.id)
    # No listener ran: the rows came with the commits themselves.
    with Store.open(path) as store:
        assert [(i.record_kind, i.record_id) for i in store.team.outbox()] == [
            ("event", clash.id),
            ("event", clash.id),
        ]
        assert store.team.sharing
        store.team.set_sharing(False)
        store.events.add(Event(at="2026-11-30", title="After sharing"))
        assert store.team.outbox_count() == 2


def test_a_control_change_queues_its_place_too():

    store = Store.memory()
    faction = store.factions.add(
        Faction(name="Syrian Arab Army", short_name="SAA", colour="#c62828")
    )
    place = store.places.add(Place(name="Rastan", lat=34.92, lon=36.73))
    store.team.set_sharing(True)
    change = store.control.add(
        ControlChange(place_id=place.id, faction_id=faction.id, at="2024-12-03", source="SOHR")
    )
    assert [(i.record_kind, i.record_id) for i in store.team.outbox()] == [
        ("control_change", change.id),
        ("place", place.id),
    ]
