"""The event list pane: quick filter, each filter in the bar, saved filters, sorting."""

import shutil

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest

from sitrep_desktop.domain import Event
from sitrep_desktop.services.demo import demo_id
from sitrep_desktop.store import Store
from sitrep_desktop.ui.logging.event_list import PAGE_SIZE
from sitrep_desktop.ui.window.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def titles(pane):
    model = pane.model
    return [model.event_at(row).title for row in range(model.rowCount())]


@pytest.fixture
def list_window(shared_window):
    """The module's shared window (tests/ui/conftest.py), for the tests that only
    read; after each, the list's search, filters, order and the selection and view
    go back to what a new window shows."""
    yield shared_window
    pane = shared_window.event_list
    pane.filter_box.clear()
    pane.filters.near_km.setValue(25.0)
    pane.filters.clear()
    pane.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    shared_window.selection.clear()
    shared_window.canvas.zoom_to_all()


def test_quick_filter_is_full_text(list_window):
    pane = list_window.event_list
    pane.filter_box.setText("rastan")
    assert titles(pane) == ["Air strikes on al-Rastan"]
    pane.filter_box.clear()
    assert len(titles(pane)) == 10


def test_category_faction_actor_and_confidence(list_window):
    bar = list_window.event_list.filters
    bar.category.setCurrentText("airstrike")
    assert len(titles(list_window.event_list)) == 2
    bar.category.setCurrentText("Any")
    bar.faction.setCurrentIndex(bar.faction.findData("RUS"))
    assert len(titles(list_window.event_list)) == 2
    bar.faction.setCurrentIndex(0)
    bar.actor.setText("Syrian government forces")
    bar.actor.editingFinished.emit()
    assert len(titles(list_window.event_list)) == 4
    bar.actor.clear()
    bar.confidence.setCurrentText("high")
    assert len(titles(list_window.event_list)) == 5


def test_time_range_and_a_bad_date_marked_not_applied(list_window):
    bar = list_window.event_list.filters
    bar.since.setText("2024-12-05")
    bar.until.setText("2024-12-05")
    bar.until.editingFinished.emit()
    assert titles(list_window.event_list) == ["HTS captures Hama"]
    bar.until.setText("5th Dec")
    bar.until.editingFinished.emit()
    assert "border" in bar.until.styleSheet()
    assert len(titles(list_window.event_list)) == 7  # the bad "to" is ignored: 5 and 6 Dec


def test_within_n_km_of_a_place(list_window):
    bar = list_window.event_list.filters
    bar.near_km.setValue(15)
    bar.near_place.setCurrentIndex(bar.near_place.findData(demo_id("place", "Homs")))
    near = titles(list_window.event_list)
    assert "Syrian and Russian air strikes on Talbiseh" in near
    assert "Air strikes on al-Rastan" not in near
    bar.near_km.setValue(25)
    assert "Air strikes on al-Rastan" in titles(list_window.event_list)


def test_only_what_the_map_shows(list_window):
    list_window.canvas.set_lonlat_range(36.9, 36.0, 37.4, 36.4)
    list_window.event_list.filters.map_only.setChecked(True)
    assert titles(list_window.event_list) == ["HTS captures Aleppo"]


def test_saved_filter_is_recalled_by_name(window):
    bar = window.event_list.filters
    bar.category.setCurrentText("airstrike")
    bar.save_as("Air strikes")
    bar.clear()
    assert len(titles(window.event_list)) == 10
    assert bar.recall("Air strikes")
    assert len(titles(window.event_list)) == 2
    assert "Air strikes" in bar.saved.names()


def test_sorting_by_a_column(list_window):
    pane = list_window.event_list
    pane.table.sortByColumn(2, Qt.SortOrder.AscendingOrder)
    shown = titles(pane)
    assert shown == sorted(shown, key=str.casefold)


def test_selecting_an_event_elsewhere_selects_its_row(list_window):
    event = next(e for e in list_window.store.events.all() if e.title == "HTS captures Hama")
    list_window.selection.select("event", event.id)
    assert list_window.event_list.table.currentIndex().row() == 3


def test_the_model_reads_pages_not_everything(list_window):
    model = list_window.event_list.model
    model.event_at(0)
    assert model.loaded_rows <= 200


@pytest.fixture(scope="module")
def paged_window(qapp, tmp_path_factory, _demo_template):
    """A window on the demo plus 450 events, more than two pages of the list. Built
    once: each sort order below only reads it."""
    folder = tmp_path_factory.mktemp("paged")
    path = folder / "demo.db"
    shutil.copyfile(_demo_template, path)
    window = MainWindow(QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat))
    window.open_store(Store.open(path), path)
    window.resize(1400, 900)
    window.show()
    QTest.qWaitForWindowExposed(window)
    places = [demo_id("place", name) for name in ("Homs", "Hama", "Aleppo")] + [None]
    window.store.events.add_many(
        Event(
            at=f"2024-12-{1 + n % 9:02d}T{n % 24:02d}:00Z",
            title=("Shelling", "shelling", "Clash")[n % 3],
            category=("shelling", "clash", "other")[n % 3],
            place_id=places[n % 4],
            confidence=("low", "medium", "high")[n % 3],
        )
        for n in range(450)
    )
    yield window
    window.close()  # and with it the store
    window.deleteLater()
    qapp.processEvents()


@pytest.mark.parametrize("column", range(5))
@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
def test_scrolling_down_pages_continues_in_every_sort_order(paged_window, column, order):
    """Past the first page the list continues from the last row it read (a keyset),
    in every column's order: the rows are exactly the one-query order."""
    model = paged_window.event_list.model
    model.sort(column, order)
    assert model.rowCount() == 460 > 2 * PAGE_SIZE
    listed = [model.event_at(row).id for row in range(model.rowCount())]
    whole = model.queries.page(
        model.effective_filter(),
        sort=model.sort_key,
        descending=model.descending,
        limit=1000,
    )
    assert listed == [event.id for _rowid, event in whole]
