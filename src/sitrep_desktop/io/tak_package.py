"""What a TAK data package holds beside its CoT events: files for its records.

ATAK lists every entry in MANIFEST/manifest.xml; an entry that belongs to a
marker carries <Parameter name="uid" value="(the marker's CoT uid)"/>. A
photo so tied to an event we import is kept with that record. Files tied to
nothing we import are listed by `unattached` for the summary, not silently lost.
"""

from __future__ import annotations

import mimetypes
import zipfile
from collections.abc import Mapping

from ..domain.attachments import Attachment
from .limits import BudgetedArchive
from .records import ImportFileError, Problem, derived_id
from .safe_xml import children, descendants, parse_xml

MANIFEST = "MANIFEST/manifest.xml"
MAX_ATTACHMENT_BYTES = 64 * 1024 * 1024
# Our own entries (services/merge_package's versions.json): read by the merge, not files.
OURS = "sitrep/"


def attachments(
    archive: zipfile.ZipFile, record_ids: Mapping[str, str], file: str
) -> tuple[list[Attachment], list[str]]:
    """(attachments of imported records, names of files tied to none) in a package.

    `record_ids`: CoT uid -> the id of the record made from that event.
    """
    entries = _manifest_entries(archive, file)
    # A budget of their own, streamed: a photo that claims 1 kB may inflate to gigabytes.
    budget = BudgetedArchive(archive, file, 1)
    found, unattached = [], []
    # Every file of the package, listed in the manifest or not: a file the
    # manifest forgets (or a package without one) is still named, not lost.
    for info in archive.infolist():
        entry = info.filename
        if info.is_dir() or entry == MANIFEST or entry.startswith(OURS):
            continue
        if entry.lower().endswith((".cot", ".xml")):  # read as events
            continue
        record_id = record_ids.get(entries.get(entry) or "")
        if record_id is None:
            unattached.append(entry)
            continue
        if info.file_size > MAX_ATTACHMENT_BYTES:
            raise ImportFileError(file, [Problem(f"entry {entry}", "size", "too large")])
        found.append(
            Attachment(
                id=derived_id("tak-attachment", record_id, entry),
                record_id=record_id,
                name=entry.rsplit("/", 1)[-1],
                media_type=mimetypes.guess_type(entry)[0] or "application/octet-stream",
                data=budget.read(info),
            )
        )
    return found, unattached


def _manifest_entries(archive: zipfile.ZipFile, file: str) -> dict[str, str | None]:
    """zipEntry -> the uid it belongs to (None: to no marker), from the manifest."""
    if MANIFEST not in archive.namelist():
        return {}
    root = parse_xml(archive.read(MANIFEST), f"{file}:{MANIFEST}")
    entries: dict[str, str | None] = {}
    for content in descendants(root, "Content"):
        entry = content.get("zipEntry", "")
        if not entry:
            continue
        uids = [p.get("value") for p in children(content, "Parameter") if p.get("name") == "uid"]
        entries[entry] = uids[0] if uids else None
    return entries
