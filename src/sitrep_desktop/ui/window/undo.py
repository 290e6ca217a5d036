"""The undo stack: pure-Python commands wrapped as QUndoCommands."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QMessageBox, QWidget

from sitrep_desktop.commands import AddRecords, Command, CompositeCommand, UpdateRecord
from sitrep_desktop.domain.errors import SitRepError
from sitrep_desktop.domain.times import implausible_year
from sitrep_desktop.store import Store
from sitrep_desktop.store.errors import EngineError, FileReplacedError

UNDO_LIMIT = 200


class StoreUndoCommand(QUndoCommand):
    def __init__(self, store: Store, command: Command) -> None:
        super().__init__(command.text)
        self.store = store
        self.command = command
        self.already_done = False
        self.store_stack: UndoStack | None = None

    def redo(self) -> None:  # Qt calls redo() on push: that is the first do.
        if self.already_done:
            self.already_done = False
            return
        self._guarded(self.command.do)

    def undo(self) -> None:
        self._guarded(self.command.undo)

    def _guarded(self, step) -> None:  # type: ignore[no-untyped-def]
        # An exception here would vanish inside Qt's undo(); say it instead.
        try:
            step(self.store)
        except (SitRepError, EngineError) as exc:
            stack = self.store_stack
            if stack is not None:
                stack.refused(exc)


class UndoStack(QUndoStack):
    """A bounded history of edits over one store."""

    # The file was deleted or replaced on disk: whoever can offer "Save as" listens.
    sigFileLost = Signal(str)
    # An undo or redo the store refused (full disk, read-only file…): the window says so.
    sigRefused = Signal(str)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setUndoLimit(UNDO_LIMIT)

    def attempt(self, command: Command) -> str | None:
        """Do `command` and push it; on refusal return why (the stack stays unchanged).

        A time whose year looks like a typo ("0999" for "2024") is saved only if
        `confirm_years` (a question to the user) says so.
        """
        doubts = year_doubts(command)
        if doubts and not self.confirm_years(doubts):
            return f"not saved: {doubts[0]}"
        try:
            command.do(self.store)
        except FileReplacedError as exc:
            self.sigFileLost.emit(str(exc))
            return str(exc)
        except SitRepError as exc:
            return str(exc)
        except EngineError as exc:  # a refusal the store did not name: still shown
            return f"not saved: {exc}"
        wrapped = StoreUndoCommand(self.store, command)
        wrapped.store_stack = self
        # Done first so a refusal never reaches the stack; push's redo() then skips.
        wrapped.already_done = True
        self.push(wrapped)
        return None

    def confirm_years(self, doubts: list[str]) -> bool:
        """Ask whether to save times with unlikely years; replaceable in tests."""
        answer = QMessageBox.question(
            self.parent() if isinstance(self.parent(), QWidget) else None,
            "Check the year",
            "\n".join(doubts) + "\n\nSave anyway?",
        )
        return answer == QMessageBox.StandardButton.Yes

    def refused(self, exc: BaseException) -> None:
        if isinstance(exc, FileReplacedError):
            self.sigFileLost.emit(str(exc))
        else:
            self.sigRefused.emit(f"{self.undoText() or 'undo'}: {exc}")

    def run(self, command: Command, parent: QWidget | None = None) -> bool:
        """Like `attempt`, saying why in a message box when the store refuses."""
        refusal = self.attempt(command)
        if refusal is not None and parent is not None:
            QMessageBox.warning(parent, "Not saved", refusal)
        return refusal is None


_TIMES = ("at", "valid_from", "valid_to")


def year_doubts(command: Command) -> list[str]:
    """ "at: year 0999 — typo? …" for each time `command` writes with an unlikely year.

    Only times it sets or changes: editing the notes of an old record asks nothing.
    """
    if isinstance(command, CompositeCommand):
        return [doubt for inner in command.commands for doubt in year_doubts(inner)]
    if isinstance(command, AddRecords):
        pairs = [(None, record) for record in command.records]
    elif isinstance(command, UpdateRecord):
        pairs = [(command.before, command.after)]
    else:
        return []
    doubts = []
    for before, record in pairs:
        kind = getattr(record, "KIND", "").replace("_", " ")
        for name in _TIMES:
            moment = getattr(record, name, None)
            if moment is None or (before is not None and getattr(before, name, None) == moment):
                continue
            why = implausible_year(moment, kind)
            if why is not None:
                doubts.append(f"{name}: {why}")
    return doubts
