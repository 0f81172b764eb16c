"""Collector classes by platform name; a second class under the same name is an error."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TypeVar

from collectors.base import AccountRef, Clock, Collector
from collectors.settings import CollectorsSettings

_REGISTRY: dict[str, type[Collector]] = {}
C = TypeVar("C", bound=type[Collector])
_BUILTIN = ("collectors.weibo", "collectors.rss")


class DuplicateCollector(ValueError):
    pass


def register(cls: C) -> C:
    name = cls.platform
    existing = _REGISTRY.get(name)
    if existing is not None and existing is not cls:
        raise DuplicateCollector(
            f"采集器名称 {name!r} 重复：{existing.__module__}.{existing.__qualname__} 与 "
            f"{cls.__module__}.{cls.__qualname__}"
        )
    _REGISTRY[name] = cls
    return cls


def unregister(name: str) -> None:
    _REGISTRY.pop(name, None)


def load_builtin() -> None:
    for module in _BUILTIN:
        importlib.import_module(module)


def collector_classes() -> dict[str, type[Collector]]:
    load_builtin()
    return dict(_REGISTRY)


def get(name: str) -> type[Collector]:
    classes = collector_classes()
    try:
        return classes[name]
    except KeyError:
        known = "、".join(sorted(classes))
        raise KeyError(f"没有名为 {name!r} 的采集器（已有：{known}）") from None


def build_collectors(settings: CollectorsSettings, clock: Clock) -> list[Collector]:
    """One instance per registered class, in a stable order (by name)."""
    return [cls(settings, clock) for _, cls in sorted(collector_classes().items())]


def choose(collectors: list[Collector], account: AccountRef) -> Collector | None:
    """The collector for an account: its platform's own first, then any that handles it (RSS)."""
    for collector in collectors:
        if collector.platform == account.platform and collector.handles(account):
            return collector
    for collector in collectors:
        if collector.handles(account):
            return collector
    return None


Factory = Callable[[CollectorsSettings, Clock], Collector]
