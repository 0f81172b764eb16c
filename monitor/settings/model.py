"""The settings model: one typed, documented table per section of config/settings.toml.

Each package owns the model of its own section (collectors, analysis, alerts); this module
composes them. Every field has a default and a Chinese one-line help (``description``);
unknown keys are an error, so a typo never silently switches a rule off.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    field_validator,
    model_validator,
)
from sqlalchemy.engine import make_url

from alerts.digest_settings import DigestSettings
from alerts.settings import AlertsSettings
from analysis.compliance.name_words import DEFAULT_GENERIC_WORDS
from analysis.rule_settings import QuestionsSettings, RankingSettings, RulesSettings
from analysis.sentiment.settings import SentimentSettings
from analysis.topics.settings import RumoursSettings, TopicsSettings
from collectors.settings import CollectorsSettings
from monitor.settings.daemon import DaemonSettings
from monitor.settings.web import WebSettings
from monitor.settings.workers import WorkersSettings


class GeneralSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    timezone: str = Field("Asia/Shanghai", description="显示时间所用的时区（存储一律为 UTC）")
    data_dir: Path = Field(
        Path("data"),
        description="数据目录：数据库、日志、发件箱、周报、情感模型；"
        "其他目录与文件设置中的相对路径都从这里算起",
    )
    log_file: Path = Field(
        Path("govmon.log"), description="日志文件路径（含完整错误堆栈）；相对路径从 data_dir 算起"
    )
    log_level: str = Field("INFO", description="日志级别：DEBUG、INFO、WARNING、ERROR")

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        upper = value.upper()
        if upper not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("应为 DEBUG、INFO、WARNING 或 ERROR 之一")
        return upper

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"未知的时区 {value!r}，例如 Asia/Shanghai") from None
        return value


class DatabaseSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str = Field(
        "",
        description="数据库地址；留空即 SQLite 文件 data/govmon.db，"
        "PostgreSQL 例如 postgresql+psycopg://govmon@localhost/govmon",
    )
    password: SecretStr | None = Field(
        None,
        description='数据库密码，写成 { env = "GOVMON_DB_PASSWORD" } 或 { file = … }，填入 url（url 中不写密码）',
    )
    echo: bool = Field(False, description="把每条 SQL 写进日志（仅供排错）")

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if value and not value.startswith(("sqlite", "postgresql")):
            raise ValueError("仅支持 sqlite:/// 或 postgresql+psycopg:// 开头的地址")
        if value.startswith("postgresql"):
            try:
                parsed = make_url(value)
            except Exception:
                raise ValueError("无法解析的数据库地址") from None
            if parsed.password:
                raise ValueError(
                    '地址中不能写密码（会留在配置文件里）：请去掉密码，改用 password = { env = "GOVMON_DB_PASSWORD" }'
                )
        return value


class WorkdaysSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    extra_holidays: list[dt.date] = Field(
        default_factory=list,
        description="补充的法定节假日（chinese_calendar 未覆盖的年份，按国务院通知填写）",
    )
    extra_workdays: list[dt.date] = Field(
        default_factory=list, description="补充的调休上班日（周末上班），与 extra_holidays 配套"
    )

    @model_validator(mode="after")
    def _disjoint(self) -> WorkdaysSettings:
        # A date in both lists has no meaning one could guess: refuse it rather than pick one.
        both = sorted(set(self.extra_holidays) & set(self.extra_workdays))
        if both:
            days = "、".join(d.isoformat() for d in both)
            raise ValueError(f"{days} 同时写在 extra_holidays 和 extra_workdays 中，请只保留其一")
        return self


class RegistrySettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    filing_deadline_workdays: int = Field(
        5, ge=1, le=60, description="开通后应在几个工作日内备案（第六条）"
    )
    closure_deadline_workdays: int = Field(
        5, ge=1, le=60, description="注销后应在几个工作日内备案（第九条）"
    )
    check_filing_overdue: bool = Field(True, description="启用规则 filing_overdue（第六条）")
    check_closure_unfiled: bool = Field(True, description="启用规则 closure_unfiled（第九条）")
    check_roles_missing: bool = Field(True, description="启用规则 roles_missing（第七条）")
    check_duplicate_platform_account: bool = Field(
        True, description="启用规则 duplicate_platform_account（第八条）"
    )
    check_name_unrelated: bool = Field(True, description="启用规则 name_unrelated（第八条）")
    duplicate_exempt_platforms: list[str] = Field(
        default_factory=lambda: ["rss"],
        description="不做「每个平台只注册一个账号」检查的平台（网站常有多个栏目订阅）（第八条）",
    )
    name_generic_words: list[str] = Field(
        default_factory=lambda: list(DEFAULT_GENERIC_WORDS),
        description="核对账号名称与单位名称关联时忽略的通用词（第八条）",
    )

    @field_validator("duplicate_exempt_platforms")
    @classmethod
    def _platforms(cls, value: list[str]) -> list[str]:
        from analysis.platforms import BY_CODE

        unknown = [v for v in value if v not in BY_CODE]
        if unknown:
            raise ValueError(f"未知的平台代码 {'、'.join(unknown)}，可用：{'、'.join(BY_CODE)}")
        return value


def _under(base: Path, path: Path) -> Path:
    """``path`` taken from ``base``; kept as is when absolute or already under ``base``.

    Keeping a path already under data_dir keeps the "data/sentiment" of older settings files
    in place, and makes validating settings a second time change nothing.
    """
    if path.is_absolute() or path.parts[: len(base.parts)] == base.parts:
        return path
    return base / path


# Settings that name a path of govmon's own data: (section, its model, key).
ANCHORED_PATHS: tuple[tuple[str, type[BaseModel], str], ...] = (
    ("general", GeneralSettings, "log_file"),
    ("sentiment", SentimentSettings, "model_dir"),
    ("alerts", AlertsSettings, "outbox_dir"),
    ("digest", DigestSettings, "out_dir"),
    ("daemon", DaemonSettings, "lock_file"),
)


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    general: GeneralSettings = Field(default_factory=GeneralSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    workdays: WorkdaysSettings = Field(default_factory=WorkdaysSettings)
    registry: RegistrySettings = Field(default_factory=RegistrySettings)
    collectors: CollectorsSettings = Field(default_factory=CollectorsSettings)
    sentiment: SentimentSettings = Field(default_factory=SentimentSettings)
    topics: TopicsSettings = Field(default_factory=TopicsSettings)
    rumours: RumoursSettings = Field(default_factory=RumoursSettings)
    rules: RulesSettings = Field(default_factory=RulesSettings)
    questions: QuestionsSettings = Field(default_factory=QuestionsSettings)
    ranking: RankingSettings = Field(default_factory=RankingSettings)
    alerts: AlertsSettings = Field(default_factory=AlertsSettings)
    daemon: DaemonSettings = Field(default_factory=DaemonSettings)
    workers: WorkersSettings = Field(default_factory=WorkersSettings)
    digest: DigestSettings = Field(default_factory=DigestSettings)
    web: WebSettings = Field(default_factory=WebSettings)  # issue 14: the web console

    @model_validator(mode="before")
    @classmethod
    def _anchor_paths(cls, data: Any) -> Any:
        """Relative data paths start at data_dir, whatever directory govmon is started from.

        Without this a daemon started elsewhere than ``govmon sentiment train`` would not find
        the trained model, and logs, outbox and digests would scatter by working directory.
        """
        if not isinstance(data, dict):
            return data
        data = dict(data)
        general = data.get("general")
        raw_base = general.get("data_dir") if isinstance(general, dict) else None
        if isinstance(general, GeneralSettings):
            raw_base = general.data_dir
        base = Path(raw_base) if isinstance(raw_base, str | Path) else Path("data")
        for section, model, key in ANCHORED_PATHS:
            given = data.get(section, {})
            if isinstance(given, BaseModel):
                value = getattr(given, key)
            elif isinstance(given, dict):
                value = given.get(key, model.model_fields[key].default)
            else:
                continue  # not a table: validation reports it
            if not isinstance(value, str | Path) or value == "":
                continue  # empty means "the default place"; a wrong type fails validation
            anchored = _under(base, Path(value))
            new = anchored if isinstance(value, Path) else str(anchored)
            if isinstance(given, BaseModel):
                data[section] = given.model_copy(update={key: new})
            else:
                data[section] = {**given, key: new}
        return data

    def database_url(self) -> str:
        """The URL to connect with, the password (a secret reference) filled in."""
        if not self.database.url:
            return f"sqlite:///{self.general.data_dir / 'govmon.db'}"
        if self.database.password is None:
            return self.database.url
        url = make_url(self.database.url).set(password=self.database.password.get_secret_value())
        return url.render_as_string(hide_password=False)
