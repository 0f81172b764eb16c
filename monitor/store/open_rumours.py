"""The open ``rumour_unclarified`` findings and the unit each concerns (whose accounts may
clarify it): what analysis.rumours.carried_rumour_keys needs to carry those govmon could
not check (STYLE 18), in the analysis and in the alerts check."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.db.models import FindingRow

if TYPE_CHECKING:
    from analysis.topics.settings import RumoursSettings

# analysis.rumours (with pandas and jieba, ~0.5 s) is imported inside the functions: the alerts
# check reads this module on every run and needs it only when a rumour may be carried.


def open_rumour_units(session: Session) -> dict[str, int | None]:
    """Dedup key → unit id of every open ``rumour_unclarified`` finding."""
    from analysis.rumours import RULE

    rows = session.execute(
        select(FindingRow.dedup_key, FindingRow.unit_id).where(
            FindingRow.rule == RULE, FindingRow.state == "open"
        )
    )
    return {key: unit_id for key, unit_id in rows}


def unseen_rumour_keys(
    session: Session, settings: RumoursSettings, blind: Collection[str]
) -> list[str]:
    """Dedup keys of the open ``rumour_unclarified`` findings govmon cannot check now: an
    account of the units that may clarify them is unread (``blind``), so whether the unit has
    clarified cannot be seen. The alerts check holds their alerts as the analysis carries them:
    the same :func:`~analysis.rumours.carried_rumour_keys`, with no claim found again."""
    if not blind:
        return []
    open_units = open_rumour_units(session)
    if not open_units:
        return []
    from analysis.rumours import carried_rumour_keys
    from monitor.store.frames import load_accounts, load_units

    accounts, units = load_accounts(session), load_units(session)
    return carried_rumour_keys(open_units, [], accounts, units, settings, blind)
