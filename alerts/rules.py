"""The rules alerts know by name (the table lives in analysis.labels), and which are urgent.

A rule named in ``[alerts] rules`` must be listed here, so that a typo is refused instead of
silently configuring nothing. A rule not listed still alerts, under its own id as title.
"""

from __future__ import annotations

from analysis.labels import RULES, RuleInfo, rule_title

__all__ = ["RULES", "URGENT_BY_DEFAULT", "RuleInfo", "rule_title"]

URGENT_BY_DEFAULT = frozenset(name for name, info in RULES.items() if info.urgent)
