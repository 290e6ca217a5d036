"""The Store: one SQLite file, its transactions, and the news of what changed.

Every write goes through `Store.transaction()`; after the outermost one
commits, subscribers hear once what changed (kind, action, ids). Nobody else
has to remember to announce a change.
"""

from __future__ import annotations

import getpass
import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from .errors import DatabaseBusyError
from .opening import backup_copy, inspect_file, migrate, pre_migration_backup_path
from .repositories import (
    AnnotationRepository,
    CategoryRepository,
    ControlRepository,
    EventRepository,
    FactionRepository,
    JournalReader,
    PlaceRepository,
)
from .schema import LATEST_VERSION
from .team import TeamTables

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000


@dataclass(frozen=True, slots=True)
class StoreChange:
    """What a committed transaction changed. kind "*" means: reload everything."""

    kind: str  # place, faction, control_change, event, annotation, category, layer, ...
    action: str  # insert, update, delete, external
    ids: tuple[str, ...] = ()


Listener = Callable[[StoreChange], None]


class Store:
    """A SitRep database. Open with `Store.open(path)` or `Store.memory()`."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None, author: str) -> None:
        self.path = path
        self.author = author
        self._listeners: list[Listener] = []
        self.backup_before_upgrade: Path | None = None
        self._attach(conn)
        self.places = PlaceRepository(self)
        self.factions = FactionRepository(self)
        self.control = ControlRepository(self)
        self.events = EventRepository(self)
        self.annotations = AnnotationRepository(self)
        self.journal = JournalReader(self)
        self.categories = CategoryRepository(self)
        self.team = TeamTables(self)

    # -- opening ---------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path, *, author: str | None = None) -> Store:
        """Open (or create) a database file: check it, back it up if old, migrate it."""
        path = Path(path)
        conn, backup = _open_checked(path)
        store = cls(conn, path, author or _default_author())
        store.backup_before_upgrade = backup
        return store

    def reconnect(self) -> None:
        """Close and open the same file again (e.g. after a backup was put in place).

        Every holder of this Store keeps a valid object; subscribers hear "*" and reload.
        """
        if self.path is None:
            raise ValueError("an in-memory store cannot be reopened")
        try:
            self.conn.close()
        except sqlite3.Error:
            pass
        conn, self.backup_before_upgrade = _open_checked(self.path)
        self._attach(conn)
        self._announce(StoreChange("*", "external"))

    def _attach(self, conn: sqlite3.Connection) -> None:
        """Everything that belongs to one connection, set in one place."""
        self.conn = conn
        # No sqlite-utils plugins: a package installed beside us must not change
        # how our file is opened (and scanning for them costs ~15 ms at start).
        self.db = sqlite_utils.Database(conn, execute_plugins=False)
        self._depth = 0
        self._pending: list[StoreChange] = []
        self._data_version = self._read_data_version()

    @classmethod
    def memory(cls, *, author: str = "test") -> Store:
        conn = _connect(":memory:")
        migrate(conn)
        return cls(conn, None, author)

    def close(self) -> None:
        try:
            self.conn.execute("PRAGMA optimize")
        except sqlite3.Error:
            pass
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    # -- transactions ------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write. Nested calls become savepoints of the outer one."""
        if self._depth == 0:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    raise DatabaseBusyError(
                        "the database is busy: another program is writing to it; try again"
                    ) from None
                raise
            savepoint = None
        else:
            savepoint = f"sp{self._depth}"
            self.conn.execute(f"SAVEPOINT {savepoint}")
        self._depth += 1
        mark = len(self._pending)
        try:
            yield self.conn
        except BaseException:
            self._depth -= 1
            del self._pending[mark:]
            if savepoint is None:
                self.conn.execute("ROLLBACK")
            else:
                self.conn.execute(f"ROLLBACK TO {savepoint}")
                self.conn.execute(f"RELEASE {savepoint}")
            raise
        self._depth -= 1
        if savepoint is not None:
            self.conn.execute(f"RELEASE {savepoint}")
            return
        self.conn.execute("COMMIT")
        self._data_version = self._read_data_version()
        pending, self._pending = self._pending, []
        for change in _merge(pending):
            self._announce(change)

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    # -- change news -------------------------------------------------------------
    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def notify(self, kind: str, action: str, ids: tuple[str, ...] | list[str]) -> None:
        """Queue news of a change; it is announced after the transaction commits."""
        self._pending.append(StoreChange(kind, action, tuple(ids)))

    def _announce(self, change: StoreChange) -> None:
        for listener in list(self._listeners):
            try:
                listener(change)
            except Exception:  # a broken view must not undo a committed write
                log.exception("listener failed on %s", change)

    def check_external_changes(self) -> bool:
        """True (and news of kind "*") if another connection committed since we looked."""
        version = self._read_data_version()
        if version == self._data_version:
            return False
        self._data_version = version
        self._announce(StoreChange("*", "external"))
        return True

    def _read_data_version(self) -> int:
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    # -- maintenance ---------------------------------------------------------------
    def integrity_ok(self) -> bool:
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    def backup_to(self, target: str | Path) -> Path:
        return backup_copy(self.conn, Path(target))


def _open_checked(path: Path) -> tuple[sqlite3.Connection, Path | None]:
    """Check the file, connect, back it up if its schema is older, migrate it."""
    version = inspect_file(path)
    if not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = _connect(str(path))
    backup = None
    if 0 < version < LATEST_VERSION:
        backup = backup_copy(conn, pre_migration_backup_path(path, version))
    conn.execute("PRAGMA journal_mode = WAL")
    migrate(conn)
    return conn, backup


def _connect(target: str) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves, so nothing commits
    # behind our back. The connection stays bound to the thread that opened it
    # (sqlite3's default check): a worker thread (reading an import file, say)
    # hands its results to the main thread, and a thread that writes opens its
    # own Store.
    conn = sqlite3.connect(target, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # FULL: a laptop that loses power keeps every transaction that reported success.
    conn.execute("PRAGMA synchronous = FULL")
    return conn


def _default_author() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some sandboxes
        return "unknown"


def _merge(changes: list[StoreChange]) -> list[StoreChange]:
    """One notice per (kind, action), ids in order of first appearance."""
    merged: dict[tuple[str, str], dict[str, None]] = {}
    for change in changes:
        merged.setdefault((change.kind, change.action), {}).update(dict.fromkeys(change.ids))
    return [StoreChange(kind, action, tuple(ids)) for (kind, action), ids in merged.items()]
