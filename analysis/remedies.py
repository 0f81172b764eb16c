"""What to do about a finding, and where, when its summary does not already say so.

Registry findings are fixed in the 备案登记表: the remedy names the columns to fill (one per
missing role, whatever roles 第七条 checks), so a message or digest line tells the unit which
field of which form to complete.
"""

from __future__ import annotations

from collections.abc import Mapping

REIMPORT = "后重新导入（govmon accounts import）"


def remedy(rule: str, data: Mapping[str, object]) -> str:
    """Chinese, or "" when the finding's summary already says what to do."""
    if rule == "roles_missing":
        missing = data.get("missing")
        if isinstance(missing, list | tuple) and missing:
            columns = "".join(f"「{m}」" for m in missing)
            return f"请在备案登记表中本单位各账号一行的{columns}栏填写{REIMPORT}"
    return ""


def with_remedy(rule: str, summary: str, data: Mapping[str, object]) -> str:
    """The summary followed by its remedy, as messages and the digest show it."""
    extra = remedy(rule, data)
    return f"{summary}。{extra}" if extra else summary
