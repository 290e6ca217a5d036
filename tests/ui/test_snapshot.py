"""Snapshots: the picture has the asked size, is not blank, and SVG/PDF stay vector."""

import json

import pytest
from PySide6.QtGui import QColor, QImage

from sitrep_desktop.app import main
from sitrep_desktop.domain import parse_moment
from sitrep_desktop.services.snapshot import SnapshotRequest
from sitrep_desktop.store import Store
from sitrep_desktop.store.content_hash import content_hash
from sitrep_desktop.ui.snapshot.render import Snapshot


@pytest.fixture
def demo_path(shared_demo_path):
    return shared_demo_path


def colours_in(image: QImage, step: int = 7) -> set[int]:
    return {
        image.pixel(x, y)
        for x in range(0, image.width(), step)
        for y in range(0, image.height(), step)
    }


def test_png_snapshot_has_the_size_asked_and_is_not_blank(qapp, demo_path, tmp_path):
    out = tmp_path / "homs.png"
    with Store.open(demo_path) as store:
        info = Snapshot(
            store,
            SnapshotRequest(
                bbox=(35.5, 33.3, 37.5, 36.4), size=(1200, 800), at=parse_moment("2024-12-06")
            ),
        ).render(out)
        digest = content_hash(store)
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1200, 800)
    assert len(colours_in(image)) > 50
    assert image.pixelColor(0, 0).name() == "#ffffff"
    sidecar = json.loads((tmp_path / "homs.png.json").read_text())
    assert sidecar == info
    assert sidecar["content_hash"] == digest
    assert sidecar["as_of"] == "2024-12-06"
    assert sidecar["drawn"]["places"] == 11
    assert "Syrian government forces" in sidecar["legend"]
    assert "GeoNames" in sidecar["attribution"]


def test_places_are_coloured_by_control_at_the_snapshot_time(qapp, demo_path, tmp_path):
    with Store.open(demo_path) as store:
        hama = store.places.by_name("Hama")
        for day in ("2024-12-04", "2024-12-06"):
            request = SnapshotRequest(
                bbox=(36.3, 34.8, 37.2, 35.4), size=(800, 600), at=parse_moment(day)
            )
            snap = Snapshot(store, request)
            snap.render(tmp_path / f"{day}.png")
            x, y = snap.to_page(hama.lon, hama.lat)
            pixel = QImage(str(tmp_path / f"{day}.png")).pixelColor(
                round(float(x)), round(float(y))
            )
            expected = "#c62828" if day == "2024-12-04" else "#2e7d32"
            assert pixel.name() == expected


def test_svg_and_pdf_stay_vector(qapp, demo_path, tmp_path):
    with Store.open(demo_path) as store:
        for fmt in ("svg", "pdf"):
            request = SnapshotRequest(bbox=(35.5, 33.3, 37.5, 36.4), fmt=fmt, paper="A4", dpi=100)
            Snapshot(store, request).render(tmp_path / f"map.{fmt}")
    svg = (tmp_path / "map.svg").read_text()
    assert "<path" in svg and "<image" not in svg
    pdf = (tmp_path / "map.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and b"/Subtype /Image" not in pdf


def test_cli_snapshot_around_a_place(demo_path, tmp_path, capsys):
    out = tmp_path / "around.png"
    code = main(
        [
            "snapshot",
            str(demo_path),
            "-o",
            str(out),
            "--around",
            "Homs",
            "--radius",
            "40km",
            "--at",
            "2024-12-06",
            "--size",
            "900x600",
            "--title",
            "Homs",
            "--json",
        ]
    )
    assert code == 0
    info = json.loads(capsys.readouterr().out)
    assert info["page_pixels"] == [900, 600]
    west, south, east, north = info["drawn_bbox"]
    assert west < 36.7256 < east and south < 34.724 < north
    assert QImage(str(out)).size().width() == 900


def test_cli_paper_size_and_dpi(demo_path, tmp_path, capsys):
    out = tmp_path / "a4.png"
    assert main(["snapshot", str(demo_path), "-o", str(out), "--paper", "A4", "--dpi", "100"]) == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1169, 827)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["-o", "{tmp}/x.gif"], ".png, .svg or .pdf"),
        (["-o", "{tmp}/x.png", "--bbox", "1,2,3"], "W,S,E,N"),
        (["-o", "{tmp}/x.png", "--around", "Atlantis"], "Atlantis"),
        (["-o", "{tmp}/x.png", "--size", "big"], "1600x1000"),
        (["-o", "{tmp}/x.png", "--at", "soon"], "--at"),
        (["-o", "{tmp}/nowhere/x.png"], "does not exist"),
    ],
)
def test_cli_bad_input_exits_2_with_one_line(demo_path, tmp_path, capsys, extra, message):
    args = ["snapshot", str(demo_path)] + [a.format(tmp=tmp_path) for a in extra]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and message in err


def test_export_snapshot_from_the_window(qtbot, demo_path, tmp_path):
    from PySide6.QtCore import QSettings

    from sitrep_desktop.ui.snapshot.feature import export_snapshot
    from sitrep_desktop.ui.window.main_window import MainWindow

    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.open_store(Store.open(demo_path), demo_path)
    window.resize(1000, 700)
    window.show()
    assert window.features.export_snapshot.shortcut().toString() == "Ctrl+Shift+S"
    out = export_snapshot(window.context, tmp_path / "view.png", "From the window")
    assert out is not None and out.exists()
    assert json.loads((tmp_path / "view.png.json").read_text())["title"] == "From the window"


def _hatched_share(image: QImage, x: float, y: float, colour: str, radius: int = 12) -> float:
    """Share of pixels near (x, y) that are pure-ish `colour` (the hatching's lines)."""
    target = QColor(colour)
    hits = total = 0
    for dx in range(-radius, radius + 1):  # every pixel: the lines are one pixel wide
        for dy in range(-radius, radius + 1):
            c = image.pixelColor(round(x) + dx, round(y) + dy)
            total += 1
            near = abs(c.red() - target.red()) + abs(c.green() - target.green())
            hits += near + abs(c.blue() - target.blue()) < 60
    return hits / total


def test_the_estimated_areas_show_hatched_and_labelled_unless_left_out(qapp, demo_path, tmp_path):
    with Store.open(demo_path) as store:
        request = SnapshotRequest(
            bbox=(35.5, 33.3, 37.5, 36.4), size=(1200, 800), at=parse_moment("2024-12-06")
        )
        shown = Snapshot(store, request)
        info = shown.render(tmp_path / "with.png")
        # Open desert 20 km east of Hama: HTS's estimate, not a marker or a name.
        x, y = shown.to_page(36.98, 35.13)
        without = Snapshot(store, SnapshotRequest(**{**request.__dict__, "layers": ("places",)}))
        bare = without.render(tmp_path / "without.png")
    assert "HTS — ESTIMATE" in info["labels"]["estimates"]
    assert info["drawn"]["estimated_areas"] >= 2
    assert "estimated area (nearest known holder)" in info["legend"]
    assert _hatched_share(QImage(str(tmp_path / "with.png")), float(x), float(y), "#2e7d32") > 0.1
    assert _hatched_share(QImage(str(tmp_path / "without.png")), float(x), float(y), "#2e7d32") == 0
    assert bare["labels"]["estimates"] == [] and bare["drawn"]["estimated_areas"] == 0
