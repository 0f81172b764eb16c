"""The engine the settings ask for, and persisting a training outcome."""

from __future__ import annotations

from pathlib import Path

from analysis.sentiment.emoticons import EmoticonMap, load_emoticon_map
from analysis.sentiment.engine import SentimentEngine
from analysis.sentiment.linear import LinearEngine
from analysis.sentiment.settings import SentimentSettings
from analysis.sentiment.snownlp_engine import SnowNLPEngine
from analysis.sentiment.store import (
    ModelFileError,
    activate_model,
    current_model_folder,
    load_model,
    save_model,
)
from analysis.sentiment.training import TrainingOutcome


def build_engine(
    settings: SentimentSettings, emoticons: EmoticonMap | None = None
) -> SentimentEngine:
    """snownlp's default, or the current trained model (engine = auto / snownlp / trained)."""
    emoticons = emoticons if emoticons is not None else load_emoticon_map(settings.emoticons_file)
    folder = None if settings.engine == "snownlp" else current_model_folder(settings.model_dir)
    if folder is None:
        if settings.engine == "trained":
            raise ModelFileError(
                f'设置 engine = "trained"，但 {settings.model_dir} 中还没有已训练的情感模型；'
                "请先运行 govmon sentiment train"
            )
        return SnowNLPEngine(emoticons, settings.emoticon_weight, settings.max_text_chars)
    return LinearEngine(
        load_model(folder), emoticons, settings.emoticon_weight, settings.max_text_chars
    )


def persist_outcome(outcome: TrainingOutcome, model_dir: Path) -> Path:
    """Store the candidate (always, for the record) and switch to it if it won."""
    folder = save_model(outcome.candidate, model_dir)
    if outcome.switch:
        activate_model(model_dir, folder)
    return folder
