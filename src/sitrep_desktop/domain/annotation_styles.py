"""How annotations look: the style keys, their defaults, and the analyst's presets.

Plain data. A style is a dict stored with the annotation, so a drawing looks the
same on every machine and in every snapshot; the keys are:

  colour        "#rrggbb"           line and fill colour
  width         pixels (float)      line width, the same at every zoom
  dash          solid | dash | dot | dashdot
  fill_opacity  0..1                fill of polygons and circles
  symbol        circle | square | triangle | diamond | star | cross   (points)
  text_size     points               size of the label text
  faction_id    optional             the faction whose colour the drawing wears
  preset        optional             the preset it started from
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

DASH_STYLES = ("solid", "dash", "dot", "dashdot")
SYMBOLS = ("circle", "square", "triangle", "diamond", "star", "cross")

DEFAULT_STYLE: dict[str, Any] = {
    "colour": "#37474f",
    "width": 2.0,
    "dash": "solid",
    "fill_opacity": 0.15,
    "symbol": "circle",
    "text_size": 10,
}

# name -> (the tool it suits, its style). Colours are a fallback: a preset
# drawn for a faction takes the faction's colour.
PRESETS: dict[str, tuple[str, dict[str, Any]]] = {
    "front line": ("line", {"colour": "#b71c1c", "width": 3.0, "dash": "solid"}),
    "advance": ("arrow", {"colour": "#2e7d32", "width": 4.0, "dash": "solid"}),
    "area of control": (
        "polygon",
        {"colour": "#2e7d32", "width": 1.5, "dash": "dash", "fill_opacity": 0.2},
    ),
    "hazard": (
        "circle",
        {"colour": "#ef6c00", "width": 2.0, "dash": "dot", "fill_opacity": 0.25},
    ),
    "note": ("text", {"colour": "#263238", "text_size": 11}),
}


def full_style(style: Mapping[str, Any] | None) -> dict[str, Any]:
    """`style` with every key present (missing ones from DEFAULT_STYLE)."""
    return {**DEFAULT_STYLE, **dict(style or {})}


def preset_style(name: str, faction_colour: str | None = None) -> dict[str, Any]:
    """The full style of a preset, in the faction's colour when one is given."""
    if name not in PRESETS:
        raise KeyError(f"no style preset {name!r}; presets: {', '.join(PRESETS)}")
    style = full_style(PRESETS[name][1])
    style["preset"] = name
    if faction_colour:
        style["colour"] = faction_colour
    return style
