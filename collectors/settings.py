"""Settings of the [collectors] section (owned by the collectors package)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class CollectorsSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(True, description="启用采集")
