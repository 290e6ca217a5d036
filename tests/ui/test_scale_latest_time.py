"""Where "as of" starts when Latest is unticked: the latest event or control change,
read from the time index's last entry, not by thinning a scan of every event."""

from tests.scale_data import volume_store

from sitrep_desktop.domain import parse_moment
from sitrep_desktop.ui.map.panels.time_control import last_known_time


def test_the_latest_time_is_the_latest_events_day_without_a_scan():
    store = volume_store(5_000)
    latest = store.conn.execute("SELECT max(at_key) FROM events").fetchone()[0]
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        found = last_known_time(store)
    finally:
        store.conn.set_trace_callback(None)
    assert found == parse_moment(latest[:10])
    scans = [s for s in statements if "FROM events" in s and "max(at_key)" not in s]
    assert not scans
    store.close()
