"""`sitrep measure` and `sitrep within`: distances, bearings and range rings from a shell."""

from __future__ import annotations

import argparse
import math
from typing import Any

from ..geo.gazetteer import Gazetteer
from ..geo.geodesy import compass_point, inverse
from ..geo.point_input import PointInputError, ResolvedPoint, outside_area, resolve_point
from ..geo.route import bearing_text, distance_text, measure_route
from ..geo.units import format_distance, from_unit, to_unit
from ..store import Store
from ..store.spatial import places_within
from .common import UsageError, open_existing, print_json, print_table

UNITS = ("km", "mi", "nmi")
POINT_HELP = "a place name (from the database or the gazetteer), 'lat,lon', DMS or MGRS"


def register(commands: argparse._SubParsersAction) -> None:
    measure = commands.add_parser(
        "measure",
        help="distance and bearing between points, on the WGS84 ellipsoid",
        description="Measure the path through POINTs in the order given: each leg's geodesic "
        "distance and initial bearing, the total, and where the last point lies from the "
        f"first as a sentence. Each point is {POINT_HELP}.",
        epilog="`sitrep measure demo.db Hama Homs Damascus` measures Hama -> Homs -> Damascus. "
        "DB may be left out: your own database (`sitrep where`). Negative coordinates "
        "are points, not options: `sitrep measure db -41.32,174.81 40.96,-5.50`.",
    )
    measure.add_argument("db", help="database file (optional: see `sitrep where`)")
    measure.add_argument("points", metavar="POINT", nargs="*", help="two or more points, in order")
    _common_options(measure)
    measure.set_defaults(func=run_measure)

    within = commands.add_parser(
        "within",
        help="places within a radius of a point, nearest first",
        description=f"List the database's places within RADIUS of PLACE ({POINT_HELP}), "
        "nearest first, with distance and bearing from PLACE. Distances are geodesic.",
    )
    within.add_argument("db", help="database file (optional: see `sitrep where`)")
    within.add_argument("place", metavar="PLACE", help="centre of the ring")
    within.add_argument("radius", metavar="RADIUS", help="ring radius in --units")
    _common_options(within)
    within.set_defaults(func=run_within)


def _common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--units", choices=UNITS, default="km", help="distance unit (default: km)")
    parser.add_argument("--json", action="store_true", help="print JSON (full precision)")
    parser.add_argument(
        "--anywhere",
        action="store_true",
        help="accept a gazetteer name found only far from the database's places",
    )


def resolve_argument(
    store: Store, label: str, text: str, *, anywhere: bool = True
) -> ResolvedPoint:
    """The point an argument names, or a UsageError that names the argument.

    Unless ``anywhere``, a gazetteer name far outside the database's own area is
    refused: "Atlantis" matching a town in South Africa is almost surely a mistake.
    """
    places = store.places.all()
    try:
        point = resolve_point(text, places, Gazetteer.load())
    except PointInputError as error:
        raise UsageError(f"{label} {error}") from None
    if not anywhere and point.source == "gazetteer" and outside_area(point, places):
        nearest = min(inverse(p.lat, p.lon, point.lat, point.lon).distance_m for p in places)
        raise UsageError(
            f"{label} {text!r} matches only {point.name}, {point.country} "
            f"({point.lat:.4f}, {point.lon:.4f}), {format_distance(nearest)} from the nearest "
            "place of this database; give coordinates, or add --anywhere to measure there"
        )
    return point


def run_measure(args: argparse.Namespace) -> int:
    if len(args.points) < 2:
        given = f" (got only {args.points[0]!r})" if args.points else ""
        raise UsageError(f"give at least two points to measure between{given}")
    labelled = [(f"POINT #{i}", text) for i, text in enumerate(args.points, 1)]
    with open_existing(args.db) as store:
        points = [
            resolve_argument(store, label, text, anywhere=args.anywhere) for label, text in labelled
        ]
    route = measure_route(points)
    unit = args.units
    if args.json:
        print_json(
            {
                "units": unit,
                "points": [_point_json(text, p) for (_, text), p in zip(labelled, points)],
                "legs": [
                    {
                        "from": r.start.name,
                        "to": r.end.name,
                        "distance": to_unit(r.leg.distance_m, unit),
                        "distance_m": r.leg.distance_m,
                        "initial_bearing": r.leg.initial_bearing,
                        "final_bearing": r.leg.final_bearing,
                        "compass": compass_point(r.leg.initial_bearing),
                    }
                    for r in route.legs
                ],
                "total": to_unit(route.total_m, unit),
                "total_m": route.total_m,
                "sentence": route.sentence(unit),
            }
        )
        return 0
    print_table(
        ["leg", "from", "to", "distance", "bearing"],
        [
            [
                str(i),
                r.start.name,
                r.end.name,
                distance_text(r.leg.distance_m, unit),
                bearing_text(r.leg.initial_bearing),
            ]
            for i, r in enumerate(route.legs, 1)
        ],
    )
    print(f"Total: {distance_text(route.total_m, unit)}")
    print(route.sentence(unit))
    for point in points:
        if point.source == "gazetteer":
            print(f"({point.name}, {point.country}: from the gazetteer, not the database)")
    return 0


def run_within(args: argparse.Namespace) -> int:
    radius = _radius(args.radius, args.units)
    unit = args.units
    with open_existing(args.db) as store:
        centre = resolve_argument(store, "PLACE", args.place, anywhere=args.anywhere)
        exclude = {centre.place_id} if centre.place_id else set()
        found = places_within(store, centre.lat, centre.lon, radius, exclude)
    if args.json:
        print_json(
            {
                "centre": _point_json(args.place, centre),
                "radius": float(args.radius),
                "units": unit,
                "radius_m": radius,
                "count": len(found),
                "places": [
                    {
                        "id": f.place.id,
                        "name": f.place.name,
                        "kind": f.place.kind,
                        "lat": f.place.lat,
                        "lon": f.place.lon,
                        "distance": to_unit(f.distance_m, unit),
                        "distance_m": f.distance_m,
                        "bearing": f.bearing,
                        "compass": compass_point(f.bearing),
                    }
                    for f in found
                ],
            }
        )
        return 0
    print(f"Places within {args.radius} {unit} of {centre.name}, nearest first:")
    print_table(
        ["place", "distance", "bearing"],
        [[f.place.name, distance_text(f.distance_m, unit), bearing_text(f.bearing)] for f in found],
    )
    print(f"{len(found)} place(s)")
    return 0


def _radius(text: str, unit: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"RADIUS {text!r} is not a number (give it in --units {unit})") from None
    if not math.isfinite(value) or value <= 0:
        raise UsageError(f"RADIUS {text!r} must be a positive number")
    return from_unit(value, unit)


def _point_json(text: str, point: ResolvedPoint) -> dict[str, Any]:
    return {
        "input": text,
        "name": point.name,
        "lat": point.lat,
        "lon": point.lon,
        "source": point.source,
        "place_id": point.place_id,
        "country": point.country or None,
    }
