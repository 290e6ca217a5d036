"""`sitrep merge DB OTHER`: bring in what another laptop's database or data package holds.

Conflicts (a record changed on both sides) are listed field by field and ours
is kept; resolve them in the window (File > Merge…). Merging again is harmless.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..services.merge import MergeReport, merge_path
from .common import UsageError, open_existing, print_json


def register(commands: argparse._SubParsersAction) -> None:
    merge = commands.add_parser(
        "merge", help="merge another SitRep database or data package into this one"
    )
    merge.add_argument("db", help="database file to merge into")
    merge.add_argument("other", help="another SitRep database, or a data package (.zip)")
    merge.add_argument("--dry-run", action="store_true", help="report what would change")
    merge.add_argument("--json", action="store_true", help="print the result as JSON")
    merge.set_defaults(func=run_merge)


def run_merge(args: argparse.Namespace) -> int:
    other = Path(args.other)
    if not other.is_file():
        raise UsageError(f"other {args.other!r} does not exist or is not a file")
    if Path(args.db).exists() and other.resolve() == Path(args.db).resolve():
        raise UsageError(f"other {args.other!r} is the database itself")
    with open_existing(args.db) as store:
        report = merge_path(store, other, dry_run=args.dry_run)
    if args.json:
        print_json({"ok": True, "db": args.db, "other": str(other), **report.as_json()})
    else:
        _print_report(report, other)
    return 0


def _print_report(report: MergeReport, other: Path) -> None:
    counts = report.counts()
    verb = "Would merge" if report.dry_run else "Merged"
    print(
        f"{verb} {other} (origin {report.origin}): {counts['added']} added, "
        f"{counts['updated']} updated, {counts['deleted']} deleted, "
        f"{counts['restored']} restored, {counts['conflicts']} conflict(s)"
    )
    for kind, rid in report.kept:
        print(f"kept {kind.replace('_', ' ')} {rid}: deleted there, changed here")
    for place, ours, theirs in report.control_disputes:
        print(f"disputed: place {place} has two holders at one instant ({ours}, {theirs})")
    if report.conflicts:
        print("Conflicts (ours kept; resolve them in File > Merge…):")
    for conflict in report.conflicts:
        print(f"  {conflict.kind.replace('_', ' ')} {conflict.label!r} ({conflict.record_id})")
        for item in conflict.fields:
            ancestor = f"; before: {item.ancestor!r}" if item.ancestor_known else ""
            print(f"    {item.field}: ours {item.ours!r}; theirs {item.theirs!r}{ancestor}")
