"""`govmon demo`: the embedded default — the whole service on sample data, offline."""

from __future__ import annotations

import time
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from monitor.cli.console import out_console


@click.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="输出目录（默认在当前目录新建 govmon-demo）",
)
def demo(out: Path | None) -> None:
    """离线演示：示例省份的账号、帖子和评论，跑一遍采集 → 分析 → 告警 → 周报。无需任何配置。"""
    from monitor.demo.run import choose_out_dir, run_demo
    from monitor.logging_setup import configure_logging

    folder = choose_out_dir(out, Path.cwd())
    configure_logging("INFO", folder / "data" / "govmon.log")
    console = out_console()
    started = time.monotonic()
    console.print(f"[bold]govmon 演示[/bold]：数据写入 {escape(str(folder))}")

    def step(text: str) -> None:
        console.print(f"  [{time.monotonic() - started:5.1f}s] {text}", markup=False)

    result = run_demo(folder, step)
    elapsed = time.monotonic() - started

    table = Table(title=f"演示完成（用时 {elapsed:.0f} 秒）")
    table.add_column("项目")
    table.add_column("数量", justify="right")
    for label, count in result.summary_rows():  # rows and labels come from the demo
        table.add_row(label, count)
    console.print(table)
    console.print("请打开：")
    for label, path in (
        ("周报（网页）", result.digest_html),
        ("周报（Excel）", result.digest_workbook),
        ("周报（Markdown）", result.digest_markdown),
        ("发件箱", result.outbox),
    ):
        if path is not None:
            console.print(f"  {label}：{path}", markup=False)
    console.print(f"继续查看：govmon findings --open --config {result.settings_file}", markup=False)
    if result.web_users:  # issue 14: the web console on the demo data
        console.print("网页控制台用户（一次性密码，首次登录后须修改）：")
        for user in result.web_users:
            console.print(f"  {user.name}（{user.description}）：{user.password}", markup=False)
        console.print(f"打开网页控制台：govmon web --config {result.settings_file}", markup=False)
        console.print("然后在浏览器中访问 http://127.0.0.1:8800/", markup=False)
