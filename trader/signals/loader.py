"""Finding strategies by name: the strategies folder, its files and their `Strategy` classes.

Every ``*.py`` of the folder (``$TRADER_STRATEGIES_DIR``, else the project's ``strategies/``)
whose name does not start with ``_`` is imported and its `Strategy` subclasses are collected
(classes whose name starts with ``_`` are private bases). A file that cannot be imported, a
malformed strategy class or a name defined twice is a `ConfigError` naming the file.
"""

from __future__ import annotations

import importlib.util
import inspect
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from pydantic import BaseModel

from trader.errors import ConfigError, unknown
from trader.paths import PROJECT_DIR
from trader.signals.strategy import Strategy

__all__ = ["ParamInfo", "StrategyInfo", "available", "describe", "load", "strategies_dir"]


def strategies_dir() -> Path:
    """The strategies folder: ``$TRADER_STRATEGIES_DIR``, else the project's ``strategies/``."""
    env = os.environ.get("TRADER_STRATEGIES_DIR")
    return Path(env) if env else PROJECT_DIR / "strategies"


_CACHE: dict[tuple[Any, ...], dict[str, type[Strategy]]] = {}


def available() -> dict[str, type[Strategy]]:
    """Every strategy of the strategies folder by name (files starting with ``_`` skipped).

    Raises `ConfigError` naming the file for a file that cannot be imported or a strategy
    class that is not well formed, and naming both files for a name defined twice.
    """
    folder = strategies_dir()
    if not folder.is_dir():
        raise ConfigError(f"{folder}: strategies folder not found")
    files = sorted(p for p in folder.glob("*.py") if not p.name.startswith("_"))
    stamps = ((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    key = (str(folder.resolve()), *stamps)
    if key not in _CACHE:
        found: dict[str, type[Strategy]] = {}
        origin: dict[str, Path] = {}
        for path in files:
            for cls in _strategy_classes(_import_file(path), path):
                if cls.name in found:
                    raise ConfigError(
                        f"strategy '{cls.name}' is defined twice: in {origin[cls.name]} "
                        f"and in {path}"
                    )
                found[cls.name], origin[cls.name] = cls, path
        _CACHE.clear()
        _CACHE[key] = found
    return dict(_CACHE[key])


def _import_file(path: Path) -> ModuleType:
    module_name = f"trader_strategies.{path.stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ConfigError(f"{path}: cannot import strategy file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # pydantic resolves annotations through sys.modules
    try:
        spec.loader.exec_module(module)
    except Exception as err:
        sys.modules.pop(module_name, None)
        detail = (str(err).strip().splitlines() or [""])[0]
        if isinstance(err, SyntaxError):
            detail = f"{err.msg} (line {err.lineno})"
        raise ConfigError(
            f"{path}: cannot import strategy file ({type(err).__name__}: {detail})"
        ) from None
    return module


def _strategy_classes(module: ModuleType, path: Path) -> list[type[Strategy]]:
    out: list[type[Strategy]] = []
    for attr, obj in vars(module).items():
        if not (inspect.isclass(obj) and issubclass(obj, Strategy) and obj is not Strategy):
            continue
        if obj.__module__ != module.__name__ or attr.startswith("_"):
            continue  # imported from elsewhere, or a private helper base
        where = f"{path}: class {attr}"
        if not isinstance(obj.name, str) or not obj.name.isidentifier():
            raise ConfigError(f"{where} needs a name (a Python identifier), got {obj.name!r}")
        params = obj.Params
        if not (inspect.isclass(params) and issubclass(params, BaseModel)):
            raise ConfigError(f"{where}: Params must be a pydantic model (StrategyParams)")
        if params.model_config.get("extra") != "forbid":
            raise ConfigError(f"{where}: Params must forbid unknown parameters (StrategyParams)")
        overridden = obj.ticker_targets is not Strategy.ticker_targets
        if not overridden and obj.targets is Strategy.targets:
            raise ConfigError(f"{where} must define ticker_targets (or targets)")
        out.append(obj)
    return out


def load(name: str, params: dict[str, Any] | None = None) -> Strategy:
    """The strategy called ``name`` with validated ``params``; `ConfigError` with one line else."""
    classes = available()
    if name not in classes:
        raise unknown("strategy", name, classes)
    return classes[name](params)


@dataclass(frozen=True)
class ParamInfo:
    name: str
    type: str
    default: Any
    description: str


@dataclass(frozen=True)
class StrategyInfo:
    """What the CLI lists about a strategy."""

    name: str
    summary: str
    needs_scores: bool
    params: list[ParamInfo]


def describe() -> list[StrategyInfo]:
    """Every available strategy, sorted by name: first docstring line and parameter defaults."""
    out = []
    for name, cls in sorted(available().items()):
        doc = inspect.getdoc(cls) or ""
        params = []
        for key, field in cls.Params.model_fields.items():
            default = None if field.is_required() else field.get_default(call_default_factory=True)
            kind = _type_name(field.annotation)
            params.append(ParamInfo(key, kind, default, field.description or ""))
        out.append(StrategyInfo(name, (doc.splitlines() or [""])[0], cls.needs_scores, params))
    return out


def _type_name(annotation: Any) -> str:
    if isinstance(annotation, type):
        return annotation.__name__
    return str(annotation).replace("typing.", "")
