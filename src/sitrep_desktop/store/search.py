"""Turning what a user types into a safe FTS5 query."""

from __future__ import annotations

import re

_TOKEN = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str | None:
    """Every word must appear, each as a prefix: 'talb air' -> '"talb"* "air"*'.

    Quoting each token keeps FTS5 syntax (AND, NEAR, quotes, colons) from being
    interpreted, so any input is a valid query. None when there is no word.
    """
    tokens = _TOKEN.findall(text)
    if not tokens:
        return None
    return " ".join(f'"{token}"*' for token in tokens)
