"""`govmon web`: serve the web console (uvicorn) on the same database as the CLI."""

from __future__ import annotations

import click

from monitor.cli.context import AppContext, config_option, pass_app


@click.command()
@click.option("--host", default=None, help="监听地址（默认取 [web] host，即 127.0.0.1）")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="监听端口（默认 8800）")
@config_option
@pass_app
def web(app: AppContext, host: str | None, port: int | None) -> None:
    """启动网页控制台（厅办公室与各单位在浏览器中查看和处理问题）。"""
    from monitor.web.serve import server

    settings = app.settings
    host = host or settings.web.host
    port = port or settings.web.port
    served = server(settings, app.engine(), host, port)
    click.echo(f"网页控制台：http://{host}:{port}/ （Ctrl+C 停止）")
    served.run()
