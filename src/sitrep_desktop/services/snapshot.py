"""The snapshot request (extent, time, paper, layers) and the page's pure geometry.

Shared by `sitrep snapshot` and the window's Export snapshot: both build a
SnapshotRequest here and hand it to the painter (ui/snapshot/render). No
painting and no Qt: the request, its page in device pixels, parsing the CLI's
size and extent, graticule steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sitrep_desktop.domain import Moment
from sitrep_desktop.geo.units import nice_length
from sitrep_desktop.services.style import BASEMAP_LAYERS

# Paper sizes in millimetres, landscape (width, height): maps read better wide,
# so landscape is the default; a portrait page swaps them.
PAPER_MM = {"A4": (297.0, 210.0), "A3": (420.0, 297.0), "letter": (279.4, 215.9)}
ORIENTATIONS = ("landscape", "portrait")
FORMATS = ("png", "svg", "pdf")
DEFAULT_SIZE = (1600, 1000)
# What a snapshot can draw; a request names the ones it wants (all, by default).
LAYERS = ("basemap", "estimates", "places", "events", "drawings")

__all__ = [
    "DEFAULT_SIZE",
    "FORMATS",
    "LAYERS",
    "ORIENTATIONS",
    "PAPER_MM",
    "SnapshotRequest",
    "as_of_text",
    "graticule_step",
    "nice_length",
    "parse_bbox",
    "parse_size",
]


@dataclass(frozen=True)
class SnapshotRequest:
    """What to draw and onto what: extent (W, S, E, N degrees), time, page."""

    bbox: tuple[float, float, float, float]
    fmt: str = "png"
    at: Moment | None = None
    size: tuple[int, int] | None = None  # pixels, for PNG/SVG without paper
    paper: str | None = None
    dpi: int = 150
    title: str = "Situation map"
    filters: dict = field(default_factory=dict)
    layers: tuple[str, ...] = LAYERS  # what to draw, of LAYERS
    orientation: str = "landscape"  # of the paper; a size in pixels is taken as given
    subtitle: str = ""  # a line under the title, before "Situation as of …"
    # Basemap layers to draw, by the style table's names (land, coastline, rivers…);
    # None: those the map shows at first. The window passes the ones it shows now.
    basemap_layers: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        unknown = set(self.layers) - set(LAYERS)
        if unknown:
            raise ValueError(f"unknown snapshot layer(s) {sorted(unknown)}; known: {LAYERS}")
        if self.basemap_layers is not None:
            unknown = set(self.basemap_layers) - set(BASEMAP_LAYERS)
            if unknown:
                raise ValueError(f"unknown basemap layer(s) {sorted(unknown)}")
        if self.orientation not in ORIENTATIONS:
            raise ValueError(f"orientation must be landscape or portrait, not {self.orientation!r}")

    def shows(self, layer: str) -> bool:
        return layer in self.layers

    def basemap_shows(self, layer: str) -> bool:
        """Whether one basemap layer is drawn: as on screen, none without the basemap."""
        if not self.shows("basemap"):
            return False
        if self.basemap_layers is None:
            return BASEMAP_LAYERS[layer].visible
        return layer in self.basemap_layers

    def page_pixels(self) -> tuple[int, int]:
        if self.paper is not None:
            width_mm, height_mm = PAPER_MM[self.paper]
            if self.orientation == "portrait":
                width_mm, height_mm = height_mm, width_mm
            return round(width_mm / 25.4 * self.dpi), round(height_mm / 25.4 * self.dpi)
        return self.size or DEFAULT_SIZE


def as_of_text(at: Moment | None) -> str:
    """The "as of" line a reader expects: "6 December 2024", "6 December 2024, 14:30 UTC"."""
    if at is None:
        return "the latest entries"
    moment = at.as_utc()
    day = f"{moment.day} {moment.strftime('%B %Y')}"
    if at.date_only:
        return day
    return f"{day}, {moment.strftime('%H:%M')} UTC"


def parse_size(text: str) -> tuple[int, int]:
    """'1600x1000' -> (1600, 1000); ValueError with a reason otherwise."""
    parts = text.lower().replace("×", "x").split("x")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        raise ValueError(f"size must look like 1600x1000, got {text!r}")
    width, height = (int(p) for p in parts)
    if not (64 <= width <= 20000 and 64 <= height <= 20000):
        raise ValueError(f"size {text!r} is out of range (64..20000 pixels a side)")
    return width, height


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """'W,S,E,N' in degrees; ValueError naming the problem."""
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        raise ValueError(f"bbox must be W,S,E,N in degrees, got {text!r}") from None
    if not (-180 <= west < east <= 180 and -85 <= south < north <= 85):
        raise ValueError(f"bbox {text!r} is not a valid extent (W<E within ±180, S<N within ±85)")
    return west, south, east, north


def graticule_step(span_degrees: float) -> float:
    """A round spacing giving about 4 to 10 lines across the span."""
    for step in (0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30):
        if span_degrees / step <= 10:
            return float(step)
    return 30.0
