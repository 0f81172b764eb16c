"""`govmon alerts retry`: put deliveries that failed for good back in the outbox, once the
channel is fixed. The row keeps its id (so a file outbox overwrites, and a split message
resumes at the part it stopped at) and gets a fresh budget of attempts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from monitor.db.models import Delivery
from monitor.errors import InputError
from monitor.pipeline.outbox import STATUS_LABELS

REQUEUED = "已人工重新排队（govmon alerts retry）；上次失败原因："


def requeue_failed(
    engine: Engine, now: dt.datetime, ids: Collection[int] | None = None
) -> list[int]:
    """Re-queue the failed deliveries ``ids`` (None: every failed one); returns their ids.

    An id that does not exist, or whose message did not fail, is an error naming it, and then
    nothing is re-queued.
    """
    with Session(engine) as session:
        if ids is None:
            chosen = list(
                session.scalars(
                    select(Delivery.id).where(Delivery.status == "failed").order_by(Delivery.id)
                )
            )
        else:
            found = {
                row.id: row.status
                for row in session.execute(
                    select(Delivery.id, Delivery.status).where(Delivery.id.in_(list(ids)))
                )
            }
            missing = sorted(set(ids) - set(found))
            if missing:
                raise InputError(f"发件箱中没有编号为 {'、'.join(f'#{i}' for i in missing)} 的消息")
            wrong = sorted(i for i, status in found.items() if status != "failed")
            if wrong:
                shown = "、".join(f"#{i}（{STATUS_LABELS.get(found[i], found[i])}）" for i in wrong)
                raise InputError(f"只能重新排队发送失败的消息，{shown}不是")
            chosen = sorted(found)
    requeued: list[int] = []
    for delivery_id in chosen:
        with engine.begin() as conn:
            error = conn.execute(
                select(Delivery.last_error).where(Delivery.id == delivery_id)
            ).scalar_one()
            result = conn.execute(
                update(Delivery)
                .where(Delivery.id == delivery_id, Delivery.status == "failed")
                .values(
                    status="pending",
                    attempts=0,
                    next_attempt_at=now,
                    last_error=f"{REQUEUED}{error}"[:4000],
                )
            )
        if result.rowcount == 1:
            requeued.append(delivery_id)
    return requeued
