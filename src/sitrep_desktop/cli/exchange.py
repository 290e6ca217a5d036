"""`sitrep export` and `sitrep import`: records out to and in from exchange formats.

An import reads and checks the whole file before the database is opened, so a
bad file leaves the database byte-for-byte as it was; the records are then
matched against the database and added in one transaction.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..domain import parse_moment
from ..io import pipeline
from ..io.records import ImportFileError, Problem, RecordBatch
from ..store import Store
from ..store.bulk import StoreLookup, insert_records
from ..store.content_hash import content_hash
from .common import UsageError, open_existing, print_json

EXPORT_FORMATS = ("geojson", "kml", "csv", "gpkg", "cot", "datapackage")


def register(commands: argparse._SubParsersAction) -> None:
    export = commands.add_parser(
        "export", help="write records to GeoJSON, KML, CSV, GeoPackage, CoT"
    )
    export.add_argument("db", help="database file")
    export.add_argument("out", help="file to write (replaced if it exists)")
    export.add_argument("--format", choices=EXPORT_FORMATS, help="default: from OUT's extension")
    export.add_argument("--at", help="the situation at this ISO 8601 time: records up to it")
    export.add_argument("--since", help="only events and control changes from this time on")
    export.add_argument("--until", help="only events and control changes up to this time")
    export.add_argument("--json", action="store_true", help="print the result as JSON")
    export.set_defaults(func=run_export)

    imp = commands.add_parser(
        "import", help="add records from GeoJSON, KML, CSV, ACLED, GeoPackage, CoT"
    )
    imp.add_argument("db", help="database file")
    imp.add_argument("file", help="file to import")
    imp.add_argument("--format", choices=pipeline.FORMATS, help="default: from the extension")
    imp.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="CSV: read FIELD (at, title, lat, lon, ...) from COLUMN",
    )
    imp.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    imp.add_argument("--json", action="store_true", help="print the result as JSON")
    imp.set_defaults(func=run_import)


# -- export --------------------------------------------------------------------
def run_export(args: argparse.Namespace) -> int:
    out = Path(args.out)
    fmt = args.format or _export_format(out)
    with open_existing(args.db) as store:
        batch = gather(store, at=args.at, since=args.since, until=args.until)
        digest = content_hash(store)
    partial = out.with_name(f".{out.name}.partial{out.suffix}")
    try:
        write_export(batch, partial, fmt, at=args.at)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    counts = batch.counts()
    if args.json:
        print_json({"path": str(out), "format": fmt, "counts": counts, "content_hash": digest})
    else:
        print(f"Exported {_counts_text(counts)} to {out} ({fmt}, database {digest})")
    return 0


def _export_format(out: Path) -> str:
    formats = {
        ".geojson": "geojson",
        ".json": "geojson",
        ".kml": "kml",
        ".csv": "csv",
        ".gpkg": "gpkg",
        ".cot": "cot",
        ".xml": "cot",
        ".zip": "datapackage",
    }
    fmt = formats.get(out.suffix.lower())
    if fmt is None:
        raise UsageError(f"cannot tell the format from {out.name!r}; give --format")
    return fmt


def gather(
    store: Store, *, at: str | None = None, since: str | None = None, until: str | None = None
) -> RecordBatch:
    """The records to export: all, the situation at `at`, or a time window."""
    moment = parse_moment(at, "--at") if at else None
    start = parse_moment(since, "--since") if since else None
    end = parse_moment(until, "--until") if until else None
    if moment is not None and (end is None or moment.upper_key < end.upper_key):
        end = moment
    batch = RecordBatch()
    for record in store.factions.all():
        batch.add(record)
    for record in store.places.all():
        batch.add(record)
    for change in store.control.all():
        if (start is None or change.at.key >= start.key) and (
            end is None or change.at.key <= end.upper_key
        ):
            batch.add(change)
    for event in store.events.query(since=start, until=end):
        batch.add(event)
    for annotation in store.annotations.all():
        if annotation.valid_at(moment):
            batch.add(annotation)
    return batch


def write_export(batch: RecordBatch, path: Path, fmt: str, *, at: str | None = None) -> None:
    from ..io import cot, csv, geojson, gpkg, kml

    if fmt == "geojson":
        geojson.write(batch, path)
    elif fmt == "kml":
        kml.write(batch, path, at=parse_moment(at, "--at") if at else None)
    elif fmt == "csv":
        csv.write(batch, path)
    elif fmt == "gpkg":
        gpkg.write(batch, path)
    elif fmt == "cot":
        cot.write(batch, path)
    elif fmt == "datapackage":
        cot.write_datapackage(batch, path)
    else:
        raise UsageError(f"unknown export format {fmt!r}")


# -- import --------------------------------------------------------------------
def run_import(args: argparse.Namespace) -> int:
    source = Path(args.file)
    if not Path(args.db).exists():
        raise UsageError(
            f"database {args.db!r} does not exist (create one with: sitrep demo {args.db})"
        )
    try:
        if not source.is_file():
            raise ImportFileError(str(source), [Problem("file", "-", "does not exist")])
        fmt = args.format or pipeline.guess_format(source)
        batch = pipeline.read_file(source, fmt, mapping=_mapping(args.map))
        with open_existing(args.db) as store:
            plan = pipeline.plan_import(batch, StoreLookup(store), str(source))
            added = {kind: 0 for kind in plan.new.lists()}
            if not args.dry_run:
                added = insert_records(store, plan.new.lists(), categories=plan.categories)
    except ImportFileError as exc:
        if args.json:
            print_json(
                {"ok": False, "file": exc.file, "problems": [p.as_json() for p in exc.problems]}
            )
        raise
    preview = plan.preview()
    if args.json:
        print_json(
            {
                "ok": True,
                "file": str(source),
                "format": fmt,
                "dry_run": args.dry_run,
                **preview,
                "added": added,
            }
        )
    elif args.dry_run:
        print(
            f"Would add {_counts_text(preview['new'])} from {source} ({fmt}); "
            f"already present: {_counts_text(preview['already_present'])}"
        )
    else:
        print(
            f"Added {_counts_text(added)} from {source} ({fmt}); "
            f"already present: {_counts_text(preview['already_present'])}"
        )
    return 0


def _mapping(pairs: list[str]) -> dict[str, str] | None:
    if not pairs:
        return None
    result = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        if not sep or not field.strip() or not column:
            raise UsageError(f"--map {pair!r}: expected FIELD=COLUMN, e.g. --map at=date")
        result[field.strip()] = column
    return result


def _counts_text(counts: dict[str, int]) -> str:
    parts = [
        f"{n} {kind.replace('_', ' ')}{'s' if n != 1 else ''}" for kind, n in counts.items() if n
    ]
    return ", ".join(parts) or "nothing"
