"""What the map shows at a time: who holds each place, which events and drawings show,
and the estimated areas of control.

This is where "who holds Homs on 5 December" is decided, for every view: the map
canvas, the snapshot, `sitrep control` / `sitrep events` and "What changed".

- **Who holds a place** at T is the faction of its latest control change at or
  before T (`Situation.control`, by domain.control.resolve_control). A date
  alone counts as the whole day: "held from 5 December" holds at any hour of
  the 5th. Two changes at the same instant naming different factions are a
  conflict: the place has no holder, and is drawn in UNKNOWN_COLOUR.
- **Which events show** at T: every event at or before T (the same rule), as
  rows of numpy columns (services.event_arrays), not records.
- **Where an event is drawn**: at its own point (a line or area at a point
  inside it); an event known only by its place beside that place's marker,
  EVENT_OFFSET_PX up and right, so it does not hide the place (`event_marker_xy`).
- **Which drawings show**: those valid at T (Annotation.valid_at).
- **Estimated areas**: the land nearest each known place, by its holder at T
  (geo.control_areas), clipped to the country.

Everything is read from the store once, then kept current from its change news
(`apply`): a time change reads nothing from disk. `apply` also says which
layers a change touches, so each view redraws only those.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from sitrep_desktop.domain import (
    Annotation,
    ControlChange,
    ControlState,
    Event,
    Faction,
    Moment,
    Place,
    parse_moment,
    resolve_control,
)
from sitrep_desktop.geo.control_areas import ControlArea, country_outline, estimate_control_areas
from sitrep_desktop.geo.projection import MapProjection, default_projection
from sitrep_desktop.services.event_arrays import EventArrays, bound_key
from sitrep_desktop.services.saved_event_arrays import read_in_steps, save_read
from sitrep_desktop.services.style import (
    ESTIMATE_FILL_OPACITY,
    ESTIMATE_HATCH,
    ESTIMATE_LABEL,
    UNKNOWN_COLOUR,
)
from sitrep_desktop.store import Store, StoreChange

BBox = tuple[float, float, float, float]  # west, south, east, north (degrees)
CACHED_TIMES = 64  # answers kept per time before they are worked out again
EVENT_OFFSET_PX = 9.0  # an event at a place: this far right and up of the place's centre
# The map's layers, as `apply` names them.
PLACES, EVENTS, DRAWINGS, AREAS = "places", "events", "drawings", "areas"
ALL_LAYERS = frozenset((PLACES, EVENTS, DRAWINGS, AREAS))
# Which layers a change of each kind of record touches.
LAYERS_OF_KIND = {
    "place": frozenset((PLACES, EVENTS, AREAS)),
    "faction": frozenset((PLACES, AREAS)),
    "control_change": frozenset((PLACES, AREAS)),
    "event": frozenset((EVENTS,)),
    "category": frozenset((EVENTS,)),
    "annotation": frozenset((DRAWINGS,)),
}


@dataclass(frozen=True)
class PlaceView:
    """A place as the map shows it at a time: who holds it, since when, in what colour."""

    place: Place
    state: ControlState | None
    holder: Faction | None
    colour: str

    @property
    def conflicted(self) -> bool:
        return bool(self.state and self.state.conflicted)


@dataclass(frozen=True)
class Handover:
    place: Place
    before: Faction | None
    after: Faction | None


@dataclass(frozen=True)
class Changes:
    handovers: list[Handover]  # places held by someone else at T2 than at T1
    control_changes: list[ControlChange]  # every change logged in [T1, T2]
    events: list[Event]  # every event in [T1, T2]


def event_marker_xy(
    x: np.ndarray, y: np.ndarray, at_place: np.ndarray, units_per_pixel: float
) -> tuple[np.ndarray, np.ndarray]:
    """Where event markers go, in the units of `x`/`y` (map metres, page units):
    events at a place are shifted EVENT_OFFSET_PX right and up. `units_per_pixel`
    is negative where y grows downwards (a page)."""
    shift = np.where(at_place, EVENT_OFFSET_PX * units_per_pixel, 0.0)
    return x + np.abs(shift), y + shift


class Situation:
    """The one answer to "what does the map show at T in this box", for one store."""

    def __init__(self, store: Store, projection: MapProjection | None = None) -> None:
        self.store = store
        self.projection = projection or default_projection()
        self._border = None  # the country outline clipping the estimate: read once
        self.reset()

    def reset(self) -> None:
        """Forget everything read: the next question reads the store again."""
        self._places: dict[str, Place] | None = None
        self._factions: dict[str, Faction] | None = None
        self._changes: list[ControlChange] | None = None
        self._drawings: dict[str, Annotation] | None = None
        self._events: EventArrays | None = None
        self._event_generation = getattr(self, "_event_generation", 0) + 1
        self._control: dict[int | None, dict[str, ControlState]] = {}
        self._areas: dict[frozenset, list[ControlArea]] = {}

    # -- records, read once ----------------------------------------------------------------
    @property
    def places(self) -> dict[str, Place]:
        if self._places is None:
            self._places = {p.id: p for p in self.store.places.all()}
        return self._places

    @property
    def factions(self) -> dict[str, Faction]:
        if self._factions is None:
            self._factions = {f.id: f for f in self.store.factions.all()}
        return self._factions

    @property
    def drawings(self) -> dict[str, Annotation]:
        if self._drawings is None:
            self._drawings = {a.id: a for a in self.store.annotations.all()}
        return self._drawings

    def events_in_steps(self) -> Iterator[int]:
        """Read the events a chunk at a time (a caller runs a step per idle moment),
        yielding the rows read so far; `events` holds them once all are read. If the
        events changed meanwhile, what was read is dropped: `events` reads them anew."""
        generation = self._event_generation
        arrays = EventArrays(self.projection)
        for count in read_in_steps(arrays, self.store, self.places):
            if self._events is not None:  # read meanwhile, at once, by `events`
                return
            yield count
        if generation == self._event_generation and self._events is None:
            self._events = arrays
            yield len(arrays.ids)  # drawn now; saved for the next open in the step after
            save_read(arrays, self.store)

    @property
    def events_read(self) -> bool:
        return self._events is not None

    @property
    def events(self) -> EventArrays:
        if self._events is None:
            arrays = EventArrays(self.projection)
            for _count in read_in_steps(arrays, self.store, self.places):
                pass
            self._events = arrays
        return self._events

    # -- who holds what ----------------------------------------------------------------
    def control(self, at: Moment | str | None = None) -> dict[str, ControlState]:
        """Control of every place with a known holder at `at` (the latest, if None)."""
        moment = _moment(at)
        key = bound_key(moment)
        if key not in self._control:
            if self._changes is None:
                self._changes = self.store.control.all()
            if len(self._control) >= CACHED_TIMES:  # a timeline drag visits many
                self._control.clear()
            self._control[key] = resolve_control(self._changes, moment)
        return self._control[key]

    def holder(self, place_id: str, at: Moment | str | None = None) -> Faction | None:
        """The faction holding `place_id` at `at`; None if unknown or in conflict."""
        state = self.control(at).get(place_id)
        return self.factions.get(state.faction_id) if state and state.faction_id else None

    def places_at(
        self, at: Moment | str | None = None, bbox: BBox | None = None
    ) -> list[PlaceView]:
        """Every place (inside `bbox`), with its holder and colour at `at`."""
        states = self.control(at)
        views = []
        for place in self.places.values():
            if bbox is not None and not _inside(place.lon, place.lat, bbox):
                continue
            state = states.get(place.id)
            holder = self.factions.get(state.faction_id) if state and state.faction_id else None
            views.append(
                PlaceView(place, state, holder, holder.colour if holder else UNKNOWN_COLOUR)
            )
        return views

    # -- events and drawings -----------------------------------------------------------
    def events_at(self, at: Moment | str | None = None, bbox: BBox | None = None) -> np.ndarray:
        """Rows of `self.events` shown at `at` (all if None), inside `bbox`."""
        return self.events.shown(_moment(at), bbox)

    def event_point(self, event_id: str) -> tuple[float, float] | None:
        """(lon, lat) of an event's position (at its place: the place's), or None."""
        events = self.events
        row = events.row_of.get(event_id)
        if row is None or not events.located[row]:
            return None
        return float(events.lon[row]), float(events.lat[row])

    def drawings_at(self, at: Moment | str | None = None) -> list[Annotation]:
        moment = _moment(at)
        return [a for a in self.drawings.values() if a.valid_at(moment)]

    def estimated_areas(self, at: Moment | str | None = None) -> list[ControlArea]:
        """The land nearest each known place, by its holder at `at` (an estimate)."""
        holders = {pid: state.faction_id for pid, state in self.control(at).items()}
        # The areas depend on who holds what, not on the time itself: a drag along
        # the timeline works them out again only when a place changes hands.
        key = frozenset(holders.items())
        if key not in self._areas:
            if self._border is None:
                self._border = country_outline()
            if len(self._areas) >= CACHED_TIMES:
                self._areas.clear()
            places = [(p.id, p.lat, p.lon) for p in self.places.values()]
            self._areas[key] = estimate_control_areas(places, holders, self._border)
        return self._areas[key]

    def estimate_drawings(self, at: Moment | str | None = None) -> list[Annotation]:
        """The estimated areas as drawings to paint (not to save): hatched, dotted,
        in the holder's colour, each labelled as an estimate."""
        drawings = []
        for area in self.estimated_areas(at):
            holder = self.factions.get(area.faction_id)
            drawings.append(
                Annotation(
                    kind="polygon",
                    geometry=area.geometry.wkt,
                    label=ESTIMATE_LABEL.format(name=holder.short_name if holder else "?"),
                    style={
                        "colour": holder.colour if holder else UNKNOWN_COLOUR,
                        "width": 1.0,
                        "dash": "dot",
                        "fill_opacity": ESTIMATE_FILL_OPACITY,
                        "hatch": ESTIMATE_HATCH,
                        "text_size": 8.0,
                    },
                )
            )
        return drawings

    # -- what changed ------------------------------------------------------------------
    def what_changed(
        self, start: Moment | str, end: Moment | str, *, events: bool = True
    ) -> Changes:
        """Who holds what at `end` against just before `start`; what was logged
        from `start` (inclusive: "from 27 November" counts the 27th) to `end`.
        events=False leaves the events out, for a view that pages them itself
        (store.event_counts.page_between, inclusive too): a week can hold 20,000."""
        lo, hi = parse_moment(start, "from"), parse_moment(end, "to")
        if self._changes is None:
            self._changes = self.store.control.all()
        # The state before the first instant of `start`, so a change on that day counts.
        before = resolve_control([c for c in self._changes if c.at.key < lo.key])
        after = self.control(hi)
        handovers = []
        for place_id, state in after.items():
            old = before.get(place_id)
            old_faction = old.faction_id if old else None
            if state.faction_id != old_faction and place_id in self.places:
                handovers.append(
                    Handover(
                        self.places[place_id],
                        self.factions.get(old_faction or ""),
                        self.factions.get(state.faction_id or ""),
                    )
                )
        handovers.sort(key=lambda h: (after[h.place.id].since.key, h.place.name))
        # The store's window is (start, end]; it is opened from the day before and
        # cut at start's first instant, so records on `start` itself are kept.
        day_before = (lo.as_utc() - timedelta(days=1)).date().isoformat()
        control = [c for c in self.store.control.between(day_before, hi) if c.at.key >= lo.key]
        logged = (
            [e for e in self.store.events.between(day_before, hi) if e.at.key >= lo.key]
            if events
            else []
        )
        return Changes(handovers, control, logged)

    # -- change news -------------------------------------------------------------------
    def apply(self, change: StoreChange) -> frozenset[str]:
        """Bring what was read up to date with a committed change; return the layers it touches."""
        kind = change.kind
        if kind == "*":
            self.reset()
            return ALL_LAYERS
        layers = LAYERS_OF_KIND.get(kind, frozenset())
        if kind == "event":
            self._apply_events(change)
        elif kind == "category":  # a rename cascades into the events' rows
            self._events = None
        elif kind == "place":
            self._places = None
            self._areas.clear()
            if self._events is not None and not self._events.move_places(self.places, change.ids):
                layers = layers - {EVENTS}
        elif kind == "faction":
            self._factions = None
            self._areas.clear()
        elif kind == "control_change":
            self._changes = None
            self._control.clear()
            self._areas.clear()
        elif kind == "annotation":
            self._drawings = None
        return layers

    def _apply_events(self, change: StoreChange) -> None:
        self._event_generation += 1  # a read in steps under way is out of date
        if self._events is None:  # not read yet: it will be read as it is now
            return
        if change.action == "delete":
            self._events.remove(change.ids)
        else:
            self._events.upsert(self.store.events.map_columns(change.ids), self.places)


def _moment(at: Moment | str | None) -> Moment | None:
    if at is None or isinstance(at, Moment):
        return at
    return parse_moment(at)


def _inside(lon: float, lat: float, bbox: BBox) -> bool:
    west, south, east, north = bbox
    return west <= lon <= east and south <= lat <= north
