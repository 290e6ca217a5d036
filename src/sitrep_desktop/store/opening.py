"""Opening a database file safely: check before touching, back up before migrating.

A file that is not SQLite, fails the quick check, or comes from a newer version
is refused without being modified: the checks run on a read-only connection
before anything sets WAL mode or writes.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from .errors import (
    CorruptDatabaseError,
    DatabaseBusyError,
    DiskFullError,
    NewerSchemaError,
    NotADatabaseError,
    ReadOnlyError,
    sqlite_error_kind,
)
from .schema import LATEST_VERSION, MIGRATIONS

SQLITE_HEADER = b"SQLite format 3\x00"


# A file past this size may have its damage check (PRAGMA quick_check reads every page:
# ~2 s for a million events) run after the window is on screen: see Store.open.
CHECK_AT_OPEN_BYTES = 64 * 1024 * 1024


def inspect_file(path: Path, *, check: bool = True) -> int:
    """Check an existing file and return its schema version (0 for a new/empty file).
    check=False leaves out the page-by-page damage check (`damage_of`, run later)."""
    if not path.exists() or path.stat().st_size == 0:
        return 0
    if path.is_dir():
        raise NotADatabaseError(f"{path} is a folder, not a database file")
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise NotADatabaseError(f"{path} is not a SitRep database (not an SQLite file)")
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True, timeout=5)
    except sqlite3.Error as exc:
        raise NotADatabaseError(f"{path} cannot be opened: {exc}") from None
    try:
        result = conn.execute("PRAGMA quick_check").fetchone()[0] if check else "ok"
        if result != "ok":
            raise CorruptDatabaseError(f"{path} is damaged ({result}); it was left unchanged")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        app = _application_tables(conn)
    except sqlite3.DatabaseError as exc:
        # A full disk, a read-only folder (the check needs to create -shm) and
        # another program's lock are not damage: each is named as what it is.
        raise _not_damage(path, exc) or CorruptDatabaseError(
            f"{path} is damaged ({exc}); it was left unchanged"
        ) from None
    finally:
        conn.close()
    if version > LATEST_VERSION:
        raise NewerSchemaError(
            f"{path} was written by a newer SitRep Desktop (schema {version}, "
            f"this version reads up to {LATEST_VERSION}); please upgrade"
        )
    if version == 0 and app:
        raise NotADatabaseError(
            f"{path} is an SQLite file of another program, not a SitRep database"
        )
    return version


def damage_of(path: Path) -> str | None:
    """The damage check left out of a quick open, on its own connection (a worker thread
    may run it): None if the file is sound, else what is wrong, as Store.open says it."""
    conn = sqlite3.connect(read_only_uri(path), uri=True, timeout=5)
    try:
        result = conn.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        result = str(exc)
    finally:
        conn.close()
    return None if result == "ok" else f"{path} is damaged ({result})"


def is_read_only(path: Path) -> bool:
    """True if `path` cannot be written: a read-only file, folder or disk."""
    try:
        if os.statvfs(path).f_flag & os.ST_RDONLY:
            return True
    except (OSError, AttributeError):  # no statvfs on Windows
        pass
    # WAL mode needs to write the file and to create -wal and -shm beside it.
    return not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def read_only_uri(path: Path) -> str:
    """A URI that reads `path` without writing anything beside it.

    A WAL file's reader needs -shm; on a read-only disk or folder it cannot be
    created, and with no -wal there the file alone is the whole database:
    `immutable` reads it so. With a -wal present, its pages must be read too.
    """
    uri = f"{path.resolve().as_uri()}?mode=ro"
    wal = path.with_name(path.name + "-wal")
    if is_read_only(path) and not wal.exists():
        uri += "&immutable=1"
    return uri


def _not_damage(path: Path, exc: sqlite3.Error) -> Exception | None:
    kind = sqlite_error_kind(exc)
    if kind == "locked":
        return DatabaseBusyError(
            f"{path} is locked by another program; close it there and try again"
        )
    if kind == "full" or (kind is None and _disk_full(path)):
        return DiskFullError(f"{path} cannot be opened: the disk is full; free some space")
    if kind == "read-only" or (kind is None and is_read_only(path)):
        return ReadOnlyError(f"{path} cannot be read: its folder or disk is read-only ({exc})")
    return None


def _disk_full(path: Path) -> bool:
    try:
        return os.statvfs(path.parent).f_bavail == 0
    except (OSError, AttributeError):
        return False


def _application_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return [name for (name,) in rows if not name.startswith("sqlite_")]


def backup_copy(conn: sqlite3.Connection, target: Path) -> Path:
    """A consistent copy of an open database through SQLite's backup API."""
    target.parent.mkdir(parents=True, exist_ok=True)
    dest = sqlite3.connect(target)
    try:
        conn.backup(dest)
    finally:
        dest.close()
    return target


def pre_migration_backup_path(path: Path, version: int) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return path.with_name(f"{path.stem}.v{version}-before-upgrade-{stamp}{path.suffix}")


def migrate(conn: sqlite3.Connection, target: int = LATEST_VERSION) -> list[int]:
    """Apply the migrations above the file's version, each in its own transaction."""
    applied = []
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    for migration in MIGRATIONS:
        if migration.version <= current or migration.version > target:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            # executescript would COMMIT first; run statement by statement instead.
            for statement in _statements(migration.sql):
                conn.execute(statement)
            if migration.after is not None:
                migration.after(conn)
            conn.execute(f"PRAGMA user_version = {migration.version}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        applied.append(migration.version)
    return applied


def _statements(script: str) -> list[str]:
    """Split a script into complete statements (triggers contain inner semicolons)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
