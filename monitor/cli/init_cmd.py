"""`govmon init`: write config/settings.toml from the example, create or upgrade the database."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import click

from monitor.cli.context import AppContext, config_option, pass_app
from monitor.db import migrate
from monitor.settings.load import settings_path


def example_settings_text() -> str:
    return (files("monitor.defaults") / "settings.example.toml").read_text(encoding="utf-8")


@click.command()
@config_option
@pass_app
def init(app: AppContext) -> None:
    """生成配置文件（若不存在），创建或升级数据库。"""
    path, _named = settings_path(app.config_path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(example_settings_text(), encoding="utf-8")
        click.echo(f"已生成配置文件 {path}（按需修改；机密信息用环境变量引用）")
        app.config_path = str(path)
    else:
        click.echo(f"配置文件 {path} 已存在，未改动")
    settings = app.settings
    Path(settings.general.data_dir).mkdir(parents=True, exist_ok=True)
    engine = app.engine(check=False)
    before, after = migrate.upgrade(engine)
    shown = engine.url.render_as_string(hide_password=True)
    if before is None:
        click.echo(f"已创建数据库 {shown}（版本 {after}）")
    elif before != after:
        click.echo(f"已升级数据库 {shown}：{before} → {after}")
    else:
        click.echo(f"数据库 {shown} 已是最新（版本 {after}）")
