"""The team link in the window: the status bar says connected / offline with N queued /
the last error, and the team's events arrive while the window stays responsive."""

from __future__ import annotations

import time

import pytest
from tak_team import HOST, PORT, laptop

from sitrep_desktop.domain import Event
from sitrep_desktop.services.team.settings import TeamSettings
from sitrep_desktop.ui.team.feature import TeamFeature


@pytest.fixture
def window(window):
    yield window
    window.features.team.stop()


def test_install_team_adds_the_menu_and_stays_off_until_turned_on(window):
    feature = window.features.team  # installed with the window
    assert feature.link is None and feature.label.text() == "Team: off"
    texts = [a.text() for a in window.menu_tools.actions()]
    assert "&Team settings…" in texts and "Share with &team" in texts


def test_offline_the_status_bar_counts_what_waits_and_says_why(window, qtbot):
    # Nothing listens on port 9 of this machine: the connection is refused at once.
    settings = TeamSettings(host=HOST, port=9, callsign="Ops test", client_id="SITREP-test")
    feature = TeamFeature(window.context, settings)
    feature.share_action.setChecked(True)
    feature.set_sharing(True)
    qtbot.waitUntil(lambda: "refused" in feature.label.toolTip().lower(), timeout=5000)
    window.store.events.add(Event(at="2024-12-08", title="Logged offline"))
    qtbot.waitUntil(lambda: "offline, 1 queued" in feature.label.text(), timeout=5000)
    feature.stop()


@pytest.mark.xdist_group("tak_server")  # with the live tests: see test_team_live.py
@pytest.mark.flaky(reruns=2, reruns_delay=2)
def test_the_teams_events_arrive_while_the_window_paints(window, qtbot, team):
    settings = TeamSettings(
        host=HOST, port=PORT, callsign=f"Ops {time.time()}", client_id=f"SITREP-{time.time()}"
    )
    feature = TeamFeature(window.context, settings)
    feature.set_sharing(True)
    qtbot.waitUntil(lambda: feature.label.text() == "Team: connected", timeout=10_000)
    other = laptop(author="bravo")
    link = team.join(other, "bravo")
    try:
        team.connected(link)
        sent = other.events.add(Event(at="2024-12-08", title="From bravo"))
        deadline = time.monotonic() + 10
        while window.store.events.find(sent.id) is None and time.monotonic() < deadline:
            qtbot.wait(20)  # the window's event loop turns: pump runs on it
            link.pump()
        assert window.store.events.get(sent.id).title == "From bravo"
        mine = window.store.events.add(Event(at="2024-12-08", title="From the window"))
        team.until(lambda: other.events.find(mine.id) is not None)
    finally:
        team.leave(link)
        feature.stop()
