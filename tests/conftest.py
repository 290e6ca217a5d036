"""Shared test setup: offscreen Qt for every run, and fresh stores."""

import os
import tempfile

# Set here, not by hand: every test run is headless.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SITREP_NO_BACKUP_TIMER", "1")
# Caches (e.g. the grouped basemap) go to a scratch folder, not the user's own.
os.environ.setdefault("XDG_CACHE_HOME", tempfile.mkdtemp(prefix="sitrep-test-cache-"))
