"""`sitrep measure` and `sitrep within` on the demo situation."""

import json

import pytest

from sitrep_desktop.app import main


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
    result = run_json(capsys, "measure", demo_db, "Hama", "Homs", "al-Rastan", "--units", "mi")
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
    assert result["sentence"] == "Homs is 45 km (28 mi) S of Hama"


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
        (["measure", "{db}", "Homz", "Hama"], "FROM 'Homz': no place of that name"),
        (["measure", "{db}", "Hama", "Homs", "Rastn"], "VIA #1 'Rastn'"),
        (["measure", "{db}", "Hama", "95,36"], "TO '95,36': not a usable coordinate"),
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
