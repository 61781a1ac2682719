"""Run configs from YAML files, mappings or defaults; clear one-line errors; key-path overrides."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from trader.config.sections import RunConfig
from trader.errors import ConfigError, did_you_mean

Section = TypeVar("Section", bound=BaseModel)
MAX_CONFIG_BYTES = 1_000_000


class _DuplicateKey(yaml.YAMLError):
    pass


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a key given twice in one mapping (PyYAML keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str | int | float | bool):
                continue  # an unhashable key: the config's own check refuses it
            if key in seen:
                line = key_node.start_mark.line + 1
                raise _DuplicateKey(f"option '{key}' is given twice (line {line})")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _format_error(err: ValidationError, model: type[BaseModel]) -> str:
    first = err.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    msg = first["msg"].removeprefix("Value error, ")
    if not where:
        return msg
    if first["type"] == "extra_forbidden":
        name = str(first["loc"][-1])
        parent: type[BaseModel] | None = model
        for part in first["loc"][:-1]:
            if parent is None or isinstance(part, int):
                continue
            ann = parent.model_fields.get(str(part))
            inner = getattr(ann, "annotation", None) if ann else None
            args = getattr(inner, "__args__", ())
            inner = args[0] if args else inner
            parent = inner if isinstance(inner, type) and issubclass(inner, BaseModel) else None
        fields = parent.model_fields if parent else {}
        return f"unknown option '{where}'{did_you_mean(name, fields)}"
    return f"{where}: {msg}"


def parse_config(data: dict[str, Any], origin: str = "config") -> RunConfig:
    """Validate a plain dict into a `RunConfig`, raising `ConfigError` with one clear line."""
    return parse_section(RunConfig, data, origin)


def parse_section(model: type[Section], data: Any, origin: str) -> Section:
    """``data`` as a ``model`` (one section, e.g. `BacktestConfig`): an instance passes as it
    is, a mapping is validated; errors are one `ConfigError` line with "did you mean"."""
    if isinstance(data, model):
        return data
    if not isinstance(data, Mapping):
        raise ConfigError(
            f"{origin}: expected a {model.__name__} or a mapping, got {type(data).__name__}"
        )
    try:
        return model.model_validate(dict(data))
    except ValidationError as err:
        raise ConfigError(f"{origin}: {_format_error(err, model)}") from None


ConfigSource = RunConfig | Mapping[str, Any] | str | Path | None


def _file_text(path: Path) -> str:
    """The text of a config file: a readable, small, UTF-8 text file, else a `ConfigError`."""
    if not path.exists():
        raise ConfigError(f"{path}: config file not found")
    if not path.is_file():
        raise ConfigError(f"{path}: not a file (give a YAML config file)")
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as err:
        raise ConfigError(f"{path}: cannot read config file ({err.strerror or err})") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: too large for a config file (over {MAX_CONFIG_BYTES} bytes)")
    if b"\0" in data:
        raise ConfigError(f"{path}: a binary file, not a YAML config file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ConfigError(
            f"{path}: not UTF-8 text (byte {err.start + 1}); save the file as UTF-8"
        ) from None


def read_yaml(text: str, origin: str) -> Any:
    """YAML text as plain data; a syntax error, a key given twice or absurd nesting is one
    `ConfigError` line naming ``origin``."""
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader
    except _DuplicateKey as err:
        raise ConfigError(f"{origin}: {err}") from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = err.problem or "syntax error"
        raise ConfigError(f"{origin}: not valid YAML ({problem}{where})") from None
    except yaml.YAMLError as err:
        raise ConfigError(f"{origin}: not valid YAML ({err.__class__.__name__})") from None
    except RecursionError:
        raise ConfigError(f"{origin}: nested too deeply to be a config") from None


def read_config_file(path: Path) -> RunConfig:
    """Read a YAML run config file, raising `ConfigError` with one clear line."""
    raw = read_yaml(_file_text(path), str(path)) or {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    return parse_config(raw, origin=str(path))


def load_config(
    source: ConfigSource = None, overrides: Mapping[str, Any] | None = None
) -> RunConfig:
    """A validated `RunConfig` from a YAML file, a plain dict, a `RunConfig` or the defaults.

    ``source``: a path (str or `Path`) to a YAML file, a mapping with the same keys as the
    file, an existing `RunConfig`, or ``None`` for the defaults. ``overrides`` then sets options
    by key path (see `with_override`): ``{"window.length": 10, "models.lstm.epochs": 5}``.
    Unknown or invalid options raise `ConfigError` naming the key, with "did you mean".
    """
    if source is None:
        config = RunConfig()
    elif isinstance(source, RunConfig):
        config = source
    elif isinstance(source, str | Path):
        config = read_config_file(Path(source))
    elif isinstance(source, Mapping):
        config = parse_config(dict(source))
    else:
        raise ConfigError(
            f"config: expected a YAML path, a mapping or a RunConfig, got {type(source).__name__}"
        )
    for key_path, value in (overrides or {}).items():
        config = with_override(config, key_path, value)
    return config


def _step(node: Any, part: str, key_path: str) -> Any:
    """One step of a key path: a mapping key, a list index, or the name of a list item."""
    if isinstance(node, dict):
        if part not in node:
            raise ConfigError(f"unknown option '{key_path}'{did_you_mean(part, node)}")
        return node[part]
    if isinstance(node, list):
        if part.isdigit():
            if int(part) >= len(node):
                raise ConfigError(f"'{key_path}': index {part} is out of range ({len(node)} items)")
            return node[int(part)]
        named = {str(item.get("name")): item for item in node if isinstance(item, dict)}
        if part not in named:
            raise ConfigError(f"'{key_path}': no item named '{part}'{did_you_mean(part, named)}")
        return named[part]
    raise ConfigError(f"unknown option '{key_path}'")


def with_override(config: RunConfig, key_path: str, value: Any) -> RunConfig:
    """A copy of ``config`` with ``key_path`` set to ``value``, validated like a config file.

    Parts are mapping keys, list indexes or the ``name`` of a list item, so models and strategy
    parameters vary like any option: ``window.length``, ``models.0.activation``,
    ``models.lstm.units``, ``strategies.bnf_deviation.params.entry_pct``. Strategy parameters
    are free-form here and checked when the strategy loads (before any work is done).
    """
    data = config.model_dump()
    parts = key_path.split(".")
    node: Any = data
    for part in parts[:-1]:
        node = _step(node, part, key_path)
    last = parts[-1]
    if isinstance(node, list):
        item = _step(node, last, key_path)
        node[next(i for i, x in enumerate(node) if x is item)] = value
    elif isinstance(node, dict):
        is_params = len(parts) >= 2 and parts[-2] == "params"
        if last not in node and not is_params:
            raise ConfigError(f"unknown option '{key_path}'{did_you_mean(last, node)}")
        node[last] = value
    else:
        raise ConfigError(f"unknown option '{key_path}'")
    return parse_config(data, origin=f"override {key_path}")
