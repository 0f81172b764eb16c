"""The cue word lists of rumour detection, loaded once and matched in one pass per text."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from analysis.segment import default_config_file
from analysis.textmatch import WordMatcher, read_wordlist
from analysis.topics.settings import RumoursSettings

DEFAULT_FILES = {
    "rumour": "rumour_cues.txt",
    "clarification": "clarification_cues.txt",
    "doubt": "rumour_doubt_cues.txt",
    "spread": "rumour_spread_cues.txt",
    "alarm": "rumour_alarm_cues.txt",
}
_NAMES = {
    "rumour": "谣言线索词表",
    "clarification": "澄清线索词表",
    "doubt": "质疑否认线索词表",
    "spread": "催促扩散线索词表",
    "alarm": "惊恐愤怒线索词表",
}


@dataclass(frozen=True)
class RumourCues:
    rumour: WordMatcher  # a text passes on an unverified claim (网传, 听说, 是真的吗 …)
    clarification: WordMatcher  # an official text clarifies (辟谣, 不实, 澄清, 情况说明 …)
    doubt: WordMatcher  # a reaction doubts or denies (真的吗, 假的, 谣言 …)
    spread: WordMatcher  # a post urges spreading (转发, 扩散, 紧急 …)
    alarm: WordMatcher  # a reaction shows alarm or outrage ([蜡烛], 可怕 …)

    @classmethod
    def from_terms(
        cls,
        rumour: list[str],
        clarification: list[str],
        doubt: list[str] | None = None,
        spread: list[str] | None = None,
        alarm: list[str] | None = None,
    ) -> RumourCues:
        return cls(
            WordMatcher(rumour),
            WordMatcher(clarification),
            WordMatcher(doubt or []),
            WordMatcher(spread or []),
            WordMatcher(alarm or []),
        )


def _path(kind: str, configured: str) -> Path:
    path = Path(configured) if configured else default_config_file("wordlists", DEFAULT_FILES[kind])
    if not path.is_file():
        raise FileNotFoundError(f"找不到{_NAMES[kind]}文件 {path}")
    return path


def load_rumour_cues(settings: RumoursSettings | None = None) -> RumourCues:
    """The cue lists named in the settings, or the shipped ones where a path is empty."""
    settings = settings or RumoursSettings()
    configured = {
        "rumour": settings.rumour_cues_path,
        "clarification": settings.clarification_cues_path,
        "doubt": settings.doubt_cues_path,
        "spread": settings.spread_cues_path,
        "alarm": settings.alarm_cues_path,
    }
    terms = {kind: read_wordlist(_path(kind, path)) for kind, path in configured.items()}
    for kind in ("rumour", "clarification"):
        if not terms[kind]:
            raise ValueError(f"{_NAMES[kind]}为空：至少需要一个词（第二十二条）")
    return RumourCues.from_terms(**terms)
