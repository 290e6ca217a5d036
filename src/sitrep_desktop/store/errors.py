"""Errors of the store: what went wrong with the file or a record, in words."""

from __future__ import annotations

import errno
import sqlite3

from ..domain.errors import SitRepError

# The engine's own errors, for callers outside store/ that must still catch what
# the store did not name (they do not import sqlite3: SQL lives in the store).
EngineError = sqlite3.Error


class StoreError(SitRepError):
    """Something about the database file or a write was refused."""


class NotADatabaseError(StoreError):
    """The file is not an SQLite database (or is damaged beyond opening)."""


class CorruptDatabaseError(StoreError):
    """SQLite's integrity check failed; the file is left as it is."""


class NewerSchemaError(StoreError):
    """The file was written by a newer version of SitRep Desktop."""


class NotFoundError(StoreError, LookupError):
    """No record with that id."""


class ConflictError(StoreError):
    """The record changed since it was read (another window or process wrote it)."""


class ReferencedError(StoreError):
    """The record is still used by others (e.g. a place with control changes)."""


class DatabaseBusyError(StoreError):
    """Another program holds the write lock for longer than the busy timeout."""


class DiskFullError(StoreError):
    """The disk (or the user's quota) is full: nothing was written."""


class ReadOnlyError(StoreError):
    """The file, its folder or its mount cannot be written."""


class FileReplacedError(StoreError):
    """The database file was deleted or replaced on disk while it was open."""


_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_READ_ONLY_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}


def describe_os_error(exc: BaseException) -> str:
    """An OSError or sqlite3 error in words a user can act on.

    A full disk, a read-only file or folder and another program's lock each get
    their own name; they are not damage, and saying "damaged" would send the user
    to restore a backup for nothing.
    """
    if isinstance(exc, OSError):
        if exc.errno in _FULL_ERRNOS:
            return "the disk is full"
        if exc.errno == errno.EROFS:
            return "the disk or folder is read-only"
        if exc.errno in _READ_ONLY_ERRNOS:
            return f"no permission to write {exc.filename or 'there'} (read-only file or folder)"
        return exc.strerror or str(exc)
    kind = sqlite_error_kind(exc)
    return _KIND_TEXT.get(kind, str(exc)) if kind else str(exc)


_KIND_TEXT = {
    "full": "the disk is full",
    "read-only": "the file or its folder is read-only",
    "locked": "another program holds a lock on the file",
}


def sqlite_error_kind(exc: BaseException) -> str | None:
    """ "full", "read-only", "locked" or None, from a sqlite3 error's code or text."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return "full"
    if name.startswith("SQLITE_READONLY") or "readonly database" in text or "read-only" in text:
        return "read-only"
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text:
        return "locked"
    return None


def store_error_from(exc: BaseException, file_name: str) -> StoreError | None:
    """The StoreError that names a full disk, a read-only file or a lock; None otherwise."""
    kind = sqlite_error_kind(exc) if not isinstance(exc, OSError) else None
    if isinstance(exc, OSError):
        if exc.errno in _FULL_ERRNOS:
            kind = "full"
        elif exc.errno in _READ_ONLY_ERRNOS:
            kind = "read-only"
    if kind == "full":
        return DiskFullError(
            f"{file_name}: the disk is full; nothing was saved — free some space and try again"
        )
    if kind == "read-only":
        return ReadOnlyError(
            f"{file_name} is read-only (the file, its folder or its disk); nothing was saved"
        )
    if kind == "locked":
        return DatabaseBusyError(
            f"{file_name} is locked by another program; nothing was saved — try again"
        )
    return None
