"""Where the shipped resources live, installed or in a source checkout."""

from __future__ import annotations

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
