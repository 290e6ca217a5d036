"""File > Export snapshot: the current view or a place's surroundings, at the map's
time or another, as PNG/SVG/PDF on screen-size or paper (export_dialog.py asks)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMessageBox

from sitrep_desktop.ui.snapshot.export_dialog import SnapshotDialog, layers_on_screen
from sitrep_desktop.ui.snapshot.extent_box import draw_box_on_map
from sitrep_desktop.ui.snapshot.layout import SnapshotRequest
from sitrep_desktop.ui.snapshot.render import Snapshot
from sitrep_desktop.ui.window.context import FeatureContext


def install_snapshot(ctx: FeatureContext) -> QAction:
    """File > Export snapshot… (Ctrl+Shift+S)."""
    action = ctx.action(
        None, "Export &snapshot…", lambda: export_snapshot_dialog(ctx), "Ctrl+Shift+S"
    )
    ctx.menus.insert_in_file([action])
    return action


def export_snapshot_dialog(ctx: FeatureContext) -> Path | None:
    """Ask for the file, extent, time, paper, DPI and title; then write the snapshot."""
    dialog = SnapshotDialog(ctx)
    while dialog.exec() != QDialog.DialogCode.Accepted:
        if not dialog.box_requested:
            return None
        dialog.box_requested = False
        ctx.status("Drag a box around what the snapshot should show (Esc: cancel)", 0)
        dialog.set_box(draw_box_on_map(ctx.canvas))
        ctx.clear_status()
    request = dialog.request()
    return None if request is None else write_snapshot(ctx, dialog.path, request)


def export_snapshot(ctx: FeatureContext, path: Path, title: str = "Situation map") -> Path | None:
    """Draw what the map shows now (extent and "as of" time) into `path`."""
    fmt = path.suffix.lower().lstrip(".") or "png"
    if fmt not in ("png", "svg", "pdf"):
        path, fmt = path.with_suffix(".png"), "png"
    canvas = ctx.canvas
    size = (max(canvas.width(), 400) * 2, max(canvas.height(), 300) * 2)
    # Every format on a page of the view's shape, so a PDF shows what the PNG shows.
    request = SnapshotRequest(
        bbox=canvas.visible_lonlat(),
        fmt=fmt,
        at=ctx.time_state.at,
        title=title,
        size=size,
        layers=layers_on_screen(ctx),
    )
    return write_snapshot(ctx, path, request)


def write_snapshot(ctx: FeatureContext, path: Path, request: SnapshotRequest) -> Path | None:
    try:
        Snapshot(ctx.store, request).render(path)
    except (OSError, ValueError) as exc:
        QMessageBox.critical(ctx.parent, "Snapshot not written", str(exc))
        return None
    ctx.status(f"Snapshot written to {path} (and {path.name}.json)", 10000)
    return path
