"""A measured route through named points: its legs, total and the sentence for a report.

Shared by ``sitrep measure`` and the map's measure tool so both print the
same figures in the same words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from sitrep_desktop.geo.geodesy import Leg, compass_point, densify, inverse, path_legs
from sitrep_desktop.geo.units import describe_relative, to_unit


class Waypoint(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def lat(self) -> float: ...
    @property
    def lon(self) -> float: ...


@dataclass(frozen=True)
class RouteLeg:
    start: Waypoint
    end: Waypoint
    leg: Leg


@dataclass(frozen=True)
class Route:
    """Legs between consecutive waypoints; ``straight`` is first to last as the crow flies."""

    waypoints: tuple[Waypoint, ...]
    legs: tuple[RouteLeg, ...]
    total_m: float
    straight: Leg | None

    def sentence(self, unit: str = "km") -> str:
        """ "Homs is 44 km (28 mi) S of Hama": the last point seen from the first."""
        if self.straight is None:
            return ""
        last, first = self.waypoints[-1].name, self.waypoints[0].name
        return describe_relative(last, first, self.straight, unit)

    def figures(self, unit: str = "km") -> list[str]:
        """One line per leg and a total line, as people read them."""
        lines = []
        for r in self.legs:
            figures = leg_text(r.leg.distance_m, r.leg.initial_bearing, unit)
            lines.append(f"{r.start.name} → {r.end.name}: {figures}")
        if self.legs:
            lines.append(f"Total: {distance_text(self.total_m, unit)}")
        return lines


def measure_route(waypoints: Sequence[Waypoint]) -> Route:
    """Measure the path through ``waypoints`` in order on the WGS84 ellipsoid."""
    points = tuple(waypoints)
    legs = path_legs([(p.lat, p.lon) for p in points])
    route_legs = tuple(RouteLeg(a, b, leg) for a, b, leg in zip(points, points[1:], legs))
    straight = None
    if len(points) >= 2:
        straight = inverse(points[0].lat, points[0].lon, points[-1].lat, points[-1].lon)
    return Route(points, route_legs, sum(leg.distance_m for leg in legs), straight)


def distance_text(metres: float, unit: str = "km") -> str:
    """One decimal in the chosen unit: "44.5 km", "1,250.3 mi"."""
    return f"{to_unit(metres, unit):,.1f} {unit}"


def bearing_text(bearing: float) -> str:
    """ "185° S": whole degrees true and the 16-point compass word."""
    # Round first so 359.6 reads "0° N", not "360° N".
    return f"{round(bearing) % 360}° {compass_point(bearing)}"


def leg_text(distance_m: float, bearing: float, unit: str = "km") -> str:
    return f"{distance_text(distance_m, unit)}, {bearing_text(bearing)}"


MAX_VERTICES_PER_LEG = 400


def geodesic_track(points: Sequence[Waypoint]) -> tuple[np.ndarray, np.ndarray]:
    """(lats, lons) along the geodesic legs, longitudes unwrapped across the antimeridian."""
    lats: list[float] = []
    lons: list[float] = []
    for a, b in zip(points, points[1:]):
        leg = densify(a.lat, a.lon, b.lat, b.lon, max_segment_m=_segment_m(a, b))
        start = 1 if lats else 0  # each leg starts where the last one ended
        lats += [p[0] for p in leg[start:]]
        lons += [p[1] for p in leg[start:]]
    lon_array = np.degrees(np.unwrap(np.radians(np.asarray(lons, dtype=float))))
    return np.asarray(lats, dtype=float), lon_array


def _segment_m(a: Waypoint, b: Waypoint) -> float:
    length = inverse(a.lat, a.lon, b.lat, b.lon).distance_m
    # 10 km pieces are smooth at any zoom; very long legs get fewer, longer pieces.
    return max(10_000.0, length / MAX_VERTICES_PER_LEG)
