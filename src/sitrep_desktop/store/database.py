"""The Store: one SQLite file, its transactions, and the news of what changed.

Every write goes through `Store.transaction()`; after the outermost one
commits, subscribers hear once what changed (kind, action, ids). Nobody else
has to remember to announce a change.
"""

from __future__ import annotations

import getpass
import logging
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from .errors import (
    DatabaseBusyError,
    FileReplacedError,
    ReadOnlyError,
    StoreError,
    describe_os_error,
    store_error_from,
)
from .opening import (
    CHECK_AT_OPEN_BYTES,
    backup_copy,
    inspect_file,
    is_read_only,
    migrate,
    pre_migration_backup_path,
    read_only_uri,
)
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
        self.check_pending = False  # the damage check was left for later (Store.open)
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
    def open(
        cls, path: str | Path, *, author: str | None = None, check_later: bool = False
    ) -> Store:
        """Open (or create) a database file: check it, back it up if old, migrate it.
        check_later: a big file at the latest schema skips the page-by-page damage check,
        and `check_pending` says so; the window runs opening.damage_of after its first paint."""
        path = Path(path)
        conn, backup, pending = _open_checked(path, check_later)
        store = cls(conn, path, author or _default_author())
        store.backup_before_upgrade = backup
        store.check_pending = pending
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
        conn, self.backup_before_upgrade, _pending = _open_checked(self.path)
        self._attach(conn)
        self._announce(StoreChange("*", "external"))

    def _attach(self, conn: sqlite3.Connection) -> None:
        """Everything that belongs to one connection, set in one place."""
        self.conn = conn
        # Which file on disk this connection has open: a file deleted or replaced
        # (a colleague's copy moved over it) keeps our connection on the old inode,
        # where writes "succeed" and are lost. Checked before every write.
        self._identity = _file_identity(self.path) if self.path is not None else None
        # Our -wal and -shm, to tell them from a replacement file's own (see check_file).
        self._journal = {sidecar: _file_identity(sidecar) for sidecar in self._sidecars()}
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

    @property
    def is_open(self) -> bool:
        """False once `close` has run (a deferred step may still be queued)."""
        try:
            self.conn.execute("SELECT 1")
        except sqlite3.ProgrammingError:
            return False
        return True

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    # -- the file under us -----------------------------------------------------------
    @property
    def read_only(self) -> bool:
        """True if edits cannot be saved: a read-only file, folder or disk."""
        if self.path is None:
            return False
        return is_read_only(self.path)

    def check_file(self) -> None:
        """Raise FileReplacedError if our file was deleted or replaced on disk since opening.

        Called before every write, and by the window when it regains focus.
        """
        if self._replaced():
            self._drop_stray_journal()
            raise FileReplacedError(
                f"{self.path.name} was deleted or replaced on disk since it was opened; "
                "nothing more is written to it. Use Save as… to keep your work in a new file"
            )

    def _replaced(self) -> bool:
        if self._identity is None or self.path is None:
            return False
        return _file_identity(self.path) != self._identity

    def _sidecars(self) -> list[Path]:
        if self.path is None:
            return []
        return [self.path.with_name(self.path.name + suffix) for suffix in ("-wal", "-shm")]

    def _drop_stray_journal(self) -> None:
        """Unlink our -wal and -shm now that they sit beside a file they do not belong to.

        SQLite does not checkpoint or delete them when the file has moved, and the
        next program to open the new file would read our pages into it. Our
        connection keeps them open, so it can still save everything elsewhere.
        POSIX only: Windows cannot replace a file SQLite holds open.
        """
        if os.name != "posix":
            return
        for sidecar, identity in self._journal.items():
            if identity is not None and _file_identity(sidecar) == identity:
                sidecar.unlink(missing_ok=True)
                log.warning("removed %s: it belongs to the file that was replaced", sidecar)

    def save_as(self, target: str | Path) -> Path:
        """Copy what this connection sees (every committed edit) to a new file `target`.

        Works after the file was deleted or replaced: the connection still reads
        its own file and journal. `target` must not exist.
        """
        target = Path(target)
        if target.exists():
            raise StoreError(f"{target} already exists; choose a new file name")
        partial = target.with_name(f".{target.name}.partial")
        try:
            backup_copy(self.conn, partial)
            os.replace(partial, target)
        except (OSError, sqlite3.Error) as exc:
            partial.unlink(missing_ok=True)
            raise store_error_from(exc, target.name) or StoreError(
                f"could not save {target}: {exc}"
            ) from None
        return target

    # -- transactions ------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write. Nested calls become savepoints of the outer one.

        A full disk, a read-only file and another program's lock raise DiskFullError,
        ReadOnlyError and DatabaseBusyError; a file replaced on disk, FileReplacedError.
        """
        if self._depth == 0:
            self.check_file()
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    raise DatabaseBusyError(
                        "the database is busy: another program is writing to it; try again"
                    ) from None
                raise self._translated(exc) from None
            savepoint = None
        else:
            savepoint = f"sp{self._depth}"
            self.conn.execute(f"SAVEPOINT {savepoint}")
        self._depth += 1
        mark = len(self._pending)
        try:
            yield self.conn
        except BaseException as exc:
            self._depth -= 1
            del self._pending[mark:]
            self._roll_back(savepoint)
            if isinstance(exc, sqlite3.Error) and savepoint is None:
                raise self._translated(exc) from exc
            raise
        self._depth -= 1
        if savepoint is not None:
            self.conn.execute(f"RELEASE {savepoint}")
            return
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            del self._pending[:]
            self._roll_back(None)
            raise self._translated(exc) from exc
        self._data_version = self._read_data_version()
        pending, self._pending = self._pending, []
        for change in _merge(pending):
            self._announce(change)

    def _roll_back(self, savepoint: str | None) -> None:
        """Undo the open transaction (or savepoint) without hiding why it failed.

        On a full disk SQLite may already have rolled back by itself; a second
        ROLLBACK then fails with "cannot rollback - no transaction is active", which
        would replace "database or disk is full" in the error the user sees.
        """
        if not self.conn.in_transaction:
            return
        try:
            if savepoint is None:
                self.conn.execute("ROLLBACK")
            else:
                self.conn.execute(f"ROLLBACK TO {savepoint}")
                self.conn.execute(f"RELEASE {savepoint}")
        except sqlite3.Error:
            log.exception("rollback failed")

    def _translated(self, exc: sqlite3.Error) -> Exception:
        """A full disk, a read-only file or a lock as a StoreError; anything else as it is."""
        name = self.path.name if self.path is not None else "the database"
        return store_error_from(exc, name) or exc

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
        """True (and news of kind "*") if another connection committed since we looked.

        The window polls this every second or so; a file replaced meanwhile has
        our stray journal removed at once, before another program can open the
        new file with it (the user hears at the next write or when the window
        regains focus).
        """
        if self._replaced():
            self._drop_stray_journal()
            return False
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


def _open_checked(
    path: Path, check_later: bool = False
) -> tuple[sqlite3.Connection, Path | None, bool]:
    """Check the file, connect, back it up if its schema is older, migrate it; and
    whether its damage check was left for later (Store.open).

    Every failure is a StoreError saying why (full disk, read-only, locked...).
    """
    try:
        return _open_checked_unguarded(path, check_later)
    except (OSError, sqlite3.Error) as exc:
        raise store_error_from(exc, str(path)) or StoreError(
            f"{path} cannot be opened: {describe_os_error(exc)}"
        ) from None


def _open_checked_unguarded(
    path: Path, check_later: bool
) -> tuple[sqlite3.Connection, Path | None, bool]:
    # Never later before a backup or a migration: those must not run on a damaged file.
    later = check_later and path.exists() and path.stat().st_size > CHECK_AT_OPEN_BYTES
    version = inspect_file(path, check=not later)
    if later and 0 < version < LATEST_VERSION:
        later = False
        inspect_file(path)
    if version and is_read_only(path):
        # Opened for reading: nothing is set or migrated; a write says "read-only".
        if version < LATEST_VERSION:
            raise ReadOnlyError(
                f"{path} needs upgrading to this version's format, but it is read-only; "
                "copy it somewhere writable and open the copy"
            )
        return _connect(read_only_uri(path), uri=True), None, later
    if not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = _connect(str(path))
    backup = None
    if 0 < version < LATEST_VERSION:
        backup = backup_copy(conn, pre_migration_backup_path(path, version))
    conn.execute("PRAGMA journal_mode = WAL")
    migrate(conn)
    return conn, backup, later


def _connect(target: str, *, uri: bool = False) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves, so nothing commits
    # behind our back. The connection stays bound to the thread that opened it
    # (sqlite3's default check): a worker thread (reading an import file, say)
    # hands its results to the main thread, and a thread that writes opens its
    # own Store.
    conn = sqlite3.connect(target, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, uri=uri)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # FULL: a laptop that loses power keeps every transaction that reported success.
    conn.execute("PRAGMA synchronous = FULL")
    return conn


def _file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of `path`, or None if there is no file there."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino)


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
