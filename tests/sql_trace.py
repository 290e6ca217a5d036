"""The SQL statements a store's connection runs while a block runs (tests count them)."""

from __future__ import annotations


class QueryCounter:
    """Counts the SQL statements the store's connection runs while active."""

    def __init__(self, store) -> None:  # noqa: ANN001 (any Store)
        self.store = store
        self.statements: list[str] = []

    def __enter__(self) -> QueryCounter:
        self.store.conn.set_trace_callback(self.statements.append)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.store.conn.set_trace_callback(None)
