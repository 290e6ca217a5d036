"""Ids in bounded chunks, for `… WHERE id IN (?, ?, …)` queries over many records."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")

IN_CHUNK = 500  # bound values per statement: far under SQLite's limit, short statements


def in_chunks(ids: Sequence[T], size: int = IN_CHUNK) -> Iterator[tuple[list[T], str]]:
    """Each chunk of `ids` (at most `size`) with its placeholders, "?,?,…"."""
    for start in range(0, len(ids), size):
        chunk = list(ids[start : start + size])
        yield chunk, ",".join("?" * len(chunk))
