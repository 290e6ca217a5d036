"""Vector snapshots stay small to send over a bad link: the basemap is drawn at
the page's resolution, not at GSHHG's, and looks the same."""

import numpy as np
import pytest
import shapely

from sitrep_desktop.app import main
from sitrep_desktop.domain import parse_moment
from sitrep_desktop.services.snapshot import SnapshotRequest
from sitrep_desktop.store import Store
from sitrep_desktop.ui.snapshot.basemap import page_lines
from sitrep_desktop.ui.snapshot.render import BASEMAP_STYLE, Snapshot

THEATRE = "34,32,43,38"
# Measured: the CLI's default demo picture 226 kB (was 12.0 MB), theatre-wide
# 183 kB (was 6.0 MB); without any basemap they are 130 and 104 kB.
MAX_SVG_BYTES = 500_000


@pytest.fixture
def demo_path(shared_demo_path):
    return shared_demo_path


@pytest.mark.parametrize("where", [[], ["--bbox", THEATRE]], ids=["default", "theatre"])
def test_svg_of_the_demo_is_a_few_hundred_kilobytes(demo_path, tmp_path, capsys, where):
    out = tmp_path / "map.svg"
    assert main(["snapshot", str(demo_path), "-o", str(out), *where]) == 0
    svg = out.read_text()
    assert out.stat().st_size < MAX_SVG_BYTES
    assert "<path" in svg and "<image" not in svg
    # Culled vertices no longer come out as empty subpaths, one per vertex.
    assert svg.count(" Z M") < 2000


def test_pdf_of_the_theatre_stays_vector_and_small(demo_path, tmp_path, capsys):
    out = tmp_path / "map.pdf"
    assert main(["snapshot", str(demo_path), "-o", str(out), "--bbox", THEATRE]) == 0
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF") and b"/Subtype /Image" not in pdf
    assert len(pdf) < 400_000  # measured 164 kB (was 281 kB)


def test_simplified_basemap_stays_within_half_a_page_unit(qapp, demo_path, tmp_path):
    # The demo's extent at 1600x1000 draws the full-resolution theatre level.
    request = SnapshotRequest(
        bbox=(33.3, 33.5, 39.6, 36.2), fmt="svg", at=parse_moment("2024-12-06")
    )
    with Store.open(demo_path) as store:
        snapshot = Snapshot(store, request)
        snapshot.render(tmp_path / "map.svg")
    vertices = {"raw": 0, "drawn": 0}
    for layer, *_style in BASEMAP_STYLE:
        raw = snapshot.basemap_lines(layer, tolerance=None)
        drawn = snapshot.basemap_lines(layer)
        assert len(raw) == len(drawn) > 0
        # Each drawn line against the line it came from, both ways, in page units.
        assert shapely.hausdorff_distance(raw, drawn).max() < 0.5, layer
        vertices["raw"] += len(shapely.get_coordinates(raw))
        vertices["drawn"] += len(shapely.get_coordinates(drawn))
    assert vertices["drawn"] < vertices["raw"] / 2  # measured 6,737 of 17,955


def identity(lon, lat):
    return np.asarray(lon, float), np.asarray(lat, float)


def test_lines_keep_the_segments_that_cross_the_frame_and_drop_the_rest():
    nan = [np.nan, np.nan]
    lonlat = np.array(
        [
            [-1, 5], [11, 5],  # crosses the frame with no vertex inside: kept
            nan,
            [-1, -1], [-1, 11], [5, 11.5], [5, 9], [6, 9],  # only the last two reach in
        ],
        dtype=np.float32,
    )  # fmt: skip
    lines = page_lines(lonlat, (0, 0, 10, 10), identity, (0, 0, 10, 10), tolerance=None)
    assert [shapely.get_coordinates(line).tolist() for line in lines] == [
        [[-1, 5], [11, 5]],
        [[5, 11.5], [5, 9], [6, 9]],
    ]


def test_page_lines_round_to_a_tenth_of_a_unit():
    lonlat = np.array([[1.234, 1.0], [2.0, 1.26], [3.0, 1.0]], dtype=np.float64)
    (line,) = page_lines(lonlat, (0, 0, 10, 10), identity, (0, 0, 10, 10))
    assert shapely.get_coordinates(line).tolist() == [[1.2, 1.0], [2.0, 1.3], [3.0, 1.0]]
