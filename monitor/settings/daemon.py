"""Settings of the [daemon] section: the schedule of `govmon run` and the health thresholds of
`govmon status`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class DaemonSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    engine: Literal["apscheduler", "procrastinate"] = Field(
        "apscheduler",
        description="任务引擎：apscheduler（单机，govmon run 自己运行任务）或 procrastinate"
        "（多机，govmon run 只排任务，由若干 govmon worker 执行；需要 PostgreSQL）",
    )
    tick_seconds: int = Field(
        120,
        ge=1,
        le=3600,
        description="采集节拍：每隔几秒取出到期的账号采集一次（各平台间隔见 collectors.interval_minutes）",
    )
    jitter_seconds: int = Field(
        10, ge=0, le=600, description="每次节拍随机推迟至多几秒，避免多台机器整点同时请求平台"
    )
    analyze_after_collect: bool = Field(True, description="采集到内容后立即运行分析")
    alerts_interval_minutes: int = Field(
        15, ge=1, le=1440, description="每隔几分钟评估一次告警并发送新告警"
    )
    send_interval_minutes: int = Field(
        5, ge=1, le=1440, description="每隔几分钟重试发件箱中到期未发出的消息"
    )
    digest_enabled: bool = Field(True, description="每周自动生成并发送舆情周报")
    digest_day: Weekday = Field("mon", description="周报在星期几生成：mon、tue … sun")
    digest_hour: int = Field(8, ge=0, le=23, description="周报在几点生成（general.timezone 时间）")
    digest_minute: int = Field(30, ge=0, le=59, description="周报在几分生成")
    snapshot_hour: int = Field(
        6,
        ge=0,
        le=23,
        description="每天几点补采当天还没有粉丝数快照的账号（general.timezone 时间）",
    )
    misfire_grace_seconds: int = Field(
        300, ge=1, le=86400, description="任务因机器繁忙或休眠错过时间后，几秒内仍补跑（过后跳过）"
    )
    shutdown_timeout_seconds: int = Field(
        60, ge=1, le=3600, description="收到停止信号后最多等正在运行的任务几秒，过后放弃并退出"
    )
    max_workers: int = Field(
        2, ge=1, le=16, description="同时运行的任务数上限（同一任务绝不同时运行两次）"
    )
    lock_file: str = Field(
        "",
        description="防止重复启动的锁文件；留空即数据库文件旁的 govmon.db.daemon.lock"
        "（PostgreSQL 用数据库的 advisory lock）；相对路径从 [general] data_dir 算起",
    )
    job_runs_keep_days: int = Field(
        30, ge=1, le=3650, description="任务运行记录（job_runs）保留几天，每天清理一次"
    )
    collector_failing_hours: int = Field(
        24, ge=1, le=720, description="账号采集连续失败超过几小时，govmon status 报告需要处理"
    )
    job_failing_runs: int = Field(
        3, ge=1, le=100, description="同一任务连续失败几次，govmon status 报告需要处理"
    )
    failed_deliveries_days: int = Field(
        7, ge=1, le=365, description="最近几天内有消息发送失败，govmon status 报告需要处理"
    )
