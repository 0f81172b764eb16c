"""What a signed-in person may see: every unit for an admin, the unit's subtree otherwise.

Queries take a :class:`Scope` and filter with it (``queries.py``); templates never decide.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from monitor.db.models import Unit, User


@dataclass(frozen=True)
class Scope:
    user_id: int
    user_name: str
    role: str
    unit_ids: frozenset[int] | None  # None: every unit (admin)
    unit_name: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def can_act(self) -> bool:
        """Viewers read; admins and unit users act (acknowledge, close, note, label)."""
        return self.role in ("admin", "unit")

    def units(
        self, column: InstrumentedAttribute[int] | InstrumentedAttribute[int | None]
    ) -> ColumnElement[bool]:
        """The filter for a unit id column: rows with no unit are the 厅办公室's (admin only)."""
        if self.unit_ids is None:
            return true()
        if not self.unit_ids:
            return false()
        return column.in_(sorted(self.unit_ids))


def subtree_ids(session: Session, root: int) -> frozenset[int]:
    children: dict[int | None, list[int]] = {}
    for id_, parent in session.execute(select(Unit.id, Unit.parent_id)):
        children.setdefault(parent, []).append(id_)
    found: set[int] = set()
    todo = [root]
    while todo:
        current = todo.pop()
        if current in found:
            continue
        found.add(current)
        todo.extend(children.get(current, []))
    return frozenset(found)


def scope_of(session: Session, user: User) -> Scope:
    unit_name = session.get(Unit, user.unit_id).name if user.unit_id is not None else ""  # type: ignore[union-attr]
    if user.role == "admin":
        return Scope(user.id, user.name, user.role, None, unit_name)
    ids = subtree_ids(session, user.unit_id) if user.unit_id is not None else frozenset()
    return Scope(user.id, user.name, user.role, ids, unit_name)
