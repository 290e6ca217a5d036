"""Conversion between domain records and table rows (JSON for lists and styles)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..domain import Annotation, ControlChange, Event, Faction, Moment, Place
from ..domain.geometry import wkt_bounds
from ..domain.records import trusted_record

_STAMP_FIELDS = ("id", "created", "updated", "author")


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _stamps(record: Any) -> dict[str, Any]:
    return {name: getattr(record, name) for name in _STAMP_FIELDS}


def _names(text: str) -> tuple[str, ...]:
    # Most lists are empty: skip the JSON parser for them (lists of a million rows).
    return () if text == "[]" else tuple(json.loads(text))


def _attributes(row: Any) -> dict[str, Any]:
    # A journal entry written before migration 5 has no attributes column.
    try:
        text = row["attributes"]
    except (KeyError, IndexError):
        return {}
    return {} if not text or text == "{}" else json.loads(text)


def _moment(text: str | None, key: str | None) -> Moment | None:
    return Moment(text, key) if text is not None and key is not None else None


def place_to_row(place: Place) -> dict[str, Any]:
    return {
        **_stamps(place),
        "name": place.name,
        "kind": place.kind,
        "lat": place.lat,
        "lon": place.lon,
        "alt_names": _dumps(list(place.alt_names)),
        "population": place.population,
        "notes": place.notes,
        "tags": _dumps(list(place.tags)),
        "attributes": _dumps(dict(place.attributes)),
    }


def place_from_row(row: Mapping[str, Any]) -> Place:
    return trusted_record(
        Place,
        id=row["id"],
        created=row["created"],
        updated=row["updated"],
        author=row["author"],
        name=row["name"],
        kind=row["kind"],
        lat=row["lat"],
        lon=row["lon"],
        alt_names=_names(row["alt_names"]),
        population=row["population"],
        notes=row["notes"],
        tags=_names(row["tags"]),
        attributes=_attributes(row),
    )


def faction_to_row(faction: Faction) -> dict[str, Any]:
    return {
        **_stamps(faction),
        "name": faction.name,
        "short_name": faction.short_name,
        "colour": faction.colour,
        "notes": faction.notes,
    }


def faction_from_row(row: Mapping[str, Any]) -> Faction:
    fields = (*_STAMP_FIELDS, "name", "short_name", "colour", "notes")
    return trusted_record(Faction, **{k: row[k] for k in fields})


def control_to_row(change: ControlChange) -> dict[str, Any]:
    return {
        **_stamps(change),
        "place_id": change.place_id,
        "faction_id": change.faction_id,
        "at": change.at.text,
        "at_key": change.at.key,
        "source": change.source,
        "confidence": change.confidence,
        "notes": change.notes,
    }


def control_from_row(row: Mapping[str, Any]) -> ControlChange:
    return trusted_record(
        ControlChange,
        **{k: row[k] for k in _STAMP_FIELDS},
        place_id=row["place_id"],
        faction_id=row["faction_id"],
        at=Moment(row["at"], row["at_key"]),
        source=row["source"],
        confidence=row["confidence"],
        notes=row["notes"],
    )


def event_to_row(event: Event, place_point: tuple[float, float] | None) -> dict[str, Any]:
    """`place_point` (lon, lat) gives the event a location when it has no geometry."""
    if event.geometry is not None:
        min_lon, min_lat, max_lon, max_lat = wkt_bounds(event.geometry)
    elif place_point is not None:
        min_lon = max_lon = place_point[0]
        min_lat = max_lat = place_point[1]
    else:
        min_lon = min_lat = max_lon = max_lat = None
    return {
        **_stamps(event),
        "at": event.at.text,
        "at_key": event.at.key,
        "category": event.category,
        "title": event.title,
        "description": event.description,
        "place_id": event.place_id,
        "geometry": event.geometry,
        "min_lon": min_lon,
        "min_lat": min_lat,
        "max_lon": max_lon,
        "max_lat": max_lat,
        "actors": _dumps(list(event.actors)),
        "source": event.source,
        "confidence": event.confidence,
        "attributes": _dumps(dict(event.attributes)),
    }


EVENT_COLUMNS = (*_STAMP_FIELDS, "at", "at_key", "category", "title", "description",
                 "place_id", "geometry", "actors", "source", "confidence",
                 "attributes")  # fmt: skip


def _event(id, created, updated, author, at, at_key, category, title, description,
           place_id, geometry, actors, source, confidence, attributes) -> Event:  # fmt: skip
    return trusted_record(
        Event,
        id=id,
        created=created,
        updated=updated,
        author=author,
        at=Moment(at, at_key),
        category=category,
        title=title,
        description=description,
        place_id=place_id,
        geometry=geometry,
        actors=_names(actors),
        source=source,
        confidence=confidence,
        attributes={} if not attributes or attributes == "{}" else json.loads(attributes),
    )


def event_from_row(row: Mapping[str, Any]) -> Event:
    values = [row[name] for name in EVENT_COLUMNS[:-1]]
    return _event(*values, _dumps(_attributes(row)))


def event_reader(columns: Sequence[str]) -> Callable[[Sequence[Any]], Event]:
    """event_from_row for the many rows of one query: the columns are found once,
    then read by position (an event in ~2 µs instead of ~5: lists page through
    millions)."""
    names = list(columns)
    positions = [names.index(name) for name in EVENT_COLUMNS]
    return lambda row: _event(*[row[i] for i in positions])


def annotation_to_row(annotation: Annotation) -> dict[str, Any]:
    vf, vt = annotation.valid_from, annotation.valid_to
    return {
        **_stamps(annotation),
        "kind": annotation.kind,
        "label": annotation.label,
        "geometry": annotation.geometry,
        "style": _dumps(dict(annotation.style)),
        "valid_from": vf.text if vf else None,
        "valid_from_key": vf.key if vf else None,
        "valid_to": vt.text if vt else None,
        "valid_to_key": vt.key if vt else None,
        "notes": annotation.notes,
        "attributes": _dumps(dict(annotation.attributes)),
    }


def annotation_from_row(row: Mapping[str, Any]) -> Annotation:
    return trusted_record(
        Annotation,
        **{k: row[k] for k in _STAMP_FIELDS},
        kind=row["kind"],
        label=row["label"],
        geometry=row["geometry"],
        style=json.loads(row["style"]),
        valid_from=_moment(row["valid_from"], row["valid_from_key"]),
        valid_to=_moment(row["valid_to"], row["valid_to_key"]),
        notes=row["notes"],
        attributes=_attributes(row),
    )


def journal_json(row: Mapping[str, Any] | None) -> str | None:
    return None if row is None else _dumps(dict(row))
