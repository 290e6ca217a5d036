"""Turn what a user typed into a point: "lat,lon", DMS, MGRS, or a place name.

One rule for every box and argument that asks for a point. Coordinates are
tried first when the text looks like one; otherwise the name is looked up in
the caller's own places (the store's, passed in), then in the shipped
gazetteer. Only an exact name match is taken: a point picked by a partial
match ("Ham" -> Hama or Hamah?) would silently measure from the wrong town.
Anything else raises :class:`PointInputError` carrying the closest names.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from sitrep_desktop.geo.coords import CoordinateError, format_dd, looks_like_coordinate, parse_point
from sitrep_desktop.geo.gazetteer import EXACT, Gazetteer, fold, match_score
from sitrep_desktop.geo.route import Waypoint

SUGGESTIONS = 5
# How far beyond the box of a database's places a gazetteer name may lie before it
# is taken for a mistake ("Atlantis" is a town in South Africa): about 550 km, so
# the neighbouring countries' towns still count as near.
AREA_MARGIN_DEG = 5.0


class NamedPlace(Waypoint, Protocol):
    """What a candidate place needs (``domain.Place`` has it): a waypoint with an
    id and its other names."""

    @property
    def id(self) -> str: ...
    @property
    def all_names(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class ResolvedPoint:
    """A point and what to call it; ``source`` is "coordinate", "place" or "gazetteer"."""

    name: str
    lat: float
    lon: float
    source: str
    place_id: str | None = None  # set when the point is one of the caller's places
    country: str = ""  # ISO code of a gazetteer hit: "Ham" finds Hamm, DE, say so


class PointInputError(ValueError):
    """Text that names no known point; ``suggestions`` are the closest known names."""

    def __init__(self, text: str, reason: str, suggestions: Sequence[str] = ()) -> None:
        self.text = text
        self.reason = reason
        self.suggestions = tuple(suggestions)
        message = f"{text!r}: {reason}"
        if self.suggestions:
            message += f"; closest names: {', '.join(self.suggestions)}"
        super().__init__(message)


def resolve_point(
    text: str,
    places: Iterable[NamedPlace] = (),
    gazetteer: Gazetteer | None = None,
    *,
    use_gazetteer: bool = True,
) -> ResolvedPoint:
    """The point ``text`` means. ``places`` win over the gazetteer for the same name.

    ``gazetteer`` defaults to the shipped one; ``use_gazetteer=False`` keeps the
    lookup to ``places`` (a store with its own spelling of every town).
    """
    stripped = text.strip() if isinstance(text, str) else ""
    if not stripped:
        raise PointInputError(str(text), "is empty: give a place name, 'lat,lon', DMS or MGRS")
    if looks_like_coordinate(stripped):
        try:
            lat, lon = parse_point(stripped)
        except CoordinateError as error:
            raise PointInputError(stripped, f"not a usable coordinate ({error.reason})") from None
        return ResolvedPoint(format_dd(lat, lon, 5), lat, lon, "coordinate")

    candidates = list(places)
    for place in candidates:
        if match_score(stripped, place.all_names) == EXACT:
            return ResolvedPoint(place.name, place.lat, place.lon, "place", place.id)
    gaz = (gazetteer or Gazetteer.load()) if use_gazetteer else None
    if gaz is not None:
        hits = gaz.search(stripped, limit=1)
        if hits and hits[0][1] == EXACT:
            entry = hits[0][0]
            return ResolvedPoint(
                entry.name, entry.lat, entry.lon, "gazetteer", country=entry.country
            )
    suggestions = closest_names(stripped, candidates, gaz)
    raise PointInputError(stripped, "no place of that name, and not a coordinate", suggestions)


def closest_names(
    text: str, places: Iterable[NamedPlace] = (), gazetteer: Gazetteer | None = None
) -> list[str]:
    """Up to :data:`SUGGESTIONS` known names nearest to ``text``, the caller's places first.

    Typos ("Homz") do not share a prefix with the name meant, so gazetteer
    names are gathered by the first three letters too and then ranked by
    similarity of the folded spellings.
    """
    wanted = fold(text)
    if not wanted:
        return []

    def similarity(name: str) -> float:
        score = match_score(text, [name]) or 0.0
        return score + 3.0 * difflib.SequenceMatcher(None, wanted, fold(name)).ratio()

    own = sorted(
        {p.name: max(similarity(n) for n in p.all_names) for p in places}.items(),
        key=lambda item: -item[1],
    )
    names = [name for name, score in own if score >= 1.8]
    if gazetteer is not None:
        found: dict[str, float] = {}
        for query in dict.fromkeys((text, wanted[:3])):
            for entry, _quality in gazetteer.search(query, limit=40):
                found.setdefault(entry.name, similarity(entry.name))
        ranked = sorted(found.items(), key=lambda item: -item[1])
        names += [name for name, score in ranked if score >= 1.8 and name not in names]
    return names[:SUGGESTIONS]


def outside_area(
    point: Waypoint, places: Iterable[Waypoint], margin_deg: float = AREA_MARGIN_DEG
) -> bool:
    """Whether ``point`` lies outside the box of ``places`` widened by ``margin_deg``
    (never, when there are no places to draw a box around)."""
    places = list(places)
    if not places:
        return False
    lats = [p.lat for p in places]
    lons = [p.lon for p in places]
    inside_lat = min(lats) - margin_deg <= point.lat <= max(lats) + margin_deg
    inside_lon = min(lons) - margin_deg <= point.lon <= max(lons) + margin_deg
    return not (inside_lat and inside_lon)
