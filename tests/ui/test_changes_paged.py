"""'What changed' over a week of 20,000 events lists them a page at a time, and the
detail pane of a place with 10,000 events pages them."""

import numpy as np
import pytest

from scale_data import fill_events
from sitrep_desktop.services.demo import build_demo, demo_id
from sitrep_desktop.store import Store
from sitrep_desktop.ui.logging.changes_between import EVENT_PAGE, MORE, ChangesBetweenDialog

HOMS = demo_id("place", "Homs")


@pytest.fixture(scope="module")
def busy_week():
    store = Store.memory()
    build_demo(store)
    fill_events(store, 20_000, start=np.datetime64("2025-03-01T00:00:00"), span_s=7 * 86_400)
    yield store
    store.close()


def test_a_week_of_20000_events_lists_a_page_and_a_line_for_the_next(qtbot, busy_week):
    dialog = ChangesBetweenDialog(busy_week, "2025-02-28", "2025-03-08")
    qtbot.addWidget(dialog)
    assert dialog.event_count == 20_000
    assert "Events (20,000)" in dialog.lines
    events = [i for i in range(dialog.results.count()) if dialog.results.item(i).data(256)]
    kinds = [dialog.results.item(i).data(256)[0] for i in events]
    assert kinds.count("event") == EVENT_PAGE
    last = dialog.results.item(dialog.results.count() - 1)
    assert last.data(256) == MORE and "19,500 more" in last.text()
    dialog.results.itemActivated.emit(last)
    listed = [dialog.results.item(i).data(256) for i in range(dialog.results.count())]
    assert sum(1 for d in listed if d and d[0] == "event") == 2 * EVENT_PAGE
    assert "19,000 more" in dialog.lines[-1]


def test_choosing_a_paged_event_selects_it(qtbot, busy_week):
    dialog = ChangesBetweenDialog(busy_week, "2025-02-28", "2025-03-08")
    qtbot.addWidget(dialog)
    item = next(
        dialog.results.item(i)
        for i in range(dialog.results.count())
        if (dialog.results.item(i).data(256) or ("",))[0] == "event"
    )
    with qtbot.waitSignal(dialog.sigRecordChosen) as chosen:
        dialog.results.itemActivated.emit(item)
    assert chosen.args[0] == "event" and busy_week.events.find(chosen.args[1]) is not None


def test_the_detail_pane_of_a_place_with_10000_events_pages_them(qtbot, busy_week):
    from sitrep_desktop.ui.logging.detail_pane import EVENTS_PAGE, DetailPane
    from sitrep_desktop.ui.window.selection import Selection
    from sitrep_desktop.ui.window.time_state import TimeState

    with busy_week.conn:
        busy_week.conn.execute(
            "UPDATE events SET place_id = ? WHERE source = 'synthetic' AND rowid % 2 = 0", (HOMS,)
        )
    selection = Selection()
    pane = DetailPane(busy_week, selection, TimeState())
    qtbot.addWidget(pane)
    selection.select("place", HOMS)
    assert f"1–{EVENTS_PAGE} of 10," in pane.text
    first = pane.text.count("href='event:")
    assert first == EVENTS_PAGE
    pane._on_link(f"events-page:{HOMS}@{EVENTS_PAGE}")
    assert f"{EVENTS_PAGE + 1}–{2 * EVENTS_PAGE} of 10," in pane.text and ">newer<" in pane.text
    selection.select("place", demo_id("place", "Hama"))
    selection.select("place", HOMS)
    assert f"1–{EVENTS_PAGE} of 10," in pane.text  # another place, then back: the latest
