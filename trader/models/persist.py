"""Save a trained model as ``.keras`` with a JSON sidecar of metadata, and load both back.

The sidecar (``<name>.json`` beside ``<name>.keras``) holds what the caller passes (config dump,
label kind, class count, window shape, scaler parameters...) plus the library versions that
wrote it under ``"versions"``. Models use built-in Keras objects or objects registered by this
package (e.g. the ``threshold`` activation, ``directional_accuracy``), so loading needs no
custom objects beyond importing `trader.models`.
"""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from trader.errors import ConfigError, DataError

SUFFIX = ".keras"


def sidecar_path(path: Path) -> Path:
    """The JSON metadata file beside model file ``path``."""
    return path.with_suffix(".json")


def versions() -> dict[str, str]:
    """Versions of the libraries a saved model depends on."""
    return {
        "trader": metadata.version("trader"),
        "keras": keras.__version__,
        "tensorflow": tf.__version__,
        "numpy": np.__version__,
    }


def _plain(value: Any) -> Any:
    """JSON fallback for NumPy scalars and arrays; anything else is a caller bug."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"metadata value of type {type(value).__name__} is not JSON serializable")


def save_model(model: keras.Model, path: Path, metadata: dict[str, Any]) -> None:
    """Write ``model`` to ``path`` (``.keras``) and ``metadata`` plus versions to the sidecar."""
    path = Path(path)
    if path.suffix != SUFFIX:
        raise ConfigError(f"{path}: model files must end in {SUFFIX}")
    text = json.dumps({**metadata, "versions": versions()}, indent=2, default=_plain)
    path.parent.mkdir(parents=True, exist_ok=True)
    model.save(path)
    sidecar_path(path).write_text(text + "\n")


def load_model(
    path: Path, *, compile: bool = False, safe_mode: bool = True
) -> tuple[keras.Model, dict[str, Any]]:
    """The model saved at ``path`` and its metadata.

    ``compile=False`` (default) loads for prediction only, which is faster; pass True to get
    the optimizer, loss and metrics back to continue training. ``safe_mode`` (default, and what
    production loading uses) refuses a file that would run arbitrary code (Lambda layers).
    """
    path = Path(path)
    meta_path = sidecar_path(path)
    if not path.exists():
        raise DataError(f"{path}: model file not found")
    if not meta_path.exists():
        raise DataError(f"{meta_path}: model metadata file not found")
    try:
        metadata = json.loads(meta_path.read_text())
    except json.JSONDecodeError as err:
        raise DataError(f"{meta_path}: not valid JSON ({err.msg}, line {err.lineno})") from None
    try:
        model = keras.saving.load_model(path, compile=compile, safe_mode=safe_mode)
    except ValueError as err:
        if "safe_mode" not in str(err):
            raise
        raise DataError(f"{path}: refused by Keras safe mode (the file would run code)") from err
    return model, metadata
