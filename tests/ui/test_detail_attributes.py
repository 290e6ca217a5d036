"""The detail pane shows what an imported file carried beyond our fields, and a
date known only to the week or the month as such."""

from sitrep_desktop.domain import Event, Place
from sitrep_desktop.store import Store
from sitrep_desktop.ui.logging.detail_pane import DetailPane
from sitrep_desktop.ui.window.selection import Selection
from sitrep_desktop.ui.window.time_state import TimeState


def pane(qtbot, store: Store) -> tuple[DetailPane, Selection]:
    selection, time_state = Selection(), TimeState()
    detail = DetailPane(store, selection, time_state)
    qtbot.addWidget(detail)
    return detail, selection


def test_an_acled_event_shows_its_columns_and_its_uncertain_week(qtbot):
    store = Store.memory()
    store.categories.ensure(["other"])
    event = store.events.add(
        Event(
            at="2016-12-12",
            title="Remote violence: Idleb",
            attributes={"date_precision": "week", "admin1": "Idleb", "fatalities": 4},
        )
    )
    detail, selection = pane(qtbot, store)
    selection.select("event", event.id)
    assert "some day in the week 12 Dec – 18 Dec 2016 (day uncertain)" in detail.text
    assert "· admin1" in detail.text and "Idleb" in detail.text
    assert "· fatalities" in detail.text
    assert "· date_precision" not in detail.text


def test_a_place_from_google_earth_shows_its_extended_data(qtbot):
    store = Store.memory()
    place = store.places.add(
        Place(name="1", lat=37.78, lon=-122.49, attributes={"menspar": "4", "note": "<b>x</b>"})
    )
    detail, selection = pane(qtbot, store)
    selection.select("place", place.id)
    assert "· menspar" in detail.text
    assert "&lt;b&gt;x&lt;/b&gt;" in detail.body.text()  # attribute text is never markup
