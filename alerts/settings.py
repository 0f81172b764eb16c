"""Settings of the [alerts] section (owned by the alerts package)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class AlertsSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(True, description="启用告警")
