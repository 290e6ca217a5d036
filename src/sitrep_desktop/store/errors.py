"""Errors of the store: what went wrong with the file or a record, in words."""

from __future__ import annotations

from ..domain.errors import SitRepError


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
