"""Shared test setup: offscreen Qt for every run, and fresh stores."""

import atexit
import os
import shutil
import tempfile

# Set here, not by hand: every test run is headless.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SITREP_NO_BACKUP_TIMER", "1")
# Caches (e.g. the grouped basemap) go to a scratch folder, not the user's own.
if "XDG_CACHE_HOME" not in os.environ:
    _scratch_cache = tempfile.mkdtemp(prefix="sitrep-test-cache-")
    os.environ["XDG_CACHE_HOME"] = _scratch_cache
    atexit.register(shutil.rmtree, _scratch_cache, ignore_errors=True)
