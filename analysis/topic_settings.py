"""Settings of the [topics] and [rumours] sections (第二十二、二十三条)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class TopicsSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(True, description="启用热点话题发现（第二十二条）")


class RumoursSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(True, description="启用谣言发现与辟谣跟踪（第二十二、二十三条）")
