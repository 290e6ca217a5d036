"""Places within a geodesic radius: "what lies within 25 miles of Homs?".

Two steps: the R*Tree finds the places inside the bounding box of the
geodesic circle (cheap, generous), then ``geo.geodesy`` measures each
candidate on the ellipsoid and keeps those truly inside. ``places_within_scan``
skips the index and measures every place: the benchmark's floor and the
tests' reference answer.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..domain import Place
from ..geo.geodesy import distances_from, geodesic_circle, inverse, inverse_many
from . import rows
from .id_chunks import in_chunks
from .repositories import BBox

if TYPE_CHECKING:
    from .database import Store

# Past a quarter meridian the circle reaches round the globe in ways a
# lon/lat box cannot follow; searching everything is simplest and still right.
_WHOLE_WORLD_RADIUS_M = 10_000_000.0
_WORLD: BBox = (-180.0, -90.0, 180.0, 90.0)
# The circle is sampled every degree of bearing; its widest longitude lies
# between samples by at most 1 - cos(0.5°) of the half-width. Pad well beyond.
_PAD = 1e-3


@dataclass(frozen=True)
class PlaceDistance:
    """A place and how far, and which way, it lies from the centre."""

    place: Place
    distance_m: float
    bearing: float  # initial bearing from the centre, degrees true


def circle_bboxes(lat: float, lon: float, radius_m: float) -> list[BBox]:
    """Boxes (west, south, east, north) that together cover the geodesic circle.

    Two boxes when the circle crosses the antimeridian; a full band of
    longitude when it covers a pole.
    """
    if radius_m < 0:
        raise ValueError(f"radius must not be negative, got {radius_m}")
    if radius_m >= _WHOLE_WORLD_RADIUS_M:
        return [_WORLD]
    ring = np.array(geodesic_circle(lat, lon, radius_m, n=360)[:-1])
    south, north = float(ring[:, 0].min()), float(ring[:, 0].max())
    if inverse(lat, lon, 90.0, 0.0).distance_m <= radius_m:
        return [(-180.0, south, 180.0, 90.0)]
    if inverse(lat, lon, -90.0, 0.0).distance_m <= radius_m:
        return [(-180.0, -90.0, 180.0, north)]
    offsets = (ring[:, 1] - lon + 180.0) % 360.0 - 180.0
    half_width = max(abs(float(offsets.min())), abs(float(offsets.max())))
    pad_lon = half_width * _PAD + 1e-9
    pad_lat = (north - south) * _PAD + 1e-9
    south, north = max(south - pad_lat, -90.0), min(north + pad_lat, 90.0)
    west, east = lon + float(offsets.min()) - pad_lon, lon + float(offsets.max()) + pad_lon
    if east - west >= 360.0:
        return [(-180.0, south, 180.0, north)]
    if west < -180.0:
        return [(west + 360.0, south, 180.0, north), (-180.0, south, east, north)]
    if east > 180.0:
        return [(west, south, 180.0, north), (-180.0, south, east - 360.0, north)]
    return [(west, south, east, north)]


def places_within(
    store: Store, lat: float, lon: float, radius_m: float, exclude_ids: Collection[str] = ()
) -> list[PlaceDistance]:
    """Places no further than ``radius_m`` from (lat, lon), nearest first, via the R*Tree."""
    boxes = circle_bboxes(lat, lon, radius_m)
    box = "(max_lon >= ? AND min_lon <= ? AND max_lat >= ? AND min_lat <= ?)"
    where = " OR ".join([box] * len(boxes))
    params = [v for west, south, east, north in boxes for v in (west, east, south, north)]
    candidates = store.conn.execute(
        f"SELECT rowid, lat, lon FROM places WHERE rowid IN "
        f"(SELECT rid FROM places_rtree WHERE {where})",
        params,
    ).fetchall()
    return _nearest(store, lat, lon, radius_m, candidates, exclude_ids)


def places_within_scan(
    store: Store, lat: float, lon: float, radius_m: float, exclude_ids: Collection[str] = ()
) -> list[PlaceDistance]:
    """The same answer as :func:`places_within`, measuring every place (no index)."""
    candidates = store.conn.execute("SELECT rowid, lat, lon FROM places").fetchall()
    return _nearest(store, lat, lon, radius_m, candidates, exclude_ids)


def _nearest(
    store: Store,
    lat: float,
    lon: float,
    radius_m: float,
    candidates: Sequence[Sequence[float]],
    exclude_ids: Collection[str],
) -> list[PlaceDistance]:
    if not candidates:
        return []
    table = np.asarray(candidates, dtype=np.float64)
    distances = distances_from(lat, lon, table[:, 1], table[:, 2])
    inside = np.flatnonzero(distances <= radius_m)
    if not len(inside):
        return []
    rowids = [int(r) for r in table[inside, 0]]
    places = _places_by_rowid(store, rowids)
    kept = [(i, places[r]) for i, r in zip(inside, rowids) if places[r].id not in exclude_ids]
    if not kept:
        return []
    index = np.array([i for i, _ in kept])
    dist, bearings, _ = inverse_many(
        np.full(len(index), lat), np.full(len(index), lon), table[index, 1], table[index, 2]
    )
    found = [
        PlaceDistance(place, float(d), float(b)) for (_, place), d, b in zip(kept, dist, bearings)
    ]
    found.sort(key=lambda f: (f.distance_m, f.place.name.casefold()))
    return found


def _places_by_rowid(store: Store, rowids: list[int]) -> dict[int, Place]:
    found: dict[int, Place] = {}
    for chunk, marks in in_chunks(rowids):
        for row in store.conn.execute(
            f"SELECT rowid AS rid, * FROM places WHERE rowid IN ({marks})", chunk
        ):
            found[row["rid"]] = rows.place_from_row(row)
    return found
