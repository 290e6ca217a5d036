"""The composition root: decide between the command line and the window.

`sitrep` alone (or `sitrep PATH.db`) opens the window; `sitrep COMMAND ...` runs
a headless command. Qt is imported only for the window.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

DATABASE_SUFFIXES = (".db", ".sqlite", ".sqlite3", ".sitrep")


def _is_command(argv: Sequence[str]) -> bool:
    """Commands and options go to the CLI; a database path (or nothing) opens the window."""
    if not argv:
        return False
    first = argv[0]
    if first.startswith("-"):
        return first not in ("--new-window",)
    if first.lower().endswith(DATABASE_SUFFIXES) or Path(first).is_file():
        return False
    # Anything else, known command or typo, gets the CLI's answer.
    return True


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if _is_command(args):
        from .cli.main import run_cli

        return run_cli(args)
    from .ui.window.launch import run_gui

    return run_gui(args)


def main_gui() -> int:
    return main()


if __name__ == "__main__":
    raise SystemExit(main())
