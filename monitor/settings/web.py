"""The ``[web]`` section: where the console listens, how long a sign-in lasts, its signing key."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class WebSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(False, description="govmon run 同时启动网页控制台")
    host: str = Field(
        "127.0.0.1", description="网页控制台监听的地址（经反向代理对外时保持 127.0.0.1）"
    )
    port: int = Field(8800, ge=1, le=65535, description="网页控制台监听的端口")
    session_hours: int = Field(8, ge=1, le=720, description="登录后几小时内有效，过后需重新登录")
    secret_key: SecretStr | None = Field(
        None,
        description='签名会话的密钥，写成 { env = "GOVMON_WEB_SECRET" } 或 { file = … }；'
        "留空则每次启动随机生成（重启后需重新登录）",
    )
    behind_proxy: bool = Field(
        False,
        description="经 HTTPS 反向代理（nginx）访问：信任其 X-Forwarded-For/Proto，会话 Cookie 只经 HTTPS 发送",
    )
    login_attempts: int = Field(
        5, ge=1, le=100, description="同一用户或同一地址连续登录失败几次后暂时锁定"
    )
    lockout_minutes: int = Field(15, ge=1, le=1440, description="登录失败过多后锁定几分钟")
    page_size: int = Field(50, ge=10, le=500, description="列表页每页显示几条")
