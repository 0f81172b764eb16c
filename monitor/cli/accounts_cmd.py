"""`govmon accounts …`: the 备案登记表 registry (import, template, list, check)."""

from __future__ import annotations

import click


@click.group()
def accounts() -> None:
    """备案登记表：导入、模板、列表、检查（第六至九条）。"""
