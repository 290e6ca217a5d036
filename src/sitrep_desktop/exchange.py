"""Moved to services/exchange.py (ImportRecords to commands/imports.py). Kept so
that callers not yet moved still import it; remove once none does."""

from .commands.imports import ImportRecords
from .services.exchange import EXPORT_FORMATS, export_format_for, gather, write_export

__all__ = ["EXPORT_FORMATS", "ImportRecords", "export_format_for", "gather", "write_export"]
