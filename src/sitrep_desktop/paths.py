"""Where the shipped resources live, installed or in a source checkout."""

from __future__ import annotations

import os
import sys
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resources_dir() -> Path:
    """The resources folder: inside the installed package, else the checkout's."""
    bundled = _PACKAGE / "resources"
    if bundled.is_dir():
        return bundled
    return _PACKAGE.parents[1] / "resources"


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


# The user's own database when none is named, where the window (Qt's
# AppDataLocation for organisation "SitRep", application "SitRep Desktop") keeps it;
# worked out here without Qt so the command line finds the same file.
ORGANISATION = "SitRep"
APPLICATION = "SitRep Desktop"
DATABASE_SUFFIXES = (".db", ".sqlite", ".sqlite3", ".sitrep")


def default_database_path() -> Path:
    """The user's database: e.g. ~/.local/share/SitRep/SitRep Desktop/sitrep.db."""
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or home / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / ORGANISATION / APPLICATION / "sitrep.db"


def looks_like_database(text: str) -> bool:
    """Whether a command-line word names a database: by its suffix, or an SQLite file."""
    path = Path(text)
    if path.suffix.lower() in DATABASE_SUFFIXES:
        return True
    try:
        with path.open("rb") as file:
            return file.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False
