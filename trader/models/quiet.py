"""Import TensorFlow and Keras without their start-up noise on the terminal.

TensorFlow 2.21 writes oneDNN and CUDA notices to file descriptor 2 before its logging is set
up, so ``TF_CPP_MIN_LOG_LEVEL`` cannot hide them. They are captured while TensorFlow imports
and dropped, unless the import fails: then they are written out before the error is raised.
With ``TF_CPP_MIN_LOG_LEVEL`` set below 2 by the user, nothing is held back.
"""

from __future__ import annotations

import importlib
import os
import sys
import tempfile


def import_quietly() -> None:
    """Import ``tensorflow`` and ``keras`` (once), holding back their start-up banner."""
    if "keras" in sys.modules and "tensorflow" in sys.modules:
        return
    if os.environ.get("TF_CPP_MIN_LOG_LEVEL", "0") in ("0", "1"):
        _import_all()
        return
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with tempfile.TemporaryFile() as held:
            os.dup2(held.fileno(), 2)
            try:
                _import_all()
            except BaseException:
                os.dup2(saved, 2)
                held.seek(0)
                sys.stderr.write(held.read().decode(errors="replace"))
                raise
            finally:
                os.dup2(saved, 2)
    finally:
        os.close(saved)


def _import_all() -> None:
    tf = importlib.import_module("tensorflow")
    importlib.import_module("keras")
    tf.get_logger().setLevel("ERROR")  # e.g. retracing notices; errors still raise
