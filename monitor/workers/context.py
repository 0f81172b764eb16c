"""What a worker's tasks need, built once per `govmon worker` process: settings (with this
worker's egress identity applied), the database engine and the shared host pacer."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from monitor.errors import SettingsError
from monitor.settings import Settings
from monitor.workers.pacing import SharedPacer


@dataclass(frozen=True)
class WorkerContext:
    settings: Settings
    engine: Engine
    pacer: SharedPacer
    name: str  # shown in logs and pacing leases: host, pid and identity


CONTEXT_KEY = "govmon"


def with_identity(settings: Settings, identity: str) -> Settings:
    """The settings as this worker sees the platforms: its own Weibo cookie and proxy."""
    if not identity:
        return settings
    chosen = settings.workers.identities.get(identity)
    if chosen is None:
        known = "、".join(sorted(settings.workers.identities)) or "（未配置）"
        raise SettingsError(
            f"键 workers.identity：没有名为 {identity} 的身份（[workers.identities] 中有：{known}）"
        )
    collectors = settings.collectors
    weibo = collectors.weibo
    if chosen.weibo_cookie is not None:
        weibo = weibo.model_copy(update={"cookie": chosen.weibo_cookie})
    collectors = collectors.model_copy(
        update={"weibo": weibo, "proxy": chosen.proxy or collectors.proxy}
    )
    return settings.model_copy(update={"collectors": collectors})
