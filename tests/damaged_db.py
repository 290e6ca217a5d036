"""Database files damaged on purpose, for the tests of backups and restore."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def stale_index(path: Path) -> Path:
    """Give `path` an index that no longer matches its table.

    It passes `quick_check` (every page is sound) and fails `integrity_check`:
    places_name and a scratch index swap their b-trees.
    """
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("CREATE TABLE scratch (name TEXT)")
    conn.execute("CREATE INDEX scratch_name ON scratch(name)")
    roots = dict(conn.execute("SELECT name, rootpage FROM sqlite_master WHERE type = 'index'"))
    conn.execute("PRAGMA writable_schema = ON")
    for name, other in (("places_name", "scratch_name"), ("scratch_name", "places_name")):
        conn.execute("UPDATE sqlite_master SET rootpage = ? WHERE name = ?", (roots[other], name))
    conn.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok"
    conn.close()
    return path


def stale_after_a_good_backup(path: Path, **backup_options) -> Path:
    """Back `path` up as on an open, then give it a stale index; the good backup's path."""
    from sitrep_desktop.store import Store
    from sitrep_desktop.store.backups import make_backup

    with Store.open(path) as store:
        good = make_backup(store, "open", **backup_options)
    stale_index(path)
    return good
