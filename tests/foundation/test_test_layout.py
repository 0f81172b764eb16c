"""The test folders stand alone: helpers come from packages (``testkit``, ``fakes``), never from
a conftest or a sibling file found only because pytest put that folder on sys.path, so that
``pytest tests/alerts tests/collectors`` collects the same tests as the whole suite."""

from __future__ import annotations

import ast
import importlib.util
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


def _resolves_outside_test_folders(root: str) -> bool:
    """Importable from the project, an installed package, or tests/fakes and tests/testkit
    (pyproject puts tests/ on the path), not only from a test folder pytest happened to add."""
    if root in PACKAGES:
        return True
    if root in ("tests", "conftest"):
        return False  # tests/ is not a package, and a conftest is a fixture file
    spec = importlib.util.find_spec(root)
    if spec is None:
        return False
    origin = Path(spec.origin or "").resolve()
    return TESTS not in origin.parents


def test_every_import_of_a_test_resolves_without_its_folder_on_the_path() -> None:
    offenders = {
        f"{path.relative_to(TESTS)} imports {root}"
        for path in _test_files()
        if path.parent.name != "fakeplatform"
        for root in _imported_roots(path)
        if root != "__future__" and not _resolves_outside_test_folders(root)
    }
    # a script run as a subprocess may import siblings (tests/daemon/daemon_with_test_jobs.py)
    assert not offenders, sorted(offenders)


def test_helper_packages_are_packages() -> None:
    for name in PACKAGES:
        assert (TESTS / name).is_dir()
    assert (TESTS / "testkit" / "__init__.py").is_file()


def test_test_file_names_are_unique() -> None:
    """Test folders are not packages: two test files of one name collide when run together."""
    seen: dict[str, Path] = {}
    clashes = []
    for path in _test_files():
        if not path.name.startswith("test_"):
            continue
        if path.name in seen:
            clashes.append(f"{seen[path.name].relative_to(TESTS)} / {path.relative_to(TESTS)}")
        seen.setdefault(path.name, path)
    assert not clashes, clashes
