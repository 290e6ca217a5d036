"""Features get a typed FeatureContext, are installed by imported functions, and
reach into no other object's private parts."""

from __future__ import annotations

import ast
from pathlib import Path

import sitrep_desktop.ui as ui_package
from sitrep_desktop.ui.drawing.feature import DrawingFeature
from sitrep_desktop.ui.logging.feature import LoggingFeature
from sitrep_desktop.ui.map.feature import MapFeature
from sitrep_desktop.ui.measure.feature import MeasureFeature
from sitrep_desktop.ui.window import main_window
from sitrep_desktop.ui.window.context import FeatureContext

UI = Path(ui_package.__file__).parent
# The modules of the window and its features (others' rooms have their own checks).
FEATURE_MODULES = [
    *sorted((UI / "window").glob("*.py")),
    *sorted((UI / "drawing").glob("*.py")),
    *sorted((UI / "measure").glob("*.py")),
    *sorted((UI / "map" / "tools").glob("*.py")),
    *(p for p in sorted((UI / "logging").rglob("*.py")) if p.name != "changes_between.py"),
    UI / "map" / "feature.py",
    UI / "snapshot" / "feature.py",
    *(UI / "map" / "panels" / n for n in ("layer_panel.py", "search_box.py", "time_control.py")),
]


def test_every_feature_gets_the_windows_parts_through_one_context(shared_window):
    ctx = shared_window.context
    assert isinstance(ctx, FeatureContext)
    assert ctx.store is shared_window.store and ctx.canvas is shared_window.canvas
    assert ctx.selection is shared_window.selection and ctx.time_state is shared_window.time_state
    assert ctx.undo_stack is shared_window.undo_stack
    features = shared_window.features
    assert isinstance(features.logging, LoggingFeature) and features.logging.ctx is ctx
    assert isinstance(features.drawing, DrawingFeature) and features.drawing.ctx is ctx
    assert isinstance(features.map, MapFeature) and features.map.ctx is ctx
    assert isinstance(features.measure, MeasureFeature) and features.measure.ctx is ctx
    assert features.export_snapshot.shortcut().toString() == "Ctrl+Shift+S"


def test_the_window_is_not_a_service_locator(shared_window):
    for name in ("logging", "drawing", "map_feature", "measure_feature", "backups"):
        assert not hasattr(shared_window, name), name
    for name in ("action_export_snapshot", "action_import", "action_export"):
        assert not hasattr(shared_window, name), name


def test_a_dock_added_through_the_context_is_listed_in_the_view_menu(window, qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel

    dock = window.context.dock("notes", "Notes", QLabel("n"), Qt.DockWidgetArea.LeftDockWidgetArea)
    assert window.context.docks["notes"] is dock
    assert dock.toggleViewAction() in window.menu_view.actions()


def test_installers_are_imported_as_functions_not_named_in_strings():
    source = Path(main_window.__file__).read_text(encoding="utf-8")
    tree = ast.parse(source)
    strings = [
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]
    assert not [s for s in strings if ":install_" in s]
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    for installer in ("install_map", "install_logging", "install_drawing", "install_measure"):
        assert installer in imported


def private_reach_ins(path: Path) -> list[str]:
    """`other._name` anywhere in `path`, where `other` is not self or cls."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Attribute):
            continue
        private = node.attr.startswith("_") and not node.attr.startswith("__")
        own = isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
        if private and not own:
            found.append(f"{path.relative_to(UI)}:{node.lineno} {ast.unparse(node)}")
    return found


def test_no_feature_reaches_into_another_objects_private_attributes():
    assert [p for p in FEATURE_MODULES if not p.exists()] == []
    assert [hit for path in FEATURE_MODULES for hit in private_reach_ins(path)] == []
