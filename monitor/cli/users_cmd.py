"""`govmon users …`: the people who sign in to the web console."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from analysis.labels import role_label
from monitor.cli.context import AppContext, config_option, pass_app


@click.group()
def users() -> None:
    """网页控制台的用户：添加、列出、重置密码、停用。"""


@users.command("add")
@click.argument("name")
@click.option("--unit", "unit_name", default=None, help="所属单位（单位用户可看到其全部下属单位）")
@click.option(
    "--role",
    type=click.Choice(["admin", "unit", "viewer"]),
    required=True,
    help="admin 厅办公室管理员（全部）；unit 单位用户；viewer 只读",
)
@config_option
@pass_app
def add(app: AppContext, name: str, unit_name: str | None, role: str) -> None:
    """添加用户并显示一次性密码（首次登录时必须修改）。"""
    from monitor.web.users import add_user

    with app.session() as session, session.begin():
        password = add_user(session, name, role, unit_name)
    click.echo(f"已添加用户 {name}（{role_label(role)}）。一次性密码：{password}")
    click.echo("请当面或经安全渠道告知本人；首次登录后必须修改。")


@users.command("list")
@config_option
@pass_app
def list_cmd(app: AppContext) -> None:
    """列出所有用户。"""
    from monitor.web.users import list_users

    with app.session() as session:
        lines = list_users(session)
    if not lines:
        click.echo("还没有用户：govmon users add 名字 --role admin")
        return
    table = Table(show_header=True)
    for column in ("用户", "角色", "单位", "状态", "最近登录"):
        table.add_column(column)
    for line in lines:
        status = (
            "已停用" if line.disabled else ("待改密码" if line.must_change_password else "正常")
        )
        last = line.last_login_at.strftime("%Y-%m-%d %H:%M") if line.last_login_at else "—"
        table.add_row(
            Text(line.name), role_label(line.role), Text(line.unit or "全部"), status, last
        )
    Console(highlight=False).print(table)


@users.command("passwd")
@click.argument("name")
@config_option
@pass_app
def passwd(app: AppContext, name: str) -> None:
    """为用户生成新的一次性密码（忘记密码时用；登录后必须修改）。"""
    from monitor.web.users import reset_password

    with app.session() as session, session.begin():
        password = reset_password(session, name)
    click.echo(f"用户 {name} 的新一次性密码：{password}")


@users.command("disable")
@click.argument("name")
@click.option("--enable", is_flag=True, help="重新启用已停用的用户")
@config_option
@pass_app
def disable(app: AppContext, name: str, enable: bool) -> None:
    """停用用户（立即失去登录和已登录的会话）。"""
    from monitor.web.users import set_disabled

    with app.session() as session, session.begin():
        set_disabled(session, name, not enable)
    click.echo(f"用户 {name} 已{'启用' if enable else '停用'}")
