"""The open ``rumour_unclarified`` findings and the unit each concerns (whose accounts may
clarify it): what analysis.rumours.carried_rumour_keys needs to carry those govmon could
not check (STYLE 18)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.rumours import RULE
from monitor.db.models import FindingRow


def open_rumour_units(session: Session) -> dict[str, int | None]:
    """Dedup key → unit id of every open ``rumour_unclarified`` finding."""
    rows = session.execute(
        select(FindingRow.dedup_key, FindingRow.unit_id).where(
            FindingRow.rule == RULE, FindingRow.state == "open"
        )
    )
    return {key: unit_id for key, unit_id in rows}
