"""10,000 CoT events arriving from a TAK server while the map is open.

Figures: events per second taken in (from the first byte on the socket to the
last event in the database, through the worker thread, the window's event loop
and the store), and the window's frame time while they arrive (one repaint of
the map plus whatever the event loop ran in that turn: the team link's slices).
Floors, in the same run: parsing the same 10,000 CoT alone (cut from the byte
stream and read, no database), and the frame time with nothing arriving.

The server here is a stand-in on 127.0.0.1 (an ephemeral port, this process
only) that sends the CoT as fast as the socket takes them, as a TAK server
relaying a burst would: the figure is the app's, not the server's.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import asyncio  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from common import print_peak_memory, report  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from sitrep_desktop.domain import Event  # noqa: E402
from sitrep_desktop.services.demo import write_demo  # noqa: E402
from sitrep_desktop.services.team.cot_in import CotStream, read_cot  # noqa: E402
from sitrep_desktop.services.team.cot_out import CHECK_SUFFIX, Sender, outgoing  # noqa: E402
from sitrep_desktop.services.team.settings import TeamSettings  # noqa: E402
from sitrep_desktop.store import Store  # noqa: E402
from sitrep_desktop.ui.team.feature import TeamFeature  # noqa: E402
from sitrep_desktop.ui.window.main_window import MainWindow  # noqa: E402

COUNT = 10_000
OTHER = Sender("SITREP-bench-other", "Bench other")


def _cot_stream() -> bytes:
    """10,000 events logged on another laptop, as the CoT it sends."""
    store = Store.memory(author="other")
    store.categories.ensure_defaults()
    events = store.events.add_many(
        Event(
            at=f"2024-12-{1 + n % 28:02d}T{n % 24:02d}:00Z",
            title=f"Report {n}",
            category="clash",
            geometry=f"POINT ({36.0 + (n % 100) * 0.02} {34.0 + (n // 100) * 0.02})",
            description="Reported by a contact; two vehicles seen moving north.",
        )
        for n in range(COUNT)
    )
    return b"".join(outgoing(store, "event", e.id, OTHER).data for e in events)


def _parse_floor(data: bytes) -> float:
    start = time.perf_counter()
    stream = CotStream()
    items = [read_cot(document) for document in stream.feed(data)]
    elapsed = time.perf_counter() - start
    assert len(items) == COUNT, len(items)
    return elapsed


class _Feeder:
    """The stand-in server: after a client's first CoT (its presence), send the burst."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.port = 0
        self.first_byte_at = 0.0
        self._ready = threading.Event()
        self._go = threading.Event()
        self._clients: list[asyncio.StreamWriter] = []
        self._thread = threading.Thread(target=lambda: asyncio.run(self._serve()), daemon=True)

    def start(self) -> None:
        self._thread.start()
        self._ready.wait(5)

    def go(self) -> None:
        self._go.set()

    async def _serve(self) -> None:
        server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        async with server:
            await asyncio.get_running_loop().run_in_executor(None, self._go.wait)
            await asyncio.sleep(60)

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        first = await reader.read(65536)
        if CHECK_SUFFIX.encode() in first:
            # The link's return-path check (client.py): relay it, as a server does.
            for other in self._clients:
                other.write(first)
            writer.close()
            return
        self._clients.append(writer)  # its presence was the first CoT
        await asyncio.get_running_loop().run_in_executor(None, self._go.wait)
        self.first_byte_at = time.perf_counter()
        for start in range(0, len(self.data), 64 * 1024):
            writer.write(self.data[start : start + 64 * 1024])
            await writer.drain()
        await asyncio.sleep(30)


def _frames(app: QApplication, window: MainWindow, until, limit: float) -> list[float]:
    """Frame times (s): each turn repaints the map once and runs the event loop."""
    frames = []
    deadline = time.perf_counter() + limit
    viewport = window.canvas.viewport()
    while not until() and time.perf_counter() < deadline:
        start = time.perf_counter()
        viewport.update()
        app.processEvents()
        frames.append(time.perf_counter() - start)
    return frames


def main() -> None:
    app = QApplication.instance() or QApplication([])
    data = _cot_stream()
    floor = statistics.median(_parse_floor(data) for _ in range(3))

    folder = Path(tempfile.mkdtemp(prefix="sitrep-bench-live-"))
    path = write_demo(folder / "demo.db")
    window = MainWindow(QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat))
    window.open_store(Store.open(path), path)
    window.resize(1400, 900)
    window.show()
    app.processEvents()
    idle = _frames(app, window, lambda: False, 1.0)

    feeder = _Feeder(data)
    feeder.start()
    settings = TeamSettings(port=feeder.port, callsign="Bench", client_id="SITREP-bench")
    feature = TeamFeature(window.context, settings)
    feature.set_sharing(True)
    store = window.store
    before = store.events.count()
    _frames(app, window, lambda: feature.link is not None and feature.link.connected, 10)
    if feature.link is None or not feature.link.connected:
        raise SystemExit(f"the link did not connect: {feature.label.text()}")
    feeder.go()
    frames = _frames(app, window, lambda: store.events.count() - before >= COUNT, 300)
    done = time.perf_counter()
    arrived = store.events.count() - before
    feature.stop()
    if arrived < COUNT:
        raise SystemExit(f"only {arrived} of {COUNT} events arrived")

    seconds = done - feeder.first_byte_at
    report(
        f"live: {COUNT:,} CoT events taken in",
        COUNT / seconds,
        "events/s",
        COUNT / floor,
        "events/s parsed alone",
    )
    frames.sort()
    p95 = frames[int(len(frames) * 0.95)]
    report(
        "live: map frame time while they arrive (median)",
        statistics.median(frames) * 1000,
        "ms",
        statistics.median(idle) * 1000,
        "ms idle",
    )
    report(
        "live: map frame time while they arrive (95th percentile)",
        p95 * 1000,
        "ms",
        statistics.median(idle) * 1000,
        "ms idle",
    )
    print(
        f"live: {len(frames)} frames in {seconds:.1f} s, longest {frames[-1] * 1000:.0f} ms",
        flush=True,
    )
    print_peak_memory("live")
    window.store.close()


if __name__ == "__main__":
    main()
