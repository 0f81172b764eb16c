"""Settings of the [sentiment] section."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class SentimentSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(True, description="启用情感分析")
