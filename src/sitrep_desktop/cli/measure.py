"""`sitrep measure` and `sitrep within`: distances, bearings and range rings from a shell."""

from __future__ import annotations

import argparse
import math
from typing import Any

from ..geo.gazetteer import Gazetteer
from ..geo.geodesy import compass_point
from ..geo.point_input import PointInputError, ResolvedPoint, resolve_point
from ..geo.route import bearing_text, distance_text, measure_route
from ..geo.units import from_unit, to_unit
from ..store import Store
from ..store.spatial import places_within
from .common import UsageError, open_existing, print_json, print_table

UNITS = ("km", "mi", "nmi")
POINT_HELP = "a place name (from the database or the gazetteer), 'lat,lon', DMS or MGRS"


def register(commands: argparse._SubParsersAction) -> None:
    measure = commands.add_parser(
        "measure",
        help="distance and bearing between points, on the WGS84 ellipsoid",
        description="Measure the path FROM -> VIA... -> TO: each leg's geodesic distance and "
        "initial bearing, the total, and where TO lies from FROM as a sentence. "
        f"Each point is {POINT_HELP}.",
        epilog="Order: the path starts at FROM, passes each VIA in the order given, and ends at "
        "TO, e.g. `sitrep measure demo.db Hama Homs al-Rastan` measures "
        "Hama -> al-Rastan -> Homs.",
    )
    measure.add_argument("db", help="database file")
    measure.add_argument("origin", metavar="FROM", help="start point")
    measure.add_argument("destination", metavar="TO", help="end point")
    measure.add_argument("via", metavar="VIA", nargs="*", help="points passed on the way, in order")
    _common_options(measure)
    measure.set_defaults(func=run_measure)

    within = commands.add_parser(
        "within",
        help="places within a radius of a point, nearest first",
        description=f"List the database's places within RADIUS of PLACE ({POINT_HELP}), "
        "nearest first, with distance and bearing from PLACE. Distances are geodesic.",
    )
    within.add_argument("db", help="database file")
    within.add_argument("place", metavar="PLACE", help="centre of the ring")
    within.add_argument("radius", metavar="RADIUS", help="ring radius in --units")
    _common_options(within)
    within.set_defaults(func=run_within)


def _common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--units", choices=UNITS, default="km", help="distance unit (default: km)")
    parser.add_argument("--json", action="store_true", help="print JSON")


def resolve_argument(store: Store, label: str, text: str) -> ResolvedPoint:
    """The point an argument names, or a UsageError that names the argument."""
    try:
        return resolve_point(text, store.places.all(), Gazetteer.load())
    except PointInputError as error:
        raise UsageError(f"{label} {error}") from None


def run_measure(args: argparse.Namespace) -> int:
    labelled = [
        ("FROM", args.origin),
        *((f"VIA #{i}", text) for i, text in enumerate(args.via, 1)),
        ("TO", args.destination),
    ]
    with open_existing(args.db) as store:
        points = [resolve_argument(store, label, text) for label, text in labelled]
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
                        "distance": round(to_unit(r.leg.distance_m, unit), 4),
                        "distance_m": round(r.leg.distance_m, 3),
                        "initial_bearing": round(r.leg.initial_bearing, 6),
                        "final_bearing": round(r.leg.final_bearing, 6),
                        "compass": compass_point(r.leg.initial_bearing),
                    }
                    for r in route.legs
                ],
                "total": round(to_unit(route.total_m, unit), 4),
                "total_m": round(route.total_m, 3),
                "sentence": route.sentence(),
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
    print(route.sentence())
    for point in points:
        if point.source == "gazetteer":
            print(f"({point.name}, {point.country}: from the gazetteer, not the database)")
    return 0


def run_within(args: argparse.Namespace) -> int:
    radius = _radius(args.radius, args.units)
    unit = args.units
    with open_existing(args.db) as store:
        centre = resolve_argument(store, "PLACE", args.place)
        exclude = {centre.place_id} if centre.place_id else set()
        found = places_within(store, centre.lat, centre.lon, radius, exclude)
    if args.json:
        print_json(
            {
                "centre": _point_json(args.place, centre),
                "radius": float(args.radius),
                "units": unit,
                "radius_m": round(radius, 3),
                "count": len(found),
                "places": [
                    {
                        "id": f.place.id,
                        "name": f.place.name,
                        "kind": f.place.kind,
                        "lat": f.place.lat,
                        "lon": f.place.lon,
                        "distance": round(to_unit(f.distance_m, unit), 4),
                        "distance_m": round(f.distance_m, 3),
                        "bearing": round(f.bearing, 6),
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
