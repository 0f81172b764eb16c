"""People who sign in to the console: argon2 password hashes, one-time passwords, roles.

`govmon users …` and the console's login and password pages call these functions.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.db.models import Unit, User
from monitor.errors import InputError

ROLES = ("admin", "unit", "viewer")
MIN_PASSWORD = 10

_hasher = PasswordHasher()
# Verifying against this when the name is unknown costs the same time as a real check, so the
# response time does not tell which names exist.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def one_time_password() -> str:
    return secrets.token_urlsafe(12)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_new_password(password: str, name: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InputError(f"新密码太短：至少 {MIN_PASSWORD} 个字符")
    if password.strip() != password:
        raise InputError("新密码首尾不能有空格")
    if name and name in password:
        raise InputError("新密码不能包含用户名")


def _unit_named(session: Session, name: str) -> Unit:
    unit = session.scalars(select(Unit).where(Unit.name == name)).first()
    if unit is None:
        close = list(
            session.scalars(select(Unit.name).where(Unit.name.contains(name[:4])).limit(5))
        )
        hint = f"（是否指：{'、'.join(close)}）" if close else ""
        raise InputError(
            f"没有名为「{name}」的单位{hint}；先用 govmon accounts import 导入备案登记表"
        )
    return unit


def add_user(session: Session, name: str, role: str, unit_name: str | None) -> str:
    """Create a user; returns the one-time password (shown once, to be changed at first login)."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InputError("用户名不能为空，且不超过 100 个字符")
    if role not in ROLES:
        raise InputError(f"未知的角色 {role!r}：应为 admin、unit 或 viewer")
    if session.scalars(select(User.id).where(User.name == name)).first() is not None:
        raise InputError(f"用户 {name} 已存在")
    unit_id: int | None = None
    if role == "admin":
        if unit_name:
            unit_id = _unit_named(session, unit_name).id
    else:
        if not unit_name:
            raise InputError("单位用户和只读用户必须用 --unit 指定所属单位（可看到其下属单位）")
        unit_id = _unit_named(session, unit_name).id
    password = one_time_password()
    session.add(
        User(
            name=name,
            role=role,
            unit_id=unit_id,
            password_hash=hash_password(password),
            must_change_password=True,
        )
    )
    session.flush()
    return password


def _user(session: Session, name: str) -> User:
    user = session.scalars(select(User).where(User.name == name)).first()
    if user is None:
        raise InputError(f"没有用户 {name}（govmon users list 列出所有用户）")
    return user


def reset_password(session: Session, name: str) -> str:
    """A new one-time password for ``name`` (forgotten password); must be changed at login."""
    user = _user(session, name)
    password = one_time_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    session.flush()
    return password


def change_password(session: Session, user: User, old: str, new: str) -> None:
    if not verify(user.password_hash, old):
        raise InputError("原密码不正确")
    check_new_password(new, user.name)
    if new == old:
        raise InputError("新密码不能与原密码相同")
    user.password_hash = hash_password(new)
    user.must_change_password = False
    session.flush()


def set_disabled(session: Session, name: str, disabled: bool = True) -> User:
    user = _user(session, name)
    user.disabled = disabled
    session.flush()
    return user


def verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(session: Session, name: str, password: str, now: dt.datetime) -> User | None:
    """The user when the name and password match an enabled account, else None."""
    user = session.scalars(select(User).where(User.name == name)).first()
    if user is None:
        verify(_DUMMY_HASH, password)
        return None
    if not verify(user.password_hash, password) or user.disabled:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    session.flush()
    return user


@dataclass(frozen=True)
class UserLine:
    name: str
    role: str
    unit: str
    disabled: bool
    must_change_password: bool
    last_login_at: dt.datetime | None


def list_users(session: Session) -> list[UserLine]:
    rows = session.execute(
        select(User, Unit.name).outerjoin(Unit, User.unit_id == Unit.id).order_by(User.name)
    ).all()
    return [
        UserLine(u.name, u.role, unit or "", u.disabled, u.must_change_password, u.last_login_at)
        for u, unit in rows
    ]
