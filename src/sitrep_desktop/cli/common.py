"""What every sub-command shares: opening the database, JSON output, bad input."""

from __future__ import annotations

import json
import os
import shlex
import sys
from pathlib import Path
from typing import Any

from ..domain.errors import SitRepError
from ..store import Store


class UsageError(SitRepError):
    """Bad input from the command line: exit code 2, one line on stderr."""


EXIT_OK = 0
EXIT_BAD_INPUT = 2


def create_hint(path: str) -> str:
    """The line for a missing database, with the command to create it ready to
    paste: the default database's folder is "SitRep Desktop", with a space."""
    quoted = f'"{path}"' if os.name == "nt" and " " in path else shlex.quote(path)
    return f"database {path!r} does not exist (create one with: sitrep demo {quoted})"


def open_existing(path: str) -> Store:
    """Open a database that must already exist (read commands never create one)."""
    target = Path(path)
    if not target.exists():
        raise UsageError(create_hint(path))
    return Store.open(target)


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def print_table(headers: list[str], rows: list[list[str]]) -> None:
    """A plain aligned text table for people reading a terminal."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths))
    print(line.rstrip())
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
