"""Where an alert goes: its unit's contacts, then up the unit tree to the top unit.

The unit tree is plain data (monitor reads it from the ``units`` table). A channel is named by
a *reference* that holds no secret — ``settings:NAME`` for a channel of ``[alerts] channels``,
``registry:UNIT`` for the WeCom bot registered for a unit — so the outbox stores references
and resolves them into URLs only when sending (:func:`channel_url`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from alerts.settings import OUTBOX, AlertsSettings
from analysis.labels import is_operator_rule

SETTINGS_REF = "settings:"
REGISTRY_REF = "registry:"


@dataclass(frozen=True)
class UnitContact:
    """One unit as routing needs it (a row of ``units``)."""

    name: str
    parent: str | None = None
    emails: tuple[str, ...] = ()  # 联系邮箱
    wecom_webhook: str = ""  # 企业微信机器人: wecom://KEY, the native URL, or the bare key
    mobiles: tuple[str, ...] = ()


class UnitTree:
    """Units by name with their parents; the top unit (厅办公室) ends every chain."""

    def __init__(self, units: Iterable[UnitContact], top_unit: str) -> None:
        self.units = {u.name: u for u in units}
        self.top_unit = top_unit
        self._chains: dict[str | None, list[str]] = {}

    def get(self, name: str) -> UnitContact:
        return self.units.get(name) or UnitContact(name=name)

    def chain(self, unit: str | None) -> list[str]:
        """The unit, its parent, … up to the top unit (cycle-safe; unknown unit → the top).
        Worked out once per unit: a run asks for each of tens of thousands of alerts."""
        if unit not in self._chains:
            self._chains[unit] = self._walk(unit)
        return list(self._chains[unit])

    def _walk(self, unit: str | None) -> list[str]:
        chain: list[str] = []
        current = unit
        while current and current not in chain:
            chain.append(current)
            if current == self.top_unit:
                return chain
            current = self.units[current].parent if current in self.units else None
        if self.top_unit not in chain:
            chain.append(self.top_unit)
        return chain

    def max_level(self, unit: str | None) -> int:
        return len(self.chain(unit)) - 1

    def recipients(self, unit: str | None, level: int) -> list[str]:
        """Units told about an alert at escalation ``level``: its own and ``level`` above it."""
        chain = self.chain(unit)
        return chain[: max(0, min(level, len(chain) - 1)) + 1]


@dataclass(frozen=True)
class Route:
    """One recipient: a channel reference, plus e-mail addresses and bot mentions."""

    channel_ref: str
    unit: str
    recipients: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        extra = f"（{'、'.join(self.recipients)}）" if self.recipients else ""
        return f"{self.unit} · {self.channel_ref}{extra}"


def routes_for_unit(unit: UnitContact, settings: AlertsSettings) -> list[Route]:
    """The unit's routes: channels named for it, its 联系邮箱 and its registered WeCom bot;
    the fallback channels when it has none of these."""
    mentions = tuple(
        dict.fromkeys(
            [*settings.wecom_mentions.get("*", []), *settings.wecom_mentions.get(unit.name, [])]
        )
    )
    routes = [
        Route(f"{SETTINGS_REF}{name}", unit.name, mentions=mentions)
        for name in settings.unit_channels.get(unit.name, [])
    ]
    if settings.email_channel and unit.emails:
        routes.append(Route(f"{SETTINGS_REF}{settings.email_channel}", unit.name, unit.emails))
    if settings.use_registry_wecom and unit.wecom_webhook.strip():
        routes.append(Route(f"{REGISTRY_REF}{unit.name}", unit.name, mentions=mentions))
    if not routes:
        routes = [Route(f"{SETTINGS_REF}{name}", unit.name) for name in settings.fallback_channels]
    return list(dict.fromkeys(routes))


def operator_routes(settings: AlertsSettings, tree: UnitTree) -> list[Route]:
    """Where operator alerts go: ``operator_channels``, else the top unit's own routes."""
    if settings.operator_channels:
        return [
            Route(f"{SETTINGS_REF}{name}", settings.top_unit) for name in settings.operator_channels
        ]
    return routes_for_unit(tree.get(settings.top_unit), settings)


def alert_routes(
    rule: str, unit: str | None, level: int, settings: AlertsSettings, tree: UnitTree
) -> list[Route]:
    """The routes of one alert: the operator's for an operator rule; otherwise the unit's and,
    at escalation ``level``, those of the units above it."""
    if is_operator_rule(rule):
        return operator_routes(settings, tree)
    return [
        route
        for name in tree.recipients(unit, level)
        for route in routes_for_unit(tree.get(name), settings)
    ]


def channel_url(ref: str, settings: AlertsSettings, tree: UnitTree) -> str:
    """The URL a reference names, secret revealed: build a channel from it, never print it."""
    if ref.startswith(SETTINGS_REF):
        name = ref[len(SETTINGS_REF) :]
        if name != OUTBOX and name not in settings.channels:
            raise KeyError(f"设置中没有名为 {name} 的渠道")
        return settings.channel_url(name)
    if ref.startswith(REGISTRY_REF):
        unit = tree.get(ref[len(REGISTRY_REF) :])
        hook = unit.wecom_webhook.strip()
        if not hook:
            raise KeyError(f"单位 {unit.name} 未登记企业微信机器人")
        return hook if "://" in hook else f"wecom://{hook}"
    raise KeyError(f"无法识别的渠道引用 {ref}")
