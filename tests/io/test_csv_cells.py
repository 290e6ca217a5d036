"""CSV: cells a spreadsheet would run are written as text; other columns are kept."""

from __future__ import annotations

import csv as stdlib_csv
from pathlib import Path

from sitrep_desktop.domain import Event, Place
from sitrep_desktop.io import csv
from sitrep_desktop.io.records import RecordBatch


def cells(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(stdlib_csv.reader(handle))


def test_formula_cells_get_a_leading_quote_and_read_back_as_they_were(tmp_path):
    homs = Place(name='=HYPERLINK("http://x","Homs")', lat=34.7, lon=-36.7)
    event = Event(
        at="2024-12-05",
        title="=cmd|' /C calc'!A0",
        description="+1 more",
        actors=("@everyone", "-HTS"),
        source="-",
        place_id=homs.id,
    )
    batch = RecordBatch()
    batch.add(homs)
    batch.add(event)
    path = tmp_path / "out.csv"
    csv.write(batch, path)
    header, row = cells(path)
    by_column = dict(zip(header, row, strict=True))
    assert by_column["title"] == "'=cmd|' /C calc'!A0"
    assert by_column["place"].startswith("'=HYPERLINK(")
    assert by_column["description"] == "'+1 more"
    assert by_column["actors"] == "'@everyone; -HTS"
    assert by_column["source"] == "'-"
    assert by_column["place_lon"] == "-36.7"  # a number stays a number
    back = csv.read(path)
    assert back.events[0].title == event.title
    assert back.events[0].actors == event.actors
    assert back.places[0].name == homs.name


def test_a_users_columns_are_kept_and_never_overwrite_the_audit_stamps(tmp_path):
    path = tmp_path / "theirs.csv"
    path.write_text(
        "id,at,title,NAME,updated,author,casualties,place,lat,lon\n"
        "7,2024-12-05,Clash,North gate,1999-01-01,mallory,4,Talbiseh,34.84,36.73\n",
        encoding="utf-8",
    )
    batch = csv.read(path)
    (event,) = batch.events
    assert event.updated != "1999-01-01" and event.author != "mallory"
    assert event.attributes == {
        "id": "7",
        "NAME": "North gate",
        "updated": "1999-01-01",
        "author": "mallory",
        "casualties": "4",
    }
    # The place named without coordinates is located by the event's own point.
    (place,) = batch.places
    assert (place.name, place.lat, place.lon) == ("Talbiseh", 34.84, 36.73)
    assert event.place_id == place.id


def test_attributes_go_out_as_their_own_columns_and_come_back(tmp_path):
    batch = RecordBatch()
    batch.add(
        Event(
            at="2024-12-05",
            title="Clash",
            attributes={"casualties": 4, "admin1": "Hama", "=cmd": "x", "z": [1.5, 2.0]},
        )
    )
    path = tmp_path / "out.csv"
    csv.write(batch, path)
    header, row = cells(path)
    assert header[-4:] == ["'=cmd", "admin1", "casualties", "z"]
    assert row[-4:] == ["x", "Hama", "4", "[1.5, 2.0]"]
    (event,) = csv.read(path).events
    assert event.attributes == {"=cmd": "x", "admin1": "Hama", "casualties": "4", "z": "[1.5, 2.0]"}
