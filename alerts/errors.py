"""Errors of the alerts package: messages are Chinese and never hold a secret."""

from __future__ import annotations


class AlertsError(Exception):
    """Base of every error raised by the alerts package."""


class ChannelURLError(AlertsError, ValueError):
    """A channel URL that cannot be used (unknown scheme, missing key, bad option)."""
