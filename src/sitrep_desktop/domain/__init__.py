"""Records and rules, in plain Python: no Qt, no SQL."""

from .control import ControlState, resolve_control
from .errors import SitRepError, ValidationError
from .records import (
    ANNOTATION_KINDS,
    CONFIDENCE_LEVELS,
    DEFAULT_CATEGORIES,
    PLACE_KINDS,
    RECORD_TYPES,
    Annotation,
    ControlChange,
    Event,
    Faction,
    Place,
    Record,
    new_id,
)
from .times import Moment, now_moment, parse_moment

__all__ = [
    "ANNOTATION_KINDS",
    "CONFIDENCE_LEVELS",
    "DEFAULT_CATEGORIES",
    "PLACE_KINDS",
    "RECORD_TYPES",
    "Annotation",
    "ControlChange",
    "ControlState",
    "Event",
    "Faction",
    "Moment",
    "Place",
    "Record",
    "SitRepError",
    "ValidationError",
    "new_id",
    "now_moment",
    "parse_moment",
    "resolve_control",
]
