"""Templates for the entries logged most often: "X captured Y", "airstrike on Y".

Plain Python (no Qt): a template turns an actor and a place into the values
of an event form: title, category, actors and place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class EventTemplate:
    name: str  # what the menu shows
    category: str
    title: str  # with {actor} and {place}
    needs_actor: bool = True
    confidence: str = "medium"

    def fill(self, actor: str, place_name: str, place_id: str | None) -> dict[str, Any]:
        """Event-form values for this template (keys are the form's field names)."""
        return {
            "title": self.title.format(actor=actor or "?", place=place_name or "?"),
            "category": self.category,
            "actors": actor if self.needs_actor else "",
            "place": place_id,
            "confidence": self.confidence,
        }


TEMPLATES: tuple[EventTemplate, ...] = (
    EventTemplate("X captured Y", "capture", "{actor} captured {place}"),
    EventTemplate("Airstrike on Y", "airstrike", "Airstrike on {place}", needs_actor=False),
    EventTemplate("X shelled Y", "shelling", "{actor} shelled {place}"),
    EventTemplate("Clashes at Y", "clash", "Clashes at {place}", needs_actor=False),
    EventTemplate("X withdrew from Y", "withdrawal", "{actor} withdrew from {place}"),
)


def template_named(name: str) -> EventTemplate:
    for template in TEMPLATES:
        if template.name.casefold() == name.casefold():
            return template
    raise KeyError(name)
