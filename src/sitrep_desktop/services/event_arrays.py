"""Every event the map can show, as numpy columns, kept current from the store's change news.

Read once (no Event records built), then an added event appends a row, an edit
replaces its row and a delete retires it: a million events are not read again
because one changed. A time or a box filters the columns; nothing is read from
disk for that. Positions are projected once per row, vectorised.

Times are int64 keys that order exactly as the store's text keys do
(domain.times): a date alone sorts before every time on its day, and a date
alone as a bound covers the whole day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import shapely

from sitrep_desktop.domain import Moment, Place
from sitrep_desktop.geo.projection import MapProjection
from sitrep_desktop.services.event_ids import EventIds, RowIndex

_DAY_US = 86_400_000_000


def time_keys(keys: Sequence[str]) -> np.ndarray:
    """The int64 key of each text key: 2·µs for a time, 2·µs(midnight) − 1 for a date alone."""
    if not len(keys):
        return np.zeros(0, np.int64)
    text = np.asarray(keys, dtype=str)
    date_only = np.char.str_len(text) == 10
    micros = np.char.rstrip(text, "Z").astype("datetime64[us]").astype(np.int64)
    return 2 * micros - date_only


def bound_key(at: Moment | None) -> int | None:
    """The largest key shown "as of" `at` (None: no bound). A date alone bounds its whole day."""
    if at is None:
        return None
    start = int(time_keys([at.key])[0])
    if at.date_only:  # up to the last microsecond of the day
        return start + 1 + 2 * _DAY_US - 2
    return start


class EventArrays:
    """Columns of every event, one row each (rows are never reordered).

    `lon`/`lat` is where the event is: its own point, the representative point
    of its line or area, or its place's position (`at_place`); `x`/`y` the same
    projected. `alive` is False for a deleted row, `located` False for an event
    with neither geometry nor a known place (it cannot be drawn). `ids[row]` is a
    row's event id and `row_of` the way back (services.event_ids: a bytes column,
    not a million Python strings).
    """

    def __init__(self, projection: MapProjection) -> None:
        self.projection = projection
        self.ids = EventIds()
        self.row_of = RowIndex(self.ids, lambda: self.alive)
        self.categories: list[str] = []  # code -> category name
        self._codes: dict[str, int] = {}
        self.place_ids = np.zeros(0, object)
        self.lon = np.zeros(0)
        self.lat = np.zeros(0)
        self.x = np.zeros(0)
        self.y = np.zeros(0)
        self.code = np.zeros(0, np.int16)  # a few dozen categories at most
        self.time = np.zeros(0, np.int64)
        self.at_place = np.zeros(0, bool)
        self.own_geometry = np.zeros(0, bool)
        self.located = np.zeros(0, bool)
        self.alive = np.zeros(0, bool)
        self.saved_up_to: int | None = None  # a full read up to this rowid, not saved yet

    def __len__(self) -> int:
        """Events held now (deleted rows not counted)."""
        return int(self.alive.sum())

    # -- filling -----------------------------------------------------------------------------
    def load(self, rows: list[tuple], places: Mapping[str, Place]) -> None:
        """Replace everything by `rows` (EventRepository.map_columns)."""
        self.load_chunks([rows], places)

    def load_chunks(self, chunks: Iterable[list[tuple]], places: Mapping[str, Place]) -> None:
        """Replace everything by the rows of `chunks` (store.event_counts.map_column_chunks):
        each chunk becomes columns before the next is read."""
        self.__init__(self.projection)  # type: ignore[misc]
        for rows in chunks:
            self.append_new(rows, places)
        self.finish_load()

    def finish_load(self) -> None:
        """After the last chunk: the id -> row index, sorted once for all the rows."""
        self.row_of.sort()

    def append_new(self, rows: list[tuple], places: Mapping[str, Place]) -> None:
        """Add rows of events not held yet (a load's chunk): no lookup of old rows."""
        if not rows:
            return
        ids, keys, categories, place_ids, has_geometry, lon, lat, shapes = zip(*rows)
        columns = self._columns(keys, categories, place_ids, has_geometry, lon, lat, shapes, places)
        for name, values in columns.items():
            setattr(self, name, np.concatenate((getattr(self, name), values)))
        self.alive = np.concatenate((self.alive, np.ones(len(ids), bool)))
        self.ids.extend(ids)  # row_of learns them all at once, in finish_load

    def locate_at_places(self, places: Mapping[str, Place]) -> None:
        rows = np.flatnonzero(self.at_place)
        if len(rows):
            lon, lat, found = _place_points(self.place_ids[rows], places)
            self.lon[rows], self.lat[rows], self.at_place[rows] = lon, lat, found
            self.x[rows], self.y[rows] = self._project(lon, lat)
        finite = np.isfinite(self.lon) & np.isfinite(self.lat)
        self.located = finite & (self.own_geometry | self.at_place)

    def upsert(self, rows: list[tuple], places: Mapping[str, Place]) -> None:
        """Add new events at the end, replace the rows of events already held."""
        if not rows:
            return
        ids, keys, categories, place_ids, has_geometry, lon, lat, shapes = zip(*rows)
        columns = self._columns(keys, categories, place_ids, has_geometry, lon, lat, shapes, places)
        old_rows = self.row_of.rows_of(ids)
        replace = old_rows >= 0
        if replace.any():
            for name, values in columns.items():
                getattr(self, name)[old_rows[replace]] = values[replace]
            self.alive[old_rows[replace]] = True
        fresh = ~replace
        if fresh.any():
            start = len(self.ids)
            for name, values in columns.items():
                setattr(self, name, np.concatenate((getattr(self, name), values[fresh])))
            self.alive = np.concatenate((self.alive, np.ones(int(fresh.sum()), bool)))
            new_ids = [i for i, new in zip(ids, fresh) if new]
            self.ids.extend(new_ids)
            self.row_of.added(new_ids, start)

    def remove(self, ids: Sequence[str]) -> None:
        """Retire the rows of deleted events (kept as gaps; their ids forgotten)."""
        for event_id in ids:
            row = self.row_of.discard(event_id)
            if row is not None:
                self.alive[row] = False

    def move_places(self, places: Mapping[str, Place], place_ids: Sequence[str]) -> bool:
        """Follow places that moved, appeared or went: their events' positions. True if any."""
        wanted = np.isin(self.place_ids, list(place_ids)) & ~self.own_geometry & self.alive
        rows = np.flatnonzero(wanted)
        if not len(rows):
            return False
        lon, lat, found = _place_points(self.place_ids[rows], places)
        self.lon[rows], self.lat[rows] = lon, lat
        self.located[rows] = self.at_place[rows] = found
        self.x[rows], self.y[rows] = self._project(lon, lat)
        return True

    # -- reading --------------------------------------------------------------------------------
    def shown(
        self, at: Moment | None, bbox: tuple[float, float, float, float] | None = None
    ) -> np.ndarray:
        """Rows of the events drawn as of `at` (every one if None), inside `bbox` (W, S, E, N)."""
        mask = self.alive & self.located
        bound = bound_key(at)
        if bound is not None:
            mask &= self.time <= bound
        if bbox is not None:
            west, south, east, north = bbox
            mask &= (self.lon >= west) & (self.lon <= east)
            mask &= (self.lat >= south) & (self.lat <= north)
        return np.flatnonzero(mask)

    def category_of(self, rows: np.ndarray) -> list[str]:
        return [self.categories[c] for c in self.code[rows]]

    # -- inside -----------------------------------------------------------------------------------
    def _columns(self, keys, categories, place_ids, has_geometry, lon, lat, shapes, places) -> dict:
        n = len(keys)
        lon = np.array(lon, float)  # None becomes NaN
        lat = np.array(lat, float)
        # Lines and areas are drawn at a point inside them, as a label would be.
        shaped = [i for i, wkt in enumerate(shapes) if wkt is not None]
        for i in shaped:
            point = shapely.from_wkt(shapes[i]).representative_point()
            lon[i], lat[i] = point.x, point.y
        place_arr = np.array(place_ids, object)
        geometry = np.array(has_geometry, bool)
        at_place = ~geometry & (place_arr != None)  # noqa: E711 (elementwise)
        if at_place.any():  # the place as it is now, not as it was when the event was saved
            p_lon, p_lat, found = _place_points(place_arr[at_place], places)
            lon[at_place], lat[at_place] = p_lon, p_lat
            at_place[at_place] = found
        located = np.isfinite(lon) & np.isfinite(lat) & (geometry | at_place)
        x, y = self._project(lon, lat)
        return {
            "place_ids": place_arr,
            "lon": lon,
            "lat": lat,
            "x": x,
            "y": y,
            "code": self._codes_of(categories, n),
            "time": time_keys(keys),
            "at_place": at_place,
            "own_geometry": geometry,
            "located": located,
        }

    def set_categories(self, names: Sequence[str]) -> None:
        """Codes 0.. name these categories (a saved read's)."""
        for name in names:
            self._code(name)

    def _codes_of(self, categories: Sequence[str], n: int) -> np.ndarray:
        # A dict lookup per row, not a call: the load of a million rows feels the difference.
        codes = self._codes
        for category in set(categories) - codes.keys():
            self._code(category)
        return np.fromiter((codes[c] for c in categories), np.int16, count=n)

    def _code(self, category: str) -> int:
        code = self._codes.get(category)
        if code is None:
            code = self._codes[category] = len(self.categories)
            self.categories.append(category)
        return code

    def _project(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x, y = self.projection.forward(np.nan_to_num(lon), np.nan_to_num(lat))
        return np.atleast_1d(np.asarray(x, float)), np.atleast_1d(np.asarray(y, float))


def _place_points(place_ids: np.ndarray, places: Mapping[str, Place]):
    """lon, lat and found for each place id: looked up once per distinct place."""
    distinct, inverse = np.unique(place_ids.astype(str), return_inverse=True)
    lon = np.full(len(distinct), np.nan)
    lat = np.full(len(distinct), np.nan)
    found = np.zeros(len(distinct), bool)
    for i, place_id in enumerate(distinct):
        place = places.get(str(place_id))
        if place is not None:
            lon[i], lat[i], found[i] = place.lon, place.lat, True
    return lon[inverse], lat[inverse], found[inverse]
