"""Tools > Team conflicts…: what the team link kept, in the merge dialog's conflict view."""

from __future__ import annotations

import dataclasses
import shutil

from sitrep_desktop.services.team import apply_incoming
from sitrep_desktop.services.team.cot_in import read_cot
from sitrep_desktop.services.team.cot_out import Sender, outgoing
from sitrep_desktop.store import Store
from sitrep_desktop.ui.team.merge_feature import team_conflicts_dialog

BRAVO = Sender("uid-bravo", "Bravo")


def _conflict_from_bravo(window, demo_path, tmp_path) -> tuple[str, str]:
    """Bravo (a copy of the same file) and the window both retitle one event; Bravo's
    change arrives live. Returns (event id, the title it had before)."""
    other = tmp_path / "bravo.db"
    shutil.copy(demo_path, other)
    with Store.open(other, author="bravo") as bravo:
        event = bravo.events.all()[0]
        bravo.events.update(dataclasses.replace(event, title="Bravo's title"))
        cot = outgoing(bravo, "event", event.id, BRAVO).data
    mine = window.store.events.get(event.id)
    window.store.events.update(dataclasses.replace(mine, title="Ana's title"))
    assert apply_incoming(window.store, [read_cot(cot)], "tak test").conflicts == [event.id]
    return event.id, event.title


def test_the_tools_menu_offers_team_conflicts(window):
    assert "Team &conflicts…" in [a.text() for a in window.menu_tools.actions()]


def test_a_live_conflict_is_listed_field_by_field_and_resolved_as_one_undo_step(
    window, demo_path, tmp_path
):
    event_id, before = _conflict_from_bravo(window, demo_path, tmp_path)
    dialog = team_conflicts_dialog(window)
    assert dialog.windowTitle() == "Team conflicts"
    (top,) = [dialog.conflicts.topLevelItem(i) for i in range(dialog.conflicts.topLevelItemCount())]
    (title,) = [top.child(i) for i in range(top.childCount())]
    assert [title.text(n) for n in range(4)] == ["title", "Ana's title", "Bravo's title", before]
    dialog.choose(event_id, "theirs")
    dialog.accept()
    assert window.store.events.get(event_id).title == "Bravo's title"
    assert not team_conflicts_dialog(window).plan.report.conflicts
    window.undo_stack.undo()
    assert window.store.events.get(event_id).title == "Ana's title"
    again = team_conflicts_dialog(window)
    assert [c.record_id for c in again.plan.report.conflicts] == [event_id], "open again"
    again.reject()
