"""Reading each account's collection state, and the accounts whose data is incomplete."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.collection_gaps import CollectionState, Gap, collection_gaps
from collectors.settings import CollectorsSettings
from monitor.db.models import Account, Unit


def load_collection_states(session: Session) -> list[CollectionState]:
    rows = session.execute(
        select(Account, Unit.name).join(Unit, Unit.id == Account.unit_id).order_by(Account.id)
    )
    return [
        CollectionState(
            account_key=account.key,
            name=account.name,
            unit=unit,
            platform=account.platform,
            status=account.status,
            last_collected_at=account.last_collected_at,
            consecutive_failures=account.consecutive_failures,
            last_error_kind=account.last_error_kind,
            last_error=account.last_error,
            failing_since=account.failing_since,
        )
        for account, unit in rows
    ]


def load_gaps(session: Session, settings: CollectorsSettings, at: dt.datetime) -> dict[str, Gap]:
    """The accounts whose data up to ``at`` is incomplete (see :func:`collection_gaps`)."""
    return collection_gaps(load_collection_states(session), at, settings.blind_after)
