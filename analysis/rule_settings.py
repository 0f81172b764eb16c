"""Settings of the [rules], [questions] and [ranking] sections."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class RulesSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(True, description="启用内容与活跃度规则")


class QuestionsSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    warn_after_workdays: int = Field(1, ge=0, description="网民提问几个工作日未回复即提醒（第十六条）")
    overdue_after_workdays: int = Field(3, ge=1, description="网民提问几个工作日未回复即逾期（第十六条）")


class RankingSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(True, description="启用账号排行（第二十六条）")
