"""Channels addressed by URL; importing this package registers every built-in channel."""

from alerts.channels.base import (
    Channel,
    ChannelContext,
    PartProgress,
    build_channel,
    register,
    registered,
)
from alerts.channels.dingtalk import DingTalkChannel
from alerts.channels.feishu import FeishuChannel
from alerts.channels.file import FileChannel
from alerts.channels.smtp import SMTPChannel
from alerts.channels.wecom import WeComChannel

__all__ = [
    "Channel",
    "ChannelContext",
    "DingTalkChannel",
    "FeishuChannel",
    "FileChannel",
    "PartProgress",
    "SMTPChannel",
    "WeComChannel",
    "build_channel",
    "register",
    "registered",
]
