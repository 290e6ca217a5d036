"""`sitrep measure` and `sitrep within` on the demo situation."""

import json

import pytest

from sitrep_desktop.app import main
from sitrep_desktop.services.demo import write_demo


@pytest.fixture
def demo_db(demo_path):
    return str(demo_path)


def run_json(capsys, *argv):
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_homs_is_45_km_south_of_hama(demo_db, capsys):
    assert main(["measure", demo_db, "Hama", "Homs"]) == 0
    out = capsys.readouterr().out
    assert "45.3 km" in out
    assert "184° S" in out
    assert "Homs is 45 km (28 mi) S of Hama" in out


def test_measure_json_has_each_leg_and_the_total(demo_db, capsys):
    result = run_json(capsys, "measure", demo_db, "Hama", "al-Rastan", "Homs", "--units", "mi")
    assert [p["name"] for p in result["points"]] == ["Hama", "al-Rastan", "Homs"]
    assert [(leg["from"], leg["to"]) for leg in result["legs"]] == [
        ("Hama", "al-Rastan"),
        ("al-Rastan", "Homs"),
    ]
    assert result["units"] == "mi"
    assert result["total"] == pytest.approx(
        sum(leg["distance"] for leg in result["legs"]), abs=1e-3
    )
    assert result["total_m"] == pytest.approx(result["total"] * 1609.344, rel=1e-6)
    first = result["legs"][0]
    assert set(first) == {
        "from", "to", "distance", "distance_m", "initial_bearing", "final_bearing", "compass"
    }  # fmt: skip
    assert first["compass"] == "S"
    assert result["sentence"] == "Homs is 28 mi (45 km) S of Hama"


def test_measure_reads_coordinates_and_mgrs(demo_db, capsys):
    result = run_json(capsys, "measure", demo_db, "35.13179,36.75783", "Homs")
    assert result["points"][0]["source"] == "coordinate"
    assert result["legs"][0]["distance_m"] == pytest.approx(45_330.18, abs=0.01)
    assert result["legs"][0]["initial_bearing"] == pytest.approx(183.735137, abs=1e-6)
    grid = run_json(capsys, "measure", demo_db, "37S BU 12345 67890", "Tartus", "--units", "nmi")
    assert grid["points"][0]["source"] == "coordinate"
    assert grid["units"] == "nmi"


def test_within_25_miles_of_homs_lists_three_places_nearest_first(demo_db, capsys):
    assert main(["within", demo_db, "Homs", "25", "--units", "mi"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    names = [line.split("  ")[0] for line in lines[2:5]]
    assert names == ["Dar al-Kabira", "Talbiseh", "al-Rastan"]
    assert "Hama" not in out
    assert "3 place(s)" in out


def test_within_json(demo_db, capsys):
    result = run_json(capsys, "within", demo_db, "Homs", "30", "--units", "mi")
    assert result["centre"]["name"] == "Homs"
    assert result["radius_m"] == pytest.approx(30 * 1609.344)
    names = [p["name"] for p in result["places"]]
    assert names == ["Dar al-Kabira", "Talbiseh", "al-Rastan", "Hama"]
    assert result["count"] == 4
    hama = result["places"][-1]
    assert hama["distance"] == pytest.approx(28.17, abs=0.01)
    assert hama["compass"] == "N"
    distances = [p["distance_m"] for p in result["places"]]
    assert distances == sorted(distances)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["measure", "{db}", "Homz", "Hama"], "POINT #1 'Homz': no place of that name"),
        (["measure", "{db}", "Hama", "Homs", "Rastn"], "POINT #3 'Rastn'"),
        (["measure", "{db}", "Hama", "95,36"], "POINT #2 '95,36': not a usable coordinate"),
        (["measure", "{db}", "Hama"], "give at least two points to measure between"),
        (["measure", "{db}", "Atlantis", "Homs"], "POINT #1 'Atlantis' matches only Atlantis, ZA"),
        (["within", "{db}", "Homz", "10"], "PLACE 'Homz'"),
        (["within", "{db}", "Homs", "ten"], "RADIUS 'ten' is not a number"),
        (["within", "{db}", "Homs", "0"], "RADIUS '0' must be a positive number"),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_argument(demo_db, capsys, argv, expected):
    assert main([a.format(db=demo_db) for a in argv]) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert len(err.strip().splitlines()) == 1


def test_an_unknown_unit_is_refused_by_the_parser_with_exit_2(demo_db, capsys):
    with pytest.raises(SystemExit) as caught:
        main(["measure", demo_db, "Hama", "Homs", "--units", "furlong"])
    assert caught.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_an_unknown_place_suggests_the_closest_names(demo_db, capsys):
    assert main(["measure", demo_db, "Homz", "Hama"]) == 2
    assert "closest names: Homs" in capsys.readouterr().err


def test_a_missing_database_exits_2(tmp_path, capsys):
    assert main(["measure", str(tmp_path / "none.db"), "Hama", "Homs"]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_points_are_measured_in_the_order_given(demo_db, capsys):
    result = run_json(capsys, "measure", demo_db, "Hama", "Homs", "Damascus")
    assert [(leg["from"], leg["to"]) for leg in result["legs"]] == [
        ("Hama", "Homs"),
        ("Homs", "Damascus"),
    ]
    assert result["total"] == pytest.approx(185.8, abs=0.1)


def test_negative_coordinates_are_points_not_options(demo_db, capsys):
    result = run_json(capsys, "measure", demo_db, "-41.32,174.81", "40.96,-5.50")
    assert [p["source"] for p in result["points"]] == ["coordinate", "coordinate"]
    assert (result["points"][0]["lat"], result["points"][1]["lon"]) == (-41.32, -5.5)
    assert result["total"] == pytest.approx(19_959.7, abs=0.5)


def test_a_name_found_only_far_away_is_taken_with_anywhere(demo_db, capsys):
    result = run_json(capsys, "measure", demo_db, "Atlantis", "Homs", "--anywhere")
    assert result["points"][0]["country"] == "ZA"
    assert result["total"] > 7_000


def test_the_sentence_follows_the_units(demo_db, capsys):
    assert main(["measure", demo_db, "Hama", "Homs", "--units", "nmi"]) == 0
    assert "Homs is 24 nmi (45 km) S of Hama" in capsys.readouterr().out


def test_json_keeps_full_precision(demo_db, capsys):
    leg = run_json(capsys, "measure", demo_db, "35.13179,36.75783", "Homs")["legs"][0]
    assert leg["distance_m"] != round(leg["distance_m"], 3)
    assert leg["distance"] == leg["distance_m"] / 1000


def test_where_prints_the_default_database_and_commands_use_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr("sys.platform", "linux")
    assert main(["where"]) == 0
    path = tmp_path / "data" / "SitRep" / "SitRep Desktop" / "sitrep.db"
    assert capsys.readouterr().out.strip() == str(path)
    path.parent.mkdir(parents=True)
    write_demo(path)
    assert main(["measure", "Hama", "Homs"]) == 0
    assert "Homs is 45 km (28 mi) S of Hama" in capsys.readouterr().out
    assert main(["within", "Homs", "10", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["centre"]["name"] == "Homs"
