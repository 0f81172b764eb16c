"""`govmon analyze` and `govmon findings`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import click
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text
from sqlalchemy import select

from analysis.labels import (
    CLOSURE_LABELS,
    RULES,
    account_label,
    citation,
    finding_state_label,
    platform_label,
    rule_article,
    rule_title,
    severity_label,
)
from monitor.cli.console import err_console, out_console
from monitor.cli.context import AppContext, config_option, pass_app, recorded_run
from monitor.cli.formats import emit_csv, emit_json, format_option, iso_time
from monitor.db.models import Account, FindingRow, Unit
from monitor.errors import InputError


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
    console = err_console()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("剩余约"),
        TimeRemainingColumn(),  # snownlp on a first run's window takes minutes
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
        table.add_row(citation(rule), str(summary.findings_by_rule.get(rule, 0)))
    console_out = out_console()
    if summary.unchanged_since is not None:  # a run with nothing new skips
        zone = ZoneInfo(settings.general.timezone)
        console_out.print(
            f"自上次分析（{summary.unchanged_since.astimezone(zone):%Y-%m-%d %H:%M}）以来没有新内容，"
            "也未到新的答复期限，沿用上次结果："
        )
    if summary.clock_only is not None:  # nothing new, only deadlines passed
        questions, accounts = summary.clock_only
        console_out.print(
            "自上次分析以来没有新内容；期限到达，只重新检查了 "
            f"{questions} 条网民提问的答复期限（第十六条）和 {accounts} 个账号的更新天数（第十二条）："
        )
    if summary.sentiment_note:  # a first run trains the deployment's own model
        console_out.print(summary.sentiment_note, markup=False)
    console_out.print(
        f"分析了 {summary.posts} 条帖子、{summary.comments} 条评论；"
        f"新打分 {summary.sentiment_scored} 条（此前打过分的不再重打）。"
    )
    console_out.print(table)
    console_out.print(f"新发现 {summary.new_findings} 个，已解决 {summary.resolved} 个。")
    if summary.aged_out:
        console_out.print(
            f"另有 {summary.aged_out} 个发现所涉的帖子或评论{CLOSURE_LABELS['aged_out']}，"
            "已关闭（不算已解决）。"
        )


@click.command()
@click.option("--rule", help="只看此规则，如 stale_account")
@click.option("--unit", help="只看此单位（含下属单位）")
@click.option("--open", "only_open", is_flag=True, help="只看未解决的")
@format_option
@config_option
@pass_app
def findings(
    app: AppContext, rule: str | None, unit: str | None, only_open: bool, fmt: str
) -> None:
    """列出发现的问题（每条注明依据的条款）。"""
    if rule and rule not in RULES:
        raise InputError(f"未知的规则 {rule!r}；可用的规则：{', '.join(RULES)}")
    zone = ZoneInfo(app.settings.general.timezone)
    with app.session() as session:
        query = (
            select(FindingRow, Unit.name, Account)
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
        rows = [
            FindingLine(row, unit_name, account)
            for row, unit_name, account in session.execute(
                query.order_by(FindingRow.rule, FindingRow.first_seen, FindingRow.id)
            ).all()
        ]
    if fmt == "json":
        emit_json({"findings": [line.as_json(zone) for line in rows]})
    elif fmt == "csv":
        emit_csv(FINDING_HEADERS, [line.cells(zone) for line in rows])
    else:
        _print_findings(rows, zone)


@dataclass(frozen=True)
class FindingLine:
    """One finding with its unit and account, as every format shows it."""

    row: FindingRow
    unit_name: str | None
    account: Account | None

    @property
    def unit(self) -> str:
        return self.unit_name or ""

    @property
    def article(self) -> str:
        # One citation style: the label table's, else what was stored with the finding.
        return rule_article(self.row.rule) or self.row.article

    def as_json(self, zone: ZoneInfo) -> dict[str, object]:
        row, account = self.row, self.account
        return {
            "id": row.id,
            "rule": row.rule,
            "rule_label": rule_title(row.rule),
            "article": self.article,
            "severity": row.severity,
            "severity_label": severity_label(row.severity),
            "state": row.state,
            "state_label": finding_state_label(row.state, row.data),
            "unit": self.unit or None,
            "account": account.name if account else None,
            "platform": account.platform if account else None,
            "platform_label": platform_label(account.platform) if account else None,
            "platform_id": account.platform_id if account else None,
            "summary": row.summary,
            "first_seen": iso_time(row.first_seen, zone),
            "last_seen": iso_time(row.last_seen, zone),
            "deadline": iso_time(row.deadline, zone),
            "resolved_at": iso_time(row.resolved_at, zone),
        }

    def account_shown(self) -> str:
        account = self.account
        return account_label(account.name, account.platform) if account else ""

    def cells(self, zone: ZoneInfo) -> list[str]:
        row = self.row
        return [
            str(row.id),
            rule_title(row.rule),
            self.article,
            severity_label(row.severity),
            self.unit,
            self.account_shown(),
            row.summary,
            _shown_time(row.first_seen, zone),
            finding_state_label(row.state, row.data),  # a closed question is not "已解决"
        ]


FINDING_HEADERS = ("编号", "规则", "条款", "级别", "单位", "账号", "说明", "首次发现", "状态")


def _shown_time(value: dt.datetime | None, zone: ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else ""


def _print_findings(rows: list[FindingLine], zone: ZoneInfo) -> None:
    console = out_console()
    if not rows:
        console.print("没有符合条件的发现。")
        return
    table = Table(title=f"发现（{len(rows)} 个）", show_lines=False)
    for column in FINDING_HEADERS:
        table.add_column(column, overflow="fold")
    for line in rows:
        # Texts from the internet may hold rich markup: shown as they are.
        table.add_row(*(Text(cell) for cell in line.cells(zone)))
    console.print(table)


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
