"""File > Import data… and File > Export data…: the exchange formats from the window.

An import is read and checked completely first (on a worker thread, with a
progress dialog whose Cancel stops reading: ui/exchange/reading.py); the preview
then says what would be added and what is already there, or lists every
problem (where, field, why) and imports nothing. Applying is one transaction
with a progress dialog whose Cancel rolls everything back, and one step on the
undo stack.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sitrep_desktop.domain.errors import SitRepError
from sitrep_desktop.exchange import (
    ImportRecords,
    export_format_for,
    gather,
    plan_batch,
    write_export,
)
from sitrep_desktop.io.pipeline import ImportPlan
from sitrep_desktop.io.records import ImportFileError
from sitrep_desktop.ui.exchange.reading import ImportReading
from sitrep_desktop.ui.window.actions import add_action, insert_in_file_menu

IMPORT_FILTER = (
    "All supported (*.geojson *.json *.kml *.kmz *.csv *.gpkg *.cot *.xml *.zip);;"
    "GeoJSON (*.geojson *.json);;KML/KMZ (*.kml *.kmz);;CSV or ACLED CSV (*.csv);;"
    "GeoPackage (*.gpkg);;Cursor on Target (*.cot *.xml);;TAK data package (*.zip)"
)
EXPORT_FILTER = (
    "GeoJSON (*.geojson);;KML for Google Earth (*.kml);;CSV, one row per event (*.csv);;"
    "GeoPackage for QGIS (*.gpkg);;Cursor on Target (*.cot);;TAK data package (*.zip)"
)
KIND_LABELS = {
    "faction": "factions",
    "place": "places",
    "control_change": "control changes",
    "event": "events",
    "annotation": "drawings",
}


class ImportPreviewDialog(QDialog):
    """What an import would do, or why it cannot be done."""

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
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(self)
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if error is not None:
            self._show_problems(error)
        elif plan is not None:
            self._show_plan(plan)
        self.resize(620, 380)

    def _show_problems(self, error: ImportFileError) -> None:
        count = len(error.problems)
        self.summary.setText(
            f"<b>Nothing was imported.</b> {count} problem(s) in {error.file}; "
            "fix them and import again."
        )
        self._fill(
            ["Where", "Field", "Why"], [(p.where, p.field, p.reason) for p in error.problems]
        )
        self.import_button.setEnabled(False)

    def _show_plan(self, plan: ImportPlan) -> None:
        preview = plan.preview()
        new, present = preview["new"], preview["already_present"]
        # A newer ACLED export may only revise or withdraw events: that is a change too.
        revised = {f"{k} updated": n for k, n in preview.get("updated", {}).items()}
        revised |= {f"{k} deleted": n for k, n in preview.get("deleted", {}).items()}
        total = sum(new.values()) + sum(revised.values())
        self.summary.setText(
            f"{total} record(s) will be added or changed in one step (Edit > Undo reverts it)."
            if total
            else "Everything in this file is already in the database: nothing to add."
        )
        rows = [(KIND_LABELS[k], str(new.get(k, 0)), str(present.get(k, 0))) for k in KIND_LABELS]
        rows += [(k.replace("_", " "), str(n), "") for k, n in new.items() if k not in KIND_LABELS]
        rows += [(k.replace("_", " "), str(n), "") for k, n in revised.items()]
        self._fill(["Records", "New", "Already present"], rows)
        self.import_button.setEnabled(total > 0)

    def _fill(self, headers: list[str], rows: list[tuple[str, ...]]) -> None:
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.horizontalHeader().setSectionResizeMode(
            len(headers) - 1, QHeaderView.ResizeMode.Stretch
        )

    def problem_rows(self) -> list[tuple[str, str, str]]:
        return [
            tuple(self.table.item(r, c).text() for c in range(3))  # type: ignore[misc]
            for r in range(self.table.rowCount())
        ]


def preview_import(window, source: Path) -> ImportPreviewDialog | None:
    """Read and check `source` against the window's store; the dialog says what it found.

    Reading shows its progress and can be cancelled (None); the window stays live.
    """
    reading = ImportReading(source, window)
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
    window.statusBar().showMessage(f"Imported {added or 'nothing'} from {source.name}", 10_000)
    return True


def import_data_dialog(window) -> bool:
    path, _ = QFileDialog.getOpenFileName(window, "Import data", "", IMPORT_FILTER)
    if not path:
        return False
    dialog = preview_import(window, Path(path))
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
        result = write_export(gather(window.store, at=at), path, fmt, at=at)
    except (SitRepError, OSError, ValueError) as exc:
        QMessageBox.critical(window, "Export data", f"{path.name} was not written: {exc}")
        return None
    when = f" as of {at.text}" if at else ""
    notes = "".join(f"; {note}" for note in result.notes)
    window.statusBar().showMessage(f"Exported the situation{when} to {result.path}{notes}", 10_000)
    return result.path


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


def install_exchange(window) -> None:
    """File > Import data… (Ctrl+I) and File > Export data… (Ctrl+Shift+E)."""
    actions = [
        add_action(window, None, text, slot, shortcut)
        for text, shortcut, slot in (
            ("&Import data…", "Ctrl+I", lambda: import_data_dialog(window)),
            ("&Export data…", "Ctrl+Shift+E", lambda: export_data_dialog(window)),
        )
    ]
    insert_in_file_menu(window, actions)
    window.action_import, window.action_export = actions
