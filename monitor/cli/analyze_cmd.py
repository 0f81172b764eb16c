"""`govmon analyze` and `govmon findings`."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import select

from monitor.cli.context import AppContext, config_option, pass_app, recorded_run
from monitor.db.models import Account, FindingRow, Unit
from monitor.errors import InputError

RULE_NAMES = {
    "filing_overdue": "备案逾期",
    "closure_unfiled": "注销未备案",
    "roles_missing": "责任人缺失",
    "duplicate_platform_account": "同平台重复开设",
    "name_unrelated": "名称与单位无关",
    "stale_account": "长期未更新",
    "superior_post_not_reposted": "未转发上级重要信息",
    "commercial_content": "商业广告内容",
    "confidential_marker": "涉密标识",
    "missing_attribution": "转载未注明来源",
    "harmful_comment": "不良评论",
    "negative_surge": "负面评论激增",
    "unanswered_question": "网民提问未回复",
    "hot_topic": "热点话题",
    "rumour_unclarified": "谣言未澄清",
    "collection_failing": "采集连续失败",
}
SEVERITY_NAMES = {"info": "提示", "warning": "提醒", "overdue": "逾期", "critical": "严重"}


def parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"无法识别的日期 {value!r}，应为 2026-11-01 这样的格式") from None


@click.command()
@click.option("--since", callback=parse_date, help="只分析此日期（含）之后的内容，如 2026-11-01")
@config_option
@pass_app
def analyze(app: AppContext, since: dt.date | None) -> None:
    """分析已采集的内容：情感、提问与回复、内容规则、热点、谣言、备案，结果存为发现。"""
    from monitor.pipeline.analyze import analyze as run

    settings = app.settings
    engine = app.engine()
    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        tasks: dict[str, object] = {}

        def progress(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=total)
            bar.update(tasks[step], completed=done, total=total)  # type: ignore[arg-type]

        with recorded_run(engine, "analyze") as notes:
            summary = run(engine, settings, since=since, progress=progress)
            notes.append(
                f"手动分析 {summary.posts} 条帖子、{summary.comments} 条评论，"
                f"新发现 {summary.new_findings}，已解决 {summary.resolved}"
            )
    table = Table(title="分析结果")
    table.add_column("规则")
    table.add_column("发现", justify="right")
    for rule in summary.rules:
        table.add_row(
            f"{RULE_NAMES.get(rule, rule)}（{rule}）", str(summary.findings_by_rule.get(rule, 0))
        )
    console_out = Console()
    if summary.unchanged_since is not None:  # h15: a run with nothing new skips
        zone = ZoneInfo(settings.general.timezone)
        console_out.print(
            f"自上次分析（{summary.unchanged_since.astimezone(zone):%Y-%m-%d %H:%M}）以来没有新内容，"
            "也未到新的答复期限，沿用上次结果："
        )
    if summary.sentiment_note:  # h15: a first run trains the deployment's own model
        console_out.print(summary.sentiment_note, markup=False)
    console_out.print(
        f"分析了 {summary.posts} 条帖子、{summary.comments} 条评论；"
        f"新打分 {summary.sentiment_scored} 条（其余来自缓存）。"
    )
    console_out.print(table)
    console_out.print(f"新发现 {summary.new_findings} 个，已解决 {summary.resolved} 个。")


@click.command()
@click.option("--rule", help="只看此规则，如 stale_account")
@click.option("--unit", help="只看此单位（含下属单位）")
@click.option("--open", "only_open", is_flag=True, help="只看未解决的")
@config_option
@pass_app
def findings(app: AppContext, rule: str | None, unit: str | None, only_open: bool) -> None:
    """列出发现的问题（每条注明依据的条款）。"""
    if rule and rule not in RULE_NAMES:
        raise InputError(f"未知的规则 {rule!r}；可用的规则：{', '.join(RULE_NAMES)}")
    tz = app.settings.general.timezone
    with app.session() as session:
        query = (
            select(FindingRow, Unit.name, Account.name)
            .outerjoin(Unit, Unit.id == FindingRow.unit_id)
            .outerjoin(Account, Account.id == FindingRow.account_id)
        )
        if rule:
            query = query.where(FindingRow.rule == rule)
        if only_open:
            query = query.where(FindingRow.state == "open")
        if unit:
            unit_ids = _subtree(session, unit)
            query = query.where(FindingRow.unit_id.in_(unit_ids))
        rows = session.execute(query.order_by(FindingRow.rule, FindingRow.first_seen)).all()
    if not rows:
        Console().print("没有符合条件的发现。")
        return
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(tz)
    table = Table(title=f"发现（{len(rows)} 个）", show_lines=False)
    for column in ("编号", "规则", "条款", "级别", "单位", "说明", "首次发现", "状态"):
        table.add_column(column)
    for row, unit_name, _account_name in rows:
        table.add_row(
            str(row.id),
            RULE_NAMES.get(row.rule, row.rule),
            row.article,
            SEVERITY_NAMES.get(row.severity, row.severity),
            unit_name or "",
            row.summary,
            row.first_seen.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            "未解决" if row.state == "open" else "已解决",
        )
    Console().print(table)


def _subtree(session: object, name: str) -> list[int]:
    from sqlalchemy.orm import Session

    assert isinstance(session, Session)
    units = session.execute(select(Unit.id, Unit.name, Unit.parent_id)).all()
    by_name = {u.name: u.id for u in units}
    if name not in by_name:
        raise InputError(f"找不到单位 {name!r}（请核对单位名称，或运行 govmon accounts list 查看）")
    children: dict[int | None, list[int]] = {}
    for u in units:
        children.setdefault(u.parent_id, []).append(u.id)
    found, stack = [], [by_name[name]]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return found
