"""Chat messages received from other tools (TAK GeoChat): who said what, when, where.

Not events: a message has a sender and a room, no place, category or confidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import ValidationError
from .records import new_id
from .times import Moment, parse_moment, utc_now_text


@dataclass(frozen=True, kw_only=True)
class Message:
    """One chat line: `sender` (callsign) wrote `text` to `room` at `at`."""

    at: Moment
    sender: str
    text: str
    room: str = ""
    sender_uid: str = ""
    source: str = ""
    id: str = field(default_factory=new_id)
    created: str = field(default_factory=utc_now_text)

    KIND = "message"

    def __post_init__(self) -> None:
        object.__setattr__(self, "at", parse_moment(self.at, "at"))
        for name in ("sender", "text"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ValidationError(name, value, "is required")
        for name in ("room", "sender_uid", "source"):
            if not isinstance(getattr(self, name), str):
                raise ValidationError(name, getattr(self, name), "must be text")
