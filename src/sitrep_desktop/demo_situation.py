"""Moved to services/demo.py. Kept so that callers not yet moved (tests, the
screenshot script) still import it; remove once none does."""

from .services.demo import *  # noqa: F403
