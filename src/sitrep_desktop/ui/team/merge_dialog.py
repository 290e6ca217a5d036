"""The merge dialog: what arrives from the other side, then each conflict field by field.

The preview lists every record the merge adds, updates, deletes, restores or
keeps. Each conflict is a row with its differing fields below it (ours,
theirs, and what both had before when the journal knows it); the user keeps
ours for now, takes one side for the whole record, or picks per field.
The same dialog shows the conflicts the team link kept (Tools > Team conflicts…).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sitrep_desktop.services.merge import Conflict, MergePlan, Resolution

# What a record row's choice means; "later" leaves the conflict open (ours stays).
RECORD_CHOICES = (
    ("later", "Keep ours, decide later"),
    ("ours", "Ours"),
    ("theirs", "Theirs"),
    ("fields", "Pick per field"),
)
_PREVIEW = ("added", "updated", "deleted", "restored", "kept")
_PREVIEW_WORDS = {
    "added": "new here",
    "updated": "changed there",
    "deleted": "deleted there",
    "restored": "back: changed there, deleted here",
    "kept": "kept: deleted there, changed here",
}


def _text(value: Any) -> str:
    return "—" if value is None or value == "" else str(value)


def _label(row: dict[str, Any] | None, record_id: str) -> str:
    if not row:
        return record_id
    return str(row.get("name") or row.get("title") or row.get("label") or record_id)


class MergeDialog(QDialog):
    """Shows a merge plan; `resolutions()` is what the user chose for its conflicts."""

    def __init__(
        self,
        plan: MergePlan,
        parent: QWidget | None = None,
        *,
        title: str = "",
        apply_text: str = "Merge",
    ) -> None:
        super().__init__(parent)
        self.plan = plan
        report = plan.report
        self.setWindowTitle(title or f"Merge from {report.origin}")
        counts = report.counts()
        summary = ", ".join(f"{n} {name}" for name, n in counts.items())
        disputes = len(report.control_disputes)
        disputed = (
            f" {disputes} place(s) get two holders at one instant: both kept, shown as disputed."
            if disputes
            else ""
        )
        self.summary = QLabel(f"From {report.origin}: {summary}.{disputed}")
        self.summary.setWordWrap(True)
        self.preview = self._build_preview()
        self.conflicts = QTreeWidget()
        self.conflicts.setHeaderLabels(["Record / field", "Ours", "Theirs", "Before", "Keep"])
        self.conflicts.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self._record_choices: dict[str, QComboBox] = {}
        self._field_choices: dict[str, dict[str, QComboBox]] = {}
        for conflict in report.conflicts:
            self._add_conflict(conflict)
        self.conflicts.expandAll()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(apply_text)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(QLabel("What arrives:"))
        layout.addWidget(self.preview)
        title = f"Conflicts ({len(report.conflicts)}): changed on both sides"
        layout.addWidget(QLabel(title if report.conflicts else "No conflicts."))
        layout.addWidget(self.conflicts)
        layout.addWidget(buttons)
        self.resize(900, 600)

    def _build_preview(self) -> QTableWidget:
        rows_by_id = {w.record_id: w.after or w.before for w in self.plan.writes}
        lines = [
            (what, kind, rid) for what in _PREVIEW for kind, rid in getattr(self.plan.report, what)
        ]
        table = QTableWidget(len(lines), 3)
        table.setHorizontalHeaderLabels(["What", "Kind", "Record"])
        table.horizontalHeader().setStretchLastSection(True)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for n, (what, kind, rid) in enumerate(lines):
            cells = (_PREVIEW_WORDS[what], kind.replace("_", " "), _label(rows_by_id.get(rid), rid))
            for column, text in enumerate(cells):
                table.setItem(n, column, QTableWidgetItem(text))
        return table

    def _add_conflict(self, conflict: Conflict) -> None:
        top = QTreeWidgetItem([f"{conflict.kind.replace('_', ' ')}: {conflict.label}"])
        self.conflicts.addTopLevelItem(top)
        choice = QComboBox()
        for key, text in RECORD_CHOICES:
            choice.addItem(text, key)
        self.conflicts.setItemWidget(top, 4, choice)
        self._record_choices[conflict.record_id] = choice
        fields: dict[str, QComboBox] = {}
        for item in conflict.fields:
            before = _text(item.ancestor) if item.ancestor_known else "(not known)"
            child = QTreeWidgetItem([item.field, _text(item.ours), _text(item.theirs), before])
            top.addChild(child)
            side = QComboBox()
            side.addItem("Ours", "ours")
            side.addItem("Theirs", "theirs")
            side.setEnabled(False)
            self.conflicts.setItemWidget(child, 4, side)
            fields[item.field] = side
        self._field_choices[conflict.record_id] = fields
        choice.currentIndexChanged.connect(
            lambda _i, rid=conflict.record_id: self._record_choice_changed(rid)
        )

    def _record_choice_changed(self, record_id: str) -> None:
        per_field = self._record_choices[record_id].currentData() == "fields"
        for side in self._field_choices[record_id].values():
            side.setEnabled(per_field)

    # -- what the user chose ---------------------------------------------------------
    def choose(self, record_id: str, choice: str, fields: dict[str, str] | None = None) -> None:
        """Set a record's choice (and per-field sides) as a user would."""
        combo = self._record_choices[record_id]
        combo.setCurrentIndex(combo.findData(choice))
        for name, side in (fields or {}).items():
            box = self._field_choices[record_id][name]
            box.setCurrentIndex(box.findData(side))

    def resolutions(self) -> dict[str, Resolution]:
        chosen: dict[str, Resolution] = {}
        for record_id, combo in self._record_choices.items():
            choice = combo.currentData()
            if choice in ("ours", "theirs"):
                chosen[record_id] = choice
            elif choice == "fields":
                chosen[record_id] = {
                    name: box.currentData() for name, box in self._field_choices[record_id].items()
                }
        return chosen
