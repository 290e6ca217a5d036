"""`sitrep export` and `sitrep import`: records out to and in from exchange formats.

An import reads and checks the whole file before the database is opened, so a
bad file leaves the database byte-for-byte as it was; the records are then
matched against the database and added in one transaction.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..exchange import EXPORT_FORMATS, ImportRecords, export_format_for, gather, write_export
from ..io import pipeline
from ..io.records import ImportFileError, Problem
from ..store.bulk import StoreLookup
from ..store.content_hash import content_hash
from .common import UsageError, open_existing, print_json


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
    result = write_export(batch, out, fmt, at=args.at)
    counts = batch.counts()
    if args.json:
        print_json(
            {
                "path": str(result.path),
                "format": fmt,
                "counts": counts,
                "content_hash": digest,
                "notes": result.notes,
            }
        )
    else:
        print(f"Exported {_counts_text(counts)} to {result.path} ({fmt}, database {digest})")
        for note in result.notes:
            print(f"Note: {note}")
    return 0


def _export_format(out: Path) -> str:
    fmt = export_format_for(out)
    if fmt is None:
        raise UsageError(f"cannot tell the format from {out.name!r}; give --format")
    return fmt


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
        # The whole file is read and checked before the database is opened.
        batch = pipeline.read_file(source, fmt, mapping=_mapping(args.map))
        with open_existing(args.db) as store:
            plan = pipeline.plan_import(batch, StoreLookup(store), str(source))
            added = {kind: 0 for kind in plan.new.lists()}
            if not args.dry_run:
                command = ImportRecords(plan, str(source))  # records and chat messages
                command.do(store)
                added = command.added
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
        for change in ("updated", "deleted"):  # a newer ACLED export or its deletions
            if preview.get(change):
                print(f"{change.capitalize()}: {_counts_text(preview[change])}")
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
