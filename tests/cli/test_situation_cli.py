"""The CLI contract: demo, control, events; --json; exit 2 with one line on bad input."""

import json

import pytest

from sitrep_desktop.app import main


@pytest.fixture
def demo_db(demo_path):
    return demo_path


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_demo_writes_a_database(tmp_path, capsys):
    code, out, _ = run(capsys, "demo", tmp_path / "x.db", "--json")
    assert code == 0
    assert json.loads(out) == {"path": str(tmp_path / "x.db"), "created": True}


def test_demo_refuses_to_overwrite(demo_db, capsys):
    code, _, err = run(capsys, "demo", demo_db)
    assert code == 2
    assert err.count("\n") == 1 and "already exists" in err


def test_control_json_lists_every_place_with_its_controller(demo_db, capsys):
    code, out, _ = run(capsys, "control", demo_db, "--json")
    assert code == 0
    places = {p["place"]: p for p in json.loads(out)["places"]}
    assert len(places) == 11
    assert all(p["faction"] for p in places.values())
    assert places["Hama"]["faction_short"] == "HTS"
    assert places["Homs"]["faction_short"] == "GOV"
    assert places["Tartus naval base"]["faction"] == "Russian forces"


def test_control_at_a_time_before_hama_fell(demo_db, capsys):
    code, out, _ = run(capsys, "control", demo_db, "--at", "2024-12-04", "--json")
    data = json.loads(out)
    assert data["at"] == "2024-12-04"
    hama = next(p for p in data["places"] if p["place"] == "Hama")
    assert (hama["faction_short"], hama["since"]) == ("GOV", "2024-11-26")


def test_control_text_output_is_a_table(demo_db, capsys):
    code, out, _ = run(capsys, "control", demo_db)
    assert code == 0 and "Hama" in out and "HTS" in out


def test_events_filter_by_time_and_text(demo_db, capsys):
    code, out, _ = run(
        capsys, "events", demo_db, "--since", "2024-12-06", "--search", "strikes", "--json"
    )
    data = json.loads(out)
    assert code == 0
    # Dar al-Kabira's clash mentions "air strikes" in its description.
    assert data["count"] == 3
    assert {e["place"] for e in data["events"]} == {"Talbiseh", "al-Rastan", "Dar al-Kabira"}
    code, out, _ = run(capsys, "events", demo_db, "--until", "2024-11-30", "--json")
    assert [e["title"] for e in json.loads(out)["events"]][-1] == "HTS captures Aleppo"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["control", "{db}", "--at", "tomorrow"], "--at"),
        (["events", "{db}", "--since", "2024-99-01"], "since"),
        (["control", "{missing}"], "does not exist"),
        (["control"], "does not exist"),  # no DB: the default one, not there in a test run
        (["contrl", "{db}"], "invalid choice"),
        (["events", "{junk}"], "not a SitRep database"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, demo_db, capsys, args, message):
    junk = tmp_path / "junk.db"
    junk.write_text("this is not a database")
    filled = [a.format(db=demo_db, missing=tmp_path / "none.db", junk=junk) for a in args]
    with pytest.raises(SystemExit) if filled[0] == "contrl" else _nothing():
        code, _, err = run(capsys, *filled)
        assert code == 2
        assert len(err.strip().splitlines()) == 1
        assert message in err
    if filled[0] == "contrl":
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and message in err
    assert junk.read_text() == "this is not a database"


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
