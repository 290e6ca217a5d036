"""Two laptops on the mesh, run inside a network namespace of its own (see
test_team_mesh.py): multicast on its loopback only, never on a real interface.
Prints one JSON line: what each laptop ended up with."""

from __future__ import annotations

import dataclasses
import json
import time

from sitrep_desktop.domain import Event
from sitrep_desktop.services.team import Endpoint, Sender, TeamLink
from sitrep_desktop.services.team.mesh import MeshWorker
from sitrep_desktop.store import Store


def laptop(name: str) -> tuple[Store, TeamLink]:
    store = Store.memory(author=name)
    store.categories.ensure_defaults()
    sender = Sender(f"SITREP-mesh-{name}", name)
    # No server in the namespace (port 9 refuses): only the mesh carries the CoT.
    link = TeamLink(store, Endpoint("127.0.0.1", 9), sender, MeshWorker(sender))
    link.start()
    return store, link


def until(links, condition, timeout=10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for link in links:
            link.pump()
        if condition():
            return True
        time.sleep(0.02)
    return False


def main() -> None:
    (alpha, a), (bravo, b) = laptop("alpha"), laptop("bravo")
    links = [a, b]
    found: dict[str, object] = {}
    clash = alpha.events.add(Event(at="2024-12-05T14:00Z", title="Clash at Hama", category="clash"))
    found["new"] = until(links, lambda: bravo.events.find(clash.id) is not None)
    found["same"] = found["new"] and bravo.events.get(clash.id) == clash
    bravo.events.update(dataclasses.replace(bravo.events.get(clash.id), title="Clash, repelled"))
    found["edit"] = until(links, lambda: alpha.events.get(clash.id).title == "Clash, repelled")
    alpha.events.delete(clash.id)
    found["delete"] = until(links, lambda: bravo.events.find(clash.id) is None)
    found["sender"] = alpha.team.received(clash.id).sender_callsign if found["edit"] else ""
    found["conflicts"] = len(alpha.team.conflicts()) + len(bravo.team.conflicts())
    for link in links:
        link.stop()
    print(json.dumps(found), flush=True)


if __name__ == "__main__":
    main()
