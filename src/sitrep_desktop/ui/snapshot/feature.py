"""File > Export snapshot: the current view, at the current time, as PNG/SVG/PDF."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from sitrep_desktop.ui.snapshot.layout import SnapshotRequest
from sitrep_desktop.ui.snapshot.render import Snapshot
from sitrep_desktop.ui.window.context import FeatureContext

FILTER = "PNG picture (*.png);;SVG drawing (*.svg);;PDF document, A4 (*.pdf)"


def install_snapshot(ctx: FeatureContext) -> QAction:
    """File > Export snapshot… (Ctrl+Shift+S)."""
    action = ctx.action(
        None, "Export &snapshot…", lambda: export_snapshot_dialog(ctx), "Ctrl+Shift+S"
    )
    ctx.menus.insert_in_file([action])
    return action


def export_snapshot_dialog(ctx: FeatureContext) -> Path | None:
    window = ctx.parent
    path, _ = QFileDialog.getSaveFileName(window, "Export snapshot", "snapshot.png", FILTER)
    if not path:
        return None
    title, ok = QInputDialog.getText(window, "Export snapshot", "Title:", text="Situation map")
    if not ok:
        return None
    return export_snapshot(ctx, Path(path), title)


def export_snapshot(ctx: FeatureContext, path: Path, title: str = "Situation map") -> Path | None:
    """Draw what the map shows now (extent and "as of" time) into `path`."""
    window = ctx.parent
    fmt = path.suffix.lower().lstrip(".") or "png"
    if fmt not in ("png", "svg", "pdf"):
        path, fmt = path.with_suffix(".png"), "png"
    canvas = ctx.canvas
    size = (max(canvas.width(), 400) * 2, max(canvas.height(), 300) * 2)
    request = SnapshotRequest(
        bbox=canvas.visible_lonlat(),
        fmt=fmt,
        at=ctx.time_state.at,
        title=title,
        size=None if fmt == "pdf" else size,
        paper="A4" if fmt == "pdf" else None,
        dpi=300 if fmt == "pdf" else 150,
    )
    try:
        Snapshot(ctx.store, request).render(path)
    except (OSError, ValueError) as exc:
        QMessageBox.critical(window, "Snapshot not written", str(exc))
        return None
    ctx.status(f"Snapshot written to {path} (and {path.name}.json)", 10000)
    return path
