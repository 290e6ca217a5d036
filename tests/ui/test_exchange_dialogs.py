"""Import and export from the window: preview, problems, undo, cancel, time."""

import json

import pytest

from sitrep_desktop.domain import Event, parse_moment
from sitrep_desktop.services.exchange import gather, write_export
from sitrep_desktop.store import Store
from sitrep_desktop.ui.exchange.dialogs import apply_import, export_data, preview_import


@pytest.fixture
def reading_window(shared_window):
    """The module's shared window (tests/ui/conftest.py), for the tests that only
    preview, cancel or export; after each, the previews closed, the status bar
    empty and the map at "latest" again."""
    yield shared_window
    from sitrep_desktop.ui.exchange.dialogs import ImportPreviewDialog

    for dialog in shared_window.findChildren(ImportPreviewDialog):
        dialog.close()
        dialog.deleteLater()
    shared_window.statusBar().clearMessage()
    shared_window.time_state.set_at(None)


@pytest.fixture
def new_events_file(tmp_path):
    """A GeoJSON export of a database holding two events the demo does not have."""
    path = tmp_path / "colleague.geojson"
    with Store.open(tmp_path / "colleague.db") as other:
        other.categories.ensure_defaults()
        for title in ("Convoy seen on the M5 near Rastan", "Bridge at Rastan damaged"):
            other.events.add(
                Event(
                    at="2024-12-07",
                    title=title,
                    category="movement",
                    geometry="POINT (36.73 34.93)",
                )
            )
        write_export(gather(other), path, "geojson")
    return path


def test_the_file_menu_offers_import_and_export(shared_window):
    assert shared_window.features.exchange.import_data.shortcut().toString() == "Ctrl+I"
    assert shared_window.features.exchange.export_data.shortcut().toString() == "Ctrl+Shift+E"
    assert shared_window.features.exchange.import_data in shared_window.menu_file.actions()


def test_import_previews_then_adds_in_one_undoable_step(window, new_events_file):
    before = window.store.events.count()
    dialog = preview_import(window, new_events_file)
    assert dialog.import_button.isEnabled()
    rows = {r[0]: r[1:] for r in dialog.problem_rows()}
    assert rows["events"] == ("2", "0")
    assert window.store.events.count() == before  # a preview writes nothing
    assert apply_import(window, dialog.plan, new_events_file)
    assert window.store.events.count() == before + 2
    assert window.event_list.model.rowCount() == before + 2
    window.undo_stack.undo()
    assert window.store.events.count() == before
    window.undo_stack.redo()
    assert window.store.events.count() == before + 2


def test_importing_the_same_file_again_adds_nothing(window, new_events_file):
    apply_import(window, preview_import(window, new_events_file).plan, new_events_file)
    again = preview_import(window, new_events_file)
    assert not again.import_button.isEnabled()
    assert "already in the database" in again.summary.text()


def test_a_malformed_file_lists_its_problems_and_imports_nothing(reading_window, tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [36.7, 95.0]},
                        "properties": {"kind": "event", "title": "x", "at": "2024-12-07"},
                    },
                    {"type": "Nonsense"},
                ],
            }
        )
    )
    journal = reading_window.store.journal.count()
    dialog = preview_import(reading_window, bad)
    assert not dialog.import_button.isEnabled()
    assert "Nothing was imported" in dialog.summary.text()
    problems = dialog.problem_rows()
    assert [p[0] for p in problems] == ["feature 1", "feature 2"]
    assert reading_window.store.journal.count() == journal


def test_cancelling_an_import_adds_nothing(reading_window, new_events_file):
    before = reading_window.store.events.count()
    plan = preview_import(reading_window, new_events_file).plan
    assert not apply_import(reading_window, plan, new_events_file, cancel=lambda: True)
    assert reading_window.store.events.count() == before
    assert reading_window.undo_stack.count() == 0
    assert "cancelled" in reading_window.statusBar().currentMessage()


def test_export_writes_the_situation_as_of_the_map_time(reading_window, tmp_path):
    reading_window.time_state.set_at(parse_moment("2024-12-04"))
    out = export_data(reading_window, tmp_path / "as_of.geojson")
    features = json.loads(out.read_text())["features"]
    titles = {f["properties"].get("title") for f in features}
    assert "HTS captures Aleppo" in titles
    assert "HTS captures Hama" not in titles  # 5 December: after the map's time


def test_a_file_with_some_bad_features_offers_to_import_the_rest(window, tmp_path):
    mixed = tmp_path / "mixed.geojson"
    point = {"type": "Point", "coordinates": [36.73, 34.93]}
    mixed.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "geometry": point, "properties": {"name": "Rastan bridge"}},
                    {"type": "Feature", "geometry": point, "properties": {}},
                    {"type": "Nonsense"},
                ],
            }
        )
    )
    places = window.store.places.count()
    dialog = preview_import(window, mixed)
    assert dialog.import_button.isEnabled() and dialog.import_button.text() == "Import the rest"
    assert "1 entry cannot be imported" in dialog.summary.text()
    listed = dialog.listed_rows()
    assert ("left out", "feature 3", "type") == listed[0][:3]
    assert ("repaired", "feature 2", "name") == listed[1][:3]
    assert apply_import(window, dialog.plan, mixed)
    assert window.store.places.count() == places + 2
    assert window.statusBar().currentMessage().endswith("(1 entry left out)")
    window.undo_stack.undo()
    assert window.store.places.count() == places


def test_the_file_dialogs_filters_come_from_the_format_table():
    from sitrep_desktop.ui.exchange.dialogs import EXPORT_FILTER, IMPORT_FILTER

    assert "*.gpx" in IMPORT_FILTER and "*.fgb" in IMPORT_FILTER and "*.kmz" in IMPORT_FILTER
    assert IMPORT_FILTER.count("(*.csv)") == 1  # CSV and ACLED CSV: one filter, told by content
    assert "*.kmz" not in EXPORT_FILTER and "*.gpx" not in EXPORT_FILTER
    assert "TAK data package (*.zip)" in EXPORT_FILTER


def test_one_layer_of_a_multi_layer_geopackage_can_be_chosen(reading_window, tmp_path):
    import numpy as np
    import shapely
    from pyogrio import raw

    from sitrep_desktop.ui.exchange.dialogs import layer_choice

    path = tmp_path / "survey.gpkg"
    for layer, shape in (
        ("wells", shapely.Point(36.7, 34.9)),
        ("tracks", shapely.LineString([(36.7, 34.9), (36.75, 35.1)])),
    ):
        raw.write(
            path,
            np.array([shapely.to_wkb(shape)], dtype=object),
            [np.array([f"one of the {layer}"], dtype=object)],
            ["name"],
            layer=layer,
            driver="GPKG",
            geometry_type=shape.geom_type,
            crs="EPSG:4326",
            append=path.exists(),
        )
    assert layer_choice(path) == ["wells", "tracks"]
    assert layer_choice(tmp_path / "nothing.geojson") == []
    dialog = preview_import(reading_window, path, layer="tracks")
    rows = {r[0]: r[1:] for r in dialog.problem_rows()}
    assert rows["drawings"] == ("1", "0") and rows["places"] == ("0", "0")
