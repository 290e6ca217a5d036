"""Shared test setup: offscreen Qt for every run, and fresh stores."""

import atexit
import os
import shutil
import tempfile

# Set here, not by hand: every test run is headless.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SITREP_NO_BACKUP_TIMER", "1")
# Caches (e.g. the grouped basemap) go to a scratch folder, not the user's own.
# Settings (window layout, map layers) and data too: a test run never reads or
# changes the user's own, and one test's choices never reach another run.
for _variable, _prefix in (
    ("XDG_CACHE_HOME", "sitrep-test-cache-"),
    ("XDG_CONFIG_HOME", "sitrep-test-config-"),
    ("XDG_DATA_HOME", "sitrep-test-data-"),
):
    _scratch = tempfile.mkdtemp(prefix=_prefix)
    os.environ[_variable] = _scratch
    atexit.register(shutil.rmtree, _scratch, ignore_errors=True)
