"""A year that looks like a typo ("0999" for "2024") is saved only when the user says so."""

from __future__ import annotations

import dataclasses

import pytest

from sitrep_desktop.commands import AddRecords, UpdateRecord
from sitrep_desktop.domain import Event
from sitrep_desktop.store import Store
from sitrep_desktop.ui.window.undo import UndoStack, year_doubts


@pytest.fixture
def stack(qtbot):
    store = Store.memory()
    store.categories.ensure_defaults()
    undo = UndoStack(store)
    asked: list[list[str]] = []
    undo.answers = []  # type: ignore[attr-defined]

    def confirm(doubts: list[str]) -> bool:
        asked.append(doubts)
        return undo.answers.pop(0)  # type: ignore[attr-defined]

    undo.confirm_years = confirm  # type: ignore[method-assign]
    undo.asked = asked  # type: ignore[attr-defined]
    return undo


def test_an_event_in_0999_asks_first_and_is_not_saved_on_no(stack) -> None:
    stack.answers.append(False)
    refusal = stack.attempt(AddRecords([Event(at="0999-12-05", title="Homs falls")]))
    assert refusal is not None and "year 0999 — typo?" in refusal
    assert stack.asked == [["at: year 0999 — typo? (events are expected in 1900–2100)"]]
    assert stack.store.events.count() == 0 and stack.count() == 0


def test_an_event_in_0999_is_saved_when_the_user_means_it(stack) -> None:
    stack.answers.append(True)
    assert stack.attempt(AddRecords([Event(at="0999-12-05", title="A chronicle")])) is None
    assert stack.store.events.count() == 1


def test_a_year_of_this_century_asks_nothing(stack) -> None:
    assert stack.attempt(AddRecords([Event(at="2024-12-05", title="Homs falls")])) is None
    assert stack.asked == []


def test_editing_an_old_record_without_changing_its_time_asks_nothing() -> None:
    old = Event(at="0999-12-05", title="A chronicle")
    renamed = dataclasses.replace(old, title="The chronicle")
    assert year_doubts(UpdateRecord(old, renamed)) == []
    moved = dataclasses.replace(old, at="9999-01-01")
    assert year_doubts(UpdateRecord(old, moved))[0].startswith("at: year 9999")


def test_the_window_opens_a_file_with_events_in_0999_and_9999(qtbot, tmp_path) -> None:
    from PySide6.QtCore import QSettings

    from sitrep_desktop.services.demo import write_demo
    from sitrep_desktop.ui.window.main_window import MainWindow

    path = write_demo(tmp_path / "years.db")
    with Store.open(path) as store:
        store.events.add(Event(at="0999-01-01T00:00Z", title="A typo of 2024"))
        store.events.add(Event(at="9999-12-31T23:59Z", title="The end of time"))
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings)
    qtbot.addWidget(window)
    assert window.open_path(path)  # was: ValueError in the list and the timeline
    model = window.event_list.model
    titles = [model.event_at(r).title for r in range(model.rowCount())]
    assert {"A typo of 2024", "The end of time"} <= set(titles)
    window.close()
