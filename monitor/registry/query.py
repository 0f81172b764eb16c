"""Reading the registry back: the units tree, accounts per unit, and the analysis frames."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from monitor.db.models import Account, Unit
from monitor.errors import InputError
from monitor.store.frames import load_accounts, load_units


@dataclass(frozen=True)
class UnitNode:
    unit: Unit
    depth: int  # 0 = a root (the 厅)


def unit_tree(session: Session) -> list[UnitNode]:
    """All units depth-first (厅 → 厅直单位 → 下属单位), siblings by name."""
    units = list(
        session.scalars(select(Unit).options(selectinload(Unit.accounts)).order_by(Unit.name))
    )
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    ordered: list[UnitNode] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for child in children.get(parent_id, []):
            ordered.append(UnitNode(child, depth))
            walk(child.id, depth + 1)

    walk(None, 0)
    return ordered


def subtree(nodes: list[UnitNode], name: str) -> list[UnitNode]:
    """The unit called ``name`` and everything under it; an unknown name is the user's error."""
    for index, node in enumerate(nodes):
        if node.unit.name == name:
            result = [node]
            for later in nodes[index + 1 :]:
                if later.depth <= node.depth:
                    break
                result.append(later)
            return result
    close = [n.unit.name for n in nodes if name in n.unit.name or n.unit.name in name]
    hint = f"（是否指：{'、'.join(close[:5])}）" if close else ""
    raise InputError(f"没有名为「{name}」的单位{hint}")


def accounts_of(node: UnitNode) -> list[Account]:
    return sorted(node.unit.accounts, key=lambda a: (a.platform, a.name, a.platform_id))


def registry_frames(session: Session) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(accounts, units) as the DataFrames of analysis.frames (ACCOUNTS, UNITS)."""
    return load_accounts(session), load_units(session)
