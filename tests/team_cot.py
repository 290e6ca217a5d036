"""Events logged on another laptop, as the team link receives them (read CoT)."""

from __future__ import annotations

from sitrep_desktop.domain import Event
from sitrep_desktop.services.team.cot_in import CotStream, read_cot
from sitrep_desktop.services.team.cot_out import Sender, outgoing
from sitrep_desktop.store import Store

OTHER = Sender("SITREP-other-laptop", "Other")


def team_events(count: int, start: int = 0) -> list:
    """Events `start` to `start + count` of another laptop, spread on a grid over
    Homs and Hama and over November, each read back from the CoT it sends."""
    other = Store.memory(author="other")
    other.categories.ensure_defaults()
    events = other.events.add_many(
        Event(
            at=f"2024-11-{1 + n % 28:02d}T{n % 24:02d}:30Z",
            title=f"Patrol report {n}",
            category="clash",
            geometry=f"POINT ({36.2 + (n % 50) * 0.01} {34.1 + (n // 50) * 0.01})",
        )
        for n in range(start, start + count)
    )
    data = b"".join(outgoing(other, "event", e.id, OTHER).data for e in events)
    return [read_cot(document) for document in CotStream().feed(data)]
