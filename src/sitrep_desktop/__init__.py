"""SitRep Desktop: offline situational awareness on one SQLite file."""

__version__ = "0.1.0"
