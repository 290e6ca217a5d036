"""ACLED CSV: territory sub-events become control changes, the rest events."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sitrep_desktop.io import acled, pipeline
from sitrep_desktop.io.records import ImportFileError
from sitrep_desktop.store import Store
from sitrep_desktop.store.bulk import StoreLookup, insert_records

HEADER = (
    "event_id_cnty",
    "event_date",
    "year",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "country",
    "location",
    "latitude",
    "longitude",
    "source",
    "notes",
    "fatalities",
)
ROWS = [
    (
        "SYR1",
        "2024-12-05",
        "2024",
        "Battles",
        "Non-state actor overtakes territory",
        "Hayat Tahrir al-Sham",
        "Syrian government forces",
        "Syria",
        "Hama",
        "35.1318",
        "36.7578",
        "Reuters",
        "HTS takes Hama.",
        "12",
    ),
    (
        "SYR2",
        "06 December 2024",
        "2024",
        "Explosions/Remote violence",
        "Air/drone strike",
        "Russian forces",
        "",
        "Syria",
        "Talbiseh",
        "34.8407",
        "36.7309",
        "SANA",
        "Strike.",
        "3",
    ),
    (
        "SYR3",
        "2024-12-07",
        "2024",
        "Battles",
        "Government regains territory",
        "Military Forces of Syria",
        "Hayat Tahrir al-Sham",
        "Syria",
        "Qamhana",
        "35.2",
        "36.75",
        "Local media",
        "",
        "0",
    ),
    (
        "SYR4",
        "2024-12-07",
        "2024",
        "Protests",
        "Peaceful protest",
        "Protesters (Syria)",
        "",
        "Syria",
        "Idlib",
        "35.93",
        "36.63",
        "Local media",
        "",
        "0",
    ),
]


def write(path: Path, rows: list[tuple[str, ...]], header: tuple[str, ...] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def import_file(store: Store, path: Path) -> dict[str, int]:
    plan = pipeline.plan_import(pipeline.read_file(path), StoreLookup(store), str(path))
    return insert_records(store, plan.new.lists(), categories=plan.categories)


def test_an_acled_header_is_recognised_from_a_csv_file(tmp_path: Path) -> None:
    assert pipeline.guess_format(write(tmp_path / "acled.csv", ROWS)) == "acled"


def test_hts_overtaking_hama_becomes_a_control_change_at_the_existing_place(
    tmp_path: Path, demo_memory_store
) -> None:
    store = demo_memory_store
    hama = store.places.by_name("Hama")
    places_before = store.places.count()
    added = import_file(store, write(tmp_path / "acled.csv", ROWS))
    assert added["control_change"] == 2 and added["event"] == 2
    # Hama and HTS matched by name; Qamhana and the Syrian army's ACLED name are new.
    assert store.places.count() == places_before + 1
    state = store.control.control_at(hama.id, "2024-12-05")
    assert state is not None
    assert store.factions.get(state.faction_id).name == "Hayat Tahrir al-Sham"
    assert store.factions.by_name("Military Forces of Syria") is not None


def test_other_rows_become_events_with_mapped_categories(tmp_path: Path) -> None:
    store = Store.memory()
    import_file(store, write(tmp_path / "acled.csv", ROWS))
    events = {e.title: e for e in store.events.all()}
    strike = events["Air/drone strike: Talbiseh"]
    assert strike.category == "airstrike"
    assert strike.at.text == "2024-12-06"
    assert strike.geometry == "POINT (36.7309 34.8407)"
    assert "Fatalities: 3" in strike.description
    assert events["Peaceful protest: Idlib"].category == "other"


def test_importing_acled_twice_adds_nothing(tmp_path: Path) -> None:
    store = Store.memory()
    path = write(tmp_path / "acled.csv", ROWS)
    import_file(store, path)
    assert sum(import_file(store, path).values()) == 0


@pytest.mark.parametrize(
    ("column", "value", "field"),
    [
        (1, "yesterday", "event_date"),
        (9, "north", "latitude"),
        (10, "200", "longitude"),
    ],
)
def test_a_bad_value_names_the_line_and_field(
    tmp_path: Path, column: int, value: str, field: str
) -> None:
    rows = [list(r) for r in ROWS]
    rows[2][column] = value
    with pytest.raises(ImportFileError) as caught:
        acled.read(write(tmp_path / "acled.csv", [tuple(r) for r in rows]))
    assert caught.value.problems[0].where == "line 4"
    assert caught.value.problems[0].field == field


def test_a_missing_column_is_refused(tmp_path: Path) -> None:
    header = tuple(c for c in HEADER if c != "latitude")
    rows = [tuple(v for c, v in zip(HEADER, r, strict=True) if c != "latitude") for r in ROWS]
    with pytest.raises(ImportFileError, match="latitude"):
        acled.read(write(tmp_path / "acled.csv", rows, header))


# The column layout of ACLED's older exports (upper case, ALLY_ACTOR_*, the
# territory outcome inside EVENT_TYPE, no SUB_EVENT_TYPE), as in its 2017 files.
OLD_HEADER = (
    "GWNO", "EVENT_ID_CNTY", "EVENT_ID_NO_CNTY", "EVENT_DATE", "YEAR", "TIME_PRECISION",
    "EVENT_TYPE", "ACTOR1", "ALLY_ACTOR_1", "INTER1", "ACTOR2", "ALLY_ACTOR_2", "INTER2",
    "INTERACTION", "COUNTRY", "ADMIN1", "ADMIN2", "ADMIN3", "LOCATION", "LATITUDE",
    "LONGITUDE", "GEO_PRECISION", "SOURCE", "NOTES", "FATALITIES",
)  # fmt: skip
OLD_ROWS = [
    (
        "652", "SYR10", "10", "05/12/2016", "2016", "1",
        "Battle-Government regains territory", "Military Forces of Syria (2000-)", "NA", "1",
        "Jaish al Fateh", "NA", "2", "12", "Syria", "Aleppo", "Jebel Saman", "NA",
        "Aleppo", "36.2021", "37.1343", "1", "SANA", "Army retakes eastern districts.", "4",
    ),
    (
        "652", "SYR11", "11", "12/12/2016", "2016", "2",
        "Remote violence", "Military Forces of Russia (2000-)", "NA", "8",
        "NA", "NA", "0", "80", "Syria", "Idleb", "Idleb", "NA",
        "Idleb", "35.9306", "36.6339", "1", "SOHR", "Air strikes that week.", "NA",
    ),
    (
        "652", "SYR12", "12", "20/12/2016", "2016", "3",
        "Violence against civilians", "Unidentified Armed Group (Syria)", "NA", "3",
        "Civilians (Syria)", "NA", "7", "37", "Syria", "Homs", "Homs", "NA",
        "Homs", "34.7308", "36.7094", "2", "Local media", "Killings reported in December.", "2",
    ),
]  # fmt: skip


def test_an_older_upper_case_export_is_read_with_its_columns_mapped(tmp_path: Path) -> None:
    path = write(tmp_path / "acled_2016.csv", OLD_ROWS, OLD_HEADER)
    assert pipeline.guess_format(path) == "acled"
    batch = acled.read(path)
    assert [c.at.text for c in batch.control] == ["2016-12-05"]
    assert [p.name for p in batch.places] == ["Aleppo"]
    assert [f.name for f in batch.factions] == ["Military Forces of Syria (2000-)"]
    strike, killings = batch.events
    assert strike.category == "other" and strike.title == "Explosions/Remote violence: Idleb"


def test_na_is_empty_not_an_actor_named_na(tmp_path: Path) -> None:
    batch = acled.read(write(tmp_path / "acled_2016.csv", OLD_ROWS, OLD_HEADER))
    strike = batch.events[0]
    assert strike.actors == ("Military Forces of Russia (2000-)",)
    assert "fatalities" not in strike.attributes and "admin3" not in strike.attributes
    assert "Fatalities" not in strike.description


def test_week_and_month_precision_are_kept_and_said(tmp_path: Path) -> None:
    from sitrep_desktop.domain.uncertain_dates import uncertain_date_text

    batch = acled.read(write(tmp_path / "acled_2016.csv", OLD_ROWS, OLD_HEADER))
    week, month = batch.events
    assert week.attributes["date_precision"] == "week"
    assert month.attributes["date_precision"] == "month"
    assert uncertain_date_text(week.at, week.attributes) == (
        "some day in the week 12 Dec – 18 Dec 2016 (day uncertain)"
    )
    assert uncertain_date_text(month.at, month.attributes) == (
        "some day in December 2016 (day uncertain)"
    )
    assert "known to the month only" in month.description


def test_the_other_acled_columns_are_kept_with_the_event(tmp_path: Path) -> None:
    batch = acled.read(write(tmp_path / "acled.csv", ROWS))
    strike = next(e for e in batch.events if "Talbiseh" in e.title)
    assert strike.attributes["event_id_cnty"] == "SYR2"
    assert strike.attributes["country"] == "Syria"
    assert strike.attributes["fatalities"] == 3


REVISION_HEADER = (*HEADER, "timestamp")


def with_timestamp(rows, stamp: str):  # type: ignore[no-untyped-def]
    return [(*row, stamp) for row in rows]


def plan_and_apply(store: Store, path: Path):  # type: ignore[no-untyped-def]
    from sitrep_desktop.commands.imports import ImportRecords

    plan = pipeline.plan_import(pipeline.read_file(path), StoreLookup(store), str(path))
    command = ImportRecords(plan, str(path))
    command.do(store)
    return plan, command


def test_a_newer_export_updates_the_events_acled_revised_and_undo_restores_them(tmp_path):
    store = Store.memory()
    first = write(tmp_path / "week1.csv", with_timestamp(ROWS, "1733500000"), REVISION_HEADER)
    plan_and_apply(store, first)
    revised_rows = [list(r) for r in ROWS]
    revised_rows[1][12] = "Strike on the market; corrected."  # SYR2's notes
    revised_rows[1][13] = "5"  # and its fatalities
    rows = with_timestamp(revised_rows[:2], "1733600000") + with_timestamp(ROWS[2:], "1733500000")
    second = write(tmp_path / "week2.csv", rows, REVISION_HEADER)

    plan, command = plan_and_apply(store, second)

    preview = plan.preview()
    assert preview["updated"] == {"event": 1}  # SYR2 (SYR1 is a control change)
    assert preview["already_present"]["event"] == 1 and sum(preview["new"].values()) == 0
    strike = store.events.get(acled.acled_id("SYR2"))
    assert strike.description.startswith("Strike on the market; corrected.")
    assert strike.attributes["fatalities"] == 5 and strike.attributes["timestamp"] == 1733600000
    assert [e.action for e in store.journal.for_record(strike.id)][-1] == "update"
    command.undo(store)
    assert store.events.get(strike.id).description == "Strike.\nFatalities: 3"
    # The same file again: nothing newer, nothing updated.
    again, _ = plan_and_apply(store, first)
    assert "updated" not in again.preview()


def test_acleds_deleted_events_file_removes_them_and_undo_brings_them_back(tmp_path):
    store = Store.memory()
    plan_and_apply(store, write(tmp_path / "acled.csv", ROWS))
    deleted = tmp_path / "deleted.csv"
    deleted.write_text(
        "event_id_cnty,deleted_timestamp\nSYR2,1733600000\nSYR4,1733600000\nSYR99,1733600000\n",
        encoding="utf-8",
    )
    assert pipeline.guess_format(deleted) == "acled"
    plan, command = plan_and_apply(store, deleted)
    assert plan.preview()["deleted"] == {"event": 2}  # SYR99 was never imported
    assert store.events.count() == 0
    command.undo(store)
    assert store.events.count() == 2
