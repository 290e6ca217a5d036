"""Which control change an event implies: "HTS captures Homs" means HTS holds Homs.

The event form uses this to offer logging the control change in the same step.
Plain Python: the caller passes the factions and the place's control history.

- A capture that names exactly one known faction, at a place that faction does
  not already hold, implies that faction holds the place from the event's time.
- A capture naming several factions is ambiguous: the actors usually include
  the side that lost the place, and the event does not say which side won.
- A withdrawal says who left, not who came: if it names the holder and other
  factions, any of those others might hold the place next (the user decides);
  if it names only the holder, the next holder is not in the data at all.
- A change of the place at the event's exact time already exists: nothing is
  offered, since a second one would duplicate it or conflict with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .control import resolve_control
from .records import ControlChange, Event, Faction
from .times import Moment

CAPTURE = "capture"
WITHDRAWAL = "withdrawal"

IMPLIED = "implied"  # one faction, offered pre-checked
AMBIGUOUS = "ambiguous"  # several candidates, offered unchecked with a choice
ALREADY_LOGGED = "already_logged"  # a change at this exact time exists: offer nothing
HOLDER_UNKNOWN = "holder_unknown"  # a withdrawal that does not say who holds it next


@dataclass(frozen=True, slots=True)
class ControlOffer:
    """What an event says about control of its place at its time."""

    kind: str  # IMPLIED, AMBIGUOUS, ALREADY_LOGGED or HOLDER_UNKNOWN
    place_id: str
    at: Moment
    candidates: tuple[Faction, ...] = ()  # who may hold the place from `at`
    holder_id: str | None = None  # who holds it just before, by the log
    existing: tuple[ControlChange, ...] = ()  # changes of the place at exactly `at`

    @property
    def offers_change(self) -> bool:
        return self.kind in (IMPLIED, AMBIGUOUS)

    def change_for(self, event: Event, faction_id: str | None = None) -> ControlChange:
        """The control change to log with `event` (its source and confidence copied).

        Raises ValidationError when the event has no source: a change needs one.
        """
        if not self.offers_change:
            raise ValueError(f"a {self.kind} offer has no control change to log")
        ids = [f.id for f in self.candidates]
        chosen = faction_id if faction_id is not None else ids[0]
        if chosen not in ids:
            raise ValueError(f"faction {chosen} is not one this event names")
        return ControlChange(
            place_id=self.place_id,
            faction_id=chosen,
            at=self.at,
            source=event.source,
            confidence=event.confidence,
            notes=f"Logged with the event “{event.title}”.",
        )


def named_factions(actors: Iterable[str], factions: Iterable[Faction]) -> list[Faction]:
    """The factions the actors name, by name or short name (case-insensitive), in order."""
    by_name: dict[str, Faction] = {}
    for faction in factions:
        by_name.setdefault(faction.short_name.strip().casefold(), faction)
        by_name.setdefault(faction.name.strip().casefold(), faction)
    found: dict[str, Faction] = {}
    for actor in actors:
        faction = by_name.get(actor.strip().casefold())
        if faction is not None:
            found.setdefault(faction.id, faction)  # "HTS" and its full name are one actor
    return list(found.values())


def implied_control(
    *,
    category: str,
    place_id: str | None,
    actors: Sequence[str],
    at: Moment,
    factions: Iterable[Faction],
    history: Iterable[ControlChange],
) -> ControlOffer | None:
    """The offer an event with these fields makes, or None when it implies nothing.

    `history` is the place's control changes (others are ignored).
    """
    kind = category.strip().casefold()
    if kind not in (CAPTURE, WITHDRAWAL) or not place_id:
        return None
    named = named_factions(actors, factions)
    if not named:
        return None
    changes = [c for c in history if c.place_id == place_id]
    same_instant = tuple(c for c in changes if c.at.key == at.key)
    if same_instant:
        return ControlOffer(ALREADY_LOGGED, place_id, at, tuple(named), existing=same_instant)
    state = resolve_control(changes, at).get(place_id)
    holder = state.faction_id if state is not None else None
    if kind == CAPTURE:
        if len(named) == 1:
            if named[0].id == holder:
                return None  # the map already says so
            return ControlOffer(IMPLIED, place_id, at, tuple(named), holder)
        # The side that is not the holder is the likelier captor: list it first.
        ordered = sorted(named, key=lambda f: f.id == holder)
        return ControlOffer(AMBIGUOUS, place_id, at, tuple(ordered), holder)
    if holder is None or holder not in {f.id for f in named}:
        return None  # the withdrawing side is not the holder we know of: nothing to say
    others = tuple(f for f in named if f.id != holder)
    if others:
        return ControlOffer(AMBIGUOUS, place_id, at, others, holder)
    return ControlOffer(HOLDER_UNKNOWN, place_id, at, tuple(named), holder)


def implied_by_event(
    event: Event, factions: Iterable[Faction], history: Iterable[ControlChange]
) -> ControlOffer | None:
    """`implied_control` for a whole event record."""
    return implied_control(
        category=event.category,
        place_id=event.place_id,
        actors=event.actors,
        at=event.at,
        factions=factions,
        history=history,
    )
