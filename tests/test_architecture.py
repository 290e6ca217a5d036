"""The layer rules, held by a test: no Qt below ui/, no SQL outside store/."""

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "sitrep_desktop"
CORE = ("domain", "geo", "store", "io", "commands", "cli")
# Reading a user's MBTiles file (an SQLite container) is a file format, not our store.
SQLITE_OUTSIDE_STORE_ALLOWED = {"io/mbtiles.py"}


def core_modules():
    for layer in CORE:
        for path in sorted((PACKAGE / layer).glob("*.py")):
            yield "sitrep_desktop." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)


def test_the_core_imports_without_qt():
    script = (
        "import importlib, sys\n"
        f"for name in {list(core_modules())!r}:\n"
        "    importlib.import_module(name)\n"
        "qt = ('PySide6', 'pyqtgraph', 'shiboken6')\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in qt)\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=PACKAGE.parents[1],
        env={"PYTHONPATH": str(PACKAGE.parent), "PATH": ""},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def imported_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_sql_lives_only_in_the_store():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith("store/") or relative in SQLITE_OUTSIDE_STORE_ALLOWED:
            continue
        if imported_names(path) & {"sqlite3", "sqlite_utils"}:
            offenders.append(relative)
    assert offenders == []


def test_domain_and_geo_import_neither_store_nor_ui():
    offenders = []
    for layer in ("domain", "geo"):
        for path in (PACKAGE / layer).glob("*.py"):
            source = path.read_text(encoding="utf-8")
            if "from ..store" in source or "from ..ui" in source or "sitrep_desktop.ui" in source:
                offenders.append(path.name)
    assert offenders == []
