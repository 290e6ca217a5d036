"""Hostile files on the command line: exit 2 and one line naming file, feature and reason."""

from __future__ import annotations

import pytest

from sitrep_desktop.app import main
from sitrep_desktop.services.demo import write_demo
from sitrep_desktop.store import Store

KML = (
    '<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>{}</Document></kml>'
)
DEEP_JSON = "[" * 5000 + "]" * 5000


def nested_multigeometry(depth: int) -> str:
    point = "<Point><coordinates>36.7,34.7</coordinates></Point>"
    geometry = "<MultiGeometry>" * depth + point + "</MultiGeometry>" * depth
    return KML.format(f"<Placemark><name>Deep</name>{geometry}</Placemark>")


def kml_event_with_actors(actors: str) -> str:
    data = {"record": "event", "at": "2024-12-06", "title": "Strike", "actors": actors}
    fields = "".join(f'<Data name="{k}"><value>{v}</value></Data>' for k, v in data.items())
    point = "<Point><coordinates>36.7,34.7</coordinates></Point>"
    return KML.format(
        f"<Placemark><name>Strike</name><ExtendedData>{fields}</ExtendedData>{point}</Placemark>"
    )


def cot_event_with_actors(actors: str) -> str:
    stamp = "2024-12-06T00:00:00.000000Z"
    return (
        f'<?xml version="1.0"?><event version="2.0" uid="u1" type="b-m-p-s-m" how="h-e" '
        f'time="{stamp}" start="{stamp}" stale="{stamp}"><point lat="34.7" lon="36.7" '
        'hae="0" ce="0" le="0"/><detail><sitrep record="event" '
        'id="3b241101-e2bb-4255-8caf-4136c566a000" at="2024-12-06" title="x" '
        f'actors="{actors}"/></detail></event>'
    )


SURROGATE_GEOJSON = (
    '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":'
    '{"type":"Point","coordinates":[36.7,34.7]},"properties":{"name":"Bad \\ud800 name"}}]}'
)

CASES = {
    "nested.kml": (nested_multigeometry(2000), "placemark 1", "nested too deeply"),
    "actors.kml": (kml_event_with_actors(DEEP_JSON), "placemark 1", "'actors'"),
    "actors.cot": (cot_event_with_actors(DEEP_JSON), "event 1", "'actors'"),
    "surrogate.geojson": (SURROGATE_GEOJSON, "feature 1", "lone surrogate"),
    "early.csv": (
        "at,title,lat,lon\n0001-01-01T00:00:00+14:00,Early,34.9,36.7\n",
        "line 2",
        "outside the years 0001-9999",
    ),
    "late.csv": (
        "at,title,lat,lon\n9999-12-31T23:00:00-05:00,Late,34.9,36.7\n",
        "line 2",
        "outside the years 0001-9999",
    ),
}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    return write_demo(tmp_path_factory.mktemp("hostile") / "demo.db")


@pytest.mark.parametrize("dry_run", [True, False], ids=["preview", "apply"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_a_hostile_file_is_refused_in_one_line(demo_db, tmp_path, capsys, name, dry_run):
    text, where, reason = CASES[name]
    source = tmp_path / name
    source.write_text(text, encoding="utf-8", errors="surrogatepass")
    with Store.open(demo_db) as store:
        before = store.events.count(), store.places.count()
    code = main([*["import", str(demo_db), str(source)], *(["--dry-run"] if dry_run else [])])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert name in err and where in err and reason in err
    with Store.open(demo_db) as store:
        assert (store.events.count(), store.places.count()) == before
