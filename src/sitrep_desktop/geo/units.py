"""Distance units and the short phrases the UI shows for them."""

from __future__ import annotations

import math
import re

from sitrep_desktop.geo.geodesy import Leg, compass_point

UNITS = ("m", "km", "mi", "nmi")

# Exact by definition: the international mile and the international nautical mile.
_METRES_PER_UNIT = {"m": 1.0, "km": 1000.0, "mi": 1609.344, "nmi": 1852.0}


def _metres_per(unit: str) -> float:
    try:
        return _METRES_PER_UNIT[unit]
    except KeyError:
        raise ValueError(
            f"unknown distance unit {unit!r}; expected one of {', '.join(UNITS)}"
        ) from None


def to_unit(metres: float, unit: str) -> float:
    """Convert metres to ``unit``."""
    return metres / _metres_per(unit)


def from_unit(value: float, unit: str) -> float:
    """Convert a value in ``unit`` to metres."""
    return value * _metres_per(unit)


class RadiiError(ValueError):
    """Radii text that is not a list of positive numbers."""


def parse_radii(text: str) -> list[float]:
    """ "10, 25 50" -> [10.0, 25.0, 50.0]: positive numbers, sorted, duplicates dropped."""
    parts = [p for p in re.split(r"[,;\s]+", text.strip()) if p]
    if not parts:
        raise RadiiError("give at least one radius, e.g. 10, 25, 50")
    values = set()
    for part in parts:
        try:
            value = float(part)
        except ValueError:
            raise RadiiError(f"{part!r} is not a number") from None
        if not math.isfinite(value) or value <= 0:
            raise RadiiError(f"{part!r} must be a positive number")
        values.add(value)
    return sorted(values)


def format_distance(metres: float, unit: str = "km") -> str:
    """A distance rounded the way people say it: "44 km", "1,250 km", "2.76 mi", "0.5 nmi".

    From 10 up the figure is whole (an analyst reading a map cares about 44 km,
    not 44.37 km); below 10 it keeps three significant digits.
    """
    value = to_unit(metres, unit)
    if abs(value) >= 9.995:  # 9.995 would print as "10.0" with three digits
        return f"{value:,.0f} {unit}"
    return f"{value:.3g} {unit}"


def describe_relative(subject: str, reference: str, leg: Leg, unit: str = "km") -> str:
    """Say where ``subject`` lies from ``reference``: "Homs is 45 km (28 mi) S of Hama".

    ``leg`` is the geodesic FROM the reference TO the subject (``inverse(reference,
    subject)``), so its initial bearing is the direction to look from the reference.
    The distance is in ``unit`` first, then in the other common one (km for miles
    and nautical miles, miles for km). Closer than a metre reads "at".
    """
    if leg.distance_m < 1.0:
        return f"{subject} is at {reference}"
    first = format_distance(leg.distance_m, unit)
    second = format_distance(leg.distance_m, "mi" if unit in ("km", "m") else "km")
    return f"{subject} is {first} ({second}) {compass_point(leg.initial_bearing)} of {reference}"


def nice_length(max_metres: float) -> float:
    """The largest 1, 2 or 5 x 10^k metres not above ``max_metres``: a scale bar's length."""
    if max_metres <= 0 or not math.isfinite(max_metres):
        return 0.0
    power = 10 ** math.floor(math.log10(max_metres))
    for step in (5, 2, 1):
        if step * power <= max_metres:
            return float(step * power)
    return float(power)
