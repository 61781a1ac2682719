"""Optional notification: POST a JSON payload to a webhook, with retries and a timeout.

Standard library only (``urllib``). A failure never stops the job: it is returned (and the
scheduler records it in the job run's summary). Retried: network errors, timeouts, HTTP 429 and
5xx; any other HTTP error is final at once.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

from trader.operations.pacing import Sleep
from trader.operations.settings import NotifySettings
from trader.report import json_safe


def post_json(
    settings: NotifySettings, payload: dict[str, Any], *, sleep: Sleep = time.sleep
) -> dict[str, Any]:
    """POST ``payload`` to ``settings.webhook``; says how it went: sent, failed or off."""
    if settings.webhook is None:
        return {"status": "off"}
    body = json.dumps(json_safe(payload), default=str, allow_nan=False).encode()
    error = ""
    attempt = 0
    for attempt in range(1, settings.retries + 2):
        request = urllib.request.Request(
            settings.webhook,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "User-Agent": "trader-scheduler"},
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.timeout_seconds) as answer:
                return {"status": "sent", "attempts": attempt, "http_status": int(answer.status)}
        except urllib.error.HTTPError as err:
            error = f"HTTP {err.code} {err.reason}"
            if err.code != 429 and err.code < 500:
                break
        except (urllib.error.URLError, TimeoutError, OSError) as err:
            reason = getattr(err, "reason", err)
            error = f"{type(reason).__name__}: {reason}"
        if attempt <= settings.retries:
            sleep(settings.backoff_seconds * 2 ** (attempt - 1))
    return {"status": "failed", "attempts": attempt, "error": error}
