"""The `sitrep` command line: sub-commands for scripts, the window without one.

Exit codes are a contract: 0 done, 2 bad input (one line on stderr).
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Sequence

from .. import __version__
from ..domain.errors import SitRepError
from ..paths import default_database_path, looks_like_database
from ..store.errors import EngineError
from .common import EXIT_BAD_INPUT, print_json

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
    {
        "demo",
        "control",
        "events",
        "measure",
        "within",
        "import",
        "export",
        "snapshot",
        "merge",
        "where",
    }
)
# Commands whose first argument is a database: left out, it is the user's own one.
DB_FIRST = COMMAND_NAMES - {"demo", "where"}


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # argparse reads "-41.32,174.81" as an option; a word that starts with a
        # minus and a digit is a coordinate here (no option looks like that).
        self._negative_number_matcher = re.compile(r"^-\.?\d")

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
    where = commands.add_parser(
        "where",
        help="print the path of your own database (the one used when DB is left out)",
        description="Print the database the window opens by default; every command that "
        "takes DB uses it when DB is left out.",
    )
    where.add_argument("--json", action="store_true", help="print JSON")
    where.set_defaults(func=run_where)
    return parser


def run_where(args: argparse.Namespace) -> int:
    path = default_database_path()
    if args.json:
        print_json({"path": str(path), "exists": path.exists()})
    else:
        print(path)
    return 0


def with_default_database(argv: Sequence[str]) -> list[str]:
    """`sitrep events --since …` means `sitrep events <your database> --since …`."""
    argv = list(argv)
    if not argv or argv[0] not in DB_FIRST or {"-h", "--help"} & set(argv):
        return argv
    if len(argv) > 1 and looks_like_database(argv[1]):
        return argv
    return [argv[0], str(default_database_path()), *argv[1:]]


def run_cli(argv: Sequence[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(with_default_database(argv))
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:  # `sitrep events db | head` is not an error
        return 0
    except (SitRepError, FileExistsError, FileNotFoundError, PermissionError) as exc:
        sys.stderr.write(f"sitrep {args.command}: {_one_line(exc)}\n")
        return EXIT_BAD_INPUT
    except (OSError, EngineError, RecursionError, MemoryError, UnicodeError) as exc:
        # No traceback on any input: a full disk, a lock, a hostile file get one line.
        sys.stderr.write(f"sitrep {args.command}: {_described(exc)}\n")
        return EXIT_BAD_INPUT


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def _described(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "the input is nested too deeply to read"
    if isinstance(exc, MemoryError):
        return "the input is too large to read in this computer's memory"
    from ..store.errors import describe_os_error

    where = getattr(exc, "filename", None)
    prefix = f"{where}: " if where else ""
    return _one_line(f"{prefix}{describe_os_error(exc)}")
