"""View > Messages: TAK chat imported into the window's database, found by a search."""

from pathlib import Path

from sitrep_desktop.commands.imports import ImportRecords
from sitrep_desktop.services.exchange import plan_file

GEOCHAT = Path(__file__).parents[1] / "data" / "third_party" / "taky" / "geochat.cot"


def test_imported_geochat_appears_in_the_messages_pane_and_goes_with_undo(window):
    pane = window.features.messages
    assert pane.rows == [] and "Messages" in [d.windowTitle() for d in window.docks.values()]
    _fmt, plan = plan_file(window.store, GEOCHAT)
    window.undo_stack.attempt(ImportRecords(plan, str(GEOCHAT)))
    assert pane.rows == [("2021-02-23 22:28", "JENNY", "JOKER MAN", "test")]
    pane.search.setText("joker")
    assert len(pane.rows) == 1 and pane.status.text() == "1 of 1 message(s)"
    pane.search.setText("nothing like it")
    assert pane.rows == []
    window.undo_stack.undo()
    pane.search.clear()
    assert pane.rows == []
