"""Laptops for merge tests: one situation, copied to several in-memory databases."""

from __future__ import annotations

import dataclasses
import sqlite3
import uuid

from sitrep_desktop.domain import Event, Place
from sitrep_desktop.services.merge import MergePlan, MergeReport, plan_merge
from sitrep_desktop.services.merge_sources import DatabaseSource
from sitrep_desktop.store import Store
from sitrep_desktop.store.versions import VersionReader

HOMS = "3b241101-e2bb-4255-8caf-4136c566a962"
HAMA = "9a0d5d1e-4b7c-4d0e-8a43-33d9f0c0a001"


def base_store(events: int = 3) -> Store:
    """Homs and Hama, and a few events at them."""
    store = Store.memory(author="base")
    store.categories.ensure_defaults()
    store.places.add(Place(id=HOMS, name="Homs", lat=34.73, lon=36.71, kind="city"))
    store.places.add(Place(id=HAMA, name="Hama", lat=35.13, lon=36.75, kind="city"))
    for n in range(events):
        store.events.add(
            Event(
                id=str(uuid.UUID(int=n + 1)),
                at=f"2024-12-0{n % 9 + 1}",
                title=f"Event {n}",
                place_id=HOMS if n % 2 else HAMA,
            )
        )
    return store


def copy_store(store: Store, author: str) -> Store:
    """The same file carried to another laptop (its origin and versions alike)."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.row_factory = sqlite3.Row
    store.conn.backup(conn)
    conn.execute("PRAGMA foreign_keys = ON")
    return Store(conn, None, author)


def plan(into: Store, other: Store) -> MergePlan:
    return plan_merge(into, DatabaseSource.of_store(other))


def merge(into: Store, other: Store, resolutions=None) -> MergeReport:
    the_plan = plan(into, other)
    the_plan.command(resolutions).do(into)
    return the_plan.report


def edit(store: Store, repository: str, record_id: str, **changes) -> None:
    repo = getattr(store, repository)
    repo.update(dataclasses.replace(repo.get(record_id), **changes))


def head(store: Store, record_id: str) -> tuple[str, int] | None:
    """(version, deleted) of a record here, or None when this database never knew it."""
    found = VersionReader(store.conn).heads([record_id]).get(record_id)
    return None if found is None else (found.version, found.deleted)


def history(store: Store, record_id: str) -> set[str]:
    return set(VersionReader(store.conn).histories([record_id])[record_id])
