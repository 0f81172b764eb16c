"""Writing a validated 备案登记表 to the database: units as a tree, accounts upserted in place.

The caller runs this inside one transaction, so a refused import leaves nothing behind.
Identity: a unit by its name, an account by (platform, 账号ID) — re-importing the same or an
updated file never duplicates either. A column absent from the file leaves its field as it is;
a column present but blank clears it (the file is the record of what it covers).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.db.models import Account, Unit
from monitor.errors import InputError
from monitor.registry.validate import Registry, RegistryRow, UnitInfo, find_cycles


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportResult:
    units: Counts = field(default_factory=Counts)
    accounts: Counts = field(default_factory=Counts)
    created_parents: list[str] = field(default_factory=list)  # named as 上级单位 only
    accounts_not_in_file: int = 0
    warnings: list[str] = field(default_factory=list)


# unit attribute ← the column that fills it
_UNIT_FIELDS = {
    "short_name": "short_name",
    "head": "head",
    "deputy": "deputy",
    "editor": "editor",
    "department": "department",
    "phone": "phone",
    "mobiles": "phone",
    "emails": "emails",
    "wecom_webhook": "wecom_webhook",
}
_ACCOUNT_FIELDS = {
    "home_url": "home_url",
    "filed_on": "filed_on",
    "closed_on": "closed_on",
    "closure_filed_on": "closure_filed_on",
    "entrusted": "entrusted",
    "operator": "operator",
    "staff": "staff",
    "phone": "phone",
    "emails": "emails",
    "superiors": "superiors",
}


def _assign(obj: object, attr: str, value: object) -> bool:
    if getattr(obj, attr) == value:
        return False
    setattr(obj, attr, value)
    return True


def import_registry(session: Session, registry: Registry) -> ImportResult:
    """Upsert the units and accounts of ``registry``; the caller commits."""
    result = ImportResult()
    present = registry.present
    existing = {u.name: u for u in session.scalars(select(Unit))}
    _refuse_cycles(registry, existing)

    units: dict[str, Unit] = {}
    changed: set[str] = set()
    new: set[str] = set()
    for name in _all_unit_names(registry):
        unit = existing.get(name)
        if unit is None:
            unit = Unit(name=name, listed=name in registry.units)
            session.add(unit)
            new.add(name)
            if name not in registry.units:
                result.created_parents.append(name)
        units[name] = unit

    for name, info in registry.units.items():
        unit = units[name]
        if _update_unit(unit, info, present):
            changed.add(name)
    if "parent" in present:
        for name, info in registry.units.items():
            parent = units[info.parent] if info.parent else None
            if units[name].parent is not parent:
                units[name].parent = parent
                changed.add(name)
    session.flush()

    accounts = {(a.platform, a.platform_id): a for a in session.scalars(select(Account))}
    seen: set[tuple[str, str]] = set()
    for row in registry.rows:
        seen.add((row.platform, row.platform_id))
        account = accounts.get((row.platform, row.platform_id))
        if account is None:
            account = Account(platform=row.platform, platform_id=row.platform_id)
            session.add(account)
            _update_account(account, row, units[row.unit], present)
            result.accounts.created += 1
        elif _update_account(account, row, units[row.unit], present):
            result.accounts.updated += 1
        else:
            result.accounts.unchanged += 1
    session.flush()

    result.accounts_not_in_file = len(set(accounts) - seen)
    for name in units:
        if name in new:
            result.units.created += 1
        elif name in changed:
            result.units.updated += 1
        else:
            result.units.unchanged += 1
    result.warnings = _superior_warnings(registry.rows, set(accounts) | seen)
    return result


def _all_unit_names(registry: Registry) -> list[str]:
    names = list(registry.units)
    for info in registry.units.values():
        if info.parent and info.parent not in names:
            names.append(info.parent)
    return names


def _refuse_cycles(registry: Registry, existing: dict[str, Unit]) -> None:
    """A cycle may close through units of an earlier import: check the tree as it will be."""
    parents = {u.name: u.parent.name for u in existing.values() if u.parent is not None}
    if "parent" in registry.present:
        for name, info in registry.units.items():
            if info.parent:
                parents[name] = info.parent
            else:
                parents.pop(name, None)
    cycles = find_cycles(parents)
    if cycles:
        lines = "\n".join(f"  - {' → '.join([*c, c[0]])}" for c in cycles)
        raise InputError(
            f"{registry.table.path}：导入后上级单位将形成循环（含数据库中已有的单位），"
            f"未导入任何内容：\n{lines}"
        )


def _update_unit(unit: Unit, info: UnitInfo, present: frozenset[str]) -> bool:
    changed = _assign(unit, "listed", True)
    for attr, column in _UNIT_FIELDS.items():
        if column in present:
            changed |= _assign(unit, attr, getattr(info, attr))
    return changed


def _update_account(
    account: Account, row: RegistryRow, unit: Unit, present: frozenset[str]
) -> bool:
    changed = _assign(account, "name", row.name)
    changed |= _assign(account, "opened_on", row.opened_on)
    if account.unit is not unit:
        account.unit = unit
        changed = True
    for attr, column in _ACCOUNT_FIELDS.items():
        if column in present:
            changed |= _assign(account, attr, getattr(row, attr))
    if "feed_url" in present or row.feed_url:
        changed |= _assign(account, "feed_url", row.feed_url)
    if "closed_on" in present:
        if row.closed_on is not None:
            changed |= _assign(account, "status", "closed")
        elif account.status == "closed":
            # Re-opened in the registry; "gone" (seen missing by a collector) is left as it is.
            changed |= _assign(account, "status", "active")
    return changed


def _superior_warnings(rows: list[RegistryRow], known: set[tuple[str, str]]) -> list[str]:
    keys = {f"{p}:{i}" for p, i in known}
    warnings: list[str] = []
    for row in rows:
        missing = [key for key in row.superiors if key not in keys]
        if missing:
            warnings.append(
                f"第 {row.row} 行「上级账号」：{'、'.join(missing)} 尚未登记，"
                "登记后才能检查其重要信息是否被转发（第十六条）"
            )
    return warnings
