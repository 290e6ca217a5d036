"""Shared test setup: offscreen Qt, scratch folders, hypothesis profiles, and the
stores tests start from.

Stores a test may change (a fresh one each test):
    memory_store      an empty in-memory store
    demo_memory_store the demo situation in an in-memory store
    demo_path         the demo situation in a new file, tmp_path / "demo.db"
    new_demo_file     a factory: new_demo_file("hama.db") -> that file, holding the demo
    demo_store        a store open on demo_path, closed after the test
Stores a test only reads (one per module; a change fails the module's last test):
    shared_demo_path  a demo file
    shared_demo_store a store open on it
"""

import atexit
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Set here, not by hand: every test run is headless.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SITREP_NO_BACKUP_TIMER", "1")
# This machine sets PYTHONDONTWRITEBYTECODE=1, so each run (and each xdist
# worker, and each CLI child) compiled the app and the tests afresh: collection
# took 6 s of CPU per process instead of 2.4. The suite writes bytecode to the
# git-ignored __pycache__ folders, as an installed app does. Set before xdist
# starts its workers, which inherit the environment.
sys.dont_write_bytecode = False
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
# Caches (e.g. the grouped basemap) go to a scratch folder, not the user's own.
# Settings (window layout, map layers) and data too: a test run never reads or
# changes the user's own, and one test's choices never reach another run. Each
# pytest-xdist worker imports this file itself, so each gets its own folders,
# but for the cache, which the workers of a run share.
for _variable, _prefix in (
    ("XDG_CACHE_HOME", "sitrep-test-cache-"),
    ("XDG_CONFIG_HOME", "sitrep-test-config-"),
    ("XDG_DATA_HOME", "sitrep-test-data-"),
):
    if _variable == "XDG_CACHE_HOME" and os.environ.get("PYTEST_XDIST_WORKER"):
        if Path(os.environ.get(_variable, "")).name.startswith(_prefix):
            # A worker shares its run's cache (made by the controller, which removes
            # it): the grouped basemap is built once a run, not once a worker.
            continue
    _scratch = tempfile.mkdtemp(prefix=_prefix)
    os.environ[_variable] = _scratch
    atexit.register(shutil.rmtree, _scratch, ignore_errors=True)

# Imported after the environment is set: the package reads it on import.
from sitrep_desktop.services.demo import write_demo  # noqa: E402
from sitrep_desktop.store import Store  # noqa: E402
from sitrep_desktop.store.content_hash import content_hash  # noqa: E402

# Property tests: the full example counts in CI (CI=true, as .ci/run and most CI
# services set it), a tenth of them while developing. Tests that want more than
# the default ask for a multiple of settings.default.max_examples, so both
# profiles scale them. No deadline in either: a loaded machine is not a bug.
settings.register_profile(
    "ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "dev", max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE")
    or ("ci" if os.environ.get("CI", "").lower() in ("true", "1") else "dev")
)


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo written once per test process; fresh demo files are copies of it.

    A closed store has checkpointed its WAL, so the one file holds everything and
    a byte copy is the same database as a new write_demo, at a hundredth of the cost.
    """
    return write_demo(tmp_path_factory.mktemp("demo-template") / "demo.db")


@pytest.fixture
def new_demo_file(tmp_path: Path, _demo_template: Path) -> Callable[[str], Path]:
    def make(name: str = "demo.db") -> Path:
        target = tmp_path / name
        if target.exists():
            raise FileExistsError(target)
        shutil.copyfile(_demo_template, target)
        return target

    return make


@pytest.fixture
def demo_path(new_demo_file: Callable[[str], Path]) -> Path:
    return new_demo_file("demo.db")


@pytest.fixture
def demo_store(demo_path: Path) -> Iterator[Store]:
    with Store.open(demo_path) as store:
        yield store


@pytest.fixture
def memory_store() -> Iterator[Store]:
    with Store.memory() as store:
        yield store


@pytest.fixture
def demo_memory_store() -> Iterator[Store]:
    from sitrep_desktop.services.demo import build_demo

    with Store.memory() as store:
        build_demo(store)
        yield store


@pytest.fixture
def window(qtbot, tmp_path: Path, demo_path: Path):  # type: ignore[no-untyped-def]
    """A window on a fresh demo database, shown at 1400x900, with its own settings
    (a test may change anything)."""
    from PySide6.QtCore import QSettings

    from sitrep_desktop.ui.window.main_window import MainWindow

    win = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.open_store(Store.open(demo_path), demo_path)
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture(scope="module")
def shared_demo_path(
    tmp_path_factory: pytest.TempPathFactory, _demo_template: Path
) -> Iterator[Path]:
    target = tmp_path_factory.mktemp("shared-demo") / "demo.db"
    shutil.copyfile(_demo_template, target)
    with Store.open(target) as store:
        before = content_hash(store)
    yield target
    with Store.open(target) as store:
        # Each test of the module reads this file; one that wrote to it would make
        # the others depend on their order. It must take demo_path instead.
        assert content_hash(store) == before, "a test changed the shared demo file"


@pytest.fixture(scope="module")
def shared_demo_store(shared_demo_path: Path) -> Iterator[Store]:
    with Store.open(shared_demo_path) as store:
        before = content_hash(store)
        yield store
        # As for the file: a test that writes must take demo_store instead.
        assert content_hash(store) == before, "a test changed the shared demo store"


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):  # type: ignore[no-untyped-def]
    """Under `--dist loadgroup`, tests without a group go out a module at a time.

    xdist's own loadgroup sends them one by one, so every worker builds each
    module's module-scoped fixtures (a 30,000-event store, a set of exported
    files): twice the setup for nothing. A module is a unit of work here, and a
    named group (the live TAK tests) stays one unit as before. The named groups
    go out first: the TAK group is the longest unit, and started last it would
    run on alone after the other worker had finished; the modules follow, those
    with the most tests first, so the last ones to finish are short.
    """
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class LoadModuleOrGroupScheduling(LoadGroupScheduling):
        def __init__(self, config: pytest.Config, log=None) -> None:  # type: ignore[no-untyped-def]
            super().__init__(config, log)
            self.named_groups: set[str] = set()

        def _split_scope(self, nodeid: str) -> str:
            grouped = super()._split_scope(nodeid)
            if grouped != nodeid:
                self.named_groups.add(grouped)
                return grouped
            return nodeid.split("::", 1)[0]

        def _assign_work_unit(self, node):  # type: ignore[no-untyped-def]
            for group in self.named_groups & self.workqueue.keys():
                self.workqueue.move_to_end(group, last=False)
            super()._assign_work_unit(node)

    return LoadModuleOrGroupScheduling(config, log)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Give a grouped test its "@group" suffix where xdist's own did not take.

    On a worker under `--dist loadgroup`, xdist appends "@<group>" to the nodeid
    of each test marked xdist_group, and the scheduler groups by that suffix. From
    pytest 9.2 a nodeid is a structured NodeId, xdist's write to the old `_nodeid`
    is lost, and the live TAK tests were spread over both workers, one restarting
    the server's listeners under the others (pytest-dev/pytest-xdist#1386, open).
    """
    if not getattr(config.option, "loadgroup", False):  # set on xdist workers only
        return
    for item in items:
        names = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                        for m in item.iter_markers("xdist_group")})  # fmt: skip
        suffix = "@" + "_".join(names)
        if names and not item.nodeid.endswith(suffix) and hasattr(item, "_id"):
            from _pytest.nodeid import NodeId

            item._id = NodeId.parse(item.nodeid + suffix)
