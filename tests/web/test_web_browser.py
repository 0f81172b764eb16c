"""The console as a person uses it, in Debian's chromium driven by Playwright.

Skipped with a clear reason when /usr/bin/chromium is absent; CI installs it (.ci/run). Each
test saves a screenshot when it fails (path printed in the failure report).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from testkit.web import PASSWORD, Clock, World

from monitor.db.models import Account, Alert, FindingRow, SentimentLabel
from monitor.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

MISSING = "浏览器测试需要 Debian 的 chromium（apt-get install chromium）：/usr/bin/chromium 不存在"
if not CHROMIUM.exists() and os.environ.get("GOVMON_REQUIRE_BROWSER"):
    # CI installs chromium (.ci/run): there a missing browser is a failure, not a skip.
    raise RuntimeError(MISSING)
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=MISSING)

sync_api = pytest.importorskip("playwright.sync_api", reason="需要 pip install playwright")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(web_settings: Settings, db_engine: Engine, world: World, clock: Clock) -> Iterator[str]:
    import uvicorn

    from monitor.web.app import create_app

    app = create_app(web_settings, db_engine, clock=clock, key="browser-test-key")
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    served = uvicorn.Server(config)
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    while not served.started:  # waits for the socket, not for a duration
        if not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    served.should_exit = True
    thread.join()


@pytest.fixture
def page(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(locale="zh-CN")
        tab = context.new_page()
        tab.set_default_timeout(30_000)
        yield tab
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            shot = tmp_path / f"{request.node.name}.png"
            tab.screenshot(path=str(shot), full_page=True)
            print(f"失败时的截图：{shot}")
        context.close()
        browser.close()


def _login(tab: Any, base: str, name: str) -> None:
    tab.goto(f"{base}/login")
    tab.fill("input[name=name]", name)
    tab.fill("input[name=password]", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_url(f"{base}/")


def test_a_unit_user_works_through_the_console(
    page: Any, server: str, world: World, db_sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    tab = page
    expect = sync_api.expect

    # Log in; only the own unit's subtree is visible.
    _login(tab, server, "road")
    tab.goto(f"{server}/findings")
    body = tab.locator("main")
    expect(body).to_contain_text("省公路局")
    expect(body).not_to_contain_text("省港航局")

    # Acknowledge an alert.
    stale = world.findings["road"][0]
    tab.goto(f"{server}/findings/{stale}")
    tab.click("#ack")
    expect(tab.locator(".flash")).to_have_text("已确认告警")

    # Mark a question answered offline.
    tab.goto(f"{server}/questions")
    tab.click(f"a[href='/findings/{world.questions['road']}']")
    tab.fill("form[action$='/answered'] textarea", "已电话联系网民说明")
    tab.click("#answered")
    expect(tab.locator(".flash")).to_have_text("已记录线下答复并关闭")

    # Mark a false positive.
    branch = world.findings["branch"][0]
    tab.goto(f"{server}/findings/{branch}")
    tab.fill("form[action$='/false-positive'] textarea", "分局账号已合并")
    tab.click("#false-positive")
    expect(tab.locator(".flash")).to_have_text("已标记为误报并关闭")

    # Label three comments.
    for label in ("正面", "负面", "中性"):
        tab.goto(f"{server}/sentiment")
        tab.locator(".card").first.get_by_role("button", name=label).click()
        expect(tab.locator(".flash")).to_have_text(f"已标注为「{label}」")

    # Log out.
    tab.click("#logout")
    tab.wait_for_url(f"{server}/login")
    tab.goto(f"{server}/findings")
    tab.wait_for_url(f"{server}/login")

    with db_sessions() as session:
        alert = session.scalars(select(Alert).where(Alert.finding_id == stale)).one()
        assert alert.state == "acknowledged"
        states = {
            row.id: row.state
            for row in session.scalars(
                select(FindingRow).where(FindingRow.id.in_([world.questions["road"], branch]))
            )
        }
        assert set(states.values()) == {"dismissed"}
        assert len(session.scalars(select(SentimentLabel)).all()) == 3


def test_an_admin_uploads_a_registry_with_an_error_then_a_good_one(
    page: Any, server: str, world: World, db_sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    tab = page
    expect = sync_api.expect
    bad = tmp_path / "登记表-错误.csv"
    bad.write_text(
        "单位名称,平台,账号名称,账号ID,开通日期\n省港航局,微博,港航发布,,2026-13-40\n", "utf-8"
    )
    good = tmp_path / "登记表.csv"
    good.write_text(
        "单位名称,上级单位,平台,账号名称,账号ID,开通日期,备案日期,主要负责人,分管负责人,总编辑\n"
        "省港航局,省交通运输厅,微信公众号,港航发布,gh_1234567890ab,2026-03-02,2026-03-05,张三,李四,王五\n",
        "utf-8",
    )
    _login(tab, server, "admin")
    tab.goto(f"{server}/accounts")
    tab.click("#import-link")
    tab.set_input_files("input[type=file]", str(bad))
    tab.click("#upload")
    expect(tab.locator(".error")).to_contain_text("文件有错误，未导入")
    expect(tab.locator("#confirm")).to_have_count(0)
    tab.goto(f"{server}/accounts/import")
    tab.set_input_files("input[type=file]", str(good))
    tab.click("#upload")
    expect(tab.locator("#dry-run-ok")).to_be_visible()
    tab.click("#confirm")
    expect(tab.locator(".flash")).to_contain_text("已导入")
    tab.click("#logout")
    tab.wait_for_url(f"{server}/login")
    with db_sessions() as session:
        assert session.scalars(select(Account).where(Account.name == "港航发布")).one()
