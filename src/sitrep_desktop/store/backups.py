"""Rolling backups beside the database, and restoring one safely.

Backups of `hama.db` live in `hama.db.backups/` (the full file name: `hama.db`
and `hama.sqlite` never share a folder), one self-contained SQLite file each,
named `hama.db.<number>.<UTC time>.<reason>.db`. The number counts up with each
backup made, and rotation ranks by it, never by the time in the name: a clock
that once ran years ahead must not make every new backup the "oldest".

Each backup is made with SQLite's backup API (a consistent copy even while
another window writes), passes `PRAGMA integrity_check` under a temporary name
and only then is renamed into place: a file that fails the check (a stale
index passes `quick_check`) is never backed up over the last good backup.
Only the newest `keep` are kept, and always the newest verified one.

Backups made before this layout (`hama.backups/hama.<time>.<reason>.db`, a
folder shared by every file named hama.*) are still listed and restorable,
ranked before every new one; only those with the file's own suffix count.

Restoring replaces the database file: the caller closes its Store first.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import StoreError

if TYPE_CHECKING:
    from .database import Store

DEFAULT_KEEP = 10
DEFAULT_INTERVAL_MINUTES = 5.0
_STAMP = "%Y%m%dT%H%M%S.%fZ"
_NAME = re.compile(
    r"^(?P<stem>.+)\.(?P<number>\d{6,})\.(?P<stamp>\d{8}T\d{6}\.\d{6}Z)"
    r"\.(?P<reason>[a-z0-9-]+)(?P<ext>\.[^.]*)?$"
)
_LEGACY_NAME = re.compile(
    r"^(?P<stem>.+)\.(?P<stamp>\d{8}T\d{6}\.\d{6}Z)\.(?P<reason>[a-z0-9-]+)(?P<ext>\.[^.]*)?$"
)
# A raw byte copy of a file SQLite could not read (kept before a restore replaces it).
UNCHECKED = "unchecked"
# Tables whose counts the restore dialog shows, with their labels.
COUNTED_TABLES = (
    ("places", "places"),
    ("factions", "factions"),
    ("control_changes", "control changes"),
    ("events", "events"),
    ("annotations", "annotations"),
)


class BackupError(StoreError):
    """A backup could not be made or restored; the database was left as it was."""


class DamagedSourceError(BackupError):
    """The database fails SQLite's integrity check: no backup was made of it."""


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """One backup file: when it was taken (UTC), why, how big it is, its place in line.

    `number` counts the backups of one file in the order they were made (0 for
    the old layout); `verified` says it passed `integrity_check` when it was made.
    """

    path: Path
    taken: datetime
    reason: str
    size: int
    number: int = 0
    verified: bool = False

    def record_counts(self) -> dict[str, int]:
        """How many records of each kind the backup holds ({} if it cannot be read)."""
        return record_counts(self.path)


def backups_dir(db_path: str | Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(f"{db_path.name}.backups")


def legacy_backups_dir(db_path: str | Path) -> Path:
    """Where backups lived before: by stem, shared by hama.db and hama.sqlite."""
    db_path = Path(db_path)
    return db_path.with_name(f"{db_path.stem}.backups")


def list_backups(db_path: str | Path) -> list[BackupInfo]:
    """The backups of `db_path`, newest (last made) first."""
    db_path = Path(db_path)
    found = [
        *_scan(backups_dir(db_path), _NAME, db_path.name, db_path),
        *_scan(legacy_backups_dir(db_path), _LEGACY_NAME, db_path.stem, db_path),
    ]
    found.sort(key=lambda b: (b.number, b.taken, b.path.name), reverse=True)
    return found


def _scan(folder: Path, pattern: re.Pattern[str], stem: str, db_path: Path) -> list[BackupInfo]:
    if not folder.is_dir():
        return []
    suffix = db_path.suffix or ".db"
    found = []
    for entry in folder.iterdir():
        match = pattern.match(entry.name)
        # The old shared folder also holds the backups of hama.sqlite: the suffix tells.
        if not match or match["stem"] != stem or (match["ext"] or "") != suffix:
            continue
        if not entry.is_file():
            continue
        taken = datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=UTC)
        number = int(match["number"]) if "number" in pattern.groupindex else 0
        reason = match["reason"]
        verified = number > 0 and not reason.endswith(UNCHECKED)
        found.append(BackupInfo(entry, taken, reason, entry.stat().st_size, number, verified))
    return found


def make_backup(store: Store, reason: str = "periodic", *, keep: int = DEFAULT_KEEP) -> Path:
    """Back up an open file-backed store beside its file; drop all but the newest `keep`.

    The copy must pass `integrity_check` before it counts; if it fails, nothing is
    added or pruned and DamagedSourceError says so.
    """
    if store.path is None:
        raise BackupError("an in-memory database has no file to back up")
    return _backed_up(store.path, store.backup_to, reason, keep)


def backup_file(db_path: Path, reason: str = "periodic", *, keep: int = DEFAULT_KEEP) -> Path:
    """make_backup, read through a connection of its own: a worker thread may run it (a
    file of a million events takes seconds to copy and a minute to check, which must not
    hold the window). WAL lets the window write meanwhile; the copy is one snapshot."""
    from .opening import backup_copy, read_only_uri

    try:
        source = sqlite3.connect(read_only_uri(db_path), uri=True, timeout=5)
    except sqlite3.Error as exc:
        raise BackupError(f"could not back up {db_path.name}: {_why(exc)}") from None
    try:
        return _backed_up(db_path, lambda target: backup_copy(source, target), reason, keep)
    finally:
        source.close()


def _backed_up(db_path: Path, copy: Callable[[Path], object], reason: str, keep: int) -> Path:
    temporary: Path | None = None
    try:
        target = _new_backup_path(db_path, reason)
        temporary = target.with_name(target.name + ".partial")
        copy(temporary)
        _make_self_contained(temporary)
        problem = _integrity_problem(temporary)
        if problem is not None:
            raise DamagedSourceError(
                f"{db_path.name} fails SQLite's integrity check ({problem}); no backup "
                f"was made, so the last good backup is kept — restore it from "
                "File > Restore from backup, or copy your records out now"
            )
        _fsync(temporary)
        os.replace(temporary, target)
    except (OSError, sqlite3.Error) as exc:
        raise BackupError(f"could not back up {db_path.name}: {_why(exc)}") from None
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
    prune_backups(db_path, keep)
    return target


def prune_backups(db_path: str | Path, keep: int = DEFAULT_KEEP) -> list[Path]:
    """Delete all but the newest `keep` backups, never the newest verified one."""
    backups = list_backups(db_path)
    kept = backups[: max(keep, 1)]
    if not any(b.verified for b in kept):
        kept += [b for b in backups if b.verified][:1]
    removed = []
    for old in backups:
        if old not in kept:
            old.path.unlink(missing_ok=True)
            removed.append(old.path)
    return removed


def restore_backup(
    backup_path: str | Path, db_path: str | Path, *, keep: int = DEFAULT_KEEP
) -> Path | None:
    """Put `backup_path` in place of `db_path`; return the backup made of the current file.

    Close every Store on `db_path` first. The current file is backed up (reason
    "before-restore"), the chosen backup is checked and copied to a temporary file
    beside the database, and that file is renamed over it, so a crash leaves either
    the old file or the restored one. Raises BackupError, changing nothing, if the
    backup is damaged or the database is still open elsewhere.
    """
    backup_path, db_path = Path(backup_path), Path(db_path)
    if not backup_path.is_file():
        raise BackupError(f"backup {backup_path} does not exist")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    # Copy first: keeping the safety backup may prune the chosen one if it is the oldest.
    temporary = db_path.with_name(f".{db_path.name}.restoring")
    try:
        shutil.copyfile(backup_path, temporary)
        _check_readable(temporary, backup_path.name)
        _fsync(temporary)
        safety = _backup_current_file(db_path, keep) if db_path.exists() else None
        _remove_stale_journal(db_path)
        os.replace(temporary, db_path)
        _fsync_dir(db_path.parent)
    except (OSError, sqlite3.Error) as exc:
        raise BackupError(f"could not restore {backup_path.name}: {exc}") from None
    finally:
        temporary.unlink(missing_ok=True)
    return safety


def record_counts(path: str | Path) -> dict[str, int]:
    """Record counts of a SitRep file, read without locking or writing it."""
    uri = f"{Path(path).resolve().as_uri()}?mode=ro&immutable=1"
    counts: dict[str, int] = {}
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error:
        return counts
    try:
        for table, label in COUNTED_TABLES:
            try:
                counts[label] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            except sqlite3.OperationalError:  # an older schema without this table
                continue
    except sqlite3.DatabaseError:
        return {}
    finally:
        conn.close()
    return counts


class BackupPolicy:
    """Decides when a periodic backup is due: every `interval_minutes` while there were writes.

    `note_write()` on every committed change; `is_due()` on a timer; `done()` after a backup.
    `clock` returns seconds (monotonic), replaceable in tests.
    """

    def __init__(
        self,
        interval_minutes: float = DEFAULT_INTERVAL_MINUTES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if interval_minutes <= 0:
            raise ValueError("interval_minutes must be positive")
        self.interval = interval_minutes * 60.0
        self.clock = clock
        self.last_backup = clock()
        self.dirty = False

    def note_write(self, *_: object) -> None:
        self.dirty = True

    def is_due(self) -> bool:
        return self.dirty and self.clock() - self.last_backup >= self.interval

    def done(self) -> None:
        self.last_backup = self.clock()
        self.dirty = False


# -- helpers -------------------------------------------------------------------------


def _new_backup_path(db_path: Path, reason: str) -> Path:
    slug = re.sub(r"[^a-z0-9]+", "-", reason.lower()).strip("-") or "backup"
    folder = backups_dir(db_path)
    if folder.exists() and not folder.is_dir():
        raise BackupError(
            f"cannot keep backups of {db_path.name}: {folder.name} beside it is a file, "
            "not a folder; rename or move it"
        )
    folder.mkdir(parents=True, exist_ok=True)
    number = 1 + max((b.number for b in list_backups(db_path)), default=0)
    stamp = datetime.now(UTC).strftime(_STAMP)
    while True:
        target = folder / f"{db_path.name}.{number:06d}.{stamp}.{slug}{db_path.suffix or '.db'}"
        if not target.exists():
            return target
        number += 1  # a backup made by another window in the meantime


def _integrity_problem(path: Path) -> str | None:
    """None if `path` passes `integrity_check`, else SQLite's first complaint."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        result = conn.execute("PRAGMA integrity_check(1)").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        conn.close()
    return None if result == "ok" else result


def _why(exc: BaseException) -> str:
    """An OS or SQLite error in words a user can act on (full disk, read-only)."""
    from .errors import describe_os_error

    return describe_os_error(exc)


def _make_self_contained(path: Path) -> None:
    # The backup API copies the WAL flag of the source; a backup in rollback mode
    # is one file that can be copied, listed and read without -wal/-shm beside it.
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
    finally:
        conn.close()


def _check_readable(path: Path, name: str) -> None:
    # integrity_check, not quick_check: a stale index passes the quick one.
    problem = _integrity_problem(path)
    if problem is not None:
        raise BackupError(
            f"the backup {name} fails SQLite's integrity check ({problem}); nothing was changed"
        )


def _backup_current_file(db_path: Path, keep: int) -> Path:
    """Back up the file about to be replaced, through SQLite if it can, else byte for byte."""
    target = _new_backup_path(db_path, "before-restore")
    temporary = target.with_name(target.name + ".partial")
    try:
        source = sqlite3.connect(db_path, isolation_level=None)
        try:
            dest = sqlite3.connect(temporary)
            try:
                source.backup(dest)
            finally:
                dest.close()
        finally:
            source.close()
        _make_self_contained(temporary)
        if _integrity_problem(temporary) is not None:
            raise sqlite3.DatabaseError("fails the integrity check")
    except sqlite3.DatabaseError:
        # The file being replaced may be the damaged one: keep its bytes (and its WAL),
        # named as unchecked so that rotation never counts it as a good backup.
        target = _new_backup_path(db_path, f"before-restore-{UNCHECKED}")
        shutil.copyfile(db_path, temporary)
        wal = _sidecar(db_path, "-wal")
        if wal.exists():
            shutil.copyfile(wal, _sidecar(target, "-wal"))
    _fsync(temporary)
    os.replace(temporary, target)
    prune_backups(db_path, keep)
    return target


def _remove_stale_journal(db_path: Path) -> None:
    """Fold the WAL into the file, and make sure no other connection still has it open.

    The last connection to close a WAL database deletes its -wal and -shm; if they
    outlive ours, someone else holds the file and replacing it would corrupt their view.
    """
    wal, shm = _sidecar(db_path, "-wal"), _sidecar(db_path, "-shm")
    if not wal.exists() and not shm.exists():
        return
    readable = True
    conn = sqlite3.connect(db_path, isolation_level=None, timeout=2)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.DatabaseError:
        readable = False  # a damaged file: its journal is kept in the safety backup
    finally:
        conn.close()
    if readable and (wal.exists() or shm.exists()):
        raise BackupError(
            f"{db_path.name} is still open in another window or program; close it and try again"
        )
    wal.unlink(missing_ok=True)
    shm.unlink(missing_ok=True)


def _sidecar(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _fsync(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":  # Windows cannot open a folder; its rename is durable enough
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
