"""The strategy interface: finding strategy files, validating parameters and outputs, helpers."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from trader.errors import ConfigError
from trader.paths import PROJECT_DIR
from trader.signals.loader import available, describe, load, strategies_dir
from trader.signals.strategy import StrategyError, hold_positions

MINIMAL = '''
"""A user strategy."""

from __future__ import annotations

import pandas as pd
from pydantic import Field

from trader.signals.strategy import Strategy, StrategyParams


class UpDayParams(StrategyParams):
    size: float = Field(1.0, gt=0.0, le=1.0, description="position size")


class UpDay(Strategy):
    """Long after an up day.

    More words.
    """

    name = "up_day"
    Params = UpDayParams

    def ticker_targets(self, frame: pd.DataFrame, scores: pd.Series | None) -> pd.Series:
        up = frame["close"] > frame["close"].shift(1)
        return up.astype(float) * self.params.size
'''


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRADER_STRATEGIES_DIR", str(tmp_path))
    return tmp_path


def bars(closes: list[float], ticker: str = "AAA") -> pd.DataFrame:
    close = np.asarray(closes, dtype=float)
    return pd.DataFrame(
        {
            "ticker": ticker,
            "date": pd.bdate_range("2024-01-01", periods=len(close)),
            "open": close,
            "high": close,
            "low": close,
            "close": close,
            "volume": 1.0,
        }
    )


def test_default_folder_is_the_projects(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRADER_STRATEGIES_DIR", raising=False)
    assert strategies_dir() == PROJECT_DIR / "strategies"


def test_dropped_file_is_found(folder: Path) -> None:
    write(folder, "up_day.py", MINIMAL)
    write(folder, "_helpers.py", "raise RuntimeError('never imported')\n")
    assert list(available()) == ["up_day"]
    strategy = load("up_day", {"size": 0.5})
    both = pd.concat([bars([1, 2, 1, 3]), bars([5, 4, 6], ticker="BBB")])
    targets = strategy.targets(both)
    assert list(targets.columns) == ["AAA", "BBB"]
    assert targets["AAA"].tolist() == [0, 0.5, 0, 0.5]
    assert targets["BBB"].tolist() == [0, 0, 0.5, 0]  # no bar on the 4th day: 0
    [info] = describe()
    assert (info.name, info.summary, info.needs_scores) == (
        "up_day",
        "Long after an up day.",
        False,
    )
    assert [(p.name, p.type, p.default, p.description) for p in info.params] == [
        ("size", "float", 1.0, "position size")
    ]


def test_edited_file_is_reloaded(folder: Path) -> None:
    path = write(folder, "up_day.py", MINIMAL)
    assert load("up_day").params.size == 1.0
    path.write_text(textwrap.dedent(MINIMAL).replace("Field(1.0,", "Field(0.25,"))
    assert load("up_day").params.size == 0.25


def test_unknown_name_suggests(folder: Path) -> None:
    write(folder, "up_day.py", MINIMAL)
    with pytest.raises(ConfigError, match=r"unknown strategy 'up_dya' \(did you mean 'up_day'\?\)"):
        load("up_dya")


def test_unknown_built_in_name_suggests(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRADER_STRATEGIES_DIR", raising=False)
    with pytest.raises(ConfigError, match=r"did you mean 'granville'\?"):
        load("granvile")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"sise": 1}, r"^strategy 'up_day': unknown parameter 'sise' \(did you mean 'size'\?\)$"),
        ({"size": 2}, r"^strategy 'up_day': parameter 'size': .*less than or equal to 1 \(got 2\)"),
        ({"size": "big"}, r"^strategy 'up_day': parameter 'size': .*number.* \(got 'big'\)$"),
        ([1, 2], r"^strategy 'up_day': params must be a mapping"),
    ],
)
def test_bad_params(folder: Path, params: object, message: str) -> None:
    write(folder, "up_day.py", MINIMAL)
    with pytest.raises(ConfigError, match=message) as caught:
        load("up_day", params)  # type: ignore[arg-type]
    assert "\n" not in str(caught.value)


def test_built_in_param_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRADER_STRATEGIES_DIR", raising=False)
    with pytest.raises(
        ConfigError, match=r"unknown parameter 'entry_pc' \(did you mean 'entry_pct'"
    ):
        load("bnf_deviation", {"entry_pc": 5})
    with pytest.raises(ConfigError, match=r"^strategy 'granville': parameter 'ma': "):
        load("granville", {"ma": 1})
    with pytest.raises(ConfigError, match=r"^strategy 'model_threshold': parameter 'min_hold'"):
        load("model_threshold", {"min_hold": -1})


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("def broken(:\n", "SyntaxError"),
        ("import no_such_module_here\n", "ModuleNotFoundError"),
        ("raise ValueError('boom\\nsecond line')\n", "ValueError: boom)"),
    ],
)
def test_broken_file_is_named(folder: Path, text: str, problem: str) -> None:
    path = write(folder, "broken.py", text)
    with pytest.raises(ConfigError) as caught:
        available()
    message = str(caught.value)
    assert str(path) in message and problem in message and "\n" not in message


def test_duplicate_names_name_both_files(folder: Path) -> None:
    write(folder, "a.py", MINIMAL)
    write(folder, "b.py", MINIMAL)
    with pytest.raises(ConfigError, match="'up_day' is defined twice") as caught:
        available()
    assert str(folder / "a.py") in str(caught.value) and str(folder / "b.py") in str(caught.value)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (('name = "up_day"', 'name = "up day"'), "needs a name"),
        (("Params = UpDayParams", "Params = dict"), "Params must be a pydantic model"),
        (("(StrategyParams)", "(BaseModel)"), "Params must forbid unknown parameters"),
        (("def ticker_targets", "def other"), "must define ticker_targets"),
    ],
)
def test_malformed_class_is_named(folder: Path, change: tuple[str, str], problem: str) -> None:
    text = MINIMAL.replace(*change).replace("import Field", "import BaseModel, Field")
    write(folder, "up_day.py", text)
    with pytest.raises(ConfigError, match=problem) as caught:
        available()
    assert "up_day.py: class UpDay" in str(caught.value)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (
            "return frame['close'] * 0 + 2.0",
            r"target 2.0 on 2024-01-01 is not a number in \[-1, 1\]",
        ),
        ("return frame['close'] * float('nan')", "target nan on 2024-01-01"),
        ("return frame['close'].iloc[1:] * 0", "exactly the ticker's dates"),
        ("return [0.0] * len(frame)", "must be a Series, got list"),
    ],
)
def test_invalid_targets_name_the_strategy(folder: Path, body: str, problem: str) -> None:
    rule = '        up = frame["close"] > frame["close"].shift(1)\n'
    text = MINIMAL.replace(rule, "").replace("return up.astype(float) * self.params.size", body)
    write(folder, "up_day.py", text)
    with pytest.raises(StrategyError, match=problem) as caught:
        load("up_day").targets(bars([1.0, 2.0, 3.0]))
    assert str(caught.value).startswith("strategy 'up_day': AAA: ")


def test_numpy_output_is_accepted(folder: Path) -> None:
    text = MINIMAL.replace(
        "return up.astype(float) * self.params.size", "return up.to_numpy(dtype=float)"
    )
    write(folder, "up_day.py", text)
    assert load("up_day").targets(bars([1.0, 2.0, 1.0]))["AAA"].tolist() == [0, 1, 0]


def test_describe_lists_the_built_ins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRADER_STRATEGIES_DIR", raising=False)
    infos = {info.name: info for info in describe()}
    assert infos["model_threshold"].needs_scores and not infos["granville"].needs_scores
    defaults = {p.name: p.default for p in infos["bnf_deviation"].params}
    assert defaults == {"ma": 25, "entry_pct": 10.0, "max_hold": 10}
    assert all(info.summary for info in infos.values())


def test_strategies_import_neither_backtrader_nor_keras() -> None:
    code = (
        "import sys\n"
        "from trader.signals.loader import available\n"
        "assert len(available()) >= 7\n"
        "bad = [m for m in ('backtrader', 'keras', 'tensorflow') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "TRADER_STRATEGIES_DIR"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, env=env
    )
    assert done.returncode == 0, done.stderr


# ------------------------------------------------------------------------------ hold_positions


def run(entries: list[float], exits: list[int], **kw: int | None) -> list[float]:
    return hold_positions(np.array(entries), np.array(exits, dtype=bool), **kw).tolist()  # type: ignore[arg-type]


def test_hold_positions_entry_exit() -> None:
    assert run([0, 1, 1, 0, 0, 0], [1, 0, 1, 0, 1, 1]) == [0, 1, 0, 0, 0, 0]
    # an exit on the entry day is not looked at; entries while long change nothing
    assert run([1, 1, 0, 0], [1, 0, 0, 1]) == [1, 1, 1, 0]


def test_hold_positions_max_hold_and_reentry() -> None:
    assert run([1, 1, 1, 1, 1, 1], [0] * 6, max_hold=2) == [1, 1, 0, 1, 1, 0]
    assert run([1, 0, 0, 0, 0], [0, 0, 0, 0, 0], max_hold=None) == [1, 1, 1, 1, 1]


def test_hold_positions_min_hold_and_flips() -> None:
    entries = [1, 0, -1, 0, -1, 0, 1]
    exits = [0, 1, 0, 1, 0, 0, 0]
    assert run(entries, exits) == [1, 0, -1, 0, -1, -1, 1]
    assert run(entries, exits, min_hold=3) == [1, 1, 1, 0, -1, -1, -1]
    # max_hold wins over min_hold
    assert run([1, 0, 0, 0], [0, 1, 1, 1], min_hold=3, max_hold=2) == [1, 1, 0, 0]


def test_hold_positions_fractions_nan_and_shapes() -> None:
    assert run([np.nan, 0.5, -0.25, 0], [0, 0, 0, 0]) == [0, 0.5, -0.25, -0.25]
    with pytest.raises(ValueError, match="same length"):
        run([1, 0], [0])
    with pytest.raises(ValueError, match="max_hold"):
        run([1, 0], [0, 0], max_hold=0)


def test_docs_example_strategy_works(folder: Path) -> None:
    text = (PROJECT_DIR / "docs" / "strategies.md").read_text()
    start = text.index('```python\n"""RSI dip') + len("```python\n")
    write(folder, "rsi_dip.py", text[start : text.index("```", start)])
    strategy = load("rsi_dip", {"days": 3, "max_hold": 2})
    closes = [10.0, 9, 8, 7, 8, 9, 10, 11, 12, 11, 10, 9, 8, 9]
    target = strategy.targets(bars(closes))["AAA"]
    assert set(target.unique()) == {0.0, 1.0}
    with pytest.raises(ConfigError, match="buy_below must be below sell_above"):
        load("rsi_dip", {"buy_below": 60})
