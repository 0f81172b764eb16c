"""One unit with one Weibo account (id 1), the smallest registry a pipeline test needs."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from monitor.db.models import Account, Unit


def one_weibo_account(conn: Connection) -> int:
    """Insert 江东省交通运输厅 with the account weibo:1 「江东交通」; returns the unit's id."""
    unit = int(
        conn.execute(
            Unit.__table__.insert().values(
                name="江东省交通运输厅", head="甲", deputy="乙", editor="丙"
            )
        ).inserted_primary_key[0]  # type: ignore[index]
    )
    conn.execute(
        Account.__table__.insert().values(
            id=1, unit_id=unit, platform="weibo", platform_id="1", name="江东交通"
        )
    )
    return unit
