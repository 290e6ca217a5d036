"""The user_layers table: the files a user added to the map, remembered with the project.

Each row names a file (path, format, optional layer inside it), a simple style
(colour, width, opacity as JSON), whether it is shown and its place in the
drawing order. Every write is one transaction and announces kind "layer".
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..domain.times import utc_now_text

if TYPE_CHECKING:
    from .database import Store


@dataclass(frozen=True)
class UserLayer:
    name: str
    path: str
    format: str  # "GeoPackage", "MBTiles", ...
    layer: str | None = None
    style: dict[str, Any] = field(default_factory=dict)
    visible: bool = True
    position: int = 0
    id: str = field(default_factory=lambda: str(uuid.uuid4()))


class UserLayerRepository:
    """Add, list, restyle, reorder and remove the user's layers."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def all(self) -> list[UserLayer]:
        rows = self.store.conn.execute("SELECT * FROM user_layers ORDER BY position, rowid")
        return [_from_row(row) for row in rows]

    def get(self, layer_id: str) -> UserLayer | None:
        row = self.store.conn.execute(
            "SELECT * FROM user_layers WHERE id = ?", (layer_id,)
        ).fetchone()
        return None if row is None else _from_row(row)

    def add(self, layer: UserLayer) -> UserLayer:
        """Store ``layer`` on top of the others."""
        now = utc_now_text()
        with self.store.transaction() as conn:
            top = conn.execute("SELECT coalesce(max(position), -1) FROM user_layers").fetchone()[0]
            conn.execute(
                "INSERT INTO user_layers (id, name, path, format, layer, style, visible, position,"
                " created, updated, author) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    layer.id,
                    layer.name,
                    layer.path,
                    layer.format,
                    layer.layer,
                    json.dumps(layer.style),
                    int(layer.visible),
                    top + 1,
                    now,
                    now,
                    self.store.author,
                ),
            )
            self.store.notify("layer", "insert", [layer.id])
        return self.get(layer.id)  # type: ignore[return-value]

    def update(self, layer_id: str, **changes: Any) -> None:
        """Change name, style, visible or position of one layer."""
        allowed = {"name", "style", "visible", "position"}
        unknown = set(changes) - allowed
        if unknown:
            raise ValueError(f"cannot change {', '.join(sorted(unknown))} of a layer")
        values = {
            k: json.dumps(v) if k == "style" else int(v) if k == "visible" else v
            for k, v in changes.items()
        }
        assignments = ", ".join(f"{k} = ?" for k in values)
        with self.store.transaction() as conn:
            conn.execute(
                f"UPDATE user_layers SET {assignments}, updated = ? WHERE id = ?",
                (*values.values(), utc_now_text(), layer_id),
            )
            self.store.notify("layer", "update", [layer_id])

    def reorder(self, ids_bottom_to_top: list[str]) -> None:
        with self.store.transaction() as conn:
            conn.executemany(
                "UPDATE user_layers SET position = ? WHERE id = ?",
                [(i, layer_id) for i, layer_id in enumerate(ids_bottom_to_top)],
            )
            self.store.notify("layer", "update", ids_bottom_to_top)

    def remove(self, layer_id: str) -> None:
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM user_layers WHERE id = ?", (layer_id,))
            self.store.notify("layer", "delete", [layer_id])


def _from_row(row) -> UserLayer:
    return UserLayer(
        id=row["id"],
        name=row["name"],
        path=row["path"],
        format=row["format"],
        layer=row["layer"],
        style=json.loads(row["style"] or "{}"),
        visible=bool(row["visible"]),
        position=int(row["position"]),
    )
