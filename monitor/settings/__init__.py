"""Typed, validated settings (config/settings.toml)."""

from monitor.settings.load import load_settings, load_settings_file, settings_from_dict
from monitor.settings.model import Settings

__all__ = ["Settings", "load_settings", "load_settings_file", "settings_from_dict"]
