"""The layer rules, held by a test: no Qt below ui/, no SQL outside store/, and the
import-linter contracts in pyproject.toml evaluated and able to fail."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "sitrep_desktop"
CORE = ("domain", "geo", "store", "io", "commands", "services", "cli")
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


def lint_imports(source: Path, config: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports on the package found under `source`, as .ci/run calls it."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from importlinter.cli import lint_imports_command; "
            "sys.exit(lint_imports_command())",
            str(config),
            "--no-cache",
            "--no-logo",
        ],
        capture_output=True,
        text=True,
        cwd=source.parent,
        # Wide enough that no reported import is wrapped over two lines.
        env={"PYTHONPATH": str(source), "PATH": "", "COLUMNS": "200"},
        check=False,
    )


def test_the_layer_contracts_are_evaluated_and_kept():
    result = lint_imports(PACKAGE.parent, ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


# Imports each contract must refuse, and what lint-imports then reports.
VIOLATIONS = {
    "domain/times.py": ("import PySide6.QtCore", "sitrep_desktop.domain.times -> PySide6"),
    "cli/measure.py": ("import pyqtgraph", "sitrep_desktop.cli.measure -> pyqtgraph"),
    "store/search.py": (
        "from sitrep_desktop.commands import Command",
        "sitrep_desktop.store.search -> sitrep_desktop.commands",
    ),
    "geo/units.py": (
        "from sitrep_desktop.store import Store",
        "sitrep_desktop.geo.units -> sitrep_desktop.store",
    ),
    # The layers contract is exhaustive: a new module at the package top must be
    # given its layer before it passes.
    "unplaced.py": ("VALUE = 1", "- sitrep_desktop.unplaced"),
}


def test_forbidden_imports_break_the_contracts(tmp_path):
    copy = tmp_path / "src" / "sitrep_desktop"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    for module, (line, _) in VIOLATIONS.items():
        target = copy / module
        existing = target.read_text(encoding="utf-8") if target.exists() else ""
        target.write_text(f"{existing}\n{line}\n", encoding="utf-8")
    result = lint_imports(copy.parent, ROOT / "pyproject.toml")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Contracts: 0 kept, 2 broken." in result.stdout
    for _, reported in VIOLATIONS.values():
        assert reported in result.stdout
