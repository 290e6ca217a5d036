"""ImportRecords: an import is one command; undo removes exactly what it added,
redo puts it back."""

from __future__ import annotations

from sitrep_desktop.commands import ImportRecords
from sitrep_desktop.domain import ControlChange, Event, Place
from sitrep_desktop.io.pipeline import plan_import
from sitrep_desktop.io.records import RecordBatch, derived_id
from sitrep_desktop.services.demo import demo_id
from sitrep_desktop.store.bulk import StoreLookup
from sitrep_desktop.store.content_hash import content_hash


def test_importing_a_bridge_and_its_capture_undoes_and_redoes_as_one_step(
    demo_memory_store,
) -> None:
    store = demo_memory_store
    before = content_hash(store)
    batch = RecordBatch()
    rastan = Place(
        id=derived_id("test", "Rastan bridge"), name="Rastan bridge", lat=34.93, lon=36.73
    )
    batch.add(rastan, "feature 1")
    batch.add(
        ControlChange(
            id=derived_id("test", "change"),
            place_id=rastan.id,
            faction_id=demo_id("faction", "HTS"),
            at="2024-12-06",
            source="test",
        ),
        "feature 2",
    )
    batch.add(
        Event(
            id=derived_id("test", "event"),
            at="2024-12-06",
            title="Bridge taken",
            place_id=rastan.id,
        ),
        "feature 3",
    )
    command = ImportRecords(plan_import(batch, StoreLookup(store), "x.geojson"), "x.geojson")
    assert command.text == "import x.geojson"
    command.do(store)
    assert command.added == {
        "faction": 0,
        "place": 1,
        "control_change": 1,
        "event": 1,
        "annotation": 0,
    }
    after = content_hash(store)
    command.undo(store)
    assert content_hash(store) == before
    command.do(store)
    assert content_hash(store) == after
