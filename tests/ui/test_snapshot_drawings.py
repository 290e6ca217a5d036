"""Snapshots show the user's drawings fully: their labels, notes, arrow heads and
styles, with place names laid out around them as on the map."""

import json
import math
import re
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from sitrep_desktop.domain import Annotation, parse_moment
from sitrep_desktop.services.snapshot import SnapshotRequest
from sitrep_desktop.store import Store
from sitrep_desktop.ui.snapshot.render import Snapshot

OUTPUT = Path(__file__).resolve().parents[1] / "output"
HAMA_HOMS = (35.5, 33.3, 37.5, 36.4)
COAST = (35.4, 34.6, 36.6, 35.8)
AT = parse_moment("2024-12-06")


@pytest.fixture
def demo_path(shared_demo_path):
    return shared_demo_path


@pytest.fixture
def store(new_demo_file):
    # Not demo_store: that opens demo_path, which here is the module's shared file.
    with Store.open(new_demo_file("demo.db")) as store:
        yield store


def render(store, path, bbox=HAMA_HOMS, fmt="png") -> Snapshot:
    snapshot = Snapshot(store, SnapshotRequest(bbox=bbox, fmt=fmt, size=(1600, 1000), at=AT))
    snapshot.render(path)
    return snapshot


def overlap(a, b) -> float:
    width = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    height = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return max(width, 0.0) * max(height, 0.0)


def near(colour: QColor, target: str, tolerance: int = 40) -> bool:
    want = QColor(target)
    return (
        abs(colour.red() - want.red())
        + abs(colour.green() - want.green())
        + abs(colour.blue() - want.blue())
        <= tolerance
    )


def count_colour(image: QImage, target: str, box, tolerance: int = 40) -> int:
    left, top, width, height = (round(v) for v in box)
    return sum(
        near(image.pixelColor(x, y), target, tolerance)
        for x in range(max(left, 0), min(left + width, image.width()))
        for y in range(max(top, 0), min(top + height, image.height()))
    )


def test_drawing_labels_are_drawn_in_png_and_svg_and_listed(qapp, demo_path, tmp_path):
    with Store.open(demo_path) as store:
        png = render(store, tmp_path / "hama.png")
        render(store, tmp_path / "hama.svg", fmt="svg")
    sidecar = json.loads((tmp_path / "hama.png.json").read_text())
    assert {"M5 highway", "Alawite coastal region"} <= set(sidecar["labels"]["drawings"])
    assert sidecar["drawn"]["annotations"] == 2  # the older keys stay as they were
    boxes = dict(png.label_boxes)
    image = QImage(str(tmp_path / "hama.png"))
    # The words are there in the drawing's colour, bold, inside the boxes laid out.
    assert count_colour(image, "#6a1b9a", boxes["Alawite coastal region"]) > 100
    assert count_colour(image, "#37474f", boxes["M5 highway"]) > 60
    # QSvgGenerator writes drawText as <text>: the SVG keeps the words as words.
    svg = (tmp_path / "hama.svg").read_text()
    assert ">M5 highway</text>" in svg and ">Alawite coastal region</text>" in svg
    assert ">Hama</text>" in svg and "<image" not in svg


@pytest.mark.parametrize("bbox", [HAMA_HOMS, COAST])
def test_no_two_labels_overlap_and_all_stay_in_the_frame(qapp, demo_path, tmp_path, bbox):
    with Store.open(demo_path) as store:
        snapshot = render(store, tmp_path / "map.png", bbox=bbox)
    boxes = [box for _text, box in snapshot.label_boxes]
    assert len(boxes) >= 8
    for k, a in enumerate(boxes):
        for b in boxes[k + 1 :]:
            assert overlap(a, b) == 0.0, (snapshot.label_boxes[k], b)
    frame = snapshot.frame
    for left, top, width, height in boxes:
        assert frame.left() <= left and left + width <= frame.right()
        assert frame.top() <= top and top + height <= frame.bottom()
    labels = snapshot.info["labels"]
    estimates = set(labels["estimates"])
    assert estimates and all(text.endswith("ESTIMATE") for text in estimates)
    texts = [text for text, _box in snapshot.label_boxes if text not in estimates]
    assert texts == labels["drawings"] + labels["places"]


def test_the_coast_names_tartus_and_its_naval_base(qapp, demo_path, tmp_path):
    # The base sits on the city: the old one-position rule dropped its name.
    with Store.open(demo_path) as store:
        snapshot = render(store, tmp_path / "coast.png", bbox=COAST)
    places = snapshot.info["labels"]["places"]
    assert "Tartus" in places and "Tartus naval base" in places
    assert len(places) == snapshot.info["drawn"]["places"] == 9  # every place in view is named


def test_place_names_keep_clear_of_the_legend(qapp, demo_path, tmp_path):
    with Store.open(demo_path) as store:
        snapshot = render(store, tmp_path / "map.png")
    for _text, box in snapshot.label_boxes:
        assert overlap(box, snapshot.legend_box) == 0.0


def test_a_text_drawing_shows_its_text_centred_on_its_point(qapp, store, tmp_path):
    store.annotations.add(
        Annotation(
            kind="text",
            label="Checkpoint Alpha",
            geometry="POINT (37.0 34.3)",
            style={"colour": "#0d47a1", "text_size": 12},
        )
    )
    snapshot = render(store, tmp_path / "note.png")
    render(store, tmp_path / "note.svg", fmt="svg")
    assert "Checkpoint Alpha" in snapshot.info["labels"]["drawings"]
    left, top, width, height = dict(snapshot.label_boxes)["Checkpoint Alpha"]
    x, y = snapshot.to_page(37.0, 34.3)
    assert math.isclose(left + width / 2, float(x), abs_tol=0.5)
    assert math.isclose(top + height / 2, float(y), abs_tol=0.5)
    image = QImage(str(tmp_path / "note.png"))
    assert count_colour(image, "#0d47a1", (left, top, width, height)) > 100
    # No dot: just above and below the text, where a marker would show, only the map.
    assert count_colour(image, "#0d47a1", (float(x) - 6, top - 8, 12, 6)) == 0
    assert ">Checkpoint Alpha</text>" in (tmp_path / "note.svg").read_text()


def test_an_arrow_gets_a_head_at_its_end(qapp, store, tmp_path):
    start, end = (37.3, 34.0), (37.3, 35.6)  # due north, in open country east of Homs
    for kind in ("arrow", "line"):
        store.annotations.add(
            Annotation(
                kind=kind,
                label="",
                geometry=f"LINESTRING ({start[0] + (kind == 'line') * 0.6} {start[1]}, "
                f"{end[0] + (kind == 'line') * 0.6} {end[1]})",
                style={"colour": "#ff00ff", "width": 3},
            )
        )
    snapshot = render(store, tmp_path / "arrow.png")
    image = QImage(str(tmp_path / "arrow.png"))
    (head,) = snapshot.arrow_heads
    tip = head.at(0)
    x, y = snapshot.to_page(*end)
    assert math.isclose(tip.x(), float(x), abs_tol=0.01)
    assert math.isclose(tip.y(), float(y), abs_tol=0.01)
    # The head points along the line (north): its base is below the tip.
    assert head.at(1).y() > tip.y() + 10 and head.at(2).y() > tip.y() + 10

    def magenta_near(lon, lat):
        px, py = snapshot.to_page(lon, lat)
        return count_colour(image, "#ff00ff", (float(px) - 15, float(py) - 5, 30, 30), 60)

    # The same 3-unit line without a head covers ~75 pixels there; the head ~200 more.
    assert magenta_near(*end) > magenta_near(end[0] + 0.6, end[1]) + 120


def test_point_symbols_and_dash_styles_follow_the_style(qapp, store, tmp_path):
    store.annotations.add(
        Annotation(
            kind="point",
            label="Depot",
            geometry="POINT (37.2 34.2)",
            style={"colour": "#ff00ff", "symbol": "square", "width": 5},
        )
    )
    store.annotations.add(
        Annotation(
            kind="line",
            label="",
            geometry="LINESTRING (37.6 34.6, 38.4 34.6)",
            style={"colour": "#00ffff", "dash": "dot", "width": 2},
        )
    )
    snapshot = render(store, tmp_path / "styles.png")
    image = QImage(str(tmp_path / "styles.png"))
    x, y = (float(v) for v in snapshot.to_page(37.2, 34.2))
    # An 18-unit square reaches its corners, where a circle of the same size does not.
    for dx, dy in ((-7, -7), (7, -7), (-7, 7), (7, 7)):
        assert near(image.pixelColor(round(x + dx), round(y + dy)), "#ff00ff")
    assert "Depot" in snapshot.info["labels"]["drawings"]
    # A dotted line is broken: along it the colour comes and goes many times.
    x0, row = (float(v) for v in snapshot.to_page(37.6, 34.6))
    x1, _ = snapshot.to_page(38.4, 34.6)
    runs, inside = 0, False
    for px in range(round(x0) + 3, round(float(x1)) - 3):
        hit = near(image.pixelColor(px, round(row)), "#00ffff", 120)
        runs += hit and not inside
        inside = hit
    assert runs > 10


def test_picture_of_the_demo_for_a_person_to_look_at(qapp, store, tmp_path):
    store.annotations.add(
        Annotation(
            kind="arrow",
            label="HTS advance",
            geometry="LINESTRING (36.72 35.45, 36.73 35.25, 36.72 35.05)",
            style={"colour": "#2e7d32", "width": 4},
        )
    )
    store.annotations.add(
        Annotation(
            kind="text",
            label="Front quiet",
            geometry="POINT (36.95 34.45)",
            style={"colour": "#263238", "text_size": 11},
        )
    )
    OUTPUT.mkdir(exist_ok=True)
    snapshot = render(store, OUTPUT / "snapshot_demo.png", bbox=(35.6, 34.3, 37.4, 35.7))
    assert {"HTS advance", "Front quiet", "M5 highway"} <= set(snapshot.info["labels"]["drawings"])


def test_svg_shows_nothing_of_the_map_beyond_its_frame(qapp, demo_path, tmp_path):
    # QSvgGenerator writes no clip path; the coastal region reaches past the top edge.
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgRenderer

    with Store.open(demo_path) as store:
        snapshot = render(store, tmp_path / "coast.svg", bbox=COAST, fmt="svg")
    image = QImage(1600, 1000, QImage.Format.Format_ARGB32)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    QSvgRenderer(str(tmp_path / "coast.svg")).render(painter)
    painter.end()
    strip = (600, 0, 400, snapshot.frame.top() - 3)  # above the frame, right of the title
    assert count_colour(image, "#ffffff", strip, 0) == 400 * round(snapshot.frame.top() - 3)


def test_a_whole_world_snapshot_draws_and_small_drawings_keep_their_labels_off(
    qapp, store, tmp_path
):
    """From 180°W to 180°E on a wide page: the extent used to wrap round and the
    picture failed; drawings a few pixels wide no longer pile their labels up."""
    store.annotations.add(Annotation(kind="text", label="NOTE", geometry="POINT (36.7 34.7)"))
    snapshot = render(store, tmp_path / "world.png", bbox=(-180.0, -70.0, 180.0, 80.0))
    west, _south, east, _north = snapshot.extent
    assert -180.0 <= west < east <= 180.0
    drawings = snapshot.info["labels"]["drawings"]
    assert "M5 highway" not in drawings and "Alawite coastal region" not in drawings
    assert drawings == ["NOTE"]  # a text drawing is its text: always shown
    assert "M5 highway" in snapshot.info["legend"]  # still named, in the legend


def test_the_equator_is_labelled_plain_zero_degrees(qapp, tmp_path, shared_demo_store):
    """Read from the picture itself: an SVG keeps the graticule labels as text."""
    snapshot = render(
        shared_demo_store, tmp_path / "equator.svg", (-40.0, -45.0, 40.0, 15.0), "svg"
    )
    assert snapshot.grid_step == 15.0
    svg = (tmp_path / "equator.svg").read_text(encoding="utf-8")
    labels = set(re.findall(r">\s*([^<>]*°[^<>]*?)\s*<", svg))
    assert {"0°", "15°S", "30°S", "15°E", "45°E", "15°W", "45°W"} <= labels
    assert not labels & {"0°N", "0°S", "0°E", "0°W"}


@pytest.mark.parametrize(
    "bbox",
    [
        (36.15, 33.4, 38.65, 34.58),  # Damascus in the bottom-left corner, where the legend was
        (35.0, 32.0, 42.5, 37.5),  # Syria
        HAMA_HOMS,
        COAST,
    ],
)
def test_the_legend_hides_no_place_or_event_marker(qapp, demo_path, tmp_path, bbox):
    with Store.open(demo_path) as store:
        snapshot = render(store, tmp_path / "map.png", bbox=bbox)
        marks = snapshot._place_marks() + [
            type("E", (), {"x": c.x(), "y": c.y(), "radius": 5.0})
            for c, *_ in snapshot._event_marks()
        ]
    assert marks
    for mark in marks:
        marker = (mark.x - mark.radius, mark.y - mark.radius, 2 * mark.radius, 2 * mark.radius)
        assert overlap(marker, snapshot.legend_box) == 0.0, mark


def test_with_places_everywhere_the_legend_goes_beside_the_map(qapp, tmp_path):
    from sitrep_desktop.domain import Place

    store = Store.memory()
    store.places.add_many(
        Place(name=f"P{i}-{j}", kind="village", lat=32.5 + i * 0.05, lon=34.0 + j * 0.05)
        for i in range(45)
        for j in range(81)
    )
    snapshot = render(store, tmp_path / "full.png", bbox=(35.0, 33.0, 37.0, 34.2))
    left, top, width, height = snapshot.legend_box
    assert left >= snapshot.frame.right()  # outside the map frame, on the page
    assert left + width <= snapshot.request.page_pixels()[0]
    assert snapshot.frame.top() <= top and top + height <= snapshot.frame.bottom()
    store.close()


def test_a_place_on_the_edge_of_the_extent_is_drawn_whole(qapp, demo_path, tmp_path):
    with Store.open(demo_path) as store:
        aleppo = store.places.by_name("Aleppo")
        # The extent's top edge runs through Aleppo, as `sitrep snapshot` can ask.
        snapshot = render(store, tmp_path / "edge.png", bbox=(36.0, 33.4, 38.0, aleppo.lat))
        marks = snapshot._place_marks()
    frame = snapshot.frame
    assert "Aleppo" in [m.name for m in marks]
    for mark in marks:
        assert frame.left() <= mark.x - mark.radius and mark.x + mark.radius <= frame.right()
        assert frame.top() <= mark.y - mark.radius and mark.y + mark.radius <= frame.bottom()


def test_country_and_town_names_let_a_reader_orient(qapp, demo_path, tmp_path):
    with Store.open(demo_path) as store:
        snapshot = render(store, tmp_path / "syria.png", bbox=(35.0, 32.0, 42.5, 37.5))
    background = snapshot.info["labels"]["background"]
    assert {"Syria", "Lebanon"} <= set(background)
    towns = [n for n in snapshot.background_names if n.kind == "town"]
    assert 3 <= len(towns) <= 30
    # Named once: no gazetteer town repeats a database place on its marker.
    assert not set(background) & set(snapshot.info["labels"]["places"])
    taken = [box for _text, box in snapshot.label_boxes] + [snapshot.legend_box]
    for name in snapshot.background_names:
        assert all(overlap(name.box, box) == 0.0 for box in taken), name.text


@pytest.mark.parametrize("paper", ["A4", None])
def test_no_label_is_struck_through_by_the_m5(qapp, tmp_path, shared_demo_store, paper):
    """Spots across a line drawing come last for every label: the M5 ran through
    Hama's "HTS — ESTIMATE" on paper."""
    import shapely

    m5 = next(a for a in shared_demo_store.annotations.all() if a.label == "M5 highway")
    request = SnapshotRequest(bbox=(33.4, 33.2, 39.5, 36.5), at=AT, paper=paper)
    snapshot = Snapshot(shared_demo_store, request)
    snapshot.render(tmp_path / "m5.png")
    coords = shapely.from_wkt(m5.geometry).coords
    x, y = snapshot.to_page(*zip(*coords))
    stroke = shapely.LineString(list(zip(x, y))).buffer(snapshot.u)
    struck = [
        text
        for text, (left, top, width, height) in snapshot.label_boxes
        if text != "M5 highway"
        and stroke.intersects(shapely.box(left, top, left + width, top + height))
    ]
    assert not struck
    assert "HTS — ESTIMATE" in [text for text, _box in snapshot.label_boxes]
