"""Who holds a place at a time, derived from the log of control changes.

The latest change at or before the time wins. Two changes of one place at the
same instant are a conflict: we report both and do not pick one silently.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .records import ControlChange
from .times import Moment


@dataclass(frozen=True, slots=True)
class ControlState:
    place_id: str
    faction_id: str | None  # None when the changes at the latest instant disagree
    since: Moment
    change_ids: tuple[str, ...]  # the change(s) at that instant; >1 means a conflict

    @property
    def conflicted(self) -> bool:
        return len(self.change_ids) > 1 and self.faction_id is None


def resolve_control(
    changes: Iterable[ControlChange], at: Moment | None = None
) -> dict[str, ControlState]:
    """Control of every place that has a change at or before `at` (all changes if None)."""
    latest: dict[str, list[ControlChange]] = {}
    bound = at.upper_key if at is not None else None
    for change in changes:
        if bound is not None and change.at.key > bound:
            continue
        current = latest.get(change.place_id)
        if current is None or change.at.key > current[0].at.key:
            latest[change.place_id] = [change]
        elif change.at.key == current[0].at.key:
            current.append(change)
    states = {}
    for place_id, group in latest.items():
        factions = {c.faction_id for c in group}
        # Same instant, same faction (e.g. two sources): agreement, not a conflict.
        faction = factions.pop() if len(factions) == 1 else None
        states[place_id] = ControlState(
            place_id, faction, group[0].at, tuple(sorted(c.id for c in group))
        )
    return states
