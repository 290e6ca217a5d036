"""File > Import data… and File > Export data…: the exchange formats from the window.

An import is read and checked completely first (on a worker thread, with a
progress dialog whose Cancel stops reading: ui/exchange/reading.py); the preview
then says what would be added and what is already there, which entries were
repaired and which cannot be imported (with why). When some cannot, its button
imports the rest; when none can, or the file cannot be read, it imports
nothing. Applying is one transaction with a progress dialog whose Cancel rolls
everything back, and one step on the undo stack. Formats and file filters come
from the one table (io/formats.py), the workflow from services/exchange.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sitrep_desktop.commands.imports import ImportRecords
from sitrep_desktop.domain.errors import SitRepError
from sitrep_desktop.io import formats, ogr_records, pipeline
from sitrep_desktop.io.formats import KIND_LABELS
from sitrep_desktop.io.pipeline import ImportPlan
from sitrep_desktop.io.records import ImportFileError, Problem
from sitrep_desktop.services.exchange import (
    carried_counts,
    export_format_for,
    gather,
    plan_batch,
    streamed_command,
    write_export,
)
from sitrep_desktop.ui.exchange.reading import ImportReading
from sitrep_desktop.ui.window.context import FeatureContext

IMPORT_FILTER = formats.import_filter()
EXPORT_FILTER = formats.export_filter()


class ImportPreviewDialog(QDialog):
    """What an import would do (and what it repairs or leaves out), or why it cannot be done."""

    def __init__(
        self,
        source: Path,
        plan: ImportPlan | None = None,
        error: ImportFileError | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import {source.name}")
        self.plan = plan
        layout = QVBoxLayout(self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget(self)
        layout.addWidget(self.table)
        # Entries repaired or left out, beside the counts; hidden when there are none.
        self.problems = QTableWidget(self)
        layout.addWidget(self.problems)
        for table in (self.table, self.problems):
            table.verticalHeader().hide()
            table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.problems.hide()
        buttons = QDialogButtonBox(self)
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if error is not None:
            self._show_problems(error.file, error.problems)
        elif plan is not None:
            self._show_plan(source, plan)
        self.resize(680, 420)

    def _show_problems(self, file: str, problems: list[Problem]) -> None:
        self.summary.setText(
            f"<b>Nothing was imported.</b> {len(problems)} problem(s) in {file}; "
            "fix them and import again."
        )
        _fill(self.table, ["Where", "Field", "Why"], [_problem_row(p) for p in problems])
        self.import_button.setEnabled(False)

    def _show_plan(self, source: Path, plan: ImportPlan) -> None:
        preview = plan.preview()
        new, present = preview["new"], preview["already_present"]
        # A newer ACLED export may only revise or withdraw events: that is a change too.
        revised = {f"{k} updated": n for k, n in preview.get("updated", {}).items()}
        revised |= {f"{k} deleted": n for k, n in preview.get("deleted", {}).items()}
        total = sum(new.values()) + sum(revised.values())
        if plan.skipped and not total and not sum(present.values()):
            self._show_problems(str(source), plan.skipped)
            return
        if plan.skipped:
            text = (
                f"<b>{_entries(plan.skipped_count)} cannot be imported</b> (listed below, with "
                f"why). Import the rest: {total} new record(s) in one step (Edit > Undo "
                "removes them)."
            )
            self.import_button.setText("Import the rest")
        elif total:
            text = (
                f"{total} record(s) will be added or changed in one step (Edit > Undo reverts it)."
            )
        else:
            text = "Everything in this file is already in the database: nothing to add."
        if plan.repaired:
            text += f" {_entries(plan.repaired_count)} repaired to be taken (listed below)."
        self.summary.setText(text)
        rows = [(KIND_LABELS[k], str(new.get(k, 0)), str(present.get(k, 0))) for k in KIND_LABELS]
        rows += [(k.replace("_", " "), str(n), "") for k, n in new.items() if k not in KIND_LABELS]
        rows += [(k.replace("_", " "), str(n), "") for k, n in revised.items()]
        _fill(self.table, ["Records", "New", "Already present"], rows)
        listed = [("left out", *_problem_row(p)) for p in plan.skipped]
        listed += [("repaired", *_problem_row(p)) for p in plan.repaired]
        if listed:
            _fill(self.problems, ["", "Where", "Field", "Why"], listed)
            self.problems.show()
        self.import_button.setEnabled(total > 0)

    def problem_rows(self) -> list[tuple[str, str, str]]:
        """The main table's rows: counts per kind, or the problems when nothing can be taken."""
        return _rows(self.table)

    def listed_rows(self) -> list[tuple[str, ...]]:
        """The entries left out or repaired: (what, where, field, why)."""
        return _rows(self.problems) if self.problems.isVisibleTo(self) else []


def _entries(count: int) -> str:
    return f"{count} {'entry' if count == 1 else 'entries'}"


def _problem_row(problem: Problem) -> tuple[str, str, str]:
    why = f"{problem.reason} ({problem.feature})" if problem.feature else problem.reason
    return problem.where, problem.field, why


def _fill(table: QTableWidget, headers: list[str], rows: list[tuple[str, ...]]) -> None:
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))
    table.horizontalHeader().setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)


def _rows(table: QTableWidget) -> list[tuple[str, ...]]:
    return [
        tuple(table.item(r, c).text() for c in range(table.columnCount()))
        for r in range(table.rowCount())
    ]


def preview_import(window, source: Path, layer: str | None = None) -> ImportPreviewDialog | None:
    """Read and check `source` (or one `layer` of it) against the window's store;
    the dialog says what it found.

    Reading shows its progress and can be cancelled (None); the window stays live.
    """
    reading = ImportReading(source, window, layer)
    reading.wait()
    try:
        return preview_after_reading(window, reading)
    finally:
        reading.deleteLater()


def preview_after_reading(window, reading: ImportReading) -> ImportPreviewDialog | None:
    """The preview of a finished reading, planned against the store here on its thread."""
    if reading.failure is not None:
        raise reading.failure
    if reading.cancelled or window.store is None:  # or the window closed meanwhile
        return None
    if reading.error is not None:
        return ImportPreviewDialog(reading.source, error=reading.error, parent=window)
    if reading.plan is not None:  # a row file, planned chunk by chunk as it was read
        return ImportPreviewDialog(reading.source, plan=reading.plan, parent=window)
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        plan = plan_batch(window.store, reading.batch, reading.source)
        return ImportPreviewDialog(reading.source, plan=plan, parent=window)
    except ImportFileError as exc:
        return ImportPreviewDialog(reading.source, error=exc, parent=window)
    finally:
        QApplication.restoreOverrideCursor()


def apply_import(window, plan: ImportPlan, source: Path, cancel=None) -> bool:
    """Add the plan's records as one undoable step, showing progress; Cancel adds nothing."""
    if plan.new_counts is not None:  # a row file's plan holds counts: the file is streamed
        return _apply_streamed(window, plan, source, cancel)
    command = ImportRecords(plan, str(source))
    total = len(plan.new)
    progress = QProgressDialog(f"Importing {source.name}…", "Cancel", 0, max(total, 1), window)
    progress.setWindowModality(Qt.WindowModality.WindowModal)  # no edits mid-transaction
    progress.setMinimumDuration(300)

    def step(done: int, _total: int) -> None:
        progress.setValue(done)
        QApplication.processEvents()

    command.progress = step
    command.cancel = cancel or progress.wasCanceled
    refusal = window.undo_stack.attempt(command)
    progress.close()
    # Redo after an undo needs no dialog: the callbacks belonged to this first run.
    command.progress = command.cancel = None
    if refusal is not None:
        window.statusBar().showMessage(refusal, 10_000)
        return False
    added = ", ".join(f"{n} {KIND_LABELS[k]}" for k, n in command.added.items() if n)
    left_out = f" ({_entries(len(plan.skipped))} left out)" if plan.skipped else ""
    window.statusBar().showMessage(
        f"Imported {added or 'nothing'} from {source.name}{left_out}", 10_000
    )
    return True


def _apply_streamed(window, plan: ImportPlan, source: Path, cancel=None) -> bool:
    """Import a row file chunk by chunk as one undoable step (the user saw its
    preview, so entries left out there are left out: skip_bad), with progress
    over its bytes; Cancel rolls everything back."""
    steps = 1000  # bytes would overflow the bar's int past 2 GB
    progress = QProgressDialog(f"Importing {source.name}…", "Cancel", 0, steps, window)
    progress.setWindowModality(Qt.WindowModality.WindowModal)  # no edits mid-transaction
    progress.setMinimumDuration(300)
    live = True  # redo (after an undo) reads the file again, with no dialog

    def step(done: int, total: int) -> None:
        if live:
            progress.setValue(min(done * steps // max(total, 1), steps - 1))
            QApplication.processEvents()

    asked = cancel or progress.wasCanceled
    command = streamed_command(
        source,
        pipeline.guess_format(source),
        skip_bad=True,
        progress=step,
        cancel=lambda: live and asked(),
    )
    refusal = window.undo_stack.attempt(command)
    live = False
    progress.close()
    if refusal is not None:
        window.statusBar().showMessage(refusal, 10_000)
        return False
    added = ", ".join(f"{n} {KIND_LABELS[k]}" for k, n in command.added.items() if n)
    skipped = command.plan.skipped_count if command.plan is not None else 0
    left_out = f" ({_entries(skipped)} left out)" if skipped else ""
    window.statusBar().showMessage(
        f"Imported {added or 'nothing'} from {source.name}{left_out}", 10_000
    )
    return True


ALL_LAYERS = "All layers"


def layer_choice(source: Path) -> list[str]:
    """The layers a user may choose among (GIS data of several layers), else []."""
    try:
        if pipeline.guess_format(source) != "gis":
            return []
        names = ogr_records.layer_names(source)
    except ImportFileError:
        return []  # the preview says what is wrong with the file
    return names if len(names) > 1 else []


def choose_layer(window, source: Path) -> tuple[bool, str | None]:
    """(go on, layer): every layer unless the user picks one of several."""
    names = layer_choice(source)
    if not names:
        return True, None
    chosen, ok = QInputDialog.getItem(
        window,
        "Import data",
        f"{source.name} has {len(names)} layers. Import:",
        [ALL_LAYERS, *names],
        0,
        False,
    )
    return ok, None if chosen == ALL_LAYERS else chosen


def import_data_dialog(window) -> bool:
    path, _ = QFileDialog.getOpenFileName(window, "Import data", "", IMPORT_FILTER)
    if not path:
        return False
    go_on, layer = choose_layer(window, Path(path))
    if not go_on:
        return False
    dialog = preview_import(window, Path(path), layer)
    if dialog is None or dialog.exec() != QDialog.DialogCode.Accepted or dialog.plan is None:
        return False
    return apply_import(window, dialog.plan, Path(path))


def export_data(window, path: Path) -> Path | None:
    """Write the records as of the map's time (all, when the map shows the latest)."""
    fmt = export_format_for(path)
    if fmt is None:
        QMessageBox.warning(window, "Export data", f"Cannot tell the format of {path.name}.")
        return None
    at = window.time_state.at
    try:
        written = write_export(
            batch := gather(window.store, at=at), path, fmt, at=at, store=window.store
        )
    except (SitRepError, OSError, ValueError) as exc:
        QMessageBox.critical(window, "Export data", f"{path.name} was not written: {exc}")
        return None
    when = f" as of {at.text}" if at else ""
    # Only what the format holds: a CSV has events.
    counts = carried_counts(batch, written.format)
    what = ", ".join(f"{n} {KIND_LABELS[k]}" for k, n in counts.items() if n) or "nothing"
    notes = "".join(f"; {note}" for note in written.notes)
    window.statusBar().showMessage(f"Exported {what}{when} to {written.path}{notes}", 10_000)
    return written.path


def export_data_dialog(window) -> Path | None:
    path, chosen = QFileDialog.getSaveFileName(
        window, "Export data", "situation.geojson", EXPORT_FILTER
    )
    if not path:
        return None
    target = Path(path)
    if export_format_for(target) is None:  # no suffix typed: take the chosen filter's
        target = target.with_suffix(chosen.split("*")[1].split(")")[0])
    return export_data(window, target)


class ExchangeActions(NamedTuple):
    import_data: QAction
    export_data: QAction


def install_exchange(ctx: FeatureContext) -> ExchangeActions:
    """File > Import data… (Ctrl+I) and File > Export data… (Ctrl+Shift+E)."""
    window = ctx.parent  # the dialogs' parent, which also has the store and undo stack
    actions = [
        ctx.action(None, text, slot, shortcut)
        for text, shortcut, slot in (
            ("&Import data…", "Ctrl+I", lambda: import_data_dialog(window)),
            ("&Export data…", "Ctrl+Shift+E", lambda: export_data_dialog(window)),
        )
    ]
    ctx.menus.insert_in_file(actions)
    return ExchangeActions(*actions)
