"""Which map names matter most: the order in which labels claim their spots.

The selected place first, then the database's places (by kind and population),
then country names (by area), then gazetteer towns by population, then
governorates. A level of detail shows names above its MIN_PRIORITY only. Pure
numbers: the canvas's label item (ui.map.place_labels) lays them out and paints.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from sitrep_desktop.geo import basemap

# Label importance of basemap names, against gazetteer populations.
COUNTRY_PRIORITY = 5e7
ADMIN1_PRIORITY = 1.5e5
# Smallest label importance shown per level of detail: few towns at world zoom.
MIN_PRIORITY = {"world": 1.5e6, "region": 1.5e5, "theatre": 0.0}
STORE_PLACE_BASE = 1e10
SELECTED_BONUS = 1e12
KIND_WEIGHT = {"city": 3e8, "town": 2e8, "air_base": 1.5e8, "naval_base": 1.5e8}


def place_priority(kind: str, population: int | None, selected: bool) -> float:
    """Importance of one of the database's places: always above basemap names."""
    weight = STORE_PLACE_BASE + KIND_WEIGHT.get(kind, 1e8) + float(population or 0)
    return weight + (SELECTED_BONUS if selected else 0.0)


def country_priority(area_km2: float) -> float:
    """A country's name ranks by its area: 100,000 km² (Jordan, about) ranks
    COUNTRY_PRIORITY, Russia 170 times that, and territories under ~3,000 km²
    fall below what the world view shows (MIN_PRIORITY), so Gibraltar or
    Bermuda wait for a closer look instead of taking the place of France's name."""
    return COUNTRY_PRIORITY * max(area_km2, 0.0) / 1e5


def basemap_label_candidates(projection) -> tuple:
    """Country and governorate names as label candidates (texts, x, y, priority, kinds)."""
    items = [
        (label, "country", country_priority(label.area_km2)) for label in basemap.labels("country")
    ]
    items += [(label, "admin1", ADMIN1_PRIORITY) for label in basemap.labels("admin1")]
    lon = np.array([label.lon for label, _k, _p in items], float)
    lat = np.array([label.lat for label, _k, _p in items], float)
    x, y = projection.forward(lon, lat)
    return (
        [label.name for label, _k, _p in items],
        np.atleast_1d(x),
        np.atleast_1d(y),
        np.array([p for _l, _k, p in items], float),
        [k for _l, k, _p in items],
    )


@lru_cache(maxsize=2)
def town_label_candidates(crs: str) -> tuple:
    """The gazetteer's towns as label candidates (names, x, y, population) in the
    plane of `crs`: the same for every map of a session, so worked out once (each
    new window projected 39,000 towns again). Read-only arrays: they are shared."""
    from sitrep_desktop.geo.gazetteer import Gazetteer
    from sitrep_desktop.geo.projection import MapProjection

    names, lon, lat, population = Gazetteer.load().towns()
    x, y = MapProjection(crs).forward(lon, lat)
    for array in (x, y, population):
        array.flags.writeable = False
    return tuple(names), x, y, population


# (crs, towns loaded, places' x and y) -> the other names a map labels. A few keys:
# one per file and state of its places.
_OTHER_LABELS: dict[tuple, tuple] = {}


def other_label_candidates(crs: str, towns: tuple | None, px, py, dot_radius: float) -> tuple:
    """The basemap's names and the gazetteer's `towns` (town_label_candidates, or
    None before they load), less the towns the database already holds at (px, py):
    each is labelled once, as the database's. (texts, x, y, priority, kinds, radii),
    ~40,000 names, asked at every selection: kept while the places stay where they
    are, and shared by the session's maps (each test window, each reopened file)."""
    key = (crs, towns is not None)
    key += (np.asarray(px, float).tobytes(), np.asarray(py, float).tobytes())
    candidates = _OTHER_LABELS.get(key)
    if candidates is not None:
        return candidates
    from sitrep_desktop.geo.projection import MapProjection

    b_texts, b_x, b_y, b_priority, b_kinds = basemap_label_candidates(MapProjection(crs))
    parts = [(list(b_texts), b_x, b_y, b_priority, list(b_kinds))]
    if towns is not None:
        names, tx, ty, population = towns
        keep = np.ones(len(tx), bool)
        for x0, y0 in zip(px, py):
            keep &= (np.abs(tx - x0) > 3000.0) | (np.abs(ty - y0) > 3000.0)
        index = np.flatnonzero(keep)
        parts.append(
            ([names[i] for i in index], tx[index], ty[index], population[index],
             ["town"] * len(index))
        )  # fmt: skip
    kinds = [k for part in parts for k in part[4]]
    arrays = [
        np.concatenate([np.asarray(part[column], float) for part in parts]) for column in (1, 2, 3)
    ]
    arrays.append(np.where(np.array(kinds, dtype=str) == "town", dot_radius, 0.0))
    for array in arrays:
        array.flags.writeable = False  # shared
    x, y, priority, radii = arrays
    candidates = ([t for part in parts for t in part[0]], x, y, priority, kinds, radii)
    if len(_OTHER_LABELS) >= 8:
        _OTHER_LABELS.pop(next(iter(_OTHER_LABELS)))
    _OTHER_LABELS[key] = candidates
    return candidates
