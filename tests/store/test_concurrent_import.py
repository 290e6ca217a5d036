"""The same file imported twice at once: the second finds the records already present."""

import json

from sitrep_desktop.app import main
from sitrep_desktop.commands.imports import ImportRecords
from sitrep_desktop.services.exchange import plan_file
from sitrep_desktop.store import Store

GEOJSON = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "id": f"f{i}",
            "geometry": {"type": "Point", "coordinates": [36.7 + i / 100, 34.7]},
            "properties": {"name": f"Village {i}", "kind": "village"},
        }
        for i in range(3)
    ],
}


def _two_planned_imports(tmp_path):
    db, source = tmp_path / "ops.db", tmp_path / "villages.geojson"
    source.write_text(json.dumps(GEOJSON))
    Store.open(db).close()
    first, second = Store.open(db), Store.open(db)
    # Both windows read and plan the file before either applies it.
    plans = [plan_file(store, source)[1] for store in (first, second)]
    return db, source, (first, second), plans


def test_the_second_of_two_simultaneous_imports_counts_them_already_present(tmp_path):
    db, source, (first, second), plans = _two_planned_imports(tmp_path)
    one, two = ImportRecords(plans[0], str(source)), ImportRecords(plans[1], str(source))
    one.do(first)
    two.do(second)  # was: StoreError "UNIQUE constraint failed: places.id"
    assert one.added["place"] == 3 and two.added["place"] == 0
    # Undoing the second import leaves the first one's places alone.
    two.undo(second)
    assert second.places.count() == 3
    one.undo(first)
    assert second.places.count() == 0
    first.close()
    second.close()


def test_the_command_line_says_already_present(tmp_path, capsys, monkeypatch):
    db, source, (first, second), plans = _two_planned_imports(tmp_path)
    ImportRecords(plans[0], str(source)).do(first)
    first.close()
    second.close()
    # The CLI's plan is made before the other import lands: replay that order.
    from sitrep_desktop.io import pipeline

    stale_plan = plans[1]
    monkeypatch.setattr(pipeline, "plan_import", lambda *_, **__: stale_plan)
    assert main(["import", str(db), str(source), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["added"]["place"] == 0
    assert result["already_present"]["place"] == 3
