"""`sitrep export` and `sitrep import`: records out to and in from exchange formats.

Both go through services/exchange. An import reads and checks the whole file
before the database is opened, so a bad file leaves the database byte-for-byte
as it was; the records are then matched against the database and added in one
transaction. Entries that cannot be taken are listed; the rest are imported
only with --skip-bad (exit 2 otherwise, and when nothing can be imported).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..io import formats
from ..io.records import ImportFileError, Problem
from ..services.exchange import (
    EXPORT_FORMATS,
    ImportRefused,
    export_file,
    export_format_for,
    import_batch,
    import_format,
    import_streamed,
    read_import,
    streams,
)
from ..store.content_hash import content_hash
from .common import UsageError, create_hint, open_existing, print_json

# Shown after a dry run or import: at most this many repaired and skipped entries.
SHOWN_PROBLEMS = 10


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
        "import",
        help="add records from GeoJSON, KML, CSV, ACLED, GeoPackage, CoT, Shapefile, GPX",
    )
    imp.add_argument("db", help="database file")
    imp.add_argument("file", help="file to import")
    imp.add_argument(
        "--format", choices=formats.readable(), help="default: from the extension and content"
    )
    imp.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="CSV: read FIELD (at, title, lat, lon, ...) from COLUMN",
    )
    imp.add_argument("--layer", help="GIS data: import this layer only (default: every layer)")
    imp.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    imp.add_argument(
        "--skip-bad",
        action="store_true",
        help="import what can be imported, leaving out (and listing) entries that cannot",
    )
    imp.add_argument("--json", action="store_true", help="print the result as JSON")
    imp.set_defaults(func=run_import)


# -- export --------------------------------------------------------------------
def run_export(args: argparse.Namespace) -> int:
    out = Path(args.out)
    fmt = args.format or _export_format(out)
    with open_existing(args.db) as store:
        result = export_file(store, out, fmt, at=args.at, since=args.since, until=args.until)
        digest = content_hash(store)
    if args.json:
        print_json({**result.summary(), "content_hash": digest})
    else:
        print(
            f"Exported {_counts_text(result.counts)} to {result.path} ({result.format}, "
            f"database {digest})"
        )
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
        raise UsageError(create_hint(args.db))
    mapping = _mapping(args.map)
    try:
        fmt = import_format(source, args.format)
        if streams(fmt, args.layer):  # a row file: read as it is imported, in chunks
            with open_existing(args.db) as store:
                result = import_streamed(
                    store,
                    source,
                    fmt,
                    mapping=mapping,
                    dry_run=args.dry_run,
                    skip_bad=args.skip_bad,
                )
        else:
            # The whole file is read and checked before the database is opened.
            fmt, batch = read_import(source, fmt, mapping=mapping, layer=args.layer)
            with open_existing(args.db) as store:
                result = import_batch(
                    store, batch, source, fmt, dry_run=args.dry_run, skip_bad=args.skip_bad
                )
    except ImportRefused as exc:
        if args.json:
            summary = exc.result.summary(ok=False)
            print_json({**summary, "problems": summary["skipped"]})
        else:
            plan = exc.result.plan
            _print_problems("Cannot import", plan.skipped, plan.skipped_count)
        raise
    except ImportFileError as exc:
        if args.json:
            print_json(
                {"ok": False, "file": exc.file, "problems": [p.as_json() for p in exc.problems]}
            )
        raise
    summary = result.summary()
    if args.json:
        print_json(summary)
        return 0
    counts = summary["new"] if args.dry_run else summary["added"]
    verb = "Would add" if args.dry_run else "Added"
    print(
        f"{verb} {_counts_text(counts)} from {source} ({fmt}); "
        f"already present: {_counts_text(summary['already_present'])}"
    )
    for change in ("updated", "deleted"):  # a newer ACLED export or its deletions
        if summary.get(change) and any(summary[change].values()):
            print(f"{change.capitalize()}: {_counts_text(summary[change])}")
    _print_problems("Repaired", result.plan.repaired, result.plan.repaired_count)
    _print_problems("Left out", result.plan.skipped, result.plan.skipped_count)
    for warning in result.plan.warnings:
        print(f"Check {warning}")
    return 0


def _print_problems(title: str, problems: list[Problem], total: int | None = None) -> None:
    if not problems:
        return
    total = len(problems) if total is None else total  # a streamed import lists the first
    print(f"{title}: {total}")
    for problem in problems[:SHOWN_PROBLEMS]:
        print(f"  {problem}")
    if total > SHOWN_PROBLEMS:
        listed = "them all" if total == len(problems) else f"the first {len(problems)}"
        print(f"  … and {total - SHOWN_PROBLEMS} more (--json lists {listed})")


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
