"""The audit log: every action in the console, with who, when, the object, before and after."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.db.models import AuditEntry

ACTION_LABELS: dict[str, str] = {
    "login": "登录",
    "login_failed": "登录失败",
    "logout": "退出",
    "password_changed": "修改密码",
    "acknowledge": "确认告警",
    "false_positive": "标记误报",
    "answered_offline": "已线下答复",
    "note": "添加备注",
    "registry_import": "导入备案登记表",
    "sentiment_label": "情感标注",
}


def record(
    session: Session,
    *,
    user: str,
    action: str,
    object_type: str,
    object_id: str | int,
    now: dt.datetime,
    unit_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> None:
    session.add(
        AuditEntry(
            at=now,
            user_name=user,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            unit_id=unit_id,
            before=before or {},
            after=after or {},
            note=note,
        )
    )
    session.flush()


def history(session: Session, object_type: str, object_id: str | int) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.object_type == object_type, AuditEntry.object_id == str(object_id))
            .order_by(AuditEntry.at, AuditEntry.id)
        )
    )
