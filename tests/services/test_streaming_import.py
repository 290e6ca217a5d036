"""A row file imported a chunk at a time does exactly what one batch of the
whole file does, undoes exactly, leaves the file untouched when cancelled or
refused, and keeps memory flat however many rows the file has."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from sitrep_desktop.domain import Place
from sitrep_desktop.io.acled import acled_id
from sitrep_desktop.io.records import record_fields
from sitrep_desktop.services import import_stream
from sitrep_desktop.services.exchange import (
    ImportRefused,
    import_batch,
    import_file,
    import_streamed,
    read_import,
)
from sitrep_desktop.store import Store
from sitrep_desktop.store.bulk import ImportCancelled
from sitrep_desktop.store.content_hash import content_hash

COLUMNS = (
    "event_id_cnty",
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "location",
    "latitude",
    "longitude",
    "notes",
)
HOMS = str(uuid.UUID(int=7))
TERRITORY = ("Battles", "Non-state actor overtakes territory")
CLASH = ("Battles", "Armed clash")


def acled_row(n: int, kind=CLASH, location="Village 1", actor="Group A", lat="35.1"):  # type: ignore[no-untyped-def]
    return (f"SYR{n}", f"2024-03-{n % 28 + 1:02d}", *kind, actor, "", location, lat, "36.7", "")


def write_acled(path: Path, rows) -> Path:  # type: ignore[no-untyped-def]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return path


@pytest.fixture()
def mixed_file(tmp_path: Path) -> Path:
    """30 rows over five chunks of 7: towns and actors repeated in every chunk
    (with case differences), one row twice, two bad rows."""
    rows = []
    for n in range(30):
        kind = TERRITORY if n % 2 == 0 else CLASH
        location = ["Village 1", "village 1", "Homs", "Village 2"][n % 4]
        actor = ["Group A", "group a", "Group B"][n % 3]
        rows.append(acled_row(n, kind, location, actor))
    rows.insert(20, acled_row(3))  # the same event again, in a later chunk
    rows.insert(9, acled_row(99, lat="95.0"))  # a latitude past the pole
    rows.insert(25, acled_row(98, lat="north"))
    return write_acled(tmp_path / "mixed.csv", rows)


def store_with_homs() -> Store:
    """A store that already knows Homs (matched by name) and Group B (as a faction)."""
    store = Store.memory()
    store.places.add(Place(id=HOMS, name="HOMS", lat=34.73, lon=36.71, kind="city"))
    return store


def whole_batch(store: Store, path: Path, **options):  # type: ignore[no-untyped-def]
    fmt, batch = read_import(path)
    return import_batch(store, batch, path, fmt, **options)


def records(store: Store) -> list[dict]:
    """Every record's fields but its time stamps (set when a file is read)."""
    found = []
    for repository in (store.factions, store.places, store.control, store.events):
        for record in repository.all():
            fields = record_fields(record)
            found.append({k: v for k, v in fields.items() if k not in ("created", "updated")})
    return sorted(found, key=lambda r: r["id"])


def comparable(summary: dict) -> dict:
    return {k: v for k, v in summary.items() if k not in ("file",)}


def test_chunks_of_seven_rows_import_what_one_batch_imports(mixed_file: Path) -> None:
    whole, streamed = store_with_homs(), store_with_homs()
    expected = whole_batch(whole, mixed_file, skip_bad=True)
    result = import_streamed(streamed, mixed_file, "acled", skip_bad=True, chunk_rows=7)
    assert comparable(result.summary()) == comparable(expected.summary())
    assert records(streamed) == records(whole)
    # Homs was matched by name against the store, in every chunk; the village added once.
    assert result.summary()["added"]["place"] == 1
    homs_changes = [c for c in streamed.control.all() if c.place_id == HOMS]
    assert len(homs_changes) == 7 and len(streamed.places.all()) == 2
    assert len(result.plan.skipped) == 2


def test_a_dry_run_in_chunks_counts_what_one_batch_counts_and_writes_nothing(
    mixed_file: Path,
) -> None:
    whole, streamed = store_with_homs(), store_with_homs()
    before = content_hash(streamed)
    expected = whole_batch(whole, mixed_file, skip_bad=True, dry_run=True)
    result = import_streamed(
        streamed, mixed_file, "acled", skip_bad=True, dry_run=True, chunk_rows=7
    )
    assert comparable(result.summary()) == comparable(expected.summary())
    assert result.summary()["new"]["event"] == 15
    assert content_hash(streamed) == before


def test_a_second_streamed_import_finds_everything_already_present(mixed_file: Path) -> None:
    store = store_with_homs()
    import_streamed(store, mixed_file, "acled", skip_bad=True, chunk_rows=7)
    again = import_streamed(store, mixed_file, "acled", skip_bad=True, chunk_rows=7).summary()
    assert sum(again["added"].values()) == 0
    assert again["already_present"]["event"] == 15


def test_a_streamed_import_undoes_exactly_and_redoes(mixed_file: Path) -> None:
    store = store_with_homs()
    before = content_hash(store)
    result = import_streamed(store, mixed_file, "acled", skip_bad=True, chunk_rows=7)
    imported = records(store)
    assert content_hash(store) != before and result.command is not None
    result.command.undo(store)
    assert content_hash(store) == before
    assert store.places.get(HOMS).name == "HOMS"  # the matched place stays
    result.command.do(store)  # redo: the file read again, the same records added
    assert records(store) == imported
    result.command.undo(store)
    assert content_hash(store) == before


def test_undo_leaves_what_was_there_before_the_import(tmp_path: Path) -> None:
    store = Store.memory()
    earlier = write_acled(tmp_path / "earlier.csv", [acled_row(n) for n in range(5)])
    import_streamed(store, earlier, "acled", chunk_rows=2)
    before = content_hash(store)
    later = write_acled(tmp_path / "later.csv", [acled_row(n) for n in range(3, 12)])
    result = import_streamed(store, later, "acled", chunk_rows=2)
    assert result.added["event"] == 7 and result.summary()["already_present"]["event"] == 2
    assert result.command is not None
    result.command.undo(store)
    assert content_hash(store) == before
    assert store.events.get(acled_id("SYR4")) is not None


def database_bytes(path: Path) -> bytes:
    return path.read_bytes()


def test_a_cancel_in_the_middle_leaves_the_file_byte_for_byte(
    tmp_path: Path, mixed_file: Path
) -> None:
    db = tmp_path / "field.db"
    Store.open(db).close()
    before = database_bytes(db)
    asked = []

    def cancel() -> bool:
        asked.append(1)
        return len(asked) == 3  # after two chunks were inserted

    with Store.open(db) as store, pytest.raises(ImportCancelled):
        import_streamed(store, mixed_file, "acled", skip_bad=True, cancel=cancel, chunk_rows=7)
    assert database_bytes(db) == before


def test_a_refused_streamed_import_writes_nothing_and_counts_everything(
    tmp_path: Path, mixed_file: Path
) -> None:
    db = tmp_path / "field.db"
    Store.open(db).close()
    before = database_bytes(db)
    with pytest.raises(ImportRefused) as whole:
        whole_batch(Store.memory(), mixed_file)
    with Store.open(db) as store, pytest.raises(ImportRefused) as caught:
        import_streamed(store, mixed_file, "acled", chunk_rows=7)
    assert "2 entries cannot be imported, the other 34 can" in str(caught.value)
    assert str(caught.value) == str(whole.value)
    assert database_bytes(db) == before


def test_a_streamed_import_lists_the_first_problems_and_counts_them_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_stream, "MAX_LISTED", 3)
    rows = [acled_row(n, lat="north" if n % 2 else "35.0") for n in range(12)]
    path = write_acled(tmp_path / "bad.csv", rows)
    summary = import_streamed(
        Store.memory(), path, "acled", skip_bad=True, dry_run=True, chunk_rows=4
    ).summary()
    assert len(summary["skipped"]) == 3 and summary["skipped_total"] == 6
    assert summary["skipped"][0]["where"] == "line 3"


def test_import_file_streams_a_csv_of_events(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(
        "at,title,place,lat,lon\n"
        + "".join(f"2024-12-0{n % 9 + 1},Report {n},Talbiseh,34.84,36.73\n" for n in range(25)),
        encoding="utf-8",
    )
    store = Store.memory()
    result = import_file(store, path)
    assert result.command is not None  # the streamed path
    assert result.added["event"] == 25 and result.added["place"] == 1


def test_an_empty_row_file_is_never_ok(tmp_path: Path) -> None:
    path = write_acled(tmp_path / "empty.csv", [])
    with pytest.raises(Exception, match="no records found"):
        import_streamed(Store.memory(), path, "acled")


CHILD = textwrap.dedent(
    """
    import csv, json, resource, sys
    from pathlib import Path
    from sitrep_desktop.services.exchange import import_streamed
    from sitrep_desktop.store import Store

    rows, folder = int(sys.argv[1]), Path(sys.argv[2])
    source = folder / f"acled-{rows}.csv"
    with source.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("event_id_cnty", "event_date", "event_type", "sub_event_type",
                         "actor1", "location", "latitude", "longitude", "notes"))
        for n in range(rows):
            writer.writerow((f"SYR{n}", f"2024-01-{n % 28 + 1:02d}", "Battles", "Armed clash",
                             f"Group {n % 20}", f"Village {n % 300}", "35.1", "36.7",
                             f"A generated report of row {n}, long enough to weigh a little."))
    with Store.open(folder / f"import-{rows}.db") as store:
        result = import_streamed(store, source, "acled", chunk_rows=1000)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"added": result.added["event"], "peak_kib": peak}))
    """
)


def child_peak(rows: int, folder: Path) -> int:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(rows), str(folder)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=True,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["added"] == rows
    return figures["peak_kib"]


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux only")
def test_memory_stays_flat_from_4000_to_16000_rows(tmp_path: Path) -> None:
    small = child_peak(4_000, tmp_path)
    large = child_peak(16_000, tmp_path)
    # One batch of the whole file grew 18 MB from 4,000 to 16,000 rows (streamed: 0.7 MB).
    assert large - small < 8_000, f"peak {small} KiB at 4,000 rows, {large} KiB at 16,000"
