"""Drawings and control travel to TAK (ATAK, WinTAK) as TAK draws them, and come back."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeElementTree
import pytest
import shapely

from sitrep_desktop.cli.main import run_cli
from sitrep_desktop.domain import Annotation
from sitrep_desktop.geo.geodesy import geodesic_circle, inverse
from sitrep_desktop.io import cot, pipeline
from sitrep_desktop.io.records import ImportFileError
from sitrep_desktop.services.demo import M5_HIGHWAY, demo_id, write_demo
from sitrep_desktop.services.exchange import gather, write_export
from sitrep_desktop.store import Store
from sitrep_desktop.store.bulk import StoreLookup, insert_records

M5 = demo_id("annotation", "M5")
COAST = demo_id("annotation", "coast")
# A hazard circle as the draw tool stores one: a 72-gon, with centre and radius in the style.
CENTRE, RADIUS = (35.0, 36.6), 12_500.0
HAZARD = Annotation(
    kind="circle",
    label="Shelling hazard",
    geometry=shapely.to_wkt(
        shapely.Polygon([(o, a) for a, o in geodesic_circle(*CENTRE, RADIUS, 72)]),
        rounding_precision=7,
    ),
    style={
        "colour": "#ef6c00",
        "width": 2.0,
        "dash": "dot",
        "fill_opacity": 0.25,
        "centre": list(CENTRE),
        "radius_m": RADIUS,
    },  # fmt: skip
)
NOTE = Annotation(
    kind="text",
    label="Checkpoint reported abandoned",
    geometry="POINT (36.7 35.2)",
    style={"colour": "#263238", "text_size": 11},
    notes="Two sources, 6 December.",
)
TWO_FRONTS = Annotation(
    kind="line",
    label="Front lines",
    geometry="MULTILINESTRING ((36.5 35.3, 36.9 35.3), (36.5 34.9, 36.9 34.8, 37.0 34.7))",
    style={"colour": "#b71c1c", "width": 3.0},
)


def signed(value: int) -> int:
    """An unsigned 0xAARRGGBB as the signed 32-bit int TAK writes."""
    return value - (1 << 32) if value >= 1 << 31 else value


@pytest.fixture()
def demo_db(demo_path: Path) -> Path:
    path = demo_path
    with Store.open(path) as store:
        store.annotations.add_many([HAZARD, NOTE, TWO_FRONTS])
    return path


def export(db: Path, out: Path, *extra: str) -> Path:
    assert run_cli(["export", str(db), str(out), *extra]) == 0
    # ATAK reads one event per .cot: several records come out as a data package.
    return out if out.exists() else out.with_suffix(".zip")


def events_by_uid(path: Path) -> dict[str, Element]:
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            documents = [archive.read(n) for n in archive.namelist() if n.endswith(".cot")]
    else:
        documents = [path.read_bytes()]
    roots = [SafeElementTree.fromstring(d, forbid_dtd=True) for d in documents]
    return {event.get("uid"): event for root in roots for event in root.iter("event")}


def links(event: Element) -> list[tuple[float, float]]:
    """(lat, lon) of each vertex, in order."""
    points = [link.get("point") for link in event.find("detail").findall("link")]
    return [tuple(float(v) for v in p.split(",")) for p in points]


def value(event: Element, name: str) -> str:
    return event.find(f"detail/{name}").get("value")


def test_the_m5_goes_to_tak_as_a_polyline_with_its_vertices_in_order(
    demo_db: Path, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    m5 = events_by_uid(export(demo_db, tmp_path / "out.cot"))[M5]
    assert m5.get("type") == "u-d-f"
    expected = [(lat, lon) for lon, lat in shapely.from_wkt(M5_HIGHWAY).coords]
    assert links(m5) == expected
    assert links(m5)[0] != links(m5)[-1]  # open: TAK draws a line, not an area
    assert int(value(m5, "strokeColor")) == signed(0xFF37474F)
    assert float(value(m5, "strokeWeight")) == 2.0
    assert value(m5, "labels_on") == "true"
    assert m5.find("detail/contact").get("callsign") == "M5 highway"
    assert m5.find("detail/fillColor") is None


def test_the_coastal_region_is_a_closed_filled_shape(demo_db: Path, tmp_path: Path) -> None:
    coast = events_by_uid(export(demo_db, tmp_path / "out.cot"))[COAST]
    assert coast.get("type") == "u-d-f"
    vertices = links(coast)
    assert len(vertices) == 12 and vertices[0] == vertices[-1] == (35.92, 35.92)
    assert int(value(coast, "strokeColor")) == signed(0xFF6A1B9A)
    fill = int(value(coast, "fillColor")) & 0xFFFFFFFF
    assert (fill >> 24, fill & 0xFFFFFF) == (round(0.12 * 255), 0x6A1B9A)
    assert value(coast, "strokeStyle") == "dashed"


def test_a_drawn_circle_is_a_tak_circle_round_its_centre(demo_db: Path, tmp_path: Path) -> None:
    circle = events_by_uid(export(demo_db, tmp_path / "out.cot"))[HAZARD.id]
    assert circle.get("type") == "u-d-c-c"
    point = circle.find("point")
    assert (float(point.get("lat")), float(point.get("lon"))) == CENTRE
    ellipse = circle.find("detail/shape/ellipse")
    assert float(ellipse.get("major")) == float(ellipse.get("minor")) == RADIUS
    assert value(circle, "strokeStyle") == "dotted"
    assert (int(value(circle, "fillColor")) & 0xFFFFFFFF) >> 24 == round(0.25 * 255)


def test_a_text_note_is_a_label_only_spot_marker(demo_db: Path, tmp_path: Path) -> None:
    text = events_by_uid(export(demo_db, tmp_path / "out.cot"))[NOTE.id]
    assert text.get("type") == "b-m-p-s-m"
    assert text.find("detail/usericon").get("iconsetpath") == "COT_MAPPING_SPOTMAP/b-m-p-s-m/LABEL"
    assert text.find("detail/contact").get("callsign") == "Checkpoint reported abandoned"
    assert text.find("detail/remarks").text == "Two sources, 6 December."
    point = text.find("point")
    assert (float(point.get("lon")), float(point.get("lat"))) == (36.7, 35.2)


def test_a_drawing_in_two_parts_is_one_tak_multi_line(demo_db: Path, tmp_path: Path) -> None:
    fronts = events_by_uid(export(demo_db, tmp_path / "out.cot"))[TWO_FRONTS.id]
    assert fronts.get("type") == "u-d-f-m"
    strokes = [
        SafeElementTree.fromstring(link.get("line"))
        for link in fronts.find("detail").findall("link")
    ]
    assert [s.get("type") for s in strokes] == ["u-d-f", "u-d-f"]
    assert links(strokes[1]) == [(34.9, 36.5), (34.8, 36.9), (34.7, 37.0)]


def test_every_drawing_keeps_its_record_id_as_its_tak_uid(demo_db: Path, tmp_path: Path) -> None:
    first = events_by_uid(export(demo_db, tmp_path / "one.cot"))
    second = events_by_uid(export(demo_db, tmp_path / "two.cot"))
    assert {M5, COAST, HAZARD.id, NOTE.id, TWO_FRONTS.id} <= set(first)
    assert set(first) == set(second)


@pytest.mark.parametrize("name", ["out.cot", "out.zip"])
def test_drawings_come_back_from_our_own_file_as_they_were(
    demo_db: Path, tmp_path: Path, name: str
) -> None:
    path = export(demo_db, tmp_path / name)
    fresh = Store.memory()
    plan = pipeline.plan_import(pipeline.read_file(path), StoreLookup(fresh), str(path))
    insert_records(fresh, plan.new.lists(), categories=plan.categories)
    with Store.open(demo_db) as store:
        original = store.annotations.all()
    assert len(original) == 5
    assert fresh.annotations.all() == original


@pytest.mark.parametrize(
    ("at", "holder", "short_name"),
    [
        ("2024-12-01", "Held by Syrian government forces (GOV) since 2024-11-26.", "GOV"),
        ("2024-12-06", "Held by Hayat Tahrir al-Sham (HTS) since 2024-12-05.", "HTS"),
    ],
)
def test_hama_names_who_holds_it_at_the_export_time(
    demo_db: Path, tmp_path: Path, at: str, holder: str, short_name: str
) -> None:
    path = export(demo_db, tmp_path / "out.cot", "--at", at)
    with Store.open(demo_db) as store:
        hama = store.places.by_name("Hama")
        colour = store.factions.by_name(short_name).colour
    marker = events_by_uid(path)[hama.id]
    assert marker.get("type") == "a-u-G"  # friend or foe is the viewer's call, not ours
    assert marker.find("detail/remarks").text.startswith(holder)
    assert int(marker.find("detail/color").get("argb")) == signed(0xFF000000 | int(colour[1:], 16))


ATAK_FILE = b"""<?xml version='1.0' encoding='UTF-8' standalone='yes'?>
<events>
<event version='2.0' uid='ANDROID-53af0912586418dc' type='a-f-G-U-C'
 time='2024-12-06T09:14:00.406Z' start='2024-12-06T09:14:00.406Z'
 stale='2024-12-06T09:15:15.406Z' how='h-e'>
 <point lat='35.1401' lon='36.7503' hae='300.2' ce='9999999.0' le='9999999.0'/>
 <detail><contact endpoint='192.168.1.159:4242:tcp' callsign='VIPER 1'/>
 <__group role='Team Lead' name='Cyan'/><track course='327.6' speed='0.0'/></detail>
</event>
<event version='2.0' uid='30408da0-5e20-4eb5-a818-14dfe25d0be2' type='u-d-f'
 time='2024-12-06T09:51:23.406Z' start='2024-12-06T09:51:23.406Z'
 stale='2024-12-07T09:51:23.406Z' how='h-e'>
 <point lat='35.05' lon='36.71' hae='9999999.0' ce='9999999.0' le='9999999.0'/>
 <detail>
  <link point='35.1,36.7,312.4'/><link point='35.05,36.71'/><link point='34.98,36.73'/>
  <strokeColor value='-16776961'/><strokeWeight value='4.0'/><strokeStyle value='dashed'/>
  <contact callsign='Route Bravo'/><remarks>Cleared 0900</remarks><archive/>
  <labels_on value='true'/><precisionlocation altsrc='DTED2'/>
 </detail>
</event>
<event version='2.0' uid='52ce8003-8a24-41fd-8119-7e603ac1e95e' type='u-d-r'
 time='2024-12-06T10:31:25.109Z' start='2024-12-06T10:31:25.109Z'
 stale='2024-12-07T10:31:25.109Z' how='h-e'>
 <point lat='35.0' lon='36.5' hae='9999999.0' ce='9999999.0' le='9999999.0'/>
 <detail>
  <link point='35.1,36.4'/><link point='35.1,36.6'/><link point='34.9,36.6'/>
  <link point='34.9,36.4'/>
  <contact callsign='Rectangle 1'/><strokeColor value='-16744704'/>
  <strokeWeight value='3.0'/><fillColor value='-1778352384'/><labels_on value='true'/>
 </detail>
</event>
<event version='2.0' uid='df11ad17-79d8-436b-ba7f-6c12a7d147d3' type='u-d-c-c'
 time='2024-12-06T11:50:27.452Z' start='2024-12-06T11:50:27.452Z'
 stale='2024-12-07T11:50:27.452Z' how='h-e'>
 <point lat='35.2' lon='36.8' hae='310.9' ce='9999999.0' le='9999999.0'/>
 <detail>
  <shape><ellipse major='2500.0' minor='2500.0' angle='360'/>
   <link uid='df11ad17-79d8-436b-ba7f-6c12a7d147d3.Style' type='b-x-KmlStyle' relation='p-c'>
    <Style><LineStyle><color>ff0000ff</color><width>4.0</width></LineStyle></Style></link>
  </shape>
  <contact callsign='Drawing Circle 1'/><strokeColor value='-65536'/>
  <strokeWeight value='4.0'/><fillColor value='-1761673216'/><labels_on value='true'/>
 </detail>
</event>
</events>"""


def test_an_atak_file_gives_its_drawings_as_annotations_and_its_markers_as_events() -> None:
    batch = cot.parse(ATAK_FILE, "atak.cot")
    assert [e.title for e in batch.events] == ["VIPER 1"]
    line, box, circle = batch.annotations
    assert (line.kind, line.label, line.notes) == ("line", "Route Bravo", "Cleared 0900")
    assert list(shapely.from_wkt(line.geometry).coords) == [
        (36.7, 35.1),
        (36.71, 35.05),
        (36.73, 34.98),
    ]
    assert line.style == {"colour": "#0000ff", "width": 4.0, "dash": "dash"}
    assert box.kind == "polygon"
    assert shapely.from_wkt(box.geometry).equals(shapely.box(36.4, 34.9, 36.6, 35.1))
    assert box.style["colour"] == "#007f00"
    assert box.style["fill_opacity"] == round(0x96 / 255, 2)
    assert (circle.kind, circle.style["centre"], circle.style["radius_m"]) == (
        "circle",
        [35.2, 36.8],
        2500.0,
    )
    rim = shapely.from_wkt(circle.geometry).exterior.coords[5]
    assert inverse(35.2, 36.8, rim[1], rim[0]).distance_m == pytest.approx(2500.0, abs=0.1)


def test_an_atak_area_closed_by_its_first_vertex_is_a_polygon() -> None:
    data = (
        b"<event version='2.0' uid='nai-1' type='u-d-f' time='2024-12-06T12:00:00Z'>"
        b"<point lat='35' lon='36'/><detail>"
        b"<link point='35.0,36.0'/><link point='35.0,36.2'/><link point='35.2,36.1'/>"
        b"<link point='35.0,36.0'/><contact callsign='NAI 1'/></detail></event>"
    )
    (area,) = cot.parse(data, "nai.cot").annotations
    assert (area.kind, area.label) == ("polygon", "NAI 1")


def test_an_atak_freehand_of_two_strokes_is_one_line_annotation() -> None:
    def stroke(uid: str, points: str) -> str:
        inner = (
            f"<?xml version='1.0' encoding='UTF-8' standalone='yes'?><event version='2.0' "
            f"uid='{uid}' type='u-d-f' time='2024-12-06T12:00:00Z'><point lat='0' lon='0'/>"
            f"<detail>{points}<strokeColor value='-1'/></detail></event>"
        )
        return inner.replace("&", "&amp;").replace("<", "&lt;").replace("'", "&apos;")

    first = stroke("s1", "<link point='35.0,36.0'/><link point='35.1,36.1'/>")
    second = stroke("s2", "<link point='35.2,36.2'/><link point='35.3,36.2'/>")
    data = (
        "<event version='2.0' uid='fh-1' type='u-d-f-m' time='2024-12-06T12:00:00Z'>"
        "<point lat='0.0' lon='0.0'/><detail>"
        f"<link line='{first}'/><link line='{second}'/>"
        "<strokeColor value='-16776961'/><contact callsign='Freehand 1'/></detail></event>"
    ).encode()
    (freehand,) = cot.parse(data, "freehand.cot").annotations
    assert freehand.kind == "line" and freehand.style["colour"] == "#0000ff"
    assert shapely.from_wkt(freehand.geometry).equals(
        shapely.from_wkt("MULTILINESTRING ((36 35, 36.1 35.1), (36.2 35.2, 36.2 35.3))")
    )


def test_drawings_we_cannot_read_are_problems_naming_where_and_why() -> None:
    data = (
        b"<events>"
        b"<event uid='a' type='a-u-G' time='2024-12-06T00:00:00Z'><point lat='35' lon='36'/>"
        b"</event>"
        b"<event uid='e' type='u-d-c-e' time='2024-12-06T00:00:00Z'><point lat='35' lon='36'/>"
        b"<detail><shape><ellipse major='900' minor='400' angle='30'/></shape></detail></event>"
        b"<event uid='f' type='u-d-f' time='2024-12-06T00:00:00Z'><point lat='35' lon='36'/>"
        b"<detail><link point='35,36'/><link point='north,36'/></detail></event>"
        b"</events>"
    )
    with pytest.raises(ImportFileError) as caught:
        cot.parse(data, "tak.cot")
    problems = [(p.where, p.field) for p in caught.value.problems]
    assert problems == [("event 2", "type"), ("event 3", "link 2")]
    assert "u-d-c-e" in caught.value.problems[0].reason


def test_a_data_package_reports_the_problems_of_every_entry(tmp_path: Path) -> None:
    bad = (
        b"<event uid='x' type='u-d-v' time='2024-12-06T00:00:00Z'><point lat='1' lon='2'/></event>"
    )
    path = tmp_path / "package.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("one/one.cot", bad)
        archive.writestr("two/two.cot", bad)
    with pytest.raises(ImportFileError) as caught:
        cot.read_datapackage(path)
    assert [p.where for p in caught.value.problems] == [
        "entry one/one.cot event 1",
        "entry two/two.cot event 1",
    ]


def test_the_export_without_control_says_so_rather_than_guessing(tmp_path: Path) -> None:
    store = Store.memory()
    write_demo(tmp_path / "demo.db")
    with Store.open(tmp_path / "demo.db") as demo:
        place = demo.places.all()[0]
    store.places.add(place)
    path = write_export(gather(store), tmp_path / "out.cot", "cot").path
    marker = events_by_uid(path)[place.id]
    assert marker.find("detail/remarks").text.startswith("Holder: no control change recorded")
    assert marker.find("detail/color") is None


def test_a_circle_reshaped_off_its_radius_goes_to_tak_as_its_outline(tmp_path: Path) -> None:
    ring = list(shapely.from_wkt(HAZARD.geometry).exterior.coords)
    ring[10] = (ring[10][0] + 0.05, ring[10][1])  # one vertex dragged ~4.5 km outwards
    reshaped = Annotation(kind="circle", geometry=shapely.Polygon(ring).wkt, style=HAZARD.style)
    store = Store.memory()
    store.annotations.add(reshaped)
    path = write_export(gather(store), tmp_path / "out.cot", "cot").path
    outline = events_by_uid(path)[reshaped.id]
    assert outline.get("type") == "u-d-f"
    assert len(links(outline)) == 73 and links(outline)[0] == links(outline)[-1]


def test_a_cot_export_of_one_record_is_one_event_as_atak_reads_it(tmp_path: Path) -> None:
    store = Store.memory()
    store.annotations.add(HAZARD)
    result = write_export(gather(store), tmp_path / "hazard.cot", "cot")
    assert result.path == tmp_path / "hazard.cot" and result.notes == []
    root = SafeElementTree.fromstring(result.path.read_bytes(), forbid_dtd=True)
    assert root.tag == "event" and root.get("uid") == HAZARD.id


def test_a_cot_export_of_several_records_is_a_data_package_named_as_asked(
    demo_db: Path, tmp_path: Path
) -> None:
    with Store.open(demo_db) as store:
        result = write_export(gather(store), tmp_path / "homs.cot", "cot")
    assert result.path == tmp_path / "homs.zip" and not (tmp_path / "homs.cot").exists()
    assert "data package" in result.notes[0]
    with zipfile.ZipFile(result.path) as archive:
        manifest = SafeElementTree.fromstring(archive.read("MANIFEST/manifest.xml"))
        cot_entries = [n for n in archive.namelist() if n.endswith(".cot")]
    names = [p.get("value") for p in manifest.iter("Parameter") if p.get("name") == "name"]
    assert names == ["homs"]  # not the temporary file's ".homs.zip.partial"
    assert len(cot_entries) == len(events_by_uid(result.path)) > 1


def test_text_xml_cannot_hold_is_dropped_from_cot_and_said(tmp_path: Path) -> None:
    store = Store.memory()
    store.annotations.add(Annotation(geometry="POINT (36.7 34.7)", kind="point", label="A\x00B"))
    result = write_export(gather(store), tmp_path / "one.cot", "cot")
    assert result.notes and "XML cannot hold" in result.notes[0]
    assert [a.label for a in cot.read(result.path).annotations] == ["AB"]
