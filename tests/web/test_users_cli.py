"""`govmon users add|list|passwd|disable`: one-time passwords, roles, clear Chinese errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.db.models import Unit, User
from monitor.web.users import verify


def test_users_commands(
    run_cli: Callable[..., Result],
    write_settings: Callable[..., Path],
    db_url: str,
    db_sessions: sessionmaker[Session],
) -> None:
    config = write_settings(db_url=db_url)
    with db_sessions.begin() as session:
        session.add(Unit(name="省港航局"))
    added = run_cli(
        "users", "add", "zhang", "--unit", "省港航局", "--role", "unit", "--config", config
    )
    assert added.exit_code == 0, added.output
    once = added.stdout.split("一次性密码：")[1].split()[0]
    with db_sessions() as session:
        user = session.scalars(select(User).where(User.name == "zhang")).one()
        assert user.must_change_password and verify(user.password_hash, once)
        assert once not in user.password_hash
    listed = run_cli("users", "list", "--config", config)
    assert "zhang" in listed.stdout and "单位用户" in listed.stdout and "待改密码" in listed.stdout
    reset = run_cli("users", "passwd", "zhang", "--config", config)
    assert reset.exit_code == 0 and "新一次性密码" in reset.stdout
    assert run_cli("users", "disable", "zhang", "--config", config).exit_code == 0
    with db_sessions() as session:
        assert session.scalars(select(User.disabled).where(User.name == "zhang")).one()


def test_users_add_errors_are_chinese_sentences(
    run_cli: Callable[..., Result], write_settings: Callable[..., Path], db_url: str
) -> None:
    config = write_settings(db_url=db_url)
    run_cli("init", "--config", config)
    no_unit = run_cli("users", "add", "li", "--role", "unit", "--config", config)
    assert no_unit.exit_code == 2 and "必须用 --unit 指定所属单位" in no_unit.stderr
    unknown = run_cli(
        "users", "add", "li", "--unit", "不存在局", "--role", "viewer", "--config", config
    )
    assert unknown.exit_code == 2 and "没有名为「不存在局」的单位" in unknown.stderr
    admin = run_cli("users", "add", "boss", "--role", "admin", "--config", config)
    assert admin.exit_code == 0
    twice = run_cli("users", "add", "boss", "--role", "admin", "--config", config)
    assert twice.exit_code == 2 and "已存在" in twice.stderr
    missing = run_cli("users", "passwd", "nobody", "--config", config)
    assert missing.exit_code == 2 and "没有用户 nobody" in missing.stderr
