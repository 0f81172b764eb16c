"""The console's actions: acknowledge, false positive (stays closed), answered offline, note,
sentiment labels (used by training), registry upload with a dry run, all in the audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient
from testkit.web import NOW, World, csrf_of

from analysis.findings import Finding
from monitor.db.models import (
    Account,
    Alert,
    AnalysisCache,
    AuditEntry,
    FindingClosure,
    FindingRow,
)
from monitor.pipeline.alerts import run_check
from monitor.pipeline.sentiment import current_engine
from monitor.settings import Settings
from monitor.store.findings import save_findings
from monitor.store.sentiment_labels import stored_labels


def _post(client: TestClient, path: str, **data: str) -> None:
    response = client.post(
        path, data={**data, "csrf": csrf_of(client, "/")}, follow_redirects=False
    )
    assert response.status_code == 303, response.text


def test_acknowledge_an_alert_is_recorded_and_shown(
    as_user: Callable[[str], TestClient], world: World, db_sessions: sessionmaker[Session]
) -> None:
    client = as_user("road")
    finding = world.findings["road"][0]
    _post(client, f"/findings/{finding}/ack")
    with db_sessions() as session:
        alert = session.scalars(select(Alert).where(Alert.finding_id == finding)).one()
        assert alert.state == "acknowledged" and alert.acknowledged_by == "road"
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "acknowledge")).one()
        assert (entry.user_name, entry.before, entry.after) == (
            "road",
            {"alert_state": "open"},
            {"alert_state": "acknowledged"},
        )
    page = client.get(f"/findings/{finding}").text
    assert "确认告警" in page and "已确认" in page and "road" in page


def test_false_positive_closes_and_the_same_key_does_not_reopen(
    as_user: Callable[[str], TestClient], world: World, db_sessions: sessionmaker[Session]
) -> None:
    client = as_user("road")
    finding = world.findings["road"][0]
    _post(client, f"/findings/{finding}/false-positive", reason="该账号已于上月注销，平台未更新")
    page = client.get(f"/findings/{finding}").text
    assert "误报" in page and "该账号已于上月注销" in page
    with db_sessions.begin() as session:
        row = session.get(FindingRow, finding)
        assert row is not None and row.state == "dismissed"
        again = Finding(
            rule=row.rule,
            article=row.article,
            subject_type="account",
            subject_key=row.subject_key,
            dedup_key=row.dedup_key,
            severity="warning",
            summary="长期未更新（第十二条）",
        )
        save_findings(session, [again], NOW + dt.timedelta(days=1))
    with db_sessions() as session:
        row = session.get(FindingRow, finding)
        assert row is not None and row.state == "dismissed"
        closure = session.get(FindingClosure, row.dedup_key)
        assert closure is not None and closure.kind == "false_positive"


def test_false_positive_needs_a_reason(
    as_user: Callable[[str], TestClient], world: World, db_sessions: sessionmaker[Session]
) -> None:
    client = as_user("road")
    finding = world.findings["road"][0]
    _post(client, f"/findings/{finding}/false-positive", reason="   ")
    assert "请填写关闭的理由" in client.get(f"/findings/{finding}").text
    with db_sessions() as session:
        row = session.get(FindingRow, finding)
        assert row is not None and row.state == "open"


def test_question_answered_offline_leaves_the_question_list(
    as_user: Callable[[str], TestClient], world: World
) -> None:
    client = as_user("road")
    question = world.questions["road"]
    assert f'/findings/{question}"' in client.get("/questions").text
    _post(client, f"/findings/{question}/answered", reason="已电话联系网民说明绕行路线")
    assert f'/findings/{question}"' not in client.get("/questions").text
    page = client.get(f"/findings/{question}").text
    assert "已线下答复" in page and "已电话联系网民说明绕行路线" in page


def test_note_is_kept_on_the_findings_page(
    as_user: Callable[[str], TestClient], world: World
) -> None:
    client = as_user("port")
    finding = world.findings["port"][0]
    _post(client, f"/findings/{finding}/note", note="已通知港航局办公室<b>整改</b>")
    page = client.get(f"/findings/{finding}").text
    assert "添加备注" in page and "已通知港航局办公室&lt;b&gt;整改&lt;/b&gt;" in page


def test_sentiment_labels_are_stored_and_not_asked_again(
    as_user: Callable[[str], TestClient], world: World, db_sessions: sessionmaker[Session]
) -> None:
    client = as_user("road")
    page = client.get("/sentiment").text
    hashes = [h for h in page.split('name="hash" value="')[1:]]
    picked = [h.split('"')[0] for h in hashes]
    assert len(picked) >= 3
    for text_hash, label in zip(picked, ["positive", "negative", "skip"], strict=False):
        _post(client, "/sentiment/label", hash=text_hash, label=label)
    again = client.get("/sentiment").text
    for text_hash in picked[:3]:
        assert text_hash not in again
    with db_sessions() as session:
        assert sorted(label for _, label in stored_labels(session)) == [0, 1]  # skip: not trained


def test_registry_upload_shows_errors_then_imports_a_good_file(
    as_user: Callable[[str], TestClient],
    world: World,
    db_sessions: sessionmaker[Session],
    tmp_path: Path,
) -> None:
    client = as_user("admin")
    bad = "单位名称,平台,账号名称,账号ID,开通日期\n省港航局,微博,港航发布,,2026-13-40\n"
    token = csrf_of(client, "/accounts/import")
    response = client.post(
        "/accounts/import",
        data={"csrf": token},
        files={"file": ("登记表.csv", bad.encode("utf-8"), "text/csv")},
    )
    assert response.status_code == 200
    assert "文件有错误，未导入" in response.text and "确认导入" not in response.text
    good = (
        "单位名称,上级单位,平台,账号名称,账号ID,开通日期,备案日期,主要负责人,分管负责人,总编辑\n"
        "省港航局,省交通运输厅,微信公众号,港航发布,gh_1234567890ab,2026-03-02,2026-03-05,张三,李四,王五\n"
    )
    preview = client.post(
        "/accounts/import",
        data={"csrf": token},
        files={"file": ("登记表.csv", good.encode("utf-8"), "text/csv")},
    )
    assert "检查通过" in preview.text
    with db_sessions() as session:  # the dry run wrote nothing
        assert session.scalars(select(Account).where(Account.name == "港航发布")).first() is None
    confirm_path = preview.url.path
    done = client.post(confirm_path, data={"csrf": token}, follow_redirects=True)
    assert "已导入" in done.text
    with db_sessions() as session:
        assert session.scalars(select(Account).where(Account.name == "港航发布")).one()
        assert session.scalars(
            select(AuditEntry).where(AuditEntry.action == "registry_import")
        ).one()


def test_question_page_shows_the_post_and_the_thread(
    as_user: Callable[[str], TestClient], world: World
) -> None:
    page = as_user("road").get(f"/findings/{world.questions['road']}").text
    assert "帖子与评论" in page
    assert 'class="question"' in page
    assert "&lt;img src=x" in page  # the question's hostile text, escaped
    assert "同问，什么时候恢复通行？" in page  # a reply in its thread


def test_account_page_shows_comment_sentiment_from_the_score_cache(
    as_user: Callable[[str], TestClient],
    world: World,
    db_sessions: sessionmaker[Session],
    web_settings: Settings,
) -> None:
    engine_name = current_engine(web_settings.sentiment).name
    with db_sessions.begin() as session:
        for i, label in enumerate(["negative", "negative", "positive"]):
            session.add(
                AnalysisCache(
                    engine=engine_name,
                    text_hash=f"hash-road-1-{i}",
                    score=0.1 if label == "negative" else 0.9,
                    label=label,
                )
            )
    page = as_user("road").get(f"/accounts/{world.accounts['road'][0]}").text
    assert "<b>2</b> 条负面（67%）" in page and "<b>1</b> 条正面（33%）" in page
    assert "[负面]" in page


def test_the_next_alert_check_resolves_the_alert_of_a_false_positive(
    as_user: Callable[[str], TestClient],
    world: World,
    db_engine: Engine,
    db_sessions: sessionmaker[Session],
    web_settings: Settings,
) -> None:
    client = as_user("road")
    finding = world.findings["road"][0]
    _post(client, f"/findings/{finding}/false-positive", reason="误判")
    run_check(db_engine, web_settings, clock=lambda: NOW + dt.timedelta(hours=1))
    with db_sessions() as session:
        alert = session.scalars(select(Alert).where(Alert.finding_id == finding)).one()
        assert alert.state == "resolved"
