"""Settings of the [alerts] section (owned by the alerts package).

Channels are named URLs. A URL that embeds a key or a password (a WeCom key, an SMTP password)
must be given as a secret reference, ``{ env = "GOVMON_OFFICE_WECOM" }``, which the loader
resolves into a ``SecretStr``; every channel is built when settings load, so a bad URL is a
clear error then, not at three in the morning.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from alerts.channels import Channel, ChannelContext, build_channel
from alerts.errors import ChannelURLError
from alerts.rules import RULES

Severity = Literal["info", "warning", "overdue", "critical"]
OUTBOX = "outbox"  # the built-in channel name of the file outbox


class RuleAlertSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(True, description="是否为该规则发送告警")
    severity: Severity | None = Field(
        None, description="覆盖规则给出的严重程度：info、warning、overdue 或 critical"
    )
    urgent: bool | None = Field(
        None, description="是否紧急（紧急告警不受免打扰时段限制）；不填按规则默认"
    )


_RULE_DEFAULTS = RuleAlertSettings()  # frozen: one for every rule not configured (asked per alert)


def _default_escalation() -> dict[Severity, int]:
    return {"info": 0, "warning": 5, "overdue": 3, "critical": 1}


class AlertsSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(True, description="启用告警")
    channels: dict[str, str | SecretStr] = Field(
        default_factory=dict,
        description='命名的发送渠道：名称 = 渠道地址；含密钥或密码的地址写成 { env = "变量名" }',
    )
    outbox_dir: Path = Field(
        Path("outbox"),
        description="默认文件发件箱目录（内置渠道 outbox，无需任何服务器）；"
        "相对路径从 [general] data_dir 算起",
    )
    fallback_channels: list[str] = Field(
        default_factory=lambda: [OUTBOX],
        description="单位没有任何联系方式时使用的渠道名称",
    )
    unit_channels: dict[str, list[str]] = Field(
        default_factory=dict, description="按单位指定的渠道：单位名称 = [渠道名称, …]"
    )
    email_channel: str = Field(
        "", description="用于给登记表中单位联系邮箱发信的 SMTP 渠道名称；留空则不发邮件"
    )
    use_registry_wecom: bool = Field(True, description="向登记表中单位的企业微信机器人发送告警")
    wecom_mentions: dict[str, list[str]] = Field(
        default_factory=dict,
        description='机器人消息中 @ 的成员：单位名称 = [企业微信用户 ID, …]，"*" 表示所有单位',
    )
    rules: dict[str, RuleAlertSettings] = Field(
        default_factory=dict,
        description="按规则设置：规则名 = { enabled, severity, urgent }",
    )
    resend_interval_workdays: int = Field(
        3, ge=0, le=60, description="告警未解决时每隔几个工作日重发一次（0 表示不重发）"
    )
    escalation_workdays: dict[Severity, int] = Field(
        default_factory=_default_escalation,
        description="按严重程度，告警持续几个工作日未解决即升级到上级单位（0 表示不升级）",
    )
    top_unit: str = Field("厅办公室", description="逐级升级的最高一级单位名称")
    operator_channels: list[str] = Field(
        default_factory=list,
        description="运维告警（采集失败、无法采集：govmon 自身看不到数据，不是单位的合规问题）"
        "发往的渠道名称；留空则发给 top_unit 的联系方式，不发给账号所属单位",
    )
    quiet_start: dt.time | None = Field(
        dt.time(22, 0), description="免打扰时段开始（北京时间）；非紧急告警推迟到时段结束再发"
    )
    quiet_end: dt.time | None = Field(dt.time(7, 0), description="免打扰时段结束（北京时间）")
    max_attempts: int = Field(8, ge=1, le=100, description="每条消息最多尝试发送几次，之后记为失败")
    backoff_seconds: float = Field(60.0, gt=0, description="首次重试前等待的秒数（此后逐次加倍）")
    backoff_max_seconds: float = Field(3600.0, gt=0, description="两次重试之间最长等待的秒数")
    max_items_per_message: int = Field(
        50, ge=1, le=500, description="一条消息最多列出几项告警，其余只给出数量"
    )
    timeout_seconds: float = Field(10.0, gt=0, le=120, description="连接渠道服务器的超时秒数")
    claim_seconds: float = Field(  # h12c: issue 12 §5
        900.0,
        ge=180,
        le=86400,
        description=(
            "发送进程认领一条消息的秒数：发送途中进程退出时，这条消息在认领到期后重发"
            "（至少送达一次，未确认的那一段可能重复一次）；每送出一段即续期"
        ),
    )

    @field_validator("channels")
    @classmethod
    def _channels(cls, value: dict[str, str | SecretStr]) -> dict[str, str | SecretStr]:
        for name, url in value.items():
            if name == OUTBOX:
                continue
            raw = url.get_secret_value() if isinstance(url, SecretStr) else url
            try:
                channel = build_channel(raw)
            except ChannelURLError as exc:
                raise ValueError(f"渠道 {name} 的地址有误：{exc}") from None
            if channel.has_secret and not isinstance(url, SecretStr):
                raise ValueError(
                    f"渠道 {name} 的地址含密钥或密码，不能直接写在配置文件里，"
                    f'请写成 {{ env = "环境变量名" }} 或 {{ file = "密钥文件路径" }}'
                )
        return value

    @field_validator("rules")
    @classmethod
    def _rules(cls, value: dict[str, RuleAlertSettings]) -> dict[str, RuleAlertSettings]:
        unknown = sorted(set(value) - set(RULES))
        if unknown:
            raise ValueError(f"未知的规则 {'、'.join(unknown)}（可用：{'、'.join(sorted(RULES))}）")
        return value

    @field_validator("escalation_workdays")
    @classmethod
    def _escalation(cls, value: dict[Severity, int]) -> dict[Severity, int]:
        bad = [k for k, v in value.items() if v < 0]
        if bad:
            raise ValueError(f"升级工作日数不能为负数：{'、'.join(bad)}")
        return {**_default_escalation(), **value}

    @model_validator(mode="after")
    def _names(self) -> AlertsSettings:
        known = set(self.channels) | {OUTBOX}
        named = [
            *self.fallback_channels,
            *self.operator_channels,
            *(n for v in self.unit_channels.values() for n in v),
        ]
        if self.email_channel:
            named.append(self.email_channel)
        missing = sorted({n for n in named if n not in known})
        if missing:
            raise ValueError(
                f"引用了未定义的渠道 {'、'.join(missing)}"
                "（请在 channels 中定义，或用内置的 outbox）"
            )
        if self.email_channel:
            scheme = self.channel_url(self.email_channel).split("://", 1)[0].lower()
            if scheme not in ("smtp", "smtps"):
                raise ValueError(
                    f"email_channel 应指向 smtp:// 或 smtps:// 渠道，而 {self.email_channel} 不是"
                )
        if (self.quiet_start is None) != (self.quiet_end is None):
            raise ValueError("quiet_start 与 quiet_end 应同时设置或同时留空")
        return self

    # -- for monitor ----------------------------------------------------------------------

    def channel_url(self, name: str) -> str:
        """The URL of a named channel, secret revealed: build a channel from it, never print it."""
        if name == OUTBOX and OUTBOX not in self.channels:
            return f"file://{self.outbox_dir.as_posix()}"
        value = self.channels[name]
        return value.get_secret_value() if isinstance(value, SecretStr) else value

    def build(self, name: str, context: ChannelContext | None = None) -> Channel:
        return build_channel(self.channel_url(name), context)

    def rule(self, name: str) -> RuleAlertSettings:
        return self.rules.get(name, _RULE_DEFAULTS)
