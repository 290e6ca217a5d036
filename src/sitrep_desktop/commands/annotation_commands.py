"""Edits particular to drawings: copy a front line forward in time."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from ..domain import Annotation
from ..domain.errors import ValidationError
from ..domain.records import new_id
from ..domain.times import Moment, parse_moment, utc_now_text
from .base import AddRecords, CompositeCommand, UpdateRecord


def copy_forward(annotation: Annotation, new_from: Moment | str) -> CompositeCommand:
    """Duplicate `annotation` to start at `new_from`, closing the original just before.

    The front line of 1 December stays as it was (now valid until the day
    before), and a copy valid from `new_from` can be edited without losing it.
    A date alone closes the old one on the previous day, so the two never show
    together; a time closes it at that same instant.
    """
    start = parse_moment(new_from, "valid_from")
    if annotation.valid_from is not None and start.key <= annotation.valid_from.key:
        raise ValidationError(
            "valid_from", start.text, f"must be after the original's start {annotation.valid_from}"
        )
    if start.date_only:
        if start.key <= "0001-01-01":  # no day before the first one to close the original on
            raise ValidationError("valid_from", start.text, "must be after 0001-01-01")
        end = parse_moment((start.as_utc() - timedelta(days=1)).date())
        if annotation.valid_from is not None and end.key < annotation.valid_from.key:
            end = annotation.valid_from
    else:
        end = start
    closed = dataclasses.replace(annotation, valid_to=end)
    copy = dataclasses.replace(
        annotation,
        id=new_id(),
        created=utc_now_text(),
        updated="",
        valid_from=start,
        valid_to=annotation.valid_to if _ends_after(annotation.valid_to, start) else None,
    )
    return CompositeCommand(
        [UpdateRecord(annotation, closed), AddRecords([copy])],
        text=f"copy {annotation.label or annotation.kind} forward to {start.text}",
    )


def _ends_after(end: Moment | None, start: Moment) -> bool:
    return end is not None and end.key >= start.key


class MoveAnnotation(UpdateRecord):
    """Replace an annotation's geometry (a vertex dragged, inserted, deleted, or a move)."""

    def __init__(self, before: Annotation, geometry_wkt: str, text: str = "edit drawing") -> None:
        super().__init__(before, dataclasses.replace(before, geometry=geometry_wkt), text)


class AddAnnotations(AddRecords):
    """Add drawings, e.g. estimated control areas converted into editable polygons."""

    def __init__(self, annotations: list[Annotation], text: str = "add drawing") -> None:
        super().__init__(annotations, text)
