"""Every user edit as a pure-Python command with do/undo."""

from .base import AddRecords, Command, CompositeCommand, DeleteRecords, UpdateRecord, repository_for
from .imports import ImportRecords

__all__ = [
    "AddRecords",
    "Command",
    "CompositeCommand",
    "DeleteRecords",
    "ImportRecords",
    "UpdateRecord",
    "repository_for",
]
