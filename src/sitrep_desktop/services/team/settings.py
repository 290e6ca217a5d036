"""Team settings: which server, how, and as whom; secrets apart from everything else.

The settings belong to the laptop, not to a database: a callsign and a client
id name this laptop on the server whichever file is open. They live in
team.json in the user's configuration folder. The client id is made once and
kept, so the server sees the same client after a restart.

Secrets (the password of a .p12 or of a key) go to the platform's keyring; where
there is none, to secrets.json in the same folder, readable by the user alone
(0600). Never to the database or the log. The certificate files stay where the
user keeps them: only their paths are settings.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path

from .client import Endpoint
from .cot_out import Sender

log = logging.getLogger(__name__)

KEYRING_SERVICE = "sitrep-desktop-team"
CERT_PASSWORD = "certificate password"


def config_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "sitrep-desktop"


@dataclass(frozen=True)
class TeamSettings:
    host: str = "127.0.0.1"
    port: int = 8088
    tls: bool = False
    cert_file: str = ""
    key_file: str = ""
    ca_file: str = ""
    server_name: str = ""
    callsign: str = ""
    client_id: str = ""
    enabled: bool = False  # connect when a file is opened; off until the user turns it on
    mesh: bool = False  # also multicast (ATAK's mesh SA): the only port we would listen on

    def problems(self) -> list[str]:
        """What stops a connection, in words for the settings dialog."""
        found = []
        if not self.host.strip():
            found.append("the server's host is empty")
        if not 0 < self.port < 65536:
            found.append(f"port {self.port} is not a port number")
        if not self.callsign.strip():
            found.append("a callsign is needed (unique on the server)")
        if self.tls:
            if not self.cert_file:
                found.append("TLS needs a client certificate (.p12 or PEM)")
            elif not Path(self.cert_file).is_file():
                found.append(f"the client certificate {self.cert_file} does not exist")
            if not self.ca_file:
                found.append("TLS needs the server's CA certificate, to verify the server")
            elif not Path(self.ca_file).is_file():
                found.append(f"the CA certificate {self.ca_file} does not exist")
        return found

    def endpoint(self, password: str = "") -> Endpoint:
        return Endpoint(
            self.host.strip(),
            self.port,
            self.tls,
            self.cert_file,
            self.key_file,
            self.ca_file,
            self.server_name.strip(),
            password,
        )

    def sender(self) -> Sender:
        return Sender(self.client_id, self.callsign.strip())


def load_settings(folder: Path | None = None) -> TeamSettings:
    """The saved settings; a new laptop gets a client id and a callsign from its name."""
    path = (folder or config_dir()) / "team.json"
    values = {}
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as exc:
        log.warning("team settings in %s unreadable (%s); using defaults", path, exc)
    known = {f.name for f in dataclasses.fields(TeamSettings)}
    settings = TeamSettings(**{k: v for k, v in values.items() if k in known})
    if not settings.client_id:
        settings = dataclasses.replace(settings, client_id=f"SITREP-{uuid.uuid4()}")
        if not settings.callsign:
            settings = dataclasses.replace(settings, callsign=_default_callsign())
        save_settings(settings, folder)
    return settings


def save_settings(settings: TeamSettings, folder: Path | None = None) -> None:
    _write_private(
        (folder or config_dir()) / "team.json",
        json.dumps(dataclasses.asdict(settings), indent=2, sort_keys=True),
    )


# -- secrets -----------------------------------------------------------------------------
def save_secret(name: str, value: str, folder: Path | None = None) -> str:
    """Keep a secret; returns where ("keyring" or the file's path), never the value."""
    try:
        import keyring
        from keyring.errors import KeyringError

        try:
            if _usable(keyring.get_keyring()):
                keyring.set_password(KEYRING_SERVICE, name, value)
                return "keyring"
        except KeyringError as exc:
            log.info(
                "no usable keyring (%s): the secret goes to a private file", type(exc).__name__
            )
    except ImportError:
        pass
    path = (folder or config_dir()) / "secrets.json"
    secrets = _read_secrets(path)
    secrets[name] = value
    _write_private(path, json.dumps(secrets))
    return str(path)


def load_secret(name: str, folder: Path | None = None) -> str:
    try:
        import keyring
        from keyring.errors import KeyringError

        try:
            if _usable(keyring.get_keyring()):
                found = keyring.get_password(KEYRING_SERVICE, name)
                if found is not None:
                    return found
        except KeyringError:
            pass
    except ImportError:
        pass
    return str(_read_secrets((folder or config_dir()) / "secrets.json").get(name, ""))


def _usable(backend: object) -> bool:
    # keyring's "fail" and "null" backends stand for "no keyring on this machine".
    module = type(backend).__module__
    priority = getattr(backend, "priority", 0)
    return not module.startswith(("keyring.backends.fail", "keyring.backends.null")) and (
        priority is None or priority > 0
    )


def _read_secrets(path: Path) -> dict[str, str]:
    try:
        if path.stat().st_mode & 0o077:
            # Someone else could read it: tighten it before trusting it.
            path.chmod(0o600)
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("team secrets file %s unreadable (%s)", path, type(exc).__name__)
        return {}


def _write_private(path: Path, text: str) -> None:
    """Write a file only the user can read, replacing it whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def _default_callsign() -> str:
    # Unique per laptop: the machine's name and a short random part.
    return f"SitRep-{socket.gethostname()[:16]}-{uuid.uuid4().hex[:4]}"
