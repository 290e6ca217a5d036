"""A burst of team CoT applied slice by slice: each slice looks up only its own
records' heads (not every head here), and a slice with more behind it commits
without waiting for the disk, the last one durably, the same records either way."""

from __future__ import annotations

from sitrep_desktop.services.team import apply_incoming
from sitrep_desktop.services.team.cot_out import Sender
from sitrep_desktop.store import Store
from sitrep_desktop.store.content_hash import content_hash
from team_cot import team_events

OTHER = Sender("uid-other", "Other")


def traced(store: Store) -> list[str]:
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    return statements


def test_a_slice_looks_up_only_its_own_records_heads(tmp_path):
    store = Store.open(tmp_path / "here.db")
    store.categories.ensure_defaults()
    apply_incoming(store, team_events(300), "tak test")
    statements = traced(store)
    result = apply_incoming(store, team_events(20, start=300), "tak test")
    assert len(result.added) == 20
    whole_scans = [s for s in statements if "FROM record_heads" in s and "WHERE" not in s]
    assert whole_scans == []
    assert not [s for s in statements if s.startswith("SELECT id, ") and "WHERE" not in s]


def test_a_slice_with_more_behind_it_commits_without_waiting_for_the_disk(tmp_path):
    store = Store.open(tmp_path / "here.db")
    store.categories.ensure_defaults()
    items = team_events(30)
    statements = traced(store)
    apply_incoming(store, items[:20], "tak test", durable=False)
    relaxed = statements.index("PRAGMA synchronous = NORMAL")
    commit = statements.index("COMMIT", relaxed)
    assert statements.index("PRAGMA synchronous = FULL", relaxed) > commit
    assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL again
    del statements[:]
    apply_incoming(store, items[20:], "tak test")  # the last slice: durable
    assert "PRAGMA synchronous = NORMAL" not in statements
    store.conn.set_trace_callback(None)
    whole = Store.open(tmp_path / "whole.db")
    whole.categories.ensure_defaults()
    apply_incoming(whole, items, "tak test")
    assert store.events.count() == whole.events.count() == 30
    assert content_hash(store) == content_hash(whole)
