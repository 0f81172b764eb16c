"""The test folders stand alone: helpers come from packages (``testkit``, ``fakes``), never from
a conftest or a sibling file found only because pytest put that folder on sys.path, so that
``pytest tests/alerts tests/collectors`` collects the same tests as the whole suite."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
PACKAGES = {"fakes", "testkit"}


def _test_files() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if "__pycache__" not in p.parts)


def _imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
    return roots


def test_no_test_imports_a_conftest_or_a_loose_sibling_module() -> None:
    loose = {
        p.stem
        for p in _test_files()
        if p.parent.name not in PACKAGES and not p.stem.startswith("test_")
    }
    offenders = {
        f"{path.relative_to(TESTS)} imports {root}"
        for path in _test_files()
        for root in _imported_roots(path) & loose
        if root != "__init__"
    }
    assert not offenders, sorted(offenders)


def test_helper_packages_are_packages() -> None:
    for name in PACKAGES:
        assert (TESTS / name).is_dir()
    assert (TESTS / "testkit" / "__init__.py").is_file()
