"""Settings of the [collectors] section (owned by the collectors package).

Every base URL is a setting, so a user points a collector at a mirror or a self-hosted RSSHub
the same way the tests point it at the fake platform server.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

DEFAULT_RSSHUB_ROUTES: dict[str, str] = {
    "weibo": "/weibo/user/{id}",
    "douyin": "/douyin/user/{id}",
    "bilibili": "/bilibili/user/video/{id}",
    "toutiao": "/toutiao/user/token/{id}",
    "kuaishou": "/kuaishou/profile/{id}",
    "wechat": "/wechat/wechat2rss/{id}",
}


def _http_url(value: str, *, allow_empty: bool) -> str:
    if not value and allow_empty:
        return value
    if not value.startswith(("http://", "https://")):
        raise ValueError("应为 http:// 或 https:// 开头的地址")
    return value.rstrip("/")


def check_proxy_url(value: str) -> str:
    """An outgoing proxy address, or "" for none; a password in it is refused (logs, backups)."""
    if not value:
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https", "socks5") or not parts.hostname:
        raise ValueError("应为 http://、https:// 或 socks5:// 开头的代理地址")
    if parts.password:
        raise ValueError("代理地址中不能写密码（会出现在日志和备份中）")
    return value


class WeiboSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(True, description="启用微博采集（公开的移动端接口）")
    base_url: str = Field("https://m.weibo.cn", description="微博移动端接口地址（可指向镜像）")
    cookie: SecretStr | None = Field(
        None, description="微博 Cookie（登录后从浏览器复制），写成 { env = ... } 或 { file = ... }"
    )
    max_pages: int = Field(3, ge=1, le=50, description="每次采集每个账号最多翻几页微博")
    max_comment_pages: int = Field(
        20,
        ge=1,
        le=500,
        description="每条微博最多翻几页评论（按评论数需要几页就翻几页，以此为上限；"
        "未读完的帖子不据此判断评论已删除）",
    )
    comment_order: Literal["time", "hot"] = Field(
        "time",
        description="评论读取顺序：time 按时间从新到旧（api/comments/show，热门评论多时"
        "也不漏掉新提问）；hot 按热度（comments/hotflow）",
    )
    fetch_replies: bool = Field(
        True,
        description="按热度读取时另外采集楼中楼回复（用于判断官方回复；按时间读取时回复已在"
        "评论列表中）",
    )

    @field_validator("base_url")
    @classmethod
    def _base(cls, value: str) -> str:
        return _http_url(value, allow_empty=False)


class RssSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(True, description="启用 RSS/Atom 采集")
    rsshub_base_url: str = Field(
        "",
        description="自建 RSSHub 地址，例如 http://127.0.0.1:1200；留空则只采集填了订阅地址的账号",
    )
    routes: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_RSSHUB_ROUTES),
        description="各平台的 RSSHub 路由模板，{id} 替换为账号ID",
    )

    @field_validator("rsshub_base_url")
    @classmethod
    def _base(cls, value: str) -> str:
        return _http_url(value, allow_empty=True)

    @field_validator("routes")
    @classmethod
    def _routes(cls, value: dict[str, str]) -> dict[str, str]:
        for platform, template in value.items():
            if "{id}" not in template or not template.startswith("/"):
                raise ValueError(f"平台 {platform} 的路由 {template!r} 应以 / 开头并含有 {{id}}")
        return value


class CollectorsSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(True, description="启用采集")
    proxy: str = Field(
        "",
        description="采集请求的出口代理，如 http://10.0.0.5:3128（留空即直连；"
        "多台 worker 各用各的见 [workers.identities]）",
    )
    max_concurrency: int = Field(16, ge=1, le=256, description="全部站点合计最多同时发出几个请求")
    per_host_concurrency: int = Field(4, ge=1, le=64, description="同一站点最多同时发出几个请求")
    per_host_min_interval_seconds: float = Field(
        0.5, ge=0, le=60, description="同一站点相邻两次请求至少间隔几秒（礼貌采集）"
    )
    timeout_seconds: float = Field(20.0, gt=0, le=300, description="单个请求的超时秒数")
    retry_attempts: int = Field(
        3, ge=0, le=10, description="网络错误、5xx、418、429 时最多重试几次"
    )
    retry_backoff_seconds: float = Field(
        1.0, ge=0, le=60, description="首次重试前等待的秒数，此后每次翻倍并加随机抖动"
    )
    retry_backoff_max_seconds: float = Field(
        30.0, ge=0, le=600, description="两次重试之间最长等待秒数"
    )
    retry_after_max_seconds: float = Field(
        120.0, ge=0, le=3600, description="服务器要求的 Retry-After 最多遵守几秒（超过则按此值）"
    )
    max_response_bytes: int = Field(
        5_000_000, ge=10_000, le=100_000_000, description="单个响应最多读取的字节数"
    )
    user_agent: str = Field(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) govmon/0.1",
        description="请求时使用的 User-Agent",
    )
    lookback_days: int = Field(
        3, ge=0, le=60, description="回看最近几天已采集的帖子（获取修改和最新转评赞数）"
    )
    comment_refetch_days: int = Field(
        7, ge=0, le=90, description="发布几天内的帖子每次重新采集评论（发现新评论和迟到的官方回复）"
    )
    failing_after_runs: int = Field(
        3, ge=1, le=100, description="同一账号连续几次采集失败即产生 collection_failing 提醒"
    )
    interval_minutes: dict[str, int] = Field(
        default_factory=lambda: {"weibo": 60, "rss": 60},
        description="各平台两次采集之间的间隔（分钟）",
    )
    interval_jitter: float = Field(
        0.1,
        ge=0.0,
        le=0.5,
        description="采集间隔的错开比例（每个账号固定错开 0 至该比例的间隔，避免同时到期）",
    )
    weibo: WeiboSettings = Field(default_factory=WeiboSettings, description="微博采集")
    rss: RssSettings = Field(default_factory=RssSettings, description="RSS/Atom 采集")

    @field_validator("proxy")
    @classmethod
    def _proxy(cls, value: str) -> str:
        return check_proxy_url(value)

    @field_validator("interval_minutes")
    @classmethod
    def _intervals(cls, value: dict[str, int]) -> dict[str, int]:
        for platform, minutes in value.items():
            if not 1 <= minutes <= 7 * 24 * 60:
                raise ValueError(f"平台 {platform} 的采集间隔 {minutes} 应在 1 到 10080 分钟之间")
        return value

    def interval(self, platform: str, collector: str = "") -> dt.timedelta:
        """How often an account of ``platform`` (read by ``collector``) is collected."""
        minutes = self.interval_minutes.get(platform, self.interval_minutes.get(collector, 60))
        return dt.timedelta(minutes=minutes)

    def blind_after(self, platform: str) -> dt.timedelta:
        """How old an account's last successful collection may be before govmon counts itself
        blind to it (interval × ``failing_after_runs``): silence after that is not evidence."""
        return self.interval(platform, "rss") * self.failing_after_runs

    @model_validator(mode="after")
    def _caps(self) -> CollectorsSettings:
        if self.per_host_concurrency > self.max_concurrency:
            raise ValueError("per_host_concurrency 不能大于 max_concurrency")
        return self
