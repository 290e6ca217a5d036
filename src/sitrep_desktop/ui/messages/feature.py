"""View > Messages: the chat imported from TAK, oldest first, searchable.

A thin view over store.messages: it reads the messages again when the store
announces a change of messages (an import, its undo) or an external write.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sitrep_desktop.store import Store, StoreChange
from sitrep_desktop.store.messages import Messages
from sitrep_desktop.ui.window.context import FeatureContext

COLUMNS = ("Time (UTC)", "From", "Room", "Message")
MAX_ROWS = 5_000  # the newest; a search finds older ones


class MessagesPane(QWidget):
    """A search box over a table of messages (time, sender, room, text)."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MessagesPane")
        self.messages = Messages(store)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search messages: text, sender or room")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _text: self.refresh())
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.status = QLabel(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.search)
        layout.addWidget(self.table)
        layout.addWidget(self.status)
        self.refresh()

    def on_store_changed(self, change: StoreChange) -> None:
        if change.kind in ("message", "*"):
            self.refresh()

    def refresh(self) -> None:
        found = self.messages.search(self.search.text())
        shown = found[-MAX_ROWS:]
        self.table.setRowCount(len(shown))
        for row, message in enumerate(shown):
            when = message.at.as_utc().strftime("%Y-%m-%d %H:%M")
            for column, text in enumerate((when, message.sender, message.room, message.text)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        total = self.messages.count()
        self.status.setText(
            f"{len(found)} of {total} message(s)" if self.search.text() else f"{total} message(s)"
        )

    @property
    def rows(self) -> list[tuple[str, ...]]:
        """What the table shows, row by row (for tests and copy)."""
        return [
            tuple(self.table.item(r, c).text() for c in range(len(COLUMNS)))
            for r in range(self.table.rowCount())
        ]


def install_messages(ctx: FeatureContext) -> MessagesPane:
    """Add the Messages dock (View menu), below the details, following store changes."""
    pane = MessagesPane(ctx.store, ctx.parent)
    ctx.dock("messages", "Messages", pane, Qt.DockWidgetArea.RightDockWidgetArea)
    ctx.parent.tabifyDockWidget(ctx.docks["detail"], ctx.docks["messages"])
    ctx.docks["detail"].raise_()
    ctx.signals.sigChanged.connect(pane.on_store_changed)
    return pane
