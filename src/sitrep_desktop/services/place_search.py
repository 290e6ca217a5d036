"""Place search: the database's places and the offline gazetteer together.

Both are ranked with the gazetteer's own rules (geo.gazetteer.match_score:
exact, prefix, word, substring, on folded names, so Hims, حمص and Homs meet);
at equal quality the database's places come first, then by population. Names
far outside the database's own area (its places' box and a margin) are offered
only when they match exactly, and after the near ones: "Hims" finds Homs, not
Hempstead or Tsim Sha Tsui.
Used by the window's Find place panel (Ctrl+F); plain Python.
"""

from __future__ import annotations

from dataclasses import dataclass

from sitrep_desktop.domain import Place
from sitrep_desktop.geo.gazetteer import EXACT, Gazetteer, match_score
from sitrep_desktop.geo.point_input import outside_area

MAX_RESULTS = 25


@dataclass(frozen=True)
class SearchResult:
    name: str
    lat: float
    lon: float
    score: float
    population: int
    detail: str
    place_id: str = ""  # set for the database's own places
    alt_names: tuple[str, ...] = ()
    far: bool = False  # a gazetteer entry far outside the database's own area

    @property
    def in_database(self) -> bool:
        return bool(self.place_id)


def search_places(query: str, places: list[Place], limit: int = MAX_RESULTS) -> list[SearchResult]:
    """The database's places and gazetteer entries matching ``query``, best first."""
    results = []
    for place in places:
        score = match_score(query, place.all_names)
        if score is not None:
            results.append(
                SearchResult(
                    place.name,
                    place.lat,
                    place.lon,
                    score,
                    place.population or 0,
                    f"in this database · {place.kind.replace('_', ' ')}",
                    place.id,
                    place.alt_names,
                )
            )
    for entry, score in Gazetteer.load().search(query, limit * 4):
        far = outside_area(entry, places)
        if far and score < EXACT:
            continue  # "Hims" is not Hempstead: far off, only an exact name is offered
        population = f" · {entry.population:,} people" if entry.population else ""
        where = " · far from this map" if far else ""
        results.append(
            SearchResult(
                entry.name,
                entry.lat,
                entry.lon,
                score,
                entry.population,
                f"gazetteer · {entry.country}{population}{where}",
                alt_names=entry.alt_names,
                far=far,
            )
        )
    # Near before far, then by how well the name matches; the database's own first.
    results.sort(key=lambda r: (r.far, -r.score, not r.in_database, -r.population))
    return results[:limit]


def place_from_result(result: SearchResult) -> Place:
    """A new Place for a gazetteer result (town or city by population)."""
    kind = "city" if result.population >= 100_000 else "town" if result.population else "village"
    return Place(
        name=result.name,
        lat=result.lat,
        lon=result.lon,
        kind=kind,
        alt_names=tuple(n for n in result.alt_names if n != result.name)[:20],
        population=result.population or None,
        notes="Added from the GeoNames gazetteer (CC BY 4.0).",
    )
