"""Header matching: canonical names, synonyms, stray spaces, full-width brackets, '*' marks."""

from __future__ import annotations

import pytest

from analysis.platforms import parse_platform
from monitor.registry.headers import map_headers, match_header, normalise_header


@pytest.mark.parametrize(
    ("cell", "key"),
    [("单位名称", "unit"), (" 单位名称* ", "unit"), ("单位名称＊", "unit"), ("*开设单位", "unit"),
     ("主办单位", "unit"), ("服务主体", "unit"), ("账号", "name"), ("账号名", "name"),
     ("平台类型", "platform"), ("服务类型", "platform"), ("新媒体类型", "platform"),
     ("开通时间", "opened_on"), ("开设时间", "opened_on"), ("注册时间", "opened_on"),
     ("主管单位", "parent"), ("联系人", "staff"), ("工作人员", "staff"),
     ("账号 ID", "platform_id"), ("账号id", "platform_id"), ("开通日期（必填）", "opened_on"),
     ("平台(微博/微信等)", "platform"), ("开　通　日　期", "opened_on")],
)  # fmt: skip
def test_header_variants(cell: str, key: str) -> None:
    assert match_header(cell) == key


def test_normalise_header() -> None:
    assert normalise_header(" 账号ＩＤ *") == "账号id"


def test_map_headers_reports_unknown_ignored_and_duplicates() -> None:
    result = map_headers(["序号", "开设单位", "平台", "账号", "账号ID", "开通时间", "粉丝数",
                          "单位名称", None, ""])  # fmt: skip
    assert result.columns == {1: "unit", 2: "platform", 3: "name", 4: "platform_id",
                              5: "opened_on"}  # fmt: skip
    assert result.unknown == ["粉丝数"]
    assert result.ignored == ["序号"]
    assert result.duplicates == [("unit", "开设单位", "单位名称")]
    assert ("开设单位", "单位名称") in result.synonyms_used()


@pytest.mark.parametrize(
    ("text", "code"),
    [("微博", "weibo"), ("weibo", "weibo"), ("Weibo", "weibo"), ("微信公众号", "wechat"),
     ("wechat", "wechat"), ("抖音", "douyin"), ("今日头条", "toutiao"), ("头条", "toutiao"),
     ("哔哩哔哩", "bilibili"), ("B站", "bilibili"), ("b站", "bilibili"), ("Ｂ站", "bilibili"),
     ("快手", "kuaishou"), ("微信视频号", "channels"), ("视频号", "channels"),
     ("channels", "channels"), ("网站", "rss"), ("RSS", "rss"), ("网站（RSS）", "rss")],
)  # fmt: skip
def test_platform_names_and_codes(text: str, code: str) -> None:
    assert parse_platform(text) == code


def test_unknown_platform() -> None:
    assert parse_platform("推特") is None
