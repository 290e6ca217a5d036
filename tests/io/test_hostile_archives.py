"""Memory bounds: hostile archives, lines, names and counts refused in one clear line.

The hostile files are built here, small on disk (a few MB of deflate that
unpack to gigabytes), and read by the command line in a child process whose
address space is capped at 1 GiB: a reader that holds what it unpacks dies of
MemoryError there instead of slowing the test machine to a crawl.
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import textwrap
import zipfile
import zlib
from pathlib import Path

import pytest

from sitrep_desktop.io import limits, pipeline
from sitrep_desktop.io.progress import ImportCancelled
from sitrep_desktop.io.records import ImportFileError
from sitrep_desktop.services.demo import write_demo

MB = 1024 * 1024
ADDRESS_SPACE = 1024 * MB
SPACES = b" " * MB


def _deflate(head: bytes, megabytes_of_spaces: int, tail: bytes) -> tuple[bytes, int, int]:
    """Raw deflate of head + spaces + tail, built from one compressed block repeated.

    A full flush resets the compressor, so each block stands alone: gigabytes of
    spaces cost a few kB to make. Returns (data, size unpacked, CRC-32).
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(SPACES) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.compress(tail) + compressor.flush()
    crc = zlib.crc32(head)
    for _ in range(megabytes_of_spaces):
        crc = zlib.crc32(SPACES, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + megabytes_of_spaces * MB + len(tail)
    return start + block * megabytes_of_spaces + end, size, crc


def write_zip(path: Path, entries: list[tuple[str, bytes, int, bytes, int | None]]) -> Path:
    """A zip of (name, head, MB of spaces, tail, claimed size or None for the truth)."""
    body, directory = b"", b""
    for name, head, megabytes, tail, claimed in entries:
        data, size, crc = _deflate(head, megabytes, tail)
        size = size if claimed is None else claimed
        raw = name.encode()
        offset = len(body)
        body += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size, len(raw), 0
        )
        body += raw + data
        directory += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(data), size, len(raw), 0, 0, 0, 0, 0, offset,
        )  # fmt: skip
        directory += raw
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), len(body), 0
    )
    path.write_bytes(body + directory + end)
    return path


COT_HEAD, COT_TAIL = b"<events>", b"</events>"
KML_HEAD = b'<kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
KML_TAIL = b"</Document></kml>"


def run_capped(db: Path, source: Path) -> subprocess.CompletedProcess[str]:
    """`sitrep import db source --dry-run` in a child with 1 GiB of address space."""
    script = textwrap.dedent(
        f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, ({ADDRESS_SPACE}, {ADDRESS_SPACE}))
        from sitrep_desktop.app import main
        sys.exit(main(["import", {str(db)!r}, {str(source)!r}, "--dry-run"]))
        """
    )
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    return write_demo(tmp_path_factory.mktemp("bounds") / "demo.db")


def _refused(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    for word in words:
        assert word in done.stderr


def test_a_tak_package_entry_that_lies_about_its_size_is_refused_not_inflated(
    demo_db, tmp_path
) -> None:
    package = write_zip(tmp_path / "lying.zip", [("bomb.cot", COT_HEAD, 1200, COT_TAIL, 1000)])
    assert package.stat().st_size < 2 * MB
    _refused(run_capped(demo_db, package), "lying.zip", "CRC")


def test_a_kmz_entry_that_lies_about_its_size_is_refused_not_inflated(demo_db, tmp_path) -> None:
    kmz = write_zip(tmp_path / "lying.kmz", [("doc.kml", KML_HEAD, 1200, KML_TAIL, 1000)])
    _refused(run_capped(demo_db, kmz), "lying.kmz", "CRC")


def test_a_photo_in_a_tak_package_that_lies_about_its_size_is_refused_not_inflated(
    demo_db, tmp_path
) -> None:
    marker = (
        b'<event version="2.0" uid="m1" type="a-f-G" time="2024-12-06T10:00:00Z" '
        b'start="2024-12-06T10:00:00Z" stale="2024-12-07T10:00:00Z" how="h-g-i-g-o">'
        b'<point lat="34.7" lon="36.7" hae="0" ce="10" le="10"/>'
        b'<detail><contact callsign="Homs photo"/></detail></event>'
    )
    manifest = (
        b"<MissionPackageManifest version='2'><Contents>"
        + b"".join(
            b"<Content zipEntry='%s'><Parameter name='uid' value='m1'/></Content>" % entry
            for entry in (b"m/marker.cot", b"m/photo.jpg")
        )
        + b"</Contents></MissionPackageManifest>"
    )
    package = write_zip(
        tmp_path / "photo.zip",
        [
            ("MANIFEST/manifest.xml", manifest, 0, b"", None),
            ("m/marker.cot", marker, 0, b"", None),
            ("m/photo.jpg", b"\xff\xd8", 1200, b"", 1000),  # was: read whole, past 1 GiB
        ],
    )
    _refused(run_capped(demo_db, package), "photo.zip", "CRC", "m/photo.jpg")


def test_one_entry_past_the_budget_is_refused_naming_the_limit(demo_db, tmp_path) -> None:
    package = write_zip(tmp_path / "one.zip", [("big.cot", COT_HEAD, 65, COT_TAIL, None)])
    # Was "entry big.cot, field 'size': too large", a fixed 64 MB no setting could change.
    _refused(run_capped(demo_db, package), "one.zip", "entry big.cot", "(archive_bytes)")


def test_many_entries_each_small_enough_share_one_budget(demo_db, tmp_path) -> None:
    entries = [(f"part{n}.cot", COT_HEAD, 40, COT_TAIL, None) for n in range(4)]
    package = write_zip(tmp_path / "many.zip", entries)
    _refused(run_capped(demo_db, package), "many.zip", "entry part1.cot", "archive_bytes")


def test_a_kmz_unpacking_past_the_budget_is_refused_before_it_is_unpacked(
    demo_db, tmp_path
) -> None:
    kmz = write_zip(tmp_path / "big.kmz", [("doc.kml", KML_HEAD, 200, KML_TAIL, None)])
    _refused(run_capped(demo_db, kmz), "big.kmz", "archive_bytes")


def test_a_csv_header_line_of_32_mb_is_refused_before_it_is_split(demo_db, tmp_path) -> None:
    source = tmp_path / "wide.csv"
    source.write_bytes(b"a," * (16 * MB) + b"a\n1\n")
    _refused(run_capped(demo_db, source), "wide.csv", "line 1", "line_chars")


def _objects(path: Path, head: bytes, unit: bytes, megabytes: int, tail: bytes) -> Path:
    path.write_bytes(head + unit * (megabytes * MB // len(unit)) + tail)
    return path


@pytest.mark.parametrize(
    ("name", "head", "unit", "tail"),
    [
        ("lists.geojson", b'{"type":"Feature","properties":{"notes":[', b"[],", b"[]]}}"),
        ("elements.kml", KML_HEAD + b"<Placemark><description>", b"<a/>", b"</description>"
         b"</Placemark>" + KML_TAIL),
    ],
    ids=["json-lists", "xml-elements"],
)  # fmt: skip
def test_a_document_under_its_size_cap_that_would_parse_past_1_gb_is_refused_first(
    demo_db, tmp_path, name, head, unit, tail
) -> None:
    # 40 MB, under document_bytes: was 1.2-1.9 GB parsed (MemoryError here, naming nothing).
    source = _objects(tmp_path / name, head, unit, 40, tail)
    _refused(run_capped(demo_db, source), name, "file", "(parse_bytes)")


def test_a_kmz_whose_kml_would_parse_past_1_gb_is_refused_first(demo_db, tmp_path) -> None:
    kml = _objects(tmp_path / "doc.kml", KML_HEAD + b"<Placemark><description>", b"<a/>", 40,
                   b"</description></Placemark>" + KML_TAIL)  # fmt: skip
    kmz = tmp_path / "elements.kmz"
    with zipfile.ZipFile(kmz, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(kml, "doc.kml")
    _refused(run_capped(demo_db, kmz), "elements.kmz", "entry doc.kml", "(parse_bytes)")


# -- caps on one record and on a file, each naming its limit ---------------------------


def _geojson(tmp_path: Path, features: list[dict]) -> Path:
    path = tmp_path / "places.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def _point(name: str, n: int = 0) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [36.0 + n / 1000, 35.0]},
        "properties": {"name": name},
    }


def test_a_name_past_the_cap_is_refused_naming_the_feature(tmp_path) -> None:
    with pytest.raises(ImportFileError) as refusal:
        pipeline.read_file(_geojson(tmp_path, [_point("Homs"), _point("x" * 5000, 1)]))
    assert "feature 2" in str(refusal.value) and "name_chars" in str(refusal.value)


def test_a_field_past_the_cap_is_refused(tmp_path) -> None:
    source = tmp_path / "log.csv"
    source.write_text(f"at,title,lat,lon,description\n2024-12-06,T,34.9,36.7,{'d' * 5000}\n")
    with limits.configured(field_chars=1000), pytest.raises(ImportFileError, match="field_chars"):
        pipeline.read_file(source)


def test_a_polygon_past_the_vertex_cap_is_refused(tmp_path) -> None:
    ring = [[36.0 + i / 10_000, 35.0 + (i % 2) / 1000] for i in range(3000)]
    ring.append(ring[0])
    polygon = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]}}
    polygon["properties"] = {"name": "Front"}
    with limits.configured(vertices=1000), pytest.raises(ImportFileError, match="vertices"):
        pipeline.read_file(_geojson(tmp_path, [polygon]))


def test_a_file_with_more_records_than_the_cap_is_refused(tmp_path) -> None:
    source = _geojson(tmp_path, [_point(f"Village {n}", n) for n in range(30)])
    with limits.configured(features=20), pytest.raises(ImportFileError) as refusal:
        pipeline.read_file(source)
    assert "feature 21" in str(refusal.value) and "(features)" in str(refusal.value)


def test_a_document_past_its_size_cap_is_refused_before_it_is_read(tmp_path) -> None:
    source = _geojson(tmp_path, [_point(f"Village {n}", n) for n in range(30)])
    with limits.configured(document_bytes=1000), pytest.raises(ImportFileError) as refusal:
        pipeline.read_file(source)
    assert "document_bytes" in str(refusal.value)


def test_reading_a_tak_package_can_be_cancelled_part_way(tmp_path) -> None:
    entries = [(f"part{n}.cot", COT_HEAD, 8, COT_TAIL, None) for n in range(6)]
    package = write_zip(tmp_path / "slow.zip", entries)
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if done > total // 3:
            raise ImportCancelled()

    with pytest.raises(ImportCancelled):
        pipeline.read_file(package, progress=progress)
    assert len(seen) > 2 and seen[-1] < package.stat().st_size
