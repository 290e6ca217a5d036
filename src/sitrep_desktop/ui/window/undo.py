"""The undo stack: pure-Python commands wrapped as QUndoCommands."""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QMessageBox, QWidget

from sitrep_desktop.commands import Command
from sitrep_desktop.domain.errors import SitRepError
from sitrep_desktop.store import Store

UNDO_LIMIT = 200


class StoreUndoCommand(QUndoCommand):
    def __init__(self, store: Store, command: Command) -> None:
        super().__init__(command.text)
        self.store = store
        self.command = command
        self.already_done = False

    def redo(self) -> None:  # Qt calls redo() on push: that is the first do.
        if self.already_done:
            self.already_done = False
            return
        self.command.do(self.store)

    def undo(self) -> None:
        self.command.undo(self.store)


class UndoStack(QUndoStack):
    """A bounded history of edits over one store."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setUndoLimit(UNDO_LIMIT)

    def attempt(self, command: Command) -> str | None:
        """Do `command` and push it; on refusal return why (the stack stays unchanged)."""
        try:
            command.do(self.store)
        except SitRepError as exc:
            return str(exc)
        wrapped = StoreUndoCommand(self.store, command)
        # Done first so a refusal never reaches the stack; push's redo() then skips.
        wrapped.already_done = True
        self.push(wrapped)
        return None

    def run(self, command: Command, parent: QWidget | None = None) -> bool:
        """Like `attempt`, saying why in a message box when the store refuses."""
        refusal = self.attempt(command)
        if refusal is not None and parent is not None:
            QMessageBox.warning(parent, "Not saved", refusal)
        return refusal is None
