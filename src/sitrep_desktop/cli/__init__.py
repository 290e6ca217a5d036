"""The headless command line (no Qt), used by scripts and tests."""
