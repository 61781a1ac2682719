"""The layout rules of docs/architecture.md, checked on the source (no import is run).

Stages in data-flow order; a module may import only from its own stage, from earlier stages
(through their package, the table of contents) and from the top-level helpers. Only
trader/models/ imports Keras/TensorFlow, only the backtrader adapter imports backtrader, only
the fast engine's compiled loop imports numba, only the CLI prints, and no module grows past
the size limit.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "trader"
HELPERS = ("config", "errors", "events", "paths", "provenance")
STAGES = (
    "data",
    "models",
    "research",
    "signals",
    "backtesting",
    "evaluate",
    "report",
    "pipeline",
    "lab",
    "operations",
    "cli",
)
MAX_LINES = 300


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[str]:
    """Every module a file imports, at any depth (functions, TYPE_CHECKING blocks included)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
            if node.module == "trader":  # from trader import pipeline, models
                found += [f"trader.{alias.name}" for alias in node.names]
    return found


def _stage(module: str) -> str | None:
    """``data`` for trader.data.store, ``config`` for trader.config; None for trader itself."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "trader" else None


def _rank(stage: str) -> int:
    return -1 if stage in HELPERS else STAGES.index(stage)


def test_every_module_belongs_to_a_stage_or_is_a_helper() -> None:
    for path in _modules():
        stage = _stage(_name(path))
        assert stage is None or stage in HELPERS or stage in STAGES, f"{path}: unknown stage"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: _name(p))
def test_imports_follow_the_data_flow(path: Path) -> None:
    own = _stage(_name(path))
    if own is None:  # trader/__init__.py: the public API may name any stage
        return
    for imported in _imports(path):
        other = _stage(imported)
        if other is None or other == own or other not in STAGES + HELPERS:
            continue
        where = f"{_name(path)} imports {imported}"
        if own in HELPERS:
            assert other in HELPERS, f"{where}: a helper imports only helpers"
            continue
        assert _rank(other) < _rank(own), f"{where}: a later stage (imports run down the flow)"
        if other in STAGES and other != "pipeline":
            assert imported == f"trader.{other}", f"{where}: use the package's table of contents"


def test_heavy_libraries_stay_in_their_modules() -> None:
    for path in _modules():
        name = _name(path)
        for imported in _imports(path):
            root = imported.split(".")[0]
            if root in ("keras", "tensorflow"):
                assert name.startswith("trader.models"), f"{name} imports {imported}"
            if root == "backtrader":
                assert name == "trader.backtesting.backtrader_adapter", f"{name} imports it"
            if root == "numba":
                assert name == "trader.backtesting.fast_kernel", f"{name} imports it"


def test_only_the_cli_prints() -> None:
    for path in _modules():
        if _name(path).startswith("trader.cli"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id != "print", f"{_name(path)}:{node.lineno} prints"


def test_modules_stay_small() -> None:
    long = {_name(p): n for p in _modules() if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_top_level_holds_only_the_helpers_and_the_pipeline() -> None:
    top = sorted(p.stem for p in PACKAGE.glob("*.py"))
    packages = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
    assert sorted(top + packages) == sorted(["__init__", *HELPERS, *STAGES])
