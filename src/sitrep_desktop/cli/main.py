"""The `sitrep` command line: sub-commands for scripts, the window without one.

Exit codes are a contract: 0 done, 2 bad input (one line on stderr).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from .. import __version__
from ..domain.errors import SitRepError
from .common import EXIT_BAD_INPUT

# Each module has register(subparsers); adding a command is one line here.
COMMAND_MODULES = (
    "sitrep_desktop.cli.situation",
    "sitrep_desktop.cli.exchange",
    "sitrep_desktop.cli.measure",
    "sitrep_desktop.cli.snapshot",
    "sitrep_desktop.cli.merge",
)


# The contract's command names, known without importing their modules.
COMMAND_NAMES = frozenset(
    {"demo", "control", "events", "measure", "within", "import", "export", "snapshot", "merge"}
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # One clear line instead of argparse's usage block.
        sys.stderr.write(f"{self.prog}: {message} (see {self.prog} --help)\n")
        raise SystemExit(EXIT_BAD_INPUT)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="sitrep",
        description="SitRep Desktop: offline situational awareness on one SQLite file. "
        "Without a command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"sitrep {__version__}")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(commands)
    return parser


def run_cli(argv: Sequence[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(list(argv))
    try:
        return int(args.func(args) or 0)
    except (SitRepError, FileExistsError, FileNotFoundError, PermissionError) as exc:
        sys.stderr.write(f"sitrep {args.command}: {_one_line(exc)}\n")
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # `sitrep events db | head` is not an error
        return 0


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())
