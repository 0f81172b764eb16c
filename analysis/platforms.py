"""The platforms an account can live on: stable codes, Chinese labels and the names users type.

Shared by the registry import (平台 column, 上级账号 references), collectors and reports, so it
lives here, free of any database or settings dependency.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Platform:
    code: str  # stable identifier used everywhere: account keys "weibo:123", collector names
    label: str  # the Chinese name shown to users
    aliases: tuple[str, ...]  # other names accepted on input (matched case-insensitively)


# The aliases include the 服务类型 words of the national 政务新媒体信息报送系统 (微博法人账号,
# 微信公众账号, 今日头条号, 抖音号, 头条号, 企鹅号), so forms written for it import as they are.
PLATFORMS: tuple[Platform, ...] = (
    Platform("weibo", "微博", ("新浪微博", "微博法人账号", "微博机构账号", "新浪微博法人账号")),
    Platform(
        "wechat",
        "微信公众号",
        ("公众号", "微信公众平台", "微信", "微信公众账号", "微信服务号", "微信订阅号"),
    ),
    Platform("douyin", "抖音", ("抖音号",)),
    Platform("toutiao", "今日头条", ("头条", "头条号", "今日头条号")),
    Platform("bilibili", "哔哩哔哩", ("B站",)),
    Platform("kuaishou", "快手", ("快手号",)),
    Platform("channels", "微信视频号", ("视频号",)),
    Platform("qiehao", "企鹅号", ("腾讯企鹅号", "企鹅媒体平台")),
    Platform("rss", "网站", ("网站(RSS)", "门户网站", "政府网站", "RSS订阅")),
)

BY_CODE: dict[str, Platform] = {p.code: p for p in PLATFORMS}


def _fold(text: str) -> str:
    # NFKC turns full-width letters and brackets into their ASCII forms: "（ＲＳＳ）" → "(RSS)".
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


_LOOKUP: dict[str, str] = {}
for _p in PLATFORMS:
    for _name in (_p.code, _p.label, *_p.aliases):
        _LOOKUP[_fold(_name)] = _p.code


def parse_platform(text: str) -> str | None:
    """The platform code for a name or code as typed ("微博", "B站", "Weibo"), else None."""
    return _LOOKUP.get(_fold(text))


def platform_label(code: str) -> str:
    """The Chinese name of a platform code; unknown codes are shown as they are."""
    platform = BY_CODE.get(code)
    return platform.label if platform else code


def accepted_names() -> str:
    """The accepted platform names, for error messages and the template's notes."""
    return "、".join(f"{p.label}/{p.code}" for p in PLATFORMS)
