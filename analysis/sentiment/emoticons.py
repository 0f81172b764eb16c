"""Weibo emoticons ([哈哈] [泪] …): the polarity map, weak labels and stripping.

The map (config/emoticons.toml) gives each emoticon a polarity in [-1, 1]; 0 means its use
is ambiguous (irony, decoration) and it never labels nor scores a text.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from importlib.resources import files
from pathlib import Path

# A bracketed token of up to 10 non-space characters, as Weibo renders its emoticons.
EMOTICON = re.compile(r"\[([^\[\]\s]{1,10})\]")


class EmoticonMapError(ValueError):
    """The emoticon polarity file cannot be used; the message names the file and key."""


def strip_emoticons(text: str) -> str:
    """The text without any bracketed emoticon."""
    return EMOTICON.sub("", text) if "[" in text else text  # a scan for "[" costs far less


@dataclass(frozen=True)
class EmoticonMap:
    polarity: Mapping[str, float] = field(default_factory=dict)

    def polarities(self, text: str) -> list[float]:
        """Non-zero polarities of the emoticons in ``text``, in order (repeats count)."""
        if "[" not in text:  # most comments: no regex scan
            return []
        found = (self.polarity.get(name, 0.0) for name in EMOTICON.findall(text))
        return [value for value in found if value != 0.0]

    def score(self, text: str) -> float:
        """Sum of the polarities of the emoticons in ``text``."""
        return sum(self.polarities(text))

    def weak_label(self, text: str) -> int | None:
        """1 when every polar emoticon is positive, 0 when every one is negative, else None."""
        values = self.polarities(text)
        if not values:
            return None
        if all(v > 0 for v in values):
            return 1
        if all(v < 0 for v in values):
            return 0
        return None

    def strip_polar(self, text: str) -> str:
        """The text without the emoticons that carry a polarity (the ones that label it)."""
        if "[" not in text:
            return text
        return self._polar.sub("", text)

    @cached_property
    def _polar(self) -> re.Pattern[str]:
        """The polar emoticons by name, one alternation: no Python call per emoticon met. It
        finds what EMOTICON finds with a polar name (a name holds no bracket, so no other
        match of EMOTICON can overlap one of these)."""
        names = [
            name
            for name, value in self.polarity.items()
            if value != 0.0 and EMOTICON.fullmatch(f"[{name}]")
        ]
        if not names:
            return re.compile(r"(?!)")  # matches nothing
        names.sort(key=len, reverse=True)
        return re.compile(r"\[(?:" + "|".join(map(re.escape, names)) + r")\]")


def load_emoticon_map(path: Path | None = None) -> EmoticonMap:
    """Read a polarity file; ``None`` reads the bundled config/emoticons.toml."""
    if path is None:
        resource = files("monitor.defaults") / "emoticons.toml"
        source, raw = "内置 emoticons.toml", resource.read_text(encoding="utf-8")
    else:
        source = str(path)
        try:
            raw = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise EmoticonMapError(f"无法读取表情极性表 {source}：{exc.strerror}") from None
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise EmoticonMapError(f"表情极性表 {source} 不是合法的 TOML：{exc}") from None
    table = data.get("polarity")
    if not isinstance(table, dict):
        raise EmoticonMapError(f"表情极性表 {source} 缺少 [polarity] 表")
    polarity: dict[str, float] = {}
    for name, value in table.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise EmoticonMapError(f"表情极性表 {source} 中“{name}”的极性应为 -1.0 到 1.0 的数")
        if not -1.0 <= float(value) <= 1.0:
            raise EmoticonMapError(
                f"表情极性表 {source} 中“{name}”的极性 {value} 超出 -1.0 到 1.0 的范围"
            )
        if not EMOTICON.fullmatch(f"[{name}]"):
            raise EmoticonMapError(
                f"表情极性表 {source} 中的表情名“{name}”无效"
                "（应为 1 到 10 个不含空格和方括号的字符）"
            )
        polarity[name] = float(value)
    return EmoticonMap(polarity)
