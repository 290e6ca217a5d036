"""Sharing live through a TAK server: Qt-free, so the window and the CLI can share it.

cot_out (our records as CoT), cot_in (CoT as records), apply (into the store,
never over a local edit), client (the socket, on a worker thread, via pytak),
link (the store's change news out, the team's CoT in), settings (where to
connect; secrets in the keyring).
"""

from .apply import ApplyResult, apply_incoming
from .client import Endpoint
from .cot_out import Sender
from .link import TeamLink, TeamStatus

__all__ = ["ApplyResult", "Endpoint", "Sender", "TeamLink", "TeamStatus", "apply_incoming"]
