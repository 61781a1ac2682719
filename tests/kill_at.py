"""Run the `trader` command line and SIGKILL this process at a chosen moment (crash tests).

    python tests/kill_at.py MODULE:ATTRIBUTE:WHEN:N trader-arguments...

kills the process just before (``WHEN`` = ``before``) or just after (``after``) the N-th call of
``MODULE.ATTRIBUTE`` (``ATTRIBUTE`` may be ``Class.method``), e.g.
``sqlalchemy.engine.base:Connection._commit_impl:before:1`` or ``os:rename:after:1``. If the
moment never comes the command runs to its end and the exit code says so (the test fails).
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
from typing import Any


def _arm(spec: str) -> None:
    module_name, attribute, when, count = spec.split(":")
    owner: Any = importlib.import_module(module_name)
    *path, name = attribute.split(".")
    for part in path:
        owner = getattr(owner, part)
    original = getattr(owner, name)
    calls = 0

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == int(count) and when == "before":
            os.kill(os.getpid(), signal.SIGKILL)
        result = original(*args, **kwargs)
        if calls == int(count) and when == "after":
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    setattr(owner, name, wrapper)


if __name__ == "__main__":
    _arm(sys.argv[1])
    from trader.cli import main

    sys.argv = ["trader", *sys.argv[2:]]
    main()
