"""Every page renders for an admin (no template error), and the scope of a unit user."""

from __future__ import annotations

from collections.abc import Callable

from starlette.testclient import TestClient
from testkit.web import World


def test_every_page_renders_for_admin(as_user: Callable[[str], TestClient], world: World) -> None:
    client = as_user("admin")
    paths = [
        "/",
        "/findings",
        "/findings?rule=stale_account&state=open&severity=warning&since=2026-11-01",
        f"/findings/{world.findings['road'][0]}",
        f"/findings/{world.questions['port']}",
        "/questions",
        "/accounts",
        f"/accounts/{world.accounts['port'][0]}",
        "/accounts/import",
        "/digests",
        f"/digests/{world.digests['road']}/html",
        f"/digests/{world.digests['road']}/xlsx",
        "/sentiment",
        "/status",
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:2000])
