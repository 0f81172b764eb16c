"""`govmon digest`: build, store, list and send the weekly 舆情 digest (第二十二、二十六条)."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from monitor.cli.console import err_console, out_console
from monitor.cli.context import AppContext, config_option, pass_app, recorded_run
from monitor.errors import InputError

TIME_FORMAT = "%Y-%m-%d %H:%M"


def _list(app: AppContext, week: str | None) -> None:
    from monitor.pipeline.digest import list_digests

    rows = list_digests(app.engine(), week)
    console = out_console()
    if not rows:
        console.print("还没有生成过周报。运行 govmon digest 生成上一周的周报。")
        return
    tz = app.settings.general.timezone
    from zoneinfo import ZoneInfo

    table = Table(title="已生成的周报")
    for header in ("周次", "范围", "生成时间", "发布", "评论", "未解决问题", "文件", "内容指纹"):
        table.add_column(header)
    for r in rows:
        overview = r.summary.get("overview", {})
        table.add_row(
            r.week,
            escape(r.scope),
            r.built_at.astimezone(ZoneInfo(tz)).strftime(TIME_FORMAT),
            str(int(overview.get("posts", 0) or 0)),
            str(int(overview.get("comments", 0) or 0)),
            str(r.summary.get("findings_open", 0)),
            escape(str(Path(str(r.files.get("html", ""))).parent)),
            r.content_hash[:12],
        )
    console.print(table)


@click.command()
@click.option("--week", help="ISO 周次，如 2026-W48（默认：刚结束的一周，北京时间）")
@click.option("--unit", help="只生成这个单位（含下属单位）的周报")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="输出目录（默认 digest.out_dir，即数据目录下的 digests）",
)
@click.option("--send", is_flag=True, help="生成后写入发件箱，由 govmon alerts send 或后台服务发送")
@click.option("--list", "list_only", is_flag=True, help="列出已生成的周报")
@config_option
@pass_app
def digest(
    app: AppContext,
    week: str | None,
    unit: str | None,
    out_dir: Path | None,
    send: bool,
    list_only: bool,
) -> None:
    """生成每周舆情周报（全系统与各单位）：HTML、Markdown、Excel，并可发送。"""
    if list_only:
        if unit or out_dir or send:
            raise InputError("--list 不能与 --unit、--out、--send 同时使用")
        _list(app, week)
        return
    from monitor.pipeline.digest import run_digest

    settings = app.settings
    engine = app.engine()
    err = err_console()

    def progress(step: str, done: int, total: int) -> None:
        if total and done == 0:
            err.print(f"{step}…")

    with recorded_run(engine, "digest") as notes:
        summary = run_digest(
            engine, settings, week=week, unit=unit, out_dir=out_dir, send=send, progress=progress
        )
        notes.append("手动：" + summary.describe())
    console = out_console()
    if summary.skipped:
        console.print(escape(summary.skipped))
        return
    table = Table(title=f"舆情周报 {summary.week}")
    for header in ("范围", "发布", "评论", "热点", "未澄清传言", "逾期提问", "未解决问题", "目录"):
        table.add_column(header)
    for built in summary.built:
        s = built.summary
        overview = s.get("overview", {})
        table.add_row(
            escape(built.scope),
            str(int(overview.get("posts", 0))),
            str(int(overview.get("comments", 0))),
            str(s.get("topics", 0)),
            str(s.get("rumours_unclarified", 0)),
            str(s.get("overdue", 0)),
            str(s.get("findings_open", 0)),
            escape(str(built.folder)),
        )
    console.print(table)
    if send:
        text = f"已写入发件箱 {summary.deliveries} 条"
        if summary.already_queued:
            text += f"，{summary.already_queued} 条此前已写入（未重复）"
        console.print(text + "。运行 govmon alerts send 立即发送。")
