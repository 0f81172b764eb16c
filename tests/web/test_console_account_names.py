"""The console tells one unit's accounts apart (STYLE 17): a unit's 公众号 and 微博 often
share a name, so the findings and questions lists show each with its platform's label
(analysis.labels.account_label, as the digest and the messages do)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient
from testkit.web import NOW, World

from monitor.db.models import Account, FindingRow


def test_two_accounts_of_one_name_are_told_apart(
    world: World, db_sessions: sessionmaker[Session], as_user: Callable[[str], TestClient]
) -> None:
    with db_sessions.begin() as session:
        for platform, pid in (("weibo", "7310000401"), ("wechat", "gh_jdgh2021")):
            account = Account(
                unit_id=world.units["port"], platform=platform, platform_id=pid, name="江东港航"
            )
            session.add(account)
            session.flush()
            for rule in ("stale_account", "unanswered_question"):
                session.add(
                    FindingRow(
                        dedup_key=f"{rule}:{platform}:{pid}",
                        rule=rule,
                        article="第十二条",
                        subject_type="account",
                        subject_key=f"{platform}:{pid}",
                        unit_id=world.units["port"],
                        account_id=account.id,
                        severity="warning",
                        summary="示例",
                        first_seen=NOW,
                        last_seen=NOW,
                    )
                )
    client = as_user("admin")
    for page in ("/findings", "/questions"):
        text = client.get(page).text
        assert "江东港航（微博）" in text and "江东港航（微信公众号）" in text, page
