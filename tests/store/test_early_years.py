"""Years 0001-9999 in the store, the CLI and the exports: padded keys, migration 4."""

import json
import sqlite3

import pytest

from sitrep_desktop.app import main
from sitrep_desktop.domain import ControlChange, Event, Faction, Place
from sitrep_desktop.services.exchange import gather, write_export
from sitrep_desktop.store import Store
from sitrep_desktop.store.opening import migrate

HOMS = "3b241101-e2bb-4255-8caf-4136c566a962"
GOV, RUS = "0f5a6f52-6a0c-4f55-9d43-2b5fd5a40001", "0f5a6f52-6a0c-4f55-9d43-2b5fd5a40002"
STAMP = "'2024-12-01T00:00:00.000000Z', '2024-12-01T00:00:00.000000Z', 'analyst'"


def _version_3_file_with_an_unpadded_key(path):
    """A v3 file as the old code wrote it: a typo of 0999 stored as '999-…'."""
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=3)
    conn.executescript(
        f"""
        INSERT INTO categories (name, label) VALUES ('capture', 'Capture');
        INSERT INTO places (id, name, kind, lat, lon, created, updated, author)
            VALUES ('{HOMS}', 'Homs', 'city', 34.72, 36.72, {STAMP});
        INSERT INTO factions (id, name, short_name, colour, created, updated, author) VALUES
            ('{GOV}', 'Government', 'GOV', '#c62828', {STAMP}),
            ('{RUS}', 'Russian forces', 'RUS', '#6a1b9a', {STAMP});
        INSERT INTO control_changes (id, place_id, faction_id, at, at_key, source,
                                     confidence, created, updated, author) VALUES
            ('c1', '{HOMS}', '{GOV}', '2024-12-01', '2024-12-01', 'report', 'high', {STAMP}),
            ('c2', '{HOMS}', '{RUS}', '0999-01-01T00:00:00Z', '999-01-01T00:00:00.000000Z',
             'typo', 'low', {STAMP});
        INSERT INTO events (id, at, at_key, category, title, place_id, confidence,
                            created, updated, author) VALUES
            ('e1', '2024-12-06T10:00:00Z', '2024-12-06T10:00:00.000000Z', 'capture',
             'Homs encircled', '{HOMS}', 'high', {STAMP}),
            ('e2', '0999-01-01T00:00:00Z', '999-01-01T00:00:00.000000Z', 'capture',
             'A typo', '{HOMS}', 'low', {STAMP});
        INSERT INTO annotations (id, kind, geometry, valid_from, valid_from_key,
                                 created, updated, author) VALUES
            ('a1', 'line', 'LINESTRING (36 34, 37 35)', '0999-01-01T00:00:00Z',
             '999-01-01T00:00:00.000000Z', {STAMP});
        """
    )
    conn.close()


def test_migration_4_from_version_3_pads_old_keys(tmp_path):
    path = tmp_path / "v3.db"
    _version_3_file_with_an_unpadded_key(path)
    with Store.open(path) as store:
        assert store.schema_version >= 4
        keys = dict(store.conn.execute("SELECT id, at_key FROM control_changes"))
        assert keys == {"c1": "2024-12-01", "c2": "0999-01-01T00:00:00.000000Z"}
        assert store.events.get("e2").at.key == "0999-01-01T00:00:00.000000Z"
        assert store.annotations.get("a1").valid_from.key == "0999-01-01T00:00:00.000000Z"
        # Homs is held by the government, not by the typo of 0999.
        assert store.control.control_at(HOMS).faction_id == GOV
        assert [e.title for e in store.events.query(since="2024-12-06")] == ["Homs encircled"]


@pytest.fixture
def homs_store(tmp_path):
    path = tmp_path / "homs.db"
    with Store.open(path) as store:
        store.categories.ensure_defaults()
        homs = store.places.add(Place(name="Homs", lat=34.72, lon=36.72, kind="city"))
        gov = store.factions.add(Faction(name="Government", short_name="GOV", colour="#c62828"))
        rus = store.factions.add(Faction(name="Russia", short_name="RUS", colour="#6a1b9a"))
        store.control.add(
            ControlChange(place_id=homs.id, faction_id=gov.id, at="2024-12-01", source="r")
        )
        store.control.add(
            ControlChange(place_id=homs.id, faction_id=rus.id, at="0999-01-01T00:00Z", source="t")
        )
        store.events.add(Event(at="0999-01-01T00:00Z", title="A typo", place_id=homs.id))
        store.events.add(Event(at="9999-12-31T23:59Z", title="Far future", place_id=homs.id))
        store.events.add(Event(at="2024-12-06T10:00Z", title="Homs encircled"))
    return path


def test_a_control_change_in_0999_is_the_earliest_not_the_latest(homs_store, capsys):
    assert main(["control", str(homs_store), "--json"]) == 0
    (homs,) = json.loads(capsys.readouterr().out)["places"]
    assert homs["faction_short"] == "GOV"


def test_events_since_a_day_do_not_list_the_year_0999(homs_store, capsys):
    assert main(["events", str(homs_store), "--since", "2024-12-06", "--json"]) == 0
    titles = [e["title"] for e in json.loads(capsys.readouterr().out)["events"]]
    assert "A typo" not in titles and "Homs encircled" in titles


@pytest.mark.parametrize("option", ["--since", "--until"])
def test_a_time_outside_the_calendar_on_the_command_line_is_one_line(homs_store, capsys, option):
    code = main(["events", str(homs_store), option, "0001-01-01T00:00:00+14:00"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "outside the years 0001-9999" in err


def test_control_at_outside_the_calendar_is_one_line(homs_store, capsys):
    code = main(["control", str(homs_store), "--at", "9999-12-31T23:00:00-05:00"])
    assert code == 2
    assert "0001-9999" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["cot", "gpkg", "datapackage", "geojson", "kml", "csv"])
def test_every_export_takes_the_years_0999_and_9999(homs_store, tmp_path, fmt):
    target = tmp_path / f"out.{fmt}"
    with Store.open(homs_store) as store:
        written = write_export(gather(store), target, fmt)
    # Several CoT events travel as a data package (.zip), as ATAK reads them.
    assert written.path.stat().st_size > 0


def test_an_import_flags_a_year_that_looks_like_a_typo(homs_store, tmp_path, capsys):
    source = tmp_path / "log.csv"
    source.write_text(
        "when,what,y,x\n0999-12-06,Convoy seen,34.9,36.7\n2024-12-06,Checkpoint,34.8,36.7\n",
        encoding="utf-8",
    )
    args = ["import", homs_store, source, "--map", "at=when", "--map", "title=what"]
    args += ["--map", "lat=y", "--map", "lon=x", "--dry-run"]
    assert main([str(a) for a in [*args, "--json"]]) == 0
    (warning,) = json.loads(capsys.readouterr().out)["warnings"]
    assert warning["field"] == "at" and warning["reason"].startswith("year 0999 — typo?")
    assert "line 2" in warning["where"]
    assert main([str(a) for a in args]) == 0
    assert "year 0999 — typo?" in capsys.readouterr().out


def test_copying_a_drawing_forward_to_the_first_day_is_a_clear_error():
    from sitrep_desktop.commands.annotation_commands import copy_forward
    from sitrep_desktop.domain import Annotation, ValidationError

    line = Annotation(geometry="LINESTRING (36 34, 37 35)")
    with pytest.raises(ValidationError, match="after 0001-01-01"):  # was: OverflowError
        copy_forward(line, "0001-01-01")
    assert copy_forward(line, "0001-01-02") is not None
