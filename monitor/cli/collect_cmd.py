"""`govmon collect`: collect the registered accounts now, with progress and a summary.

Exit codes: 0 every selected account was collected; 3 the run finished but some accounts
failed (each is named with its reason in full, also when stdout is a pipe); 2 a mistake in
the command or the settings; 1 any other error.
"""

from __future__ import annotations

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from analysis.collection_gaps import error_reason
from analysis.labels import account_locator
from collectors.engine import AccountOutcome
from collectors.failing import ADVICE
from monitor.cli.console import err_console, out_console
from monitor.cli.context import AppContext, config_option, pass_app, recorded_run
from monitor.errors import InputError
from monitor.pipeline.collect import CollectSummary, Selection, run_collection

EXIT_SOME_FAILED = 3  # documented in the README (采集说明)

KIND_NAMES = {
    "login_wall": "需要登录/验证码",
    "rate_limited": "被限流",
    "account_gone": "账号不存在或被封",
    "malformed": "返回内容异常",
    "network": "网络错误",
    "unsupported": "无可用采集方式",
    "internal": "程序错误",
    "store_failed": "数据无法保存",  # h12c: issue 12 §6
}


@click.command()
@click.option("--account", help="只采集此账号（账号ID，或 平台:账号ID）")
@click.option("--platform", help="只采集此平台的账号，如 weibo、rss")
@click.option("--unit", help="只采集此单位的账号（单位名称）")
@config_option
@pass_app
def collect(app: AppContext, account: str | None, platform: str | None, unit: str | None) -> None:
    """立即采集已登记账号的帖子、评论和粉丝数。"""
    settings = app.settings
    if not settings.collectors.enabled:
        raise InputError("采集已在配置中关闭（collectors.enabled = false）")
    engine = app.engine()
    console = err_console()
    with Progress(
        TextColumn("采集"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[last]}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("collect", total=0, last="")

        def started(total: int) -> None:
            bar.update(task, total=total)

        def advance(outcome: AccountOutcome) -> None:
            mark = "✓" if outcome.ok else "✗"
            bar.update(task, advance=1, last=f"{mark} {outcome.account.key}")

        with recorded_run(engine, "collect") as notes:
            summary = run_collection(
                engine,
                settings,
                Selection(account=account, platform=platform, unit=unit),
                on_start=started,
                progress=advance,
            )
            notes.append(
                f"手动采集 {summary.accounts} 个账号，成功 {summary.ok}，"
                f"失败 {len(summary.failed)}，"
                f"新帖子 {summary.posts_new}，新评论 {summary.comments_new}"
            )
            notes.partial = bool(summary.failed)
    if summary.accounts == 0:
        raise InputError(
            "没有符合条件的账号：请先导入备案登记表（govmon accounts import），或检查筛选条件"
        )
    _print_summary(summary)
    if summary.failed:
        raise click.exceptions.Exit(EXIT_SOME_FAILED)


def _print_summary(summary: CollectSummary) -> None:
    console = out_console()
    table = Table(title="采集结果", show_header=True)
    table.add_column("项目")
    table.add_column("数量", justify="right")
    table.add_row("账号", str(summary.accounts))
    table.add_row("成功", str(summary.ok))
    for kind, count in sorted(summary.failed_by_kind.items()):
        table.add_row(f"失败：{KIND_NAMES.get(kind, kind)}", str(count))
    table.add_row("新帖子", str(summary.posts_new))
    table.add_row("新评论", str(summary.comments_new))
    table.add_row("请求 / 重试", f"{summary.requests} / {summary.retries}")
    console.print(table)
    if summary.failed:
        # One line per account, never wrapped or cut: a reason is read (and grepped) whole.
        console.print(f"[bold red]采集失败的账号（{len(summary.failed)} 个）：[/bold red]")
        for item in summary.failed:
            console.print(
                f"  - {item.unit}的账号 {account_locator(item.name, item.account_key)}"
                f"［{KIND_NAMES.get(item.kind, '采集失败')}］"
                # No collector is a setting to fill in, not a failure that may pass: what to
                # fill in is said here, after the kind that already says what is wrong.
                + (
                    ADVICE["unsupported"]
                    if item.kind == "unsupported"
                    else error_reason(item.account_key, item.text)
                ),
                markup=False,
                soft_wrap=True,
            )
        console.print(
            f"有 {len(summary.failed)} 个账号采集失败，退出码 {EXIT_SOME_FAILED}；"
            "处理办法见 govmon status",
            soft_wrap=True,
        )
