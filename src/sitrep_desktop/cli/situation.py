"""`sitrep demo`, `sitrep control` and `sitrep events`: the situation from a shell."""

from __future__ import annotations

import argparse
from typing import Any

from ..domain import Event, parse_moment
from ..services.demo import write_demo
from ..services.situation import PlaceView, Situation
from .common import open_existing, print_json, print_table


def register(commands: argparse._SubParsersAction) -> None:
    demo = commands.add_parser("demo", help="write the demo situation to a new database file")
    demo.add_argument("path", help="database file to create")
    demo.add_argument("--force", action="store_true", help="replace the file if it exists")
    demo.add_argument("--json", action="store_true", help="print the result as JSON")
    demo.set_defaults(func=run_demo)

    control = commands.add_parser("control", help="who holds each place at a time")
    control.add_argument("db", help="database file")
    control.add_argument("--at", help="ISO 8601 date or time (default: latest)")
    control.add_argument("--json", action="store_true", help="print JSON")
    control.set_defaults(func=run_control)

    events = commands.add_parser("events", help="list events, filtered by time and text")
    events.add_argument("db", help="database file")
    events.add_argument("--since", help="from this ISO 8601 date or time (inclusive)")
    events.add_argument("--until", help="up to this ISO 8601 date or time (inclusive)")
    events.add_argument("--search", help="full-text search in title, description, actors, source")
    events.add_argument("--json", action="store_true", help="print JSON")
    events.set_defaults(func=run_events)


def run_demo(args: argparse.Namespace) -> int:
    path = write_demo(args.path, overwrite=args.force)
    if args.json:
        print_json({"path": str(path), "created": True})
    else:
        print(f"Demo situation written to {path}")
    return 0


def run_control(args: argparse.Namespace) -> int:
    at = parse_moment(args.at, "--at") if args.at else None
    with open_existing(args.db) as store:
        result = [_place_json(view) for view in Situation(store).places_at(at)]
    if args.json:
        print_json({"at": at.text if at else None, "places": result})
    else:
        rows = [
            [
                r["place"],
                r["faction_short"] or ("CONFLICT" if r["conflict"] else "unknown"),
                r["since"] or "",
                r["faction"] or "",
            ]
            for r in result
        ]
        print(f"Control as of {at.text if at else 'the latest change'}:")
        print_table(["place", "held by", "since", "faction"], rows)
    return 0


def _place_json(view: PlaceView) -> dict[str, Any]:
    place, state, faction = view.place, view.state, view.holder
    return {
        "place_id": place.id,
        "place": place.name,
        "kind": place.kind,
        "lat": place.lat,
        "lon": place.lon,
        "faction_id": faction.id if faction else None,
        "faction": faction.name if faction else None,
        "faction_short": faction.short_name if faction else None,
        "colour": faction.colour if faction else None,
        "since": state.since.text if state else None,
        "conflict": view.conflicted,
        "change_ids": list(state.change_ids) if state else [],
    }


def run_events(args: argparse.Namespace) -> int:
    with open_existing(args.db) as store:
        places = {p.id: p.name for p in Situation(store).places.values()}
        events = store.events.query(since=args.since, until=args.until, search=args.search)
        result = [_event_json(e, places) for e in events]
    if args.json:
        print_json({"count": len(result), "events": result})
    else:
        print_table(
            ["time", "category", "place", "title"],
            [[r["at"], r["category"], r["place"] or "", r["title"]] for r in result],
        )
        print(f"{len(result)} event(s)")
    return 0


def _event_json(event: Event, places: dict[str, str]) -> dict[str, Any]:
    return {
        "id": event.id,
        "at": event.at.text,
        "category": event.category,
        "title": event.title,
        "description": event.description,
        "place_id": event.place_id,
        "place": places.get(event.place_id) if event.place_id else None,
        "geometry": event.geometry,
        "actors": list(event.actors),
        "source": event.source,
        "confidence": event.confidence,
        "author": event.author,
    }
