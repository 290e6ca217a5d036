"""Shared test setup: offscreen Qt for every run, and fresh stores."""

import os

# Set here, not by hand: every test run is headless.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SITREP_NO_BACKUP_TIMER", "1")
