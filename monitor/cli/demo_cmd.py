"""`govmon demo`: the embedded default — the whole service on sample data, offline."""

from __future__ import annotations

import time
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from monitor.cli.analyze_cmd import RULE_NAMES


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
    console = Console()
    started = time.monotonic()
    console.print(f"[bold]govmon 演示[/bold]：数据写入 {folder}")

    def step(text: str) -> None:
        console.print(f"  [{time.monotonic() - started:5.1f}s] {text}", markup=False)

    result = run_demo(folder, step)
    elapsed = time.monotonic() - started

    table = Table(title=f"演示完成（用时 {elapsed:.0f} 秒）")
    table.add_column("项目")
    table.add_column("数量", justify="right")
    table.add_row("账号", str(result.accounts))
    table.add_row("帖子", str(result.posts))
    table.add_row("评论", str(result.comments))
    for rule, count in sorted(result.open_findings.items()):
        table.add_row(f"未解决：{RULE_NAMES.get(rule, rule)}", str(count))
    table.add_row("写入发件箱的消息", str(result.deliveries))
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
