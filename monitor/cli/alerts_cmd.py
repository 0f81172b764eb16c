"""`govmon alerts …`: evaluate findings into alerts, send the outbox, list, acknowledge, test.

`govmon alerts send` exits 3 when a message failed for good (0 otherwise); `govmon alerts
retry ID…|--failed` puts failed messages back in the outbox once the channel is fixed.

Nothing here prints a channel URL: channels are shown masked (``wecom://***``), and the outbox
holds references to the settings and the registry, never a key or a password.
"""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text
from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts import (
    ChannelContext,
    ChannelURLError,
    Delivered,
    build_channel,
    channel_url,
    test_message,
)
from alerts.rules import RULES, rule_title
from analysis.labels import (
    account_label,
    platform_label,
    rule_article,
    severity_label,
    state_label,
)
from monitor.cli.console import err_console, heading, out_console
from monitor.cli.context import AppContext, config_option, pass_app, recorded_run
from monitor.cli.formats import emit_csv, emit_json, format_option, iso_time
from monitor.db.models import Account, Alert, FindingRow, Unit
from monitor.errors import GovmonError, InputError
from monitor.pipeline.alerts import CheckSummary, acknowledge_alert, load_tree, run_check
from monitor.pipeline.outbox import (
    STATUS_LABELS,
    DeliveryInfo,
    OutboxOverview,
    outbox_overview,
    send_due,
)
from monitor.pipeline.outbox_retry import requeue_failed
from monitor.settings import Settings

ACTION_LABELS = {
    "open": "新告警",
    "reopen": "再次出现",
    "resend": "重发提醒",
    "escalate": "升级上报",
    "resolve": "已解除",
    "silence": "规则停用而关闭",
    "keep": "无需通知",
}
KIND_LABELS = {"alert": "告警", "resolution": "解除通知", "digest": "周报", "test": "测试"}
EXIT_SEND_FAILED = 3  # a message failed for good (documented in the README)


Show = Callable[..., str]


def _when(settings: Settings) -> Show:
    tz = ZoneInfo(settings.general.timezone)

    def show(value: dt.datetime | None, empty: str = "—") -> str:
        return value.astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else empty

    return show


def _plain(*values: str) -> list[Text]:
    """Table cells shown as they are: texts from the internet may hold rich markup."""
    return [Text(v) for v in values]


def _enabled(settings: Settings) -> None:
    if not settings.alerts.enabled:
        raise InputError("告警已在配置中关闭（alerts.enabled = false）")


@click.group()
def alerts() -> None:
    """告警：评估发现、发送消息、列出、确认与测试渠道。"""


# -- check -----------------------------------------------------------------------------------


@alerts.command()
@click.option("--dry-run", is_flag=True, help="只显示将要发送的消息，不写入数据库")
@config_option
@pass_app
def check(app: AppContext, dry_run: bool) -> None:
    """根据已存的发现开启、提醒、升级或解除告警，并把消息写入发件箱。"""
    settings = app.settings
    _enabled(settings)
    if dry_run:
        summary = run_check(app.engine(), settings, dry_run=True)
    else:
        with recorded_run(app.engine(), "alerts") as notes:
            summary = run_check(app.engine(), settings)
            notes.append(
                f"手动评估 {summary.findings} 个发现，写入发件箱 {len(summary.deliveries)} 条"
            )
    _print_check(summary, settings)


def _print_check(summary: CheckSummary, settings: Settings) -> None:
    console = out_console()
    show = _when(settings)
    table = Table(title="告警评估", show_header=True)
    table.add_column("项目")
    table.add_column("数量", justify="right")
    table.add_row("未解决的发现", str(summary.findings))
    for action, label in ACTION_LABELS.items():
        if summary.actions.get(action):
            table.add_row(label, str(summary.actions[action]))
    console.print(table)
    if not summary.deliveries:
        console.print("没有需要发送的消息。")
        return
    title = "将要发送的消息（试运行，未写入数据库）" if summary.dry_run else "已写入发件箱的消息"
    out = Table(title=title, show_header=True)
    out.add_column("编号", justify="right")
    out.add_column("类型")
    out.add_column("收件人")
    out.add_column("渠道")
    out.add_column("事项", justify="right")
    out.add_column("发送时间")
    for item in summary.deliveries:
        out.add_row(
            *_plain(
                str(item.delivery_id) if item.delivery_id is not None else "—",
                KIND_LABELS.get(item.kind, item.kind) + ("（紧急）" if item.urgent else ""),
                item.recipient,
                item.channel,
                str(item.items),
                show(item.not_before, "立即"),
            )
        )
    console.print(out)
    if summary.dry_run:
        for item in summary.deliveries:
            heading(console, f"{item.recipient} · {item.subject}")
            console.print(item.text, markup=False)
    else:
        console.print("运行 govmon alerts send 发送（守护进程会自动发送）。")


# -- send ------------------------------------------------------------------------------------


@alerts.command()
@config_option
@pass_app
def send(app: AppContext) -> None:
    """发送发件箱中到期的消息，记录每次尝试的结果；暂时失败的稍后重试。

    发件箱里也可能有周报等其他消息，所以关闭告警（alerts.enabled = false）不影响发送。
    """
    settings = app.settings
    engine = app.engine()
    with Progress(
        TextColumn("发送"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[last]}"),
        TimeElapsedColumn(),
        console=err_console(),
        transient=True,
    ) as bar:
        task = bar.add_task("send", total=0, last="")

        def started(total: int) -> None:
            bar.update(task, total=total)

        def advance(info: DeliveryInfo) -> None:
            bar.update(task, advance=1, last=f"#{info.id} {STATUS_LABELS.get(info.status, '')}")

        with recorded_run(engine, "send") as notes:
            summary = send_due(engine, settings, on_start=started, progress=advance)
            notes.append(
                f"手动发送：到期 {summary.due}，已发送 {summary.sent}，"
                f"待重试 {summary.retry}，失败 {summary.failed}"
            )
            notes.partial = summary.failed > 0
    console = out_console()
    show = _when(settings)
    if summary.recovered:
        console.print(f"收回 {summary.recovered} 条上次中断的发送，已重新排队。")
    if summary.due == 0:
        console.print("发件箱中没有到期的消息。")
        return
    table = Table(title="发送结果", show_header=True)
    table.add_column("项目")
    table.add_column("数量", justify="right")
    table.add_row("到期", str(summary.due))
    table.add_row("已发送", str(summary.sent))
    table.add_row("稍后重试", str(summary.retry))
    table.add_row("失败", str(summary.failed))
    if summary.cancelled:  # h12c: re-checked before sending, nothing left to say
        table.add_row("发送前取消（告警已解决）", str(summary.cancelled))
    console.print(table)
    if summary.retries:
        console.print(_deliveries_table("稍后重试的消息", summary.retries, show, retry=True))
    if summary.failures:
        console.print(_deliveries_table("发送失败的消息", summary.failures, show))
        console.print(
            f"{summary.failed} 条消息发送失败，不再自动重试（退出码 {EXIT_SEND_FAILED}）。"
            "修好渠道后运行 govmon alerts retry --failed 重新排队",
            soft_wrap=True,
        )
        raise click.exceptions.Exit(EXIT_SEND_FAILED)


@alerts.command()
@click.argument("ids", nargs=-1, type=int)
@click.option("--failed", "all_failed", is_flag=True, help="重新排队所有发送失败的消息")
@config_option
@pass_app
def retry(app: AppContext, ids: tuple[int, ...], all_failed: bool) -> None:
    """把发送失败的消息重新放回发件箱（渠道修好之后）：govmon alerts retry 编号… 或 --failed。

    消息保留原编号，重新计算尝试次数；之后由 govmon alerts send 或后台服务发送。
    """
    if bool(ids) == all_failed:
        raise InputError(
            "请给出要重新发送的消息编号（govmon alerts list 可查），或使用 --failed，二者选一"
        )
    now = dt.datetime.now(dt.UTC)
    done = requeue_failed(app.engine(), now, None if all_failed else ids)
    console = out_console()
    if not done:
        console.print("没有发送失败的消息。")
        return
    shown = "、".join(f"#{i}" for i in done)
    console.print(
        f"已重新排队 {len(done)} 条消息：{shown}。运行 govmon alerts send 发送（后台服务会自动发送）。",
        soft_wrap=True,
    )


def _deliveries_table(
    title: str, items: list[DeliveryInfo], show: Show, *, retry: bool = False
) -> Table:
    table = Table(title=title, show_header=True)
    table.add_column("编号", justify="right")
    table.add_column("收件人")
    table.add_column("渠道")
    table.add_column("尝试", justify="right")
    if retry:
        table.add_column("下次尝试")
    table.add_column("原因")
    for item in items:
        cells = [str(item.id), item.recipient, item.channel, str(item.attempts)]
        if retry:
            cells.append(show(item.next_attempt_at))
        cells.append(item.last_error or "—")
        table.add_row(*_plain(*cells))
    return table


# -- list ------------------------------------------------------------------------------------


@alerts.command("list")
@click.option("--open", "only_open", is_flag=True, help="只列出未解除的告警（含已确认的）")
@click.option("--unit", help="只列出此单位的告警（单位名称）")
@click.option("--rule", help="只列出此规则的告警，如 stale_account")
@click.option("--limit", default=200, show_default=True, help="最多列出几条（最新的在前）")
@format_option
@config_option
@pass_app
def list_cmd(
    app: AppContext, only_open: bool, unit: str | None, rule: str | None, limit: int, fmt: str
) -> None:
    """列出告警（编号用于 govmon alerts ack），以及发送失败的消息和原因。"""
    settings = app.settings
    with app.session() as session:
        unit_id = _unit_id(session, unit)
        if rule is not None and rule not in RULES:
            present = session.scalar(select(FindingRow.id).where(FindingRow.rule == rule).limit(1))
            if present is None:
                raise InputError(f"未知的规则 {rule}（可用：{'、'.join(sorted(RULES))}）")
        query = (
            select(Alert, FindingRow, Unit.name, Account)
            .join(FindingRow, Alert.finding_id == FindingRow.id)
            .outerjoin(Unit, FindingRow.unit_id == Unit.id)
            .outerjoin(Account, FindingRow.account_id == Account.id)
            .order_by(Alert.id.desc())
        )
        if only_open:
            query = query.where(Alert.state != "resolved")
        if unit_id is not None:
            query = query.where(FindingRow.unit_id == unit_id)
        if rule is not None:
            query = query.where(FindingRow.rule == rule)
        found = session.execute(query.limit(limit + 1)).all()
        ids = (
            {a.id for a, *_ in session.execute(query).all()}
            if unit is not None or rule is not None
            else None
        )
        overview = outbox_overview(session, unit=unit, alert_ids=ids if rule else None)
    top = settings.alerts.top_unit
    rows = [AlertLine(a, f, unit_name or top, account) for a, f, unit_name, account in found]
    more = len(rows) > limit
    rows = rows[:limit]
    zone = ZoneInfo(settings.general.timezone)
    if fmt == "json":
        emit_json(
            {
                "alerts": [r.as_json(zone) for r in rows],
                "truncated": more,
                "outbox": {
                    "counts": dict(sorted(overview.counts.items())),
                    "failed": [_delivery_json(d, zone) for d in overview.failed],
                },
            }
        )
    elif fmt == "csv":
        emit_csv(ALERT_HEADERS, [r.cells(_when(settings)) for r in rows])
    else:
        _print_alerts(rows, more, limit, overview, _when(settings))


@dataclass(frozen=True)
class AlertLine:
    """One alert with its finding, unit and account, as every format shows it."""

    alert: Alert
    finding: FindingRow
    unit: str
    account: Account | None

    def state_shown(self) -> str:
        alert = self.alert
        state = state_label(alert.state)
        if alert.state == "acknowledged" and alert.acknowledged_by:
            state += f"（{alert.acknowledged_by}）"
        return state

    def account_shown(self) -> str:
        account = self.account
        return account_label(account.name, account.platform) if account else "—"

    def severity_shown(self) -> str:
        label = severity_label(self.alert.severity)
        # An urgent rule's alert is sent at once (quiet hours or not); "紧急·紧急" says nothing.
        return label + ("·紧急" if self.alert.urgent and label != "紧急" else "")

    def cells(self, show: Show) -> list[str]:
        alert, finding = self.alert, self.finding
        return [
            str(alert.id),
            self.state_shown(),
            self.severity_shown(),
            f"{rule_title(finding.rule)}（{rule_article(finding.rule) or finding.article}）",
            self.unit,
            self.account_shown(),
            finding.summary,
            show(alert.opened_at),
            str(alert.escalation_level),
            str(alert.send_count),
        ]

    def as_json(self, zone: ZoneInfo) -> dict[str, object]:
        alert, finding, account = self.alert, self.finding, self.account
        return {
            "id": alert.id,
            "finding_id": finding.id,
            "state": alert.state,
            "state_label": state_label(alert.state),
            "acknowledged_by": alert.acknowledged_by or None,
            "severity": alert.severity,
            "severity_label": severity_label(alert.severity),
            "urgent": alert.urgent,
            "rule": finding.rule,
            "rule_label": rule_title(finding.rule),
            "article": rule_article(finding.rule) or finding.article,
            "unit": self.unit,
            "account": account.name if account else None,
            "platform": account.platform if account else None,
            "platform_label": platform_label(account.platform) if account else None,
            "platform_id": account.platform_id if account else None,
            "summary": finding.summary,
            "opened_at": iso_time(alert.opened_at, zone),
            "last_sent_at": iso_time(alert.last_sent_at, zone),
            "acknowledged_at": iso_time(alert.acknowledged_at, zone),
            "resolved_at": iso_time(alert.resolved_at, zone),
            "escalation_level": alert.escalation_level,
            "send_count": alert.send_count,
        }


ALERT_HEADERS = ("编号", "状态", "级别", "规则", "单位", "账号", "问题", "开启于", "升级", "已发")


def _delivery_json(item: DeliveryInfo, zone: ZoneInfo) -> dict[str, object]:
    return {
        "id": item.id,
        "kind": item.kind,
        "kind_label": KIND_LABELS.get(item.kind, item.kind),
        "status": item.status,
        "status_label": STATUS_LABELS.get(item.status, item.status),
        "recipient": item.recipient,
        "channel": item.channel,
        "attempts": item.attempts,
        "last_error": item.last_error or None,
        "created_at": iso_time(item.created_at, zone),
        "next_attempt_at": iso_time(item.next_attempt_at, zone),
    }


def _print_alerts(
    rows: list[AlertLine], more: bool, limit: int, overview: OutboxOverview, show: Show
) -> None:
    console = out_console()
    if not rows:
        console.print("没有符合条件的告警。")
    else:
        table = Table(title="告警", show_header=True)
        for name in ALERT_HEADERS:
            table.add_column(
                name,
                justify="right" if name in ("编号", "升级", "已发") else "left",
                overflow="fold",
            )
        for row in rows:
            table.add_row(*_plain(*row.cells(show)))
        console.print(table)
        if more:
            console.print(f"只列出最新的 {limit} 条（可用 --limit 调整）。")
    counts = "，".join(
        f"{STATUS_LABELS.get(s, s)} {n}" for s, n in sorted(overview.counts.items()) if n
    )
    console.print(f"发件箱：{counts or '空'}")
    if overview.failed:
        console.print(_deliveries_table("发送失败的消息", overview.failed, show))
    if overview.cancelled:  # h12c: issue 12 §5, re-checked before sending
        console.print(_deliveries_table("发送前取消的消息", overview.cancelled, show))


def _unit_id(session: Session, unit: str | None) -> int | None:
    if unit is None:
        return None
    unit_id = session.scalar(select(Unit.id).where(Unit.name == unit))
    if unit_id is None:
        raise InputError(f"没有名为 {unit} 的单位（可用 govmon accounts list 查看单位）")
    return unit_id


# -- ack -------------------------------------------------------------------------------------


@alerts.command()
@click.argument("alert_id", metavar="ID")
@click.option("--by", "by", help="确认人（默认当前系统用户）")
@config_option
@pass_app
def ack(app: AppContext, alert_id: str, by: str | None) -> None:
    """确认告警：不再重发、不再升级，仍保留在列表中；问题解决后照常通知。"""
    try:
        number = int(alert_id.strip().lstrip("#"))
    except ValueError:
        raise InputError(
            f"告警编号应为数字（如 govmon alerts ack 12），而不是 {alert_id}"
        ) from None
    who = by if by is not None else _user()
    now = dt.datetime.now(dt.UTC)
    result = acknowledge_alert(app.engine(), number, now, who)
    if result is None:
        raise InputError(f"没有编号为 {number} 的告警（可用 govmon alerts list 查看编号）")
    state = result.state
    title = rule_title(state.rule)
    show = _when(app.settings)
    if result.before == "resolved":
        click.echo(f"告警 #{number}（{title}）已于 {show(state.resolved_at)} 解除，无需确认。")
    elif result.before == "acknowledged":
        who_before = f"由 {state.acknowledged_by} " if state.acknowledged_by else ""
        click.echo(
            f"告警 #{number}（{title}）已于 {show(state.acknowledged_at)} {who_before}确认。"
        )
    else:
        click.echo(
            f"已确认告警 #{number}（{title}，{state.unit or app.settings.alerts.top_unit}）："
            "不再重发或升级；问题解决后仍会发出解除通知。"
        )


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in a bare container
        return ""


# -- test ------------------------------------------------------------------------------------


@alerts.command("test")
@click.argument("target", metavar="URL")
@config_option
@pass_app
def test_cmd(app: AppContext, target: str) -> None:
    """向一个渠道发送测试消息：渠道地址，设置中的渠道名称，或 registry:单位名称。

    含密钥的地址最好写成设置中的渠道名称，以免密钥留在命令历史里。
    """
    settings = app.settings
    url = _test_url(app, target.strip())
    context = ChannelContext(timeout=settings.alerts.timeout_seconds)
    try:
        try:
            channel = build_channel(url, context)
        except ChannelURLError as exc:
            raise InputError(f"渠道地址有误：{exc}") from None
        result = channel.send(test_message(dt.datetime.now(dt.UTC)))
    finally:
        context.close()
    if isinstance(result, Delivered):
        click.echo(f"测试消息已发送到 {channel}。")
        return
    raise GovmonError(f"测试消息未能发送到 {channel}：{result.reason}")


def _test_url(app: AppContext, target: str) -> str:
    settings = app.settings
    if "://" in target:
        return target
    if target.startswith("registry:"):
        with app.session() as session:
            tree = load_tree(session, settings)
        try:
            return channel_url(target, settings.alerts, tree)
        except KeyError as exc:
            raise InputError(str(exc.args[0])) from None
    if target == "outbox" or target in settings.alerts.channels:
        return settings.alerts.channel_url(target)
    names = "、".join(sorted({"outbox", *settings.alerts.channels}))
    raise InputError(
        f"{target} 既不是渠道地址（如 wecom://KEY、smtp://…、file://目录），"
        f"也不是设置中的渠道名称（可用：{names}）"
    )
