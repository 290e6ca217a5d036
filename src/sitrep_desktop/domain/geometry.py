"""Validation of free geometry (WKT, WGS84 lon/lat) carried by events and annotations."""

from __future__ import annotations

import functools
import math
import warnings

import shapely
from shapely.geometry.base import BaseGeometry

from .errors import ValidationError

ALLOWED_TYPES = frozenset(
    {"Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon"}
)


def parse_wkt(text: str, field: str = "geometry") -> BaseGeometry:
    """Parse WKT and check it is a valid lon/lat shape; raise ValidationError if not."""
    if not isinstance(text, str):  # shapely would map a list to an array of shapes
        raise ValidationError(field, text, "geometry must be WKT text")
    try:
        # GEOS reads "NAN" as a number and numpy warns about it; we refuse
        # non-finite coordinates ourselves just below, with a clearer message.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            shape = shapely.from_wkt(text)
    except (shapely.errors.GEOSException, TypeError, ValueError):
        raise ValidationError(field, text, "not valid WKT geometry") from None
    if shape is None or shape.is_empty:
        raise ValidationError(field, text, "geometry is empty")
    if shape.geom_type not in ALLOWED_TYPES:
        raise ValidationError(field, text, f"{shape.geom_type} geometry is not supported")
    coords = shapely.get_coordinates(shape)
    for lon, lat in coords:
        if not (math.isfinite(lon) and math.isfinite(lat)):
            raise ValidationError(field, text, "coordinates must be finite numbers")
        if not -180.0 <= lon <= 180.0:
            raise ValidationError(field, text, f"longitude {lon} is outside [-180, 180]")
        if not -90.0 <= lat <= 90.0:
            raise ValidationError(field, text, f"latitude {lat} is outside [-90, 90]")
    if not shape.is_valid:
        reason = shapely.is_valid_reason(shape)
        raise ValidationError(field, text, f"invalid shape: {reason}")
    return shape


def normalise_wkt(text: str, field: str = "geometry") -> str:
    """Validated WKT in a canonical spelling, so equal shapes compare equal as text."""
    if not isinstance(text, str):
        parse_wkt(text, field)  # refuses it, saying why
    return _normalised(text, field)


# An import of ACLED's file names the same few thousand points a million times: each
# spelling is parsed and checked once (a refused one raises, and is not kept).
@functools.lru_cache(maxsize=16_384)
def _normalised(text: str, field: str) -> str:
    return shapely.to_wkt(parse_wkt(text, field), rounding_precision=-1, trim=True)


@functools.lru_cache(maxsize=16_384)  # strings only: the stored WKT of a row
def wkt_bounds(text: str) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) of a WKT geometry."""
    return tuple(shapely.from_wkt(text).bounds)  # type: ignore[return-value]
