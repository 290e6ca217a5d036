"""`sitrep snapshot`: an annotated map picture (PNG, SVG, PDF) without a window."""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

from ..domain import parse_moment
from ..geo.units import from_unit
from .common import UsageError, open_existing, print_json

_RADIUS = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(m|km|mi|nmi)?\s*$")


def register(commands: argparse._SubParsersAction) -> None:
    snap = commands.add_parser(
        "snapshot", help="draw an annotated map picture (PNG, SVG or PDF) of the situation"
    )
    snap.add_argument("db", help="database file")
    snap.add_argument("-o", "--output", required=True, help="picture to write: .png, .svg or .pdf")
    where = snap.add_mutually_exclusive_group()
    where.add_argument("--bbox", help="extent as W,S,E,N in degrees")
    where.add_argument("--around", metavar="PLACE", help="centre on this place (use with --radius)")
    snap.add_argument(
        "--radius", default="50km", help="with --around: e.g. 40km, 25mi (default 50km)"
    )
    snap.add_argument("--at", help="situation as of this ISO 8601 date or time (default: latest)")
    page = snap.add_mutually_exclusive_group()
    page.add_argument("--size", help="picture size in pixels, e.g. 1600x1000 (default)")
    page.add_argument("--paper", choices=("A4", "A3", "letter"), help="paper size")
    snap.add_argument(
        "--dpi", type=int, default=150, help="dots per inch with --paper (default 150)"
    )
    snap.add_argument(
        "--orientation",
        choices=("landscape", "portrait"),
        default="landscape",
        help="with --paper: the page's orientation (default landscape)",
    )
    snap.add_argument("--title", default="Situation map", help="title printed on the picture")
    snap.add_argument("--subtitle", default="", help="a line under the title, e.g. the source")
    snap.add_argument(
        "--no-estimates",
        action="store_true",
        help="leave out the estimated areas of control (shown by default, as on the map)",
    )
    snap.add_argument("--json", action="store_true", help="print what was drawn as JSON")
    snap.set_defaults(func=run_snapshot)


def run_snapshot(args: argparse.Namespace) -> int:
    from ..services.snapshot import FORMATS, LAYERS, SnapshotRequest, parse_bbox, parse_size

    output = Path(args.output)
    fmt = output.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise UsageError(f"-o {args.output}: the file must end in .png, .svg or .pdf")
    if not output.parent.exists():
        raise UsageError(f"-o {args.output}: folder {output.parent} does not exist")
    if not 30 <= args.dpi <= 1200:
        raise UsageError(f"--dpi {args.dpi}: choose between 30 and 1200")
    at = parse_moment(args.at, "--at") if args.at else None
    try:
        size = parse_size(args.size) if args.size else None
        bbox = parse_bbox(args.bbox) if args.bbox else None
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    with open_existing(args.db) as store:
        if bbox is None:
            bbox = _extent(store, args.around, args.radius)
        request = SnapshotRequest(
            bbox=bbox,
            fmt=fmt,
            at=at,
            size=size,
            paper=args.paper,
            dpi=args.dpi,
            title=args.title,
            subtitle=args.subtitle,
            orientation=args.orientation,
            filters={"around": args.around, "radius": args.radius} if args.around else {},
            layers=tuple(x for x in LAYERS if not (args.no_estimates and x == "estimates")),
        )
        _ensure_gui_application()
        from ..ui.snapshot.render import Snapshot

        info = Snapshot(store, request).render(output)
    if args.json:
        print_json(info)
    else:
        width, height = info["page_pixels"]
        digest = info["content_hash"][:12]
        print(f"Snapshot written to {output} ({width}x{height}, data hash {digest})")
    return 0


def _extent(store, around: str | None, radius_text: str) -> tuple[float, float, float, float]:
    from ..geo.geodesy import geodesic_circle

    if around is None:
        places = store.places.all()
        if not places:
            return (35.0, 32.0, 42.5, 37.5)  # Syria
        lons, lats = [p.lon for p in places], [p.lat for p in places]
        pad_x = max(max(lons) - min(lons), 0.2) * 0.1
        pad_y = max(max(lats) - min(lats), 0.2) * 0.1
        return (min(lons) - pad_x, min(lats) - pad_y, max(lons) + pad_x, max(lats) + pad_y)
    place = store.places.by_name(around)
    if place is None:
        raise UsageError(f"--around {around!r}: no place of that name in the database")
    match = _RADIUS.match(radius_text)
    if not match or float(match.group(1)) <= 0:
        raise UsageError(f"--radius {radius_text!r}: give a distance such as 40km or 25mi")
    metres = from_unit(float(match.group(1)), match.group(2) or "km")
    ring = geodesic_circle(place.lat, place.lon, metres, n=72)
    lats, lons = [p[0] for p in ring], [p[1] for p in ring]
    return (min(lons), min(lats), max(lons), max(lats))


def _ensure_gui_application() -> None:
    """Text and painting need a Qt application; headless unless told otherwise.

    A QApplication rather than a QGuiApplication: a process that later opens a
    widget (a test run, a script) cannot swap one for the other.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        global _APP
        _APP = QApplication(["sitrep"])


_APP = None
