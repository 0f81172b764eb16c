"""`govmon demo`: an admin and one unit user, so the console can be opened on the demo data."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from monitor.db.models import FindingRow, Unit
from monitor.web.users import add_user


@dataclass(frozen=True)
class DemoUser:
    name: str
    description: str  # "厅办公室管理员", "单位用户，江东省公路管理局"
    password: str  # one-time: changed at first login


def demo_users(sessions: sessionmaker[Session]) -> list[DemoUser]:
    with sessions.begin() as session:
        # The unit user belongs to the 厅直单位 with the most open findings: something to do.
        busiest = session.execute(
            select(Unit.name)
            .join(FindingRow, FindingRow.unit_id == Unit.id)
            .where(Unit.parent_id.is_not(None), FindingRow.state == "open")
            .group_by(Unit.name)
            .order_by(func.count(FindingRow.id).desc(), Unit.name)
            .limit(1)
        ).scalar()
        if busiest is None:
            busiest = session.scalars(
                select(Unit.name).where(Unit.parent_id.is_not(None)).order_by(Unit.name)
            ).first()
        users = [DemoUser("admin", "厅办公室管理员", add_user(session, "admin", "admin", None))]
        if busiest is not None:
            password = add_user(session, "unit", "unit", busiest)
            users.append(DemoUser("unit", f"单位用户，{busiest}", password))
        return users
