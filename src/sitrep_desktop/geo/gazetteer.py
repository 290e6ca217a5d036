"""Offline place-name search over the GeoNames extract in resources/gazetteer.

Every place of 500+ people in Syria and its neighbours (SY LB TR IQ JO IL PS
CY) and every place of 15,000+ worldwide, with the alternate names people
type (Arabic included). Names are compared after ``fold`` (see
transliterate.py), so Halab finds Aleppo and حمص finds Homs.

Match quality, shared by ``match_score`` and ``Gazetteer.search`` so the app
can rank its own places with the same rules:
  3.0 exact   the folded query equals a folded name
  2.0 prefix  a folded name starts with the query (as typed so far)
  1.5 word    a later word of a folded name starts with the query
  1.0 within  the query occurs inside a folded name
Search results are ordered by quality, then by population.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from sitrep_desktop.geo.transliterate import FOLD_VERSION, fold
from sitrep_desktop.paths import resource_path

__all__ = ["Gazetteer", "GazetteerEntry", "fold", "match_score"]

EXACT, PREFIX, WORD, WITHIN = 3.0, 2.0, 1.5, 1.0
_END = "\U0010ffff"  # sorts after every character: end of a prefix range


@dataclass(frozen=True)
class GazetteerEntry:
    name: str
    lat: float
    lon: float
    population: int
    country: str  # ISO 3166-1 alpha-2
    alt_names: tuple[str, ...]
    geonameid: int


def _score_key(query: str, open_query: str, key: str) -> float | None:
    if key == query:
        return EXACT
    if key.startswith(query) or key.startswith(open_query):
        return PREFIX
    spaced = " " + key
    if " " + query in spaced or " " + open_query in spaced:
        return WORD
    if query in key or open_query in key:
        return WITHIN
    return None


def match_score(query: str, names: Iterable[str]) -> float | None:
    """Best match quality of ``query`` against any of ``names``; None if none match."""
    folded, open_query = fold(query), fold(query, partial=True)
    if not folded:
        return None
    scores = [_score_key(folded, open_query, fold(name)) for name in names]
    return max((s for s in scores if s is not None), default=None)


class Gazetteer:
    """Column store of places with a sorted index of folded names."""

    def __init__(self, columns: dict[str, np.ndarray], keys: list[str], key_entry: np.ndarray):
        self._names: list[str] = columns["names"]  # type: ignore[assignment]
        self._alt_names: list[str] = columns["alt_names"]  # type: ignore[assignment]
        self._lat, self._lon = columns["lat"], columns["lon"]
        self._population, self._country = columns["population"], columns["country"]
        self._geonameid = columns["geonameid"]
        self._keys = keys  # sorted; key_entry[i] is the place of keys[i]
        self._key_entry = key_entry
        # Substring search scans one string; line starts map a hit to its key.
        self._text = "\n".join(keys)
        lengths = np.fromiter(map(len, keys), np.int64, len(keys))
        self._line_start = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))

    @classmethod
    @lru_cache(maxsize=1)
    def load(cls) -> Gazetteer:
        """The shipped gazetteer, loaded once and shared."""
        return cls.from_file(resource_path("gazetteer", "gazetteer.npz"))

    @classmethod
    def from_file(cls, path: Path) -> Gazetteer:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}

        def lines(name: str) -> list[str]:
            return arrays[name].tobytes().decode("utf-8").split("\n")

        columns = {name: arrays[name] for name in ("lat", "lon", "population", "geonameid")}
        columns["country"] = arrays["country"].astype(str)
        columns["names"], columns["alt_names"] = lines("names"), lines("alt_names")
        if int(arrays["fold_version"]) == FOLD_VERSION:
            keys, key_entry = lines("keys"), arrays["key_entry"]
        else:  # folding rules changed since the build: refold (slow, but right)
            keys, key_entry = _index(columns["names"], columns["alt_names"])
        return cls(columns, keys, key_entry)

    def __len__(self) -> int:
        return len(self._names)

    def towns(self) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
        """(names, lon, lat, population) of every entry, in entry order: what a map
        needs to label them all. Copies, so a caller cannot change the gazetteer."""
        return (
            list(self._names),
            self._lon.copy(),
            self._lat.copy(),
            self._population.astype(float),
        )

    def entry(self, index: int) -> GazetteerEntry:
        alts = self._alt_names[index]
        return GazetteerEntry(
            name=self._names[index],
            lat=float(self._lat[index]),
            lon=float(self._lon[index]),
            population=int(self._population[index]),
            country=str(self._country[index]),
            alt_names=tuple(alts.split("|")) if alts else (),
            geonameid=int(self._geonameid[index]),
        )

    def search(self, query: str, limit: int = 20) -> list[tuple[GazetteerEntry, float]]:
        """Places matching ``query``, best first: by match quality, then population."""
        folded, open_query = fold(query), fold(query, partial=True)
        if not folded or limit <= 0:
            return []
        entries, scores = [], []

        def take(lo: int, hi: int, score: float) -> None:
            entries.append(self._key_entry[lo:hi])
            scores.append(np.full(hi - lo, score))

        keys = self._keys
        exact_lo, exact_hi = bisect_left(keys, folded), bisect_right(keys, folded)
        take(exact_lo, exact_hi, EXACT)
        take(exact_hi, bisect_left(keys, folded + _END), PREFIX)
        if open_query != folded:
            take(bisect_left(keys, open_query), bisect_left(keys, open_query + _END), PREFIX)
        found = np.unique(np.concatenate(entries))
        # Lower tiers cannot reach the top `limit` once these fill it.
        if len(found) < limit:
            for needle in {folded, open_query}:
                hit_entries, hit_scores = self._within(needle)
                entries.append(hit_entries)
                scores.append(hit_scores)
        return [(self.entry(i), s) for i, s in _rank(entries, scores, limit)]

    def _within(self, needle: str) -> tuple[np.ndarray, np.ndarray]:
        """Places with ``needle`` inside a key but not at its start."""
        text = self._text
        positions, start = [], text.find(needle)
        while start != -1:
            positions.append(start)
            start = text.find(needle, start + 1)
        hits = np.asarray(positions, np.int64)
        line = np.searchsorted(self._line_start, hits, side="right") - 1
        inner = hits > self._line_start[line]
        hits, line = hits[inner], line[inner]
        after_space = np.fromiter((text[h - 1] == " " for h in hits), bool, len(hits))
        return self._key_entry[line], np.where(after_space, WORD, WITHIN)


def _rank(
    entries: list[np.ndarray], scores: list[np.ndarray], limit: int
) -> list[tuple[int, float]]:
    """Best score per place, ordered by score then population.

    Places are stored by falling population, so the index breaks ties.
    """
    entry = np.concatenate(entries).astype(np.int64)
    score = np.concatenate(scores)
    if not len(entry):
        return []
    order = np.lexsort((entry, -score))
    seen: dict[int, float] = {}
    for i in order:
        seen.setdefault(int(entry[i]), float(score[i]))
        if len(seen) == limit:
            break
    return list(seen.items())


def _index(names: list[str], alt_names: list[str]) -> tuple[list[str], np.ndarray]:
    pairs = sorted(
        {
            (key, i)
            for i, (name, alts) in enumerate(zip(names, alt_names, strict=True))
            for key in map(fold, [name, *alts.split("|")])
            if key
        }
    )
    return [k for k, _ in pairs], np.array([i for _, i in pairs], np.int32)
