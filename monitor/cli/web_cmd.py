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
    import uvicorn

    from monitor.web.app import create_app

    settings = app.settings
    asgi = create_app(settings, app.engine())
    host = host or settings.web.host
    port = port or settings.web.port
    click.echo(f"网页控制台：http://{host}:{port}/ （Ctrl+C 停止）")
    uvicorn.run(
        asgi,
        host=host,
        port=port,
        log_level="warning",
        # Behind nginx: the client's address (login throttling) and https come from its headers.
        proxy_headers=settings.web.behind_proxy,
        forwarded_allow_ips="127.0.0.1" if settings.web.behind_proxy else None,
        server_header=False,
    )
