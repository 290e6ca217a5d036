"""The only place with SQL: the database file, its schema, and repositories."""

from .database import Store, StoreChange
from .errors import (
    ConflictError,
    CorruptDatabaseError,
    DatabaseBusyError,
    NewerSchemaError,
    NotADatabaseError,
    NotFoundError,
    ReferencedError,
    StoreError,
)
from .repositories import BBox, JournalEntry
from .schema import LATEST_VERSION, MIGRATIONS

__all__ = [
    "LATEST_VERSION",
    "MIGRATIONS",
    "BBox",
    "ConflictError",
    "CorruptDatabaseError",
    "DatabaseBusyError",
    "JournalEntry",
    "NewerSchemaError",
    "NotADatabaseError",
    "NotFoundError",
    "ReferencedError",
    "Store",
    "StoreChange",
    "StoreError",
]
