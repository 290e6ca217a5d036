"""How far reading a file has got, and how a reader is told to stop.

A reader reports (done, total) in bytes of the source file to a `Progress`
callback. Streaming readers (CSV, ACLED) count the bytes as they read them
through `CountingReader`. Formats parsed as one document (GeoJSON, KML,
GeoPackage) report, after the parse, each record's share of the file's bytes
(`in_shares`): the document parser cannot say how far it got, and turning the
parsed features into records is most of the time anyway.

The callback may raise ImportCancelled; it leaves the reader at its next
report (a one-document parse runs to its end first: ~1 s for 70 MB of JSON,
~6 s for 100 MB of KML). Reading never writes, so there is nothing to undo.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TypeVar

Progress = Callable[[int, int], None]  # (bytes done, bytes in the file)
T = TypeVar("T")
# At most this many reports while records are converted: enough for a smooth
# bar and a prompt Cancel, few enough to cost nothing.
_REPORTS = 500


class ImportCancelled(Exception):
    """Raised by a Progress callback to stop reading a file."""


class CountingReader(io.RawIOBase):
    """A binary file that tells `progress` how many of its `total` bytes were read.

    Closing it leaves `raw` open: whoever opened the file closes it.
    """

    def __init__(self, raw: BinaryIO, total: int, progress: Progress | None) -> None:
        super().__init__()
        self._raw = raw
        self.total = total
        self.done = 0
        self._progress = progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def,override]
        count = self._raw.readinto(buffer)
        if count:
            self.done += count
            if self._progress is not None:
                self._progress(self.done, self.total)
        return count

    def tell(self) -> int:
        return self.done


@contextmanager
def open_counted(path: str | Path, progress: Progress | None) -> Iterator[CountingReader]:
    """`path` opened for reading bytes; with `progress`, every read is reported."""
    with Path(path).open("rb") as handle:
        yield CountingReader(handle, os.fstat(handle.fileno()).st_size, progress)


def in_shares(items: Iterable[T], count: int, total: int, progress: Progress | None) -> Iterable[T]:
    """`items` (`count` of them), reporting as they are taken each one's share of `total`."""
    if progress is None or count == 0:
        return items
    return _shares(items, count, total, progress)


def _shares(items: Iterable[T], count: int, total: int, progress: Progress) -> Iterator[T]:
    every = max(1, count // _REPORTS)
    for index, item in enumerate(items, start=1):
        yield item
        # Reported once the consumer asks for the next item: this one is done.
        if index % every == 0 or index == count:
            progress(total * index // count, total)
