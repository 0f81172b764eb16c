"""The digest reads the per-text verdicts (question or not, harmful words) that `govmon analyze`
stored, in a fresh process as well, instead of computing them again: and says the same."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine
from testkit.digest_week import NOW, WEEK, settings_for

from analysis.questions import QuestionClassifier
from monitor.pipeline import analyze as analyze_module
from monitor.pipeline.analyze import analyze
from monitor.pipeline.digest import run_digest


def test_the_digest_reads_the_verdicts_analyze_stored(
    seeded: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_for(tmp_path)
    computed = run_digest(seeded, settings, clock=lambda: NOW, week=WEEK, send=False).built[0]
    expected = Path(computed.files["md"]).read_bytes()
    analyze_module._TEXT_CACHE.clear()  # analyze computes (and stores) every verdict itself
    analyze(seeded, settings, clock=lambda: NOW, since=dt.date(2026, 11, 1))  # every text read
    analyze_module._TEXT_CACHE.clear()  # a fresh process: nothing in memory
    asked: list[str] = []
    original = QuestionClassifier.is_question

    def counting(self: QuestionClassifier, text: str, *args: object) -> bool:
        asked.append(text)
        return original(self, text, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(QuestionClassifier, "is_question", counting)
    stored = run_digest(
        seeded, settings, clock=lambda: NOW, week=WEEK, send=False, out_dir=tmp_path / "again"
    ).built[0]
    assert asked == []
    assert Path(stored.files["md"]).read_bytes() == expected
