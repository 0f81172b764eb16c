"""Scope is enforced in the queries: a unit user reaches nothing of another unit, by any route."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.testclient import TestClient
from testkit.web import World, csrf_of


def _object_gets(world: World, key: str) -> list[str]:
    return [
        *(f"/findings/{fid}" for fid in world.findings[key]),
        *(f"/accounts/{aid}" for aid in world.accounts[key]),
        f"/digests/{world.digests[key]}/html",
        f"/digests/{world.digests[key]}/xlsx",
    ]


def _object_posts(world: World, key: str) -> list[tuple[str, dict[str, str]]]:
    posts: list[tuple[str, dict[str, str]]] = []
    for fid in world.findings[key]:
        posts += [
            (f"/findings/{fid}/ack", {}),
            (f"/findings/{fid}/false-positive", {"reason": "不是问题"}),
            (f"/findings/{fid}/answered", {"reason": "电话答复"}),
            (f"/findings/{fid}/note", {"note": "备注"}),
        ]
    posts.append(("/sentiment/label", {"hash": world.comment_hashes[key], "label": "negative"}))
    return posts


@pytest.mark.parametrize("other", ["road", "branch"])
def test_port_user_gets_404_on_every_object_route_of_another_unit(
    as_user: Callable[[str], TestClient], world: World, other: str
) -> None:
    client = as_user("port")
    for path in _object_gets(world, other):
        assert client.get(path).status_code == 404, path
    token = csrf_of(client, "/")
    for path, data in _object_posts(world, other):
        response = client.post(path, data={**data, "csrf": token}, follow_redirects=False)
        assert response.status_code == 404, path
    # …and nothing was changed or recorded for those objects.
    client2 = as_user("admin")
    for fid in world.findings[other]:
        page = client2.get(f"/findings/{fid}").text
        assert "暂无操作记录" in page, fid


def test_unit_user_sees_its_subtree(as_user: Callable[[str], TestClient], world: World) -> None:
    client = as_user("road")
    for key in ("road", "branch"):
        for path in _object_gets(world, key):
            assert client.get(path).status_code == 200, path


@pytest.mark.parametrize(
    "path", ["/", "/findings", "/questions", "/accounts", "/digests", "/sentiment"]
)
def test_lists_show_only_the_own_subtree(
    as_user: Callable[[str], TestClient], world: World, path: str
) -> None:
    page = as_user("port").get(path).text
    assert "省公路局" not in page
    for fid in world.findings["road"] + world.findings["branch"]:
        assert f'/findings/{fid}"' not in page


def test_list_filters_cannot_widen_the_scope(
    as_user: Callable[[str], TestClient], world: World
) -> None:
    client = as_user("port")
    for path in (f"/findings?unit={world.units['road']}", f"/accounts?unit={world.units['road']}"):
        page = client.get(path).text
        assert "省公路局" not in page
        assert "共 0 条" in page


@pytest.mark.parametrize(
    "path", ["/status", "/accounts/import", "/accounts/import/abcdefghijklmnopqrstuv"]
)
def test_admin_pages_answer_404_to_unit_users(
    as_user: Callable[[str], TestClient], path: str
) -> None:
    assert as_user("road").get(path).status_code == 404


def test_viewer_reads_but_cannot_act(as_user: Callable[[str], TestClient], world: World) -> None:
    client = as_user("roadviewer")
    finding = world.findings["road"][0]
    page = client.get(f"/findings/{finding}")
    assert page.status_code == 200
    assert "确认告警" not in page.text
    token = csrf_of(client, "/")
    response = client.post(f"/findings/{finding}/ack", data={"csrf": token})
    assert response.status_code == 403
    assert client.get("/sentiment").status_code == 403


def test_pages_need_a_login(client: TestClient, world: World) -> None:
    for path in ["/", "/findings", f"/findings/{world.findings['road'][0]}", "/status"]:
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/login"


def test_overview_links_the_newest_digest_of_the_own_scope(
    as_user: Callable[[str], TestClient], world: World
) -> None:
    page = as_user("port").get("/").text
    assert f"/digests/{world.digests['port']}/html" in page
    assert f"/digests/{world.digests['road']}/html" not in page


def test_overview_shows_the_newest_digests_own_headline(
    as_user: Callable[[str], TestClient], world: World
) -> None:
    """The week's key numbers are the digest's (its stored summary), not recounted here."""
    page = as_user("port").get("/").text  # the port subtree's digest: n = 3
    assert "周报要点（各项状态截至 2026年11月22日 24:00）" in page
    assert "<b>13</b> 条发布" in page and "<b>203</b> 条网民评论" in page
    assert "<b>6</b> 条未答复提问（其中逾期 1 条）" in page
    assert "<b>8</b> 项未解决合规问题" in page
