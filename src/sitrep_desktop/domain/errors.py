"""Errors the core raises; each names what was wrong so the UI can say it in one line."""

from __future__ import annotations


class SitRepError(Exception):
    """Base of every error the core raises on purpose."""


class ValidationError(SitRepError, ValueError):
    """A field of a record has a value it cannot take."""

    def __init__(self, field: str, value: object, reason: str) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(f"{field}: {reason} (got {value!r})")
