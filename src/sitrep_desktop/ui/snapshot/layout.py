"""Kept for callers of the old name: the request and page geometry live in services.snapshot."""

from sitrep_desktop.services.snapshot import (  # noqa: F401 (re-exported)
    DEFAULT_SIZE,
    FORMATS,
    PAPER_MM,
    SnapshotRequest,
    graticule_step,
    nice_length,
    parse_bbox,
    parse_size,
)
