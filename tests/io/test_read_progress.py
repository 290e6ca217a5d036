"""Reading a file reports how far it got, in the file's bytes, and stops when told to."""

from __future__ import annotations

import codecs
import csv as stdlib_csv
import hashlib
from pathlib import Path

import pytest

from sitrep_desktop.domain import Event
from sitrep_desktop.io import csv, pipeline
from sitrep_desktop.io.progress import ImportCancelled
from sitrep_desktop.io.records import ImportFileError, RecordBatch
from sitrep_desktop.services.demo import write_demo
from sitrep_desktop.services.exchange import import_file, write_export
from sitrep_desktop.store import Store
from sitrep_desktop.store.content_hash import content_hash

EVENTS = 600  # a CSV of ~100 kB: several reads of READ_CHARS (made small below)


@pytest.fixture(autouse=True)
def small_reads(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Eight reads of a 100 kB file show progress as well as eight of a 500 kB one.
    monkeypatch.setattr(csv, "READ_CHARS", 12_000)


SUFFIXES = {
    "geojson": "geojson",
    "kml": "kml",
    "csv": "csv",
    "gpkg": "gpkg",
    "cot": "cot",
    "datapackage": "zip",
}


def many_events() -> RecordBatch:
    batch = RecordBatch()
    for n in range(EVENTS):
        batch.add(
            Event(
                at=f"2024-12-{n % 28 + 1:02d}",
                title=f"Convoy {n} seen on the M5",
                category="movement",
                geometry=f"POINT ({36 + n / 10_000} {34.9})",
            )
        )
    return batch


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    """The same 600 events in every format, and an ACLED file of as many rows."""
    folder = tmp_path_factory.mktemp("progress")
    batch = many_events()
    files = {}
    for fmt, suffix in SUFFIXES.items():
        # A .cot of several records comes out as a data package (.zip).
        files[fmt] = write_export(batch, folder / f"events.{suffix}", fmt).path
    files["acled"] = folder / "acled.csv"
    with files["acled"].open("w", newline="", encoding="utf-8") as handle:
        writer = stdlib_csv.writer(handle)
        writer.writerow(
            ("event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1")
            + ("location", "latitude", "longitude")
        )
        for n in range(EVENTS):
            writer.writerow(
                (f"SYR{n}", "2024-12-06", "Battles", "Armed clash", "Armed group 1")
                + ("Rastan", "34.93", "36.73")
            )
    return files


def reports_of(path: Path, fmt: str) -> list[tuple[int, int]]:
    calls: list[tuple[int, int]] = []
    pipeline.read_file(path, fmt, progress=lambda done, total: calls.append((done, total)))
    return calls


def test_reading_a_csv_reports_growing_byte_counts_up_to_the_file_size(exported) -> None:  # type: ignore[no-untyped-def]
    size = exported["csv"].stat().st_size
    calls = reports_of(exported["csv"], "csv")
    done = [d for d, _ in calls]
    assert len(calls) >= 5  # reported as it reads, not once at the end
    assert done == sorted(set(done))
    assert done[-1] == size
    assert {total for _, total in calls} == {size}


def test_reading_geojson_reports_growing_byte_counts_up_to_the_file_size(exported) -> None:  # type: ignore[no-untyped-def]
    size = exported["geojson"].stat().st_size
    calls = reports_of(exported["geojson"], "geojson")
    done = [d for d, _ in calls]
    assert len(calls) >= 100
    assert done == sorted(set(done))
    assert done[-1] == size
    assert {total for _, total in calls} == {size}


@pytest.mark.parametrize("fmt", [*SUFFIXES, "acled"])
def test_every_format_reports_from_start_to_the_file_size(exported, fmt: str) -> None:  # type: ignore[no-untyped-def]
    size = exported[fmt].stat().st_size
    done = [d for d, _ in reports_of(exported[fmt], fmt)]
    assert done == sorted(set(done))
    assert done[-1] == size


def file_digest(path: Path) -> str:
    """Bytes of the database and any WAL beside it."""
    digest = hashlib.sha256()
    for suffix in ("", "-wal"):
        part = Path(f"{path}{suffix}")
        if part.exists():
            digest.update(part.read_bytes())
    return digest.hexdigest()


@pytest.mark.parametrize("fmt", ["csv", "geojson", "acled"])
def test_cancelling_stops_reading_at_once_and_leaves_the_database_as_it_was(
    exported, tmp_path: Path, fmt: str
) -> None:  # type: ignore[no-untyped-def]
    db = write_demo(tmp_path / "demo.db")
    calls = []

    def cancel_on_the_second_report(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 2:
            raise ImportCancelled

    with Store.open(db) as store:
        before, hashed = file_digest(db), content_hash(store)
        with pytest.raises(ImportCancelled):
            import_file(store, exported[fmt], fmt, progress=cancel_on_the_second_report)
        assert len(calls) == 2  # nothing more was read
        assert calls[-1] < exported[fmt].stat().st_size
        assert file_digest(db) == before
        assert content_hash(store) == hashed


def test_a_bad_byte_deep_in_a_csv_is_named_by_its_offset_in_the_file() -> None:
    rows = "".join(f"2024-12-06,Convoy {n}\n" for n in range(10_000)).encode()
    data = codecs.BOM_UTF8 + b"at,title\n" + rows + b"2024-12-06,Caf\xe9\n"
    with pytest.raises(ImportFileError) as caught:
        csv.parse(data, "log.csv")
    problem = caught.value.problems[0]
    offset = data.index(b"\xe9")  # past the first 64 kB read, counting the BOM
    assert (problem.where, problem.field) == (f"byte {offset}", "encoding")
