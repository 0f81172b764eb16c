"""Settings of the [workers] section: `govmon worker` processes on procrastinate (PostgreSQL),
used when ``daemon.engine = "procrastinate"``."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from collectors.settings import check_proxy_url

INLINE_SECRET = (
    '机密信息不能直接写在配置文件里，请写成 { env = "环境变量名" } 或 { file = "密钥文件路径" }'
)


class WorkerIdentity(BaseModel):
    """What a worker shows the platforms: its own cookie and outgoing proxy, so that limits
    kept per cookie or per address apply to each worker separately."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    weibo_cookie: SecretStr | None = Field(
        None, description="此身份使用的微博 Cookie，写成 { env = ... } 或 { file = ... }"
    )
    proxy: str = Field(
        "", description="此身份的出口代理，如 http://10.0.0.5:3128（留空即直连；不能含密码）"
    )

    @field_validator("weibo_cookie", mode="before")
    @classmethod
    def _referenced(cls, value: Any) -> Any:
        if isinstance(value, str) and value:
            raise ValueError(INLINE_SECRET)
        return value

    @field_validator("proxy")
    @classmethod
    def _proxy(cls, value: str) -> str:
        return check_proxy_url(value)


class WorkersSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    concurrency: int = Field(4, ge=1, le=64, description="每个 govmon worker 同时处理几个任务")
    heartbeat_seconds: float = Field(
        10.0, ge=0.5, le=300, description="worker 每隔几秒向数据库报告一次存活（心跳）"
    )
    stalled_after_seconds: int = Field(
        60,
        ge=2,
        le=3600,
        description="worker 超过几秒没有心跳即视为已死，它手上的任务交给其他 worker 重做",
    )
    recover_interval_seconds: int = Field(
        30, ge=1, le=3600, description="govmon run 每隔几秒检查一次停滞的任务并重新排队"
    )
    alive_minutes: int = Field(
        5, ge=1, le=1440, description="govmon status 把几分钟内有心跳的 worker 算作在线"
    )
    claim_minutes: int = Field(
        30,
        ge=1,
        le=1440,
        description="账号排入采集队列后几分钟内不再重复排队（任务完成后按采集间隔重新计算）",
    )
    identity: str = Field(
        "",
        description="本机 worker 使用 identities 中的哪个身份（也可用 govmon worker --identity 指定）",
    )
    identities: dict[str, WorkerIdentity] = Field(
        default_factory=dict,
        description="各 worker 的出口身份：名称 → { weibo_cookie = { env = … }, proxy = … }",
    )
