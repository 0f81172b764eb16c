"""A digest run keeps what it holds for all scopes out of the cycle collector's full
collections while it builds them, and leaves the collector as it found it."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from testkit.digest_week import NOW, WEEK, settings_for

from monitor.pipeline import digest as digest_module
from monitor.pipeline.digest import run_digest
from monitor.pipeline.gc_freeze import frozen_between_collections


def test_the_run_s_inputs_are_frozen_while_scopes_are_built(
    seeded: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frozen: list[int] = []
    original = digest_module.render_files

    def recording(*args: Any, **kwargs: Any) -> Any:
        frozen.append(gc.get_freeze_count())
        return original(*args, **kwargs)

    monkeypatch.setattr(digest_module, "render_files", recording)
    built = run_digest(seeded, settings_for(tmp_path), clock=lambda: NOW, week=WEEK, send=False)
    assert len(frozen) == len(built.built) > 1
    assert all(count > 0 for count in frozen)
    assert gc.get_freeze_count() == 0  # unfrozen at the end


def test_objects_a_process_froze_itself_stay_frozen() -> None:
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        with frozen_between_collections() as freeze:
            freeze()
        assert gc.get_freeze_count() >= before > 0
    finally:
        gc.unfreeze()


def test_freed_memory_is_handed_back_after_reading_and_after_each_scope(
    seeded: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run returns freed memory to the system once the weeks are read and once each scope
    is written (a no-op where the C library has no malloc_trim)."""
    released: list[int] = []
    monkeypatch.setattr(digest_module, "release_freed_memory", lambda: released.append(1))
    built = run_digest(seeded, settings_for(tmp_path), clock=lambda: NOW, week=WEEK, send=False)
    assert len(released) == 1 + len(built.built)
    monkeypatch.undo()
    digest_module.release_freed_memory()  # the real one runs wherever the tests run
