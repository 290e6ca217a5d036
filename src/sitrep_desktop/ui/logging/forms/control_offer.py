"""The event form's "Also log: HTS holds Homs from 2024-12-07" line.

A thin view of a `ControlOffer` (domain/implied_control.py, which decides):
a checkbox, a faction picker when the event names several, and a grey note
saying what will be copied or why nothing is offered.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from sitrep_desktop.domain import Faction
from sitrep_desktop.domain.implied_control import (
    ALREADY_LOGGED,
    AMBIGUOUS,
    CAPTURE,
    HOLDER_UNKNOWN,
    IMPLIED,
    ControlOffer,
)

NOTE_STYLE = "color:#616161; font-size:11px"


class ControlOfferBox(QWidget):
    """Shows an offer; `chosen_faction(offer)` says which faction the user wants logged."""

    def __init__(
        self,
        factions: list[Faction],
        parent: QWidget | None = None,
        *,
        saved: ControlOffer | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ControlOffer")
        # When editing, what the event implied as saved: that offer starts unchecked,
        # so saving an old event unchanged never logs a change nobody asked for; an
        # edit that makes a new offer (a statement turned capture) gets it checked.
        self._saved = _key(saved)
        self.factions = {f.id: f for f in factions}
        self.offer: ControlOffer | None = None
        self._shown: tuple | None = None  # (kind, candidate ids) the check state was set for
        self.check = QCheckBox(self)
        self.check.setObjectName("ControlOfferCheck")
        self.picker = QComboBox(self)
        self.picker.setObjectName("ControlOfferFaction")
        self.picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.rest = QLabel("", self)  # "holds Homs from …" after the picker
        self.note = QLabel("", self)
        self.note.setObjectName("ControlOfferNote")
        self.note.setStyleSheet(NOTE_STYLE)
        self.note.setWordWrap(True)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.check)
        row.addWidget(self.picker)
        row.addWidget(self.rest)
        row.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addLayout(row)
        column.addWidget(self.note)
        self.hide()

    def show_offer(
        self,
        offer: ControlOffer | None,
        *,
        category: str,
        place_name: str,
        source: str,
        confidence: str,
    ) -> None:
        self.offer = offer
        if offer is None:
            self._shown = None
            self.hide()
            return
        self.show()
        offering = offer.offers_change
        for widget in (self.check, self.picker, self.rest):
            widget.setVisible(offering)
        # A control change needs a source: without one the box waits, so an event
        # logged in a hurry still saves as before.
        can_log = bool(source.strip())
        shown = (offer.kind, tuple(f.id for f in offer.candidates), can_log)
        if offering and shown != self._shown:
            # Pre-checked only when the event names one side; a choice is the user's.
            fresh = self._saved is None or _key(offer) != self._saved
            self.check.setChecked(fresh and offer.kind == IMPLIED and can_log)
            self._fill_picker(offer.candidates)
        self._shown = shown
        self.check.setEnabled(can_log)
        self.picker.setEnabled(can_log)
        when = offer.at.text
        if offer.kind == IMPLIED:
            self.picker.hide()
            self.rest.hide()
            who = _mnemonic_safe(offer.candidates[0].short_name)
            self.check.setText(f"Also &log: {who} holds {_mnemonic_safe(place_name)} from {when}")
        elif offer.kind == AMBIGUOUS:
            self.check.setText("Also &log:")
            self.rest.setText(f"holds {place_name} from {when}")
        self.note.setText(self._note(offer, category, place_name, source, confidence))

    def chosen_faction(self, offer: ControlOffer) -> str | None:
        """The faction to log for `offer` (the one decided at save), or None for nothing."""
        check = self.check
        if not offer.offers_change or self.isHidden() or not check.isEnabled():
            return None
        if not check.isChecked():
            return None
        if offer.kind == IMPLIED:
            chosen = offer.candidates[0].id
        else:
            chosen = self.picker.currentData()
        # The offer shown and the one decided at save agree unless the store changed between.
        return chosen if chosen in {f.id for f in offer.candidates} else None

    # -- helpers ------------------------------------------------------------------------
    def _fill_picker(self, candidates: tuple[Faction, ...]) -> None:
        kept = self.picker.currentData()
        self.picker.clear()
        for index, faction in enumerate(candidates):
            self.picker.addItem(faction.short_name, faction.id)
            self.picker.setItemData(index, faction.name, Qt.ItemDataRole.ToolTipRole)
        found = self.picker.findData(kept)
        self.picker.setCurrentIndex(max(found, 0))

    def _name(self, faction_id: str | None) -> str:
        faction = self.factions.get(faction_id or "")
        return faction.short_name if faction else "nobody known"

    def _note(
        self, offer: ControlOffer, category: str, place: str, source: str, confidence: str
    ) -> str:
        when = offer.at.text
        if offer.kind == ALREADY_LOGGED:
            held_by = {c.faction_id for c in offer.existing}
            if len(offer.candidates) == 1 and held_by == {offer.candidates[0].id}:
                return f"Already logged: {self._name(*held_by)} holds {place} from {when}."
            holders = ", ".join(sorted(self._name(f) for f in held_by))
            return (
                f"{place} already has a control change at {when} ({holders}); no second one "
                "is added at the same time. Edit that change if it is wrong."
            )
        if offer.kind == HOLDER_UNKNOWN:
            return (
                f"{self._name(offer.holder_id)} withdrew from {place}; the event does not say "
                "who holds it now, so no control change is offered. Log one when that is known."
            )
        copied = (
            f"Copies the event's source and confidence ({source}, {confidence})."
            if source
            else "To log it too, fill in Source above (a control change needs one)."
        )
        if offer.kind == AMBIGUOUS:
            if category.strip().casefold() == CAPTURE:
                return f"The actors name several factions: pick who took {place}. {copied}"
            return (
                f"{self._name(offer.holder_id)} withdrew; the event does not say who holds "
                f"{place} next. Tick only if you know. {copied}"
            )
        return copied


def _mnemonic_safe(text: str) -> str:
    """A name shown as is in a label with a mnemonic ("&" would underline)."""
    return text.replace("&", "&&")


def _key(offer: ControlOffer | None) -> tuple | None:
    if offer is None or not offer.offers_change:
        return None
    return (offer.kind, offer.place_id, offer.at.key, tuple(f.id for f in offer.candidates))
