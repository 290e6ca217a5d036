"""The import pipeline: all-or-nothing, progress, cancel, references, content hash."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

import pytest

from sitrep_desktop.domain import ControlChange, Event
from sitrep_desktop.io import geojson, pipeline
from sitrep_desktop.io.records import ImportFileError, RecordBatch, derived_id
from sitrep_desktop.services.demo import build_demo
from sitrep_desktop.services.exchange import import_file
from sitrep_desktop.store import Store, bulk
from sitrep_desktop.store.bulk import ImportCancelled, StoreLookup, insert_records
from sitrep_desktop.store.content_hash import content_hash


def many_events(count: int) -> RecordBatch:
    batch = RecordBatch()
    for n in range(count):
        batch.add(
            Event(
                id=derived_id("test", n),
                at="2024-12-06",
                title=f"Event {n}",
                geometry=f"POINT (36.{n % 1000:03d} 35.0)",
            )
        )
    return batch


def test_progress_is_reported_chunk_by_chunk_up_to_the_total(monkeypatch) -> None:
    monkeypatch.setattr(bulk, "CHUNK", 500)  # the same three chunks, a tenth of the rows
    store = Store.memory()
    seen: list[tuple[int, int]] = []
    insert_records(
        store,
        many_events(1_200).lists(),
        categories=["other"],
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen[-1] == (1_200, 1_200)
    assert len(seen) == 3
    assert store.events.count() == 1_200


def test_cancelling_between_chunks_writes_nothing(demo_memory_store, monkeypatch) -> None:
    monkeypatch.setattr(bulk, "CHUNK", 500)  # three chunks, a tenth of the rows
    store = demo_memory_store
    before = content_hash(store)
    journal = store.journal.count()
    cancel = threading.Event()
    heard = []
    store.subscribe(heard.append)

    def progress(done: int, total: int) -> None:
        cancel.set()  # the user presses Cancel after the first chunk

    with pytest.raises(ImportCancelled):
        insert_records(
            store,
            many_events(1_200).lists(),
            categories=["other"],
            progress=progress,
            cancel=cancel.is_set,
        )
    assert content_hash(store) == before
    assert store.journal.count() == journal
    assert heard == []


def test_a_control_change_for_an_unknown_place_is_refused_before_writing(demo_memory_store) -> None:
    store = demo_memory_store
    gov = store.factions.by_name("GOV")
    batch = RecordBatch()
    batch.add(
        ControlChange(
            id=derived_id("x"),
            place_id=derived_id("nowhere"),
            faction_id=gov.id,
            at="2024-12-07",
            source="test",
        ),
        "feature 7",
    )
    with pytest.raises(ImportFileError) as caught:
        pipeline.plan_import(batch, StoreLookup(store), "changes.geojson")
    problem = caught.value.problems[0]
    assert (problem.where, problem.field) == ("feature 7", "place_id")
    assert str(caught.value).startswith("changes.geojson: feature 7, field 'place_id'")


def test_import_writes_one_journal_entry_per_record_and_announces_once() -> None:
    store = Store.memory()
    heard = []
    store.subscribe(heard.append)
    insert_records(store, many_events(10).lists(), categories=["other"])
    assert store.journal.count() == 10
    assert [(c.kind, c.action, len(c.ids)) for c in heard if c.kind == "event"] == [
        ("event", "insert", 10)
    ]


def test_content_hash_ignores_journal_and_row_order(tmp_path: Path) -> None:
    first, second = Store.memory(), Store.memory()
    build_demo(first)
    batch = RecordBatch()
    for record in [
        *first.annotations.all(),
        *first.events.all()[::-1],
        *first.control.all(),
        *first.places.all()[::-1],
        *first.factions.all(),
    ]:
        batch.add(record)
    path = tmp_path / "all.geojson"
    geojson.write(batch, path)
    import_file(second, path)
    assert content_hash(first) == content_hash(second)
    assert len(content_hash(first)) == 12
    hama = first.places.by_name("Hama")
    first.places.update(dataclasses.replace(hama, notes="edited"))
    assert content_hash(first) != content_hash(second)


def test_an_unknown_extension_asks_for_a_format(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="--format"):
        pipeline.guess_format(tmp_path / "data.txt")


def test_csv_with_a_column_mapping_reads_another_programs_header(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text("when,what,y,x\n2024-12-06,Convoy seen,34.9,36.7\n", encoding="utf-8")
    batch = pipeline.read_file(
        path, "csv", mapping={"at": "when", "title": "what", "lat": "y", "lon": "x"}
    )
    [event] = batch.events
    assert (event.title, event.at.text, event.geometry) == (
        "Convoy seen",
        "2024-12-06",
        "POINT (36.7 34.9)",
    )
