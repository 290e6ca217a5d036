"""Team settings per laptop; secrets in the keyring, or a file only the user can read."""

import stat

import keyring
import pytest
from keyring.backend import KeyringBackend

from sitrep_desktop.services.team.settings import (
    TeamSettings,
    load_secret,
    load_settings,
    save_secret,
    save_settings,
)


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self):
        super().__init__()
        self.saved = {}

    def get_password(self, service, username):
        return self.saved.get((service, username))

    def set_password(self, service, username, password):
        self.saved[(service, username)] = password

    def delete_password(self, service, username):
        self.saved.pop((service, username), None)


@pytest.fixture
def restore_keyring():
    before = keyring.get_keyring()
    yield
    keyring.set_keyring(before)


def test_a_new_laptop_gets_a_client_id_and_callsign_it_keeps(tmp_path):
    first = load_settings(tmp_path)
    assert first.client_id.startswith("SITREP-") and first.callsign.startswith("SitRep-")
    assert load_settings(tmp_path) == first
    assert stat.S_IMODE((tmp_path / "team.json").stat().st_mode) == 0o600


def test_tls_settings_name_what_is_missing(tmp_path):
    settings = TeamSettings(
        host="tak.local",
        port=8089,
        tls=True,
        callsign="Ops 1",
        cert_file=str(tmp_path / "absent.p12"),
    )
    problems = settings.problems()
    assert any("absent.p12 does not exist" in p for p in problems)
    assert any("CA certificate" in p for p in problems)


def test_without_a_keyring_a_secret_goes_to_a_private_file_never_the_settings(
    tmp_path, restore_keyring
):
    from keyring.backends.fail import Keyring as NoKeyring

    keyring.set_keyring(NoKeyring())
    save_settings(TeamSettings(callsign="Ops 1", client_id="SITREP-1"), tmp_path)
    where = save_secret("certificate password", "s3cret!", tmp_path)
    assert where.endswith("secrets.json")
    assert stat.S_IMODE((tmp_path / "secrets.json").stat().st_mode) == 0o600
    assert "s3cret!" not in (tmp_path / "team.json").read_text()
    assert load_secret("certificate password", tmp_path) == "s3cret!"


def test_with_a_keyring_the_secret_goes_there(tmp_path, restore_keyring):
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    assert save_secret("certificate password", "s3cret!", tmp_path) == "keyring"
    assert not (tmp_path / "secrets.json").exists()
    assert load_secret("certificate password", tmp_path) == "s3cret!"
    assert backend.saved == {("sitrep-desktop-team", "certificate password"): "s3cret!"}
