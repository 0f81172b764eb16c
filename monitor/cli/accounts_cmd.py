"""`govmon accounts …`: the 备案登记表 registry (import, template, list, check)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click
from rich.table import Table
from rich.text import Text

from analysis.platforms import platform_label
from monitor.cli.console import out_console
from monitor.cli.context import AppContext, config_option, pass_app
from monitor.cli.formats import emit_csv, emit_json, format_option
from monitor.db.models import Account, Unit
from monitor.errors import InputError
from monitor.registry.headers import BY_KEY, COLUMNS
from monitor.registry.query import UnitNode, accounts_of, registry_frames, subtree, unit_tree
from monitor.registry.reader import read_table
from monitor.registry.store import Counts, import_registry
from monitor.registry.template import write_template
from monitor.registry.validate import validate_table
from monitor.registry.values import mask_webhook

_STATUS = {"active": "在用", "closed": "已注销", "gone": "平台上已不存在"}


@click.group()
def accounts() -> None:
    """备案登记表：导入、模板、列表、检查（第六至九条）。"""


@accounts.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="只检查文件，不写入数据库")
@config_option
@pass_app
def import_cmd(app: AppContext, file: Path, dry_run: bool) -> None:
    """导入备案登记表（.xlsx，或 UTF-8 / GBK 编码的 .csv）；重复导入就地更新。"""
    table = read_table(file)
    registry = validate_table(table)
    click.echo(
        f"读取 {file}：{table.source}，表头在第 {table.header_row} 行，"
        f"{len(registry.rows)} 个账号，{len(registry.units)} 个单位"
    )
    _print_header_map(registry.header_map.headers)
    if registry.header_map.ignored:
        click.echo(f"未使用的列：{'、'.join(registry.header_map.ignored)}")
    for warning in registry.warnings:
        click.echo(f"提示：{warning}", err=True)
    if dry_run:
        click.echo("检查通过（--dry-run：未写入数据库）")
        return
    with app.session() as session, session.begin():
        result = import_registry(session, registry)
    for warning in result.warnings:
        click.echo(f"提示：{warning}", err=True)
    click.echo(f"单位：{_counts(result.units)}")
    click.echo(f"账号：{_counts(result.accounts)}")
    if result.created_parents:
        click.echo(f"以下上级单位未单独登记，已按名称建立：{'、'.join(result.created_parents)}")
    if result.accounts_not_in_file:
        click.echo(f"数据库中另有 {result.accounts_not_in_file} 个账号不在本文件中，未作改动")


def _counts(counts: Counts) -> str:
    return f"新建 {counts.created}，更新 {counts.updated}，未变 {counts.unchanged}"


def _print_header_map(headers: dict[str, str]) -> None:
    """Which header was read as which field: all of them, and the synonyms spelt out."""
    synonyms = [
        f"「{shown}」→「{BY_KEY[key].header}」"
        for key, shown in headers.items()
        if shown != BY_KEY[key].header
    ]
    canonical = [shown for key, shown in headers.items() if shown == BY_KEY[key].header]
    click.echo(f"识别的列（{len(headers)}）：{'、'.join(canonical) if canonical else '无标准列名'}")
    if synonyms:
        click.echo(f"按同义表头读取：{'、'.join(synonyms)}")


@accounts.command("template")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="文件已存在时覆盖")
@config_option
def template_cmd(file: Path, force: bool) -> None:
    """生成空白备案登记表（.xlsx）：表头、示例行与每列的填写说明。"""
    if file.exists() and not force:
        raise InputError(f"文件 {file} 已存在；如要覆盖请加 --force")
    write_template(file)
    click.echo(f"已生成备案登记表模板 {file}（黄色一行为示例；每个账号每个平台填一行）")


@accounts.command("list")
@click.option("--unit", "unit_name", help="只列出该单位及其下属单位")
@format_option
@config_option
@pass_app
def list_cmd(app: AppContext, unit_name: str | None, fmt: str) -> None:
    """列出已登记的单位与账号（csv 格式可修改后再次导入）。"""
    with app.session() as session:
        nodes = unit_tree(session)
        if unit_name:
            nodes = subtree(nodes, unit_name)
        if fmt == "json":
            emit_json({"units": [_unit_json(n) for n in nodes]})
        elif fmt == "csv":
            emit_csv([c.header for c in _CSV_COLUMNS], _csv_rows(nodes))
        else:
            _print_table(nodes)


def _print_table(nodes: list[UnitNode]) -> None:
    if not nodes:
        click.echo("尚未登记任何单位：请先运行 govmon accounts import 备案登记表.xlsx")
        return
    table = Table(title="备案登记表")
    table.add_column("单位", overflow="fold", min_width=8)
    table.add_column("平台", no_wrap=True)
    table.add_column("账号名称", overflow="fold", min_width=6)
    table.add_column("账号ID", overflow="fold", min_width=10)
    for title in ("开通", "备案"):
        table.add_column(title, no_wrap=True, min_width=10)
    table.add_column("状态", no_wrap=True)
    total = 0
    for node in nodes:
        indent = "  " * node.depth
        rows = accounts_of(node)
        if not rows:
            table.add_row(Text(indent + node.unit.name), "", "（无账号）", "", "", "", "")
        for index, account in enumerate(rows):
            total += 1
            table.add_row(
                *(
                    Text(cell)  # names from a form may hold rich markup: shown as they are
                    for cell in (
                        indent + node.unit.name if index == 0 else "",
                        platform_label(account.platform),
                        account.name,
                        account.platform_id,
                        _day(account.opened_on),
                        _day(account.filed_on) or "未备案",
                        _status_label(account.status),
                    )
                )
            )
    out_console().print(table)
    click.echo(f"共 {len(nodes)} 个单位，{total} 个账号")


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _status_label(status: str) -> str:
    return _STATUS.get(status, status)


def _unit_json(node: UnitNode) -> dict[str, Any]:
    unit = node.unit
    return {
        "name": unit.name,
        "short_name": unit.short_name,
        "parent": unit.parent.name if unit.parent else None,
        "listed": unit.listed,
        "head": unit.head,
        "deputy": unit.deputy,
        "editor": unit.editor,
        "department": unit.department,
        "phone": unit.phone,
        "mobiles": list(unit.mobiles),
        "emails": list(unit.emails),
        "wecom_webhook": mask_webhook(unit.wecom_webhook),
        "accounts": [_account_json(a) for a in accounts_of(node)],
    }


def _account_json(account: Account) -> dict[str, Any]:
    return {
        "key": account.key,
        "platform": account.platform,
        "platform_label": platform_label(account.platform),
        "platform_id": account.platform_id,
        "name": account.name,
        "home_url": account.home_url,
        "feed_url": account.feed_url,
        "opened_on": _day(account.opened_on) or None,
        "filed_on": _day(account.filed_on) or None,
        "closed_on": _day(account.closed_on) or None,
        "closure_filed_on": _day(account.closure_filed_on) or None,
        "entrusted": account.entrusted,
        "operator": account.operator,
        "staff": account.staff,
        "phone": account.phone,
        "emails": list(account.emails),
        "superiors": list(account.superiors),
        "status": account.status,
        "status_label": _status_label(account.status),
    }


# The webhook key is a secret: the CSV leaves its column out, so re-importing it keeps the
# stored webhook unchanged (an absent column is not touched).
_CSV_COLUMNS = [c for c in COLUMNS if c.key != "wecom_webhook"]


def _csv_rows(nodes: Iterable[UnitNode]) -> Iterator[list[str]]:
    for node in nodes:
        for account in accounts_of(node):
            yield [_csv_value(c.key, node.unit, account) for c in _CSV_COLUMNS]


def _csv_value(key: str, unit: Unit, account: Account) -> str:
    if key == "unit":
        return unit.name
    if key == "parent":
        return unit.parent.name if unit.parent else ""
    if key == "platform":
        return platform_label(account.platform)
    if key in ("short_name", "head", "deputy", "editor", "department"):
        return str(getattr(unit, key))
    if key == "emails":
        return "；".join(dict.fromkeys([*account.emails, *unit.emails]))
    if key == "phone":
        return account.phone or unit.phone
    if key == "entrusted":
        return "是" if account.entrusted else "否"
    if key == "superiors":
        return "；".join(_superior_label(s) for s in account.superiors)
    value = getattr(account, key)
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def _superior_label(key: str) -> str:
    platform, _, platform_id = key.partition(":")
    return f"{platform_label(platform)}:{platform_id}"


@accounts.command("check")
@click.option("--unit", "unit_name", help="只检查该单位及其下属单位")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="按指定日期检查（默认今天，北京时间），用于复核某日的情况",
)
@config_option
@pass_app
def check_cmd(app: AppContext, unit_name: str | None, today: dt.datetime | None) -> None:
    """按《管理办法》第六至九条检查备案登记表，按单位列出发现的问题。"""
    from analysis.compliance.registry_rules import check_registry
    from analysis.workdays import WorkCalendar

    settings = app.settings
    day = today.date() if today else dt.datetime.now(ZoneInfo(settings.general.timezone)).date()
    calendar = WorkCalendar(settings.workdays.extra_holidays, settings.workdays.extra_workdays)
    with app.session() as session:
        nodes = unit_tree(session)
        if unit_name:
            nodes = subtree(nodes, unit_name)
        accounts_frame, units_frame = registry_frames(session)
    findings = check_registry(
        accounts_frame, units_frame, today=day, calendar=calendar, config=settings.registry
    )
    if not nodes:
        click.echo("尚未登记任何单位：请先运行 govmon accounts import 备案登记表.xlsx")
        return
    by_unit: dict[str, list[str]] = {}
    for finding in findings:
        by_unit.setdefault(finding.unit or "", []).append(finding.summary)
    click.echo(f"备案登记检查（{day}，第六至九条）")
    shown = 0
    for node in nodes:
        lines = by_unit.get(node.unit.name, [])
        if not lines:
            continue
        click.echo(f"\n【{node.unit.name}】")
        for line in lines:
            click.echo(f"  - {line}")
        shown += len(lines)
    if shown:
        click.echo(f"\n共 {shown} 项问题，涉及 {sum(1 for n in nodes if n.unit.name in by_unit)} "
                   "个单位")  # fmt: skip
    else:
        click.echo("未发现问题。")
