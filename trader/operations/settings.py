"""Settings of the unattended service, as plain data read from one YAML file.

```yaml
exchange: XNYS                # exchange_calendars name: sessions and the time zone of `at`
update:                       # bringing prices up to date before signals
  enabled: true
  source: null                # null: each production model's own source (sample | csv | yahoo)
  csv_dir: null               # the folder read when the source is csv
  requests_per_minute: 30     # Yahoo pacing
  retries: 4                  # per ticker, on rate-limit and network errors
  backoff_seconds: 2.0        # first wait; doubles on each retry
  overlap_days: 10            # stored calendar days fetched again to catch restatements
quality:                      # the data-quality gate before predicting
  max_stale_sessions: 0       # sessions the last bar may lag behind the signal date
  max_jump: 0.35              # |close / previous close - 1| above this is refused
  lookback_sessions: null     # sessions checked (null: the model's window length + 1)
  calendar_start: "1990-01-01"  # exchange_calendars covers 20 years by default
  restatement_tolerance: 1e-4   # relative change of a stored price counted as restated
notify:
  webhook: null               # POST the day's signals and reconciliation as JSON
  timeout_seconds: 10
  retries: 3
jobs:                         # see trader.operations.jobs for the kinds
  - {name: daily-signals, kind: signals, at: "17:30", days: sessions}
```
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, field_validator, model_validator

from trader.config import StrictModel, parse_section
from trader.errors import ConfigError, unknown

JobKind = Literal["signals", "retrain", "backtest", "update", "verify"]
SourceName = Literal["sample", "csv", "yahoo"]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class UpdateSettings(StrictModel):
    enabled: bool = True
    source: SourceName | None = None
    csv_dir: str | None = None
    requests_per_minute: float = Field(30.0, gt=0.0)
    retries: int = Field(4, ge=0, le=20)
    backoff_seconds: float = Field(2.0, ge=0.0)
    overlap_days: int = Field(10, ge=0, le=366)


class QualitySettings(StrictModel):
    max_stale_sessions: int = Field(0, ge=0)
    max_jump: float = Field(0.35, gt=0.0)
    lookback_sessions: int | None = Field(None, ge=2)
    calendar_start: str = "1990-01-01"
    restatement_tolerance: float = Field(1e-4, ge=0.0)


class NotifySettings(StrictModel):
    webhook: str | None = None
    timeout_seconds: float = Field(10.0, gt=0.0)
    retries: int = Field(3, ge=0, le=10)
    backoff_seconds: float = Field(1.0, ge=0.0)

    @field_validator("webhook")
    @classmethod
    def _http(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError(f"webhook must be an http:// or https:// URL, got {value!r}")
        return value


class JobSettings(StrictModel):
    """One scheduled job. ``at``/``days`` is the usual form; ``cron`` (APScheduler cron fields,
    e.g. ``{day_of_week: mon-fri, hour: 17, minute: 30}``) replaces both."""

    name: str = Field(min_length=1, max_length=64)
    kind: JobKind
    at: str = "17:30"
    days: str = "sessions"  # sessions (exchange trading days) | daily | mon-fri | sat | ...
    cron: dict[str, str | int] | None = None
    catch_up: bool = True  # started after today's time: run it now (still once a day)
    # a claim whose run has not ended after this long belongs to a dead scheduler: claim again
    timeout_minutes: int = Field(240, ge=1, le=7 * 24 * 60)
    config: str | None = None  # run config (retrain, backtest)
    model: str | None = None  # retrain: the model of the config to promote
    tickers: list[str] | None = None  # update, verify: default every production ticker

    @field_validator("at")
    @classmethod
    def _clock(cls, value: str) -> str:
        hour, sep, minute = value.partition(":")
        ok = sep and hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60
        if not ok:
            raise ValueError(f"expected HH:MM (exchange time), got {value!r}")
        return value

    @field_validator("days")
    @classmethod
    def _days(cls, value: str) -> str:
        if value in ("sessions", "daily"):
            return value
        for part in value.replace("-", ",").split(","):
            if part.strip() not in WEEKDAYS:
                raise ValueError(
                    f"days: expected sessions, daily or weekdays like mon-fri, got {value!r}"
                )
        return value

    @model_validator(mode="after")
    def _needs_config(self) -> JobSettings:
        if self.kind in ("retrain", "backtest") and self.config is None:
            raise ValueError(f"job '{self.name}': kind {self.kind} needs a config (a YAML path)")
        return self


class ServiceSettings(StrictModel):
    exchange: str = "XNYS"
    update: UpdateSettings = Field(default_factory=UpdateSettings)
    quality: QualitySettings = Field(default_factory=QualitySettings)
    notify: NotifySettings = Field(default_factory=NotifySettings)
    jobs: list[JobSettings] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_jobs(self) -> ServiceSettings:
        names = [j.name for j in self.jobs]
        if len(set(names)) != len(names):
            raise ValueError(f"job names must be unique, got {names}")
        return self

    def job(self, name: str) -> JobSettings:
        """The job called ``name`` (an unknown name gets "did you mean")."""
        for job in self.jobs:
            if job.name == name:
                return job
        raise unknown("job", name, [j.name for j in self.jobs])


def load_settings(source: ServiceSettings | dict[str, Any] | Path | str | None) -> ServiceSettings:
    """Settings from a YAML file, a mapping, an instance or the defaults (``None``)."""
    if source is None:
        return ServiceSettings()
    if isinstance(source, ServiceSettings | dict):
        return parse_section(ServiceSettings, source, "service settings")
    path = Path(source)
    if not path.exists():
        raise ConfigError(f"{path}: service settings file not found")
    try:
        raw = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as err:
        raise ConfigError(f"{path}: not valid YAML ({err.__class__.__name__})") from None
    return parse_section(ServiceSettings, raw, str(path))
