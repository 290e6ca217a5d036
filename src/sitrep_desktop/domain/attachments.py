"""Files that came with a record (a photo in an ATAK data package), kept with it."""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import ValidationError
from .records import new_id
from .times import utc_now_text


@dataclass(frozen=True, kw_only=True)
class Attachment:
    """`data` (the file's bytes) named `name`, belonging to the record `record_id`."""

    record_id: str
    name: str
    media_type: str
    data: bytes = field(repr=False)
    id: str = field(default_factory=new_id)
    created: str = field(default_factory=utc_now_text)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValidationError("name", self.name, "an attachment needs a file name")
        if not isinstance(self.data, bytes):
            raise ValidationError("data", type(self.data).__name__, "must be the file's bytes")
