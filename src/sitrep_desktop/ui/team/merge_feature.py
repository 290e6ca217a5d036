"""File > Merge…: pick another laptop's database or data package, review, merge.
Tools > Team conflicts…: the same dialog for the conflicts the team link kept."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox

from sitrep_desktop.domain.errors import SitRepError
from sitrep_desktop.services.merge import MergePlan, plan_merge
from sitrep_desktop.services.merge_sources import open_source
from sitrep_desktop.services.team.conflicts import ResolveTeamConflicts, plan_team_conflicts
from sitrep_desktop.ui.team.merge_dialog import MergeDialog
from sitrep_desktop.ui.window.context import FeatureContext

MERGE_FILTER = "SitRep database or TAK data package (*.db *.sqlite *.zip);;All files (*)"


def install_merge(ctx: FeatureContext) -> QAction:
    """File > Merge… (one action; the dialog does the rest)."""
    window = ctx.parent  # the dialog's parent, with the store and the undo stack
    action = ctx.action(None, "&Merge…", lambda: merge_dialog(window))
    action.setStatusTip("Merge another laptop's database or data package into this one")
    ctx.menus.insert_in_file([action])
    return action


def plan_for(window, path: str | Path) -> MergePlan:
    """Read the other side and compare; nothing is written yet."""
    source = open_source(window.store, path)
    try:
        return plan_merge(window.store, source)
    finally:
        source.close()


def merge_dialog(window, path: str | Path | None = None) -> MergeDialog | None:
    """Ask for a file (unless given), show the plan; Merge applies it as one undo step."""
    if path is None:
        path, _ = QFileDialog.getOpenFileName(window, "Merge from", "", MERGE_FILTER)
        if not path:
            return None
    if window.store.path is not None and Path(path).resolve() == window.store.path.resolve():
        QMessageBox.warning(window, "Merge", "That is the database open in this window.")
        return None
    try:
        plan = plan_for(window, path)
    except SitRepError as exc:
        QMessageBox.warning(window, "Cannot merge", str(exc))
        return None
    dialog = MergeDialog(plan, window)
    dialog.accepted.connect(lambda: apply_merge(window, dialog))
    dialog.open()
    return dialog


def apply_merge(window, dialog: MergeDialog) -> bool:
    command = dialog.plan.command(dialog.resolutions())
    return window.undo_stack.run(command, window)


def team_conflicts_dialog(window) -> MergeDialog:
    """The changes from the team that conflict with ours, field by field; Apply
    resolves the chosen ones as one undo step and sends the outcome to the team."""
    plan = plan_team_conflicts(window.store)
    dialog = MergeDialog(plan, window, title="Team conflicts", apply_text="Apply")
    dialog.accepted.connect(lambda: apply_team_resolutions(window, dialog))
    dialog.open()
    return dialog


def apply_team_resolutions(window, dialog: MergeDialog) -> bool:
    command = ResolveTeamConflicts(dialog.plan, dialog.resolutions())
    return window.undo_stack.run(command, window)
