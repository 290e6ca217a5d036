"""Reading and writing the coordinate formats analysts paste: decimal degrees, DMS, MGRS.

Parsing is strict about ranges and ambiguity because a silently misread
coordinate puts a marker in the wrong town; every failure is a
:class:`CoordinateError` that says what was wrong.
"""

from __future__ import annotations

import math
import re

import mgrs

_MGRS = mgrs.MGRS()

# Longest text worth trying: a padded DMS pair is ~40 characters. The cap also
# keeps the regular expressions below cheap on pasted paragraphs.
_MAX_LENGTH = 100

# Typographic variants people paste from documents and web pages.
_SYMBOLS = str.maketrans({
    "º": "°", "˚": "°",
    "′": "'", "’": "'", "‘": "'", "´": "'",
    "″": '"', "”": '"', "“": '"',
})  # fmt: skip

_NUMBER = r"\d+(?:\.\d*)?|\.\d+"


def _component(i: int, leading: bool) -> str:
    """Pattern for one angle; hemisphere letter before ("N34.7") or after ("34.7N")."""
    hemisphere = rf"(?P<hemi{i}>[NSEW])"
    return (
        (rf"{hemisphere}?\s*" if leading else "")
        + rf"(?P<sign{i}>[+-])?(?P<deg{i}>{_NUMBER})\s*(?:°\s*)?"
        + rf"(?:(?P<min{i}>{_NUMBER})\s*'\s*)?"
        + rf"(?:(?P<sec{i}>{_NUMBER})\s*\"\s*)?"
        + ("" if leading else rf"{hemisphere}?")
    )


def _pair(leading: bool) -> re.Pattern[str]:
    return re.compile(
        r"\s*"
        + _component(1, leading)
        # Two bare numbers need a separator, or "123" would read as 12, 3; after a
        # symbol or next to a hemisphere letter ("34.7N36.7E", "N34.7E36.7") the
        # boundary is already clear.
        + r"(?:\s*[,;]\s*|\s+|(?<=[NSEW°'\"])|(?=[NSEW]))"
        + _component(2, leading)
        + r"\s*",
        re.IGNORECASE,
    )


# Letters in front and letters behind are separate patterns: with one pattern,
# "N34.7 E36.7" can be misread as "N34.7 E" followed by "36.7".
_PAIR_LEADING = _pair(leading=True)
_PAIR_TRAILING = _pair(leading=False)
# Grid zone (1-60 plus latitude band C-X without I, O), 100 km square letters
# (without I, O), then easting and northing digits, spaces optional.
_MGRS_TEXT = re.compile(
    r"\s*(?P<zone>\d{1,2})\s*(?P<band>[C-HJ-NP-X])\s*(?P<square>[A-HJ-NP-Z]{2})"
    r"\s*(?P<digits>\d*)\s*(?P<more>\d*)\s*",
    re.IGNORECASE,
)
_COORDINATE_CHARS = re.compile(r"[\s\d.,;+\-°'\"NSEW]+", re.IGNORECASE)

MGRS_MIN_LAT = -80.0
MGRS_MAX_LAT = 84.0


class CoordinateError(ValueError):
    """Text that is not a usable coordinate; ``text`` is the input, ``reason`` says why."""

    def __init__(self, text: str, reason: str) -> None:
        self.text = text
        self.reason = reason
        shown = text if len(text) <= 60 else text[:57] + "..."
        super().__init__(f"cannot read {shown!r} as a coordinate: {reason}")


def looks_like_coordinate(text: str) -> bool:
    """True when ``text`` is worth handing to :func:`parse_point` rather than a place-name search.

    Cheap and generous: it only checks the characters, so "12 34" passes and is
    then accepted or rejected by the parser.
    """
    stripped = text.strip().translate(_SYMBOLS)
    if not stripped or len(stripped) > _MAX_LENGTH:
        return False
    if _MGRS_TEXT.fullmatch(stripped):
        return True
    return bool(_COORDINATE_CHARS.fullmatch(stripped)) and sum(c.isdigit() for c in stripped) >= 2


def parse_point(text: str) -> tuple[float, float]:
    """Read ``(lat, lon)`` from decimal degrees, degrees-minutes(-seconds) or MGRS text.

    Without hemisphere letters the order is latitude then longitude; with them
    either order works ("36.7E 34.7N"). MGRS gives the centre of the square it names.
    """
    if not isinstance(text, str):
        raise CoordinateError(repr(text), "expected text")
    cleaned = text.strip().translate(_SYMBOLS)
    if not cleaned:
        raise CoordinateError(text, "it is empty")
    if len(cleaned) > _MAX_LENGTH:
        raise CoordinateError(text, f"it is longer than {_MAX_LENGTH} characters")
    mgrs_match = _MGRS_TEXT.fullmatch(cleaned)
    if mgrs_match:
        return _parse_mgrs(text, mgrs_match)
    pair = (_PAIR_LEADING if cleaned[0].isalpha() else _PAIR_TRAILING).fullmatch(cleaned)
    if pair is None:
        raise CoordinateError(
            text, "expected two numbers (lat, lon), degrees-minutes-seconds or an MGRS reference"
        )
    first = _angle(text, pair, 1)
    second = _angle(text, pair, 2)
    lat, lon = _assign_axes(text, first, second)
    if not -90.0 <= lat <= 90.0:
        raise CoordinateError(text, f"latitude {lat:g} is outside -90..90")
    if not -180.0 <= lon <= 180.0:
        raise CoordinateError(text, f"longitude {lon:g} is outside -180..180")
    return lat, lon


def _angle(text: str, match: re.Match[str], i: int) -> tuple[float, str | None]:
    """One signed angle in degrees and its hemisphere letter (upper case) if any."""
    hemisphere = (match[f"hemi{i}"] or "").upper() or None
    sign = match[f"sign{i}"]
    if hemisphere and sign:
        raise CoordinateError(text, f"a value has both a sign and the hemisphere {hemisphere}")
    deg_text, min_text, sec_text = match[f"deg{i}"], match[f"min{i}"], match[f"sec{i}"]
    if min_text is not None and "." in deg_text:
        raise CoordinateError(text, "degrees must be whole when minutes follow")
    if sec_text is not None and (min_text is None or "." in min_text):
        raise CoordinateError(text, "minutes must be whole when seconds follow")
    minutes = float(min_text) if min_text is not None else 0.0
    seconds = float(sec_text) if sec_text is not None else 0.0
    if minutes >= 60.0 or seconds >= 60.0:
        raise CoordinateError(text, "minutes and seconds must be below 60")
    value = float(deg_text) + minutes / 60.0 + seconds / 3600.0
    if not math.isfinite(value):
        raise CoordinateError(text, "a value is not a finite number")
    if sign == "-" or hemisphere in ("S", "W"):
        value = -value
    return value, hemisphere


def _assign_axes(
    text: str, first: tuple[float, str | None], second: tuple[float, str | None]
) -> tuple[float, float]:
    """Decide which value is latitude: hemisphere letters win, otherwise lat comes first."""
    (a, ha), (b, hb) = first, second
    if (ha is None) != (hb is None):
        raise CoordinateError(text, "give hemisphere letters for both values or for neither")
    if ha is None:
        return a, b
    if ha in "NS" and hb in "EW":
        return a, b
    if ha in "EW" and hb in "NS":
        return b, a
    raise CoordinateError(
        text, f"hemispheres {ha} and {hb} do not make one latitude and one longitude"
    )


def _parse_mgrs(text: str, match: re.Match[str]) -> tuple[float, float]:
    zone = int(match["zone"])
    if not 1 <= zone <= 60:
        raise CoordinateError(text, f"MGRS zone {zone} is outside 1..60")
    easting, northing = match["digits"], match["more"]
    if northing:
        if len(easting) != len(northing):
            raise CoordinateError(
                text, "MGRS easting and northing must have the same number of digits"
            )
        digits = easting + northing
    else:
        digits = easting
    if len(digits) % 2 or len(digits) > 10:
        raise CoordinateError(text, "MGRS needs an even number of digits, at most 10")
    reference = f"{zone}{match['band']}{match['square']}{digits}".upper()
    try:
        lat, lon = _MGRS.toLatLon(reference)
    except Exception as error:  # the native library raises its own MGRSError
        raise CoordinateError(text, f"not a valid MGRS reference ({error})") from None
    return float(lat), float(lon)


def format_dd(lat: float, lon: float, digits: int = 5) -> str:
    """Decimal degrees, latitude first: "34.73240, 36.71370"."""
    return f"{lat:.{digits}f}, {lon:.{digits}f}"


def _dms(value: float, positive: str, negative: str) -> str:
    # Round once in tenths of a second so 59.96" carries into the minutes
    # instead of printing as 60.0".
    tenths = round(abs(value) * 36000)
    degrees, rest = divmod(tenths, 36000)
    minutes, tenth_seconds = divmod(rest, 600)
    hemisphere = negative if value < 0 and tenths else positive
    return f"{degrees}°{minutes:02d}'{tenth_seconds / 10:04.1f}\"{hemisphere}"


def format_dms(lat: float, lon: float) -> str:
    """Degrees, minutes, seconds to 0.1" (about 3 m): 34°43'56.6"N 36°42'49.3"E."""
    return f"{_dms(lat, 'N', 'S')} {_dms(lon, 'E', 'W')}"


def format_mgrs(lat: float, lon: float, precision: int = 5) -> str:
    """MGRS grouped for reading aloud: "37S BU 12345 67890".

    ``precision`` is digits per axis (5 = 1 m). Returns "" outside the UTM part
    of MGRS (latitudes beyond -80..84), where a grid reference would need the
    polar UPS scheme that this app does not show.
    """
    if not 0 <= precision <= 5:
        raise ValueError(f"MGRS precision must be 0..5 digits, got {precision}")
    if not (MGRS_MIN_LAT <= lat <= MGRS_MAX_LAT) or not -180.0 <= lon <= 180.0:
        return ""
    compact = _MGRS.toMGRS(lat, lon, MGRSPrecision=precision)
    try:
        _MGRS.toLatLon(compact)
    except Exception:
        # mgrs rounds a northing a hair below a 100 km square's edge up into a
        # square that does not exist (e.g. lat -2e-10 gives "31MAA...00000").
        # MGRS truncates by convention; a point 1 cm further south reads right.
        compact = _MGRS.toMGRS(lat - 1e-7, lon, MGRSPrecision=precision)
    head = compact[: len(compact) - 2 * precision]  # e.g. "37SBU"
    numbers = compact[len(head) :]
    # The library zero-pads the zone ("04QFJ"); maps and radios say "4Q".
    parts = [head[:-2].lstrip("0"), head[-2:]]
    if precision:
        parts += [numbers[:precision], numbers[precision:]]
    return " ".join(parts)
