"""Migration 9: events per day kept by triggers (the timeline's histogram without a
GROUP BY over the events), and the map's saved columns dropped by a change they show."""

import sqlite3
from dataclasses import replace

import numpy as np

from sitrep_desktop.domain import Event, parse_moment
from sitrep_desktop.store import LATEST_VERSION, Store
from sitrep_desktop.store.event_counts import day_counts
from sitrep_desktop.store.event_summaries import save_map_columns, saved_map_columns
from sitrep_desktop.store.opening import migrate

STAMPS = "'2024-12-01T00:00:00.000000Z', '2024-12-01T00:00:00.000000Z', 'analyst'"


def grouped(store):
    """The days as a GROUP BY over every event gives them: what the table must equal."""
    rows = store.conn.execute(
        "SELECT substr(at_key, 1, 10), count(*) FROM events GROUP BY 1 ORDER BY 1"
    ).fetchall()
    return [(day, count) for day, count in rows]


def kept(store, year: str | None = None):
    rows = store.conn.execute("SELECT day, events FROM event_days ORDER BY day")
    return [tuple(r) for r in rows if year is None or r[0].startswith(year)]


def test_migration_9_from_version_7_counts_the_days_already_logged(tmp_path):
    path = tmp_path / "v7.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=7)
    conn.executescript(
        f"""
        INSERT INTO categories (name, label) VALUES ('capture', 'Capture');
        INSERT INTO events (id, at, at_key, category, title, confidence, created, updated, author)
        VALUES
            ('e1', '2024-12-05', '2024-12-05', 'capture', 'Homs falls', 'high', {STAMPS}),
            ('e2', '2024-12-05T13:00Z', '2024-12-05T13:00:00.000000Z', 'capture', 'Later',
             'low', {STAMPS}),
            ('e3', '2024-12-03', '2024-12-03', 'capture', 'Rastan taken', 'medium', {STAMPS});
        """
    )
    conn.close()
    with Store.open(path) as store:
        assert store.schema_version == LATEST_VERSION >= 9
        assert kept(store) == [("2024-12-03", 1), ("2024-12-05", 2)]
        assert saved_map_columns(store) is None
        starts, counts = day_counts(store)
        assert starts.tolist() == [
            int(np.datetime64("2024-12-03", "s").astype(np.int64)),
            int(np.datetime64("2024-12-05", "s").astype(np.int64)),
        ]
        assert counts.tolist() == [1, 2]


def event(at: str, title: str = "Shelling") -> Event:
    return Event(title=title, at=parse_moment(at), category="shelling",
                 geometry="POINT (36.7 34.7)", confidence="medium")  # fmt: skip


def test_an_edit_moves_one_count_from_its_old_day_to_its_new_one(demo_memory_store):
    store = demo_memory_store
    a, b = event("2031-12-05T10:00Z"), event("2031-12-05")
    store.events.add_many([a, b, event("2031-12-07")])
    assert kept(store, "2031") == [("2031-12-05", 2), ("2031-12-07", 1)]
    store.events.update(replace(a, at=parse_moment("2031-12-07T09:00Z")))
    assert kept(store, "2031") == [("2031-12-05", 1), ("2031-12-07", 2)]
    store.events.update(replace(b, title="Shelling of Talbiseh"))  # same day: no move
    assert kept(store) == grouped(store)


def test_a_delete_lowers_its_day_and_an_empty_day_goes(demo_memory_store):
    store = demo_memory_store
    a, b = event("2031-12-05"), event("2031-12-07")
    store.events.add_many([a, b])
    store.events.delete(a.id)
    assert kept(store, "2031") == [("2031-12-07", 1)]
    assert kept(store) == grouped(store)


def test_the_day_table_equals_a_group_by_after_a_bulk_insert(demo_memory_store):
    from tests.scale_data import fill_events

    fill_events(demo_memory_store, 2_000)
    assert kept(demo_memory_store) == grouped(demo_memory_store)


def test_saved_columns_are_kept_on_insert_and_dropped_by_a_drawn_change(demo_memory_store):
    a = event("2031-12-05")
    demo_memory_store.events.add(a)
    assert save_map_columns(demo_memory_store, 1, 5, [(0, b"saved")])
    demo_memory_store.events.add(event("2024-12-06"))
    highest, saved = saved_map_columns(demo_memory_store)
    assert highest == 1 and saved.read(0, saved.size) == b"saved"
    a = demo_memory_store.events.update(replace(a, description="more detail"))  # not drawn
    assert saved_map_columns(demo_memory_store) is not None
    demo_memory_store.events.update(replace(a, category="airstrike"))
    assert saved_map_columns(demo_memory_store) is None
