"""report.html: self-contained, names escaped, and rendered by headless Chromium with every
chart visible and no broken image. Distinct lines for every contender in the equity chart."""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from trader.config import ModelConfig, RunConfig, StrategyConfig
from trader.data.ingestion import read_sample
from trader.evaluate import evaluate
from trader.events import quiet
from trader.report import HTML_FILE, build_report, html_report, line_styles, write_report
from trader.report.charts import equity_figure, plt
from trader.signals import contenders

EVIL = "<img src=x onerror=alert(1)>"  # markup where a name goes (a hand-edited report.json)
MODEL = "mymodel7"  # a name found nowhere else in the report, replaced by EVIL below


def _predictions(bars: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    frames = []
    rng = np.random.default_rng(0)
    for ticker, rows in bars.groupby("ticker"):
        rows = rows.sort_values("date")
        fwd = rows["close"].pct_change().shift(-1).to_numpy()
        test = slice(len(rows) - 200, len(rows))
        for name, kind in names.items():
            frames.append(pd.DataFrame({
                "model": name, "kind": kind, "fold": 0, "ticker": ticker,
                "date": rows["date"].to_numpy()[test], "score": rng.uniform(-1, 1, 200),
                "forward_return": fwd[test],
            }))  # fmt: skip
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    """A real report (backtests, verdicts, charts) of random calls, written to a folder."""
    bars = read_sample(["AAPL", "MSFT"]).groupby("ticker").tail(320).reset_index(drop=True)
    config = RunConfig(
        data={"tickers": ["AAPL", "MSFT"]},
        models=[ModelConfig(name=MODEL), ModelConfig(name="dense", kind="dense")],
        strategies=[StrategyConfig(name="ma_cross"), StrategyConfig(name="rci")],
    )
    predictions = _predictions(
        bars, {MODEL: "model", "dense": "model", "linear": "baseline", "always_long": "baseline"}
    )
    entrants = contenders(bars, predictions, config, config.strategies)
    outcome = evaluate(
        bars, entrants, config, start=predictions["date"].min(), end=predictions["date"].max(),
        run_id="bt", progress=quiet,
    )  # fmt: skip
    history = {"loss": [0.7, 0.69, 0.68], "val_loss": [0.71, 0.7, 0.7], "accuracy": [0.5] * 3}
    meta = {
        "config": config.model_dump(mode="json"), "created": "2026-11-24T00:00:00+00:00",
        "protocol": "walk_forward", "samples": [],
        "histories": {MODEL: [history], "dense": [history]},
        "folds": [{"index": 0, "fit_start": "2016-01-04T00:00:00.000", "test_end": "2018-02-07"}],
    }  # fmt: skip
    report = build_report(run_id="run-1", record_id="bt", meta=meta, outcome=outcome)
    directory = tmp_path_factory.mktemp("report")
    write_report(
        report, directory, equity=outcome.equity, histories=meta["histories"],
        predictions=predictions,
    )  # fmt: skip
    return report, directory


def test_page_is_self_contained_and_escapes_names(written: tuple[dict[str, Any], Path]) -> None:
    report, directory = written
    page = (directory / HTML_FILE).read_text()
    assert report["files"]["html"] == str(directory / HTML_FILE)
    assert MODEL in page
    # names are refused at the door (docs/reliability.md); the page escapes them all the same
    evil = json.loads(json.dumps(report).replace(MODEL, EVIL))
    evil_page = html_report(evil, directory)
    assert EVIL not in evil_page and "&lt;img src=x onerror=alert(1)&gt;" in evil_page
    assert MODEL not in evil_page
    assert "<script" not in page and "http://" not in page and "https://" not in page
    assert page.count('src="data:image/png;base64,') == 3
    for marker in ("no predictive edge", "not tradable after costs", "vs buy_and_hold",
                   "McNemar p=", "DSR trials:", "turnover/yr", "Walk-forward folds"):  # fmt: skip
        assert marker in page, marker
    assert html_report(json.loads(json.dumps(report)), directory) == page  # from report.json
    embedded = page.split('src="data:image/png;base64,')[1].split('"')[0]
    assert base64.b64decode(embedded) == (directory / "equity.png").read_bytes()


def test_every_contender_has_its_own_line() -> None:
    names = [f"c{i}" for i in range(45)] + ["buy_and_hold"]
    styles = line_styles(names, frozenset({"c0"}))
    looks = {(s["color"], s["ls"], s["marker"]) for s in styles.values()}
    assert len(looks) == len(names)
    assert styles["buy_and_hold"]["color"] == "black" and styles["c0"]["lw"] > styles["c1"]["lw"]


def test_equity_chart_draws_distinct_lines() -> None:
    days = pd.bdate_range("2020-01-01", periods=30)
    names = [*(f"rule{i}" for i in range(12)), "buy_and_hold", "lstm"]
    equity = {n: pd.Series(np.linspace(1, 1 + i / 10, 30), index=days) for i, n in enumerate(names)}
    fig = equity_figure(equity, "t", frozenset({"lstm"}))
    lines = fig.axes[0].get_lines()
    looks = {(str(line.get_color()), line.get_linestyle()) for line in lines}
    assert len(lines) == len(names) == len(looks)  # no two contenders look alike
    plt.close(fig)


# --- headless Chromium, driven over the DevTools protocol on a pipe ------------------------

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--hide-scrollbars",
    "--remote-debugging-pipe",
]  # fmt: skip
IMAGES = """JSON.stringify({
  images: Array.from(document.images).map(i => ({alt: i.alt, complete: i.complete,
    width: i.naturalWidth, rect: i.getBoundingClientRect().toJSON()})),
  resources: performance.getEntriesByType("resource").map(e => e.name),
  height: document.documentElement.scrollHeight})"""


# A tiny exec wrapper: the browser reads commands on fd 3 and answers on fd 4. Both pipe ends
# are first moved above 9 so that placing one on 3 or 4 cannot clobber the other.
EXEC_WITH_PIPE = """
import fcntl, os, sys
high = [fcntl.fcntl(int(fd), fcntl.F_DUPFD, 10) for fd in sys.argv[1:3]]
for target, fd in zip((3, 4), high):
    os.dup2(fd, target)
os.execv(sys.argv[3], sys.argv[3:])
"""


class DevTools:
    """Chromium's DevTools protocol over ``--remote-debugging-pipe`` (fds 3 and 4)."""

    def __init__(self, executable: str, profile: Path) -> None:
        to_browser, self._write = os.pipe()
        self._read, from_browser = os.pipe()
        self.proc = subprocess.Popen(
            [sys.executable, "-c", EXEC_WITH_PIPE, str(to_browser), str(from_browser), executable,
             *CHROMIUM_FLAGS, f"--user-data-dir={profile}"],
            pass_fds=(to_browser, from_browser), stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self._id = 0
        self.events: list[dict[str, Any]] = []

    def _message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._read], [], [], max(0.0, deadline - time.time()))
            if not ready:
                raise TimeoutError("Chromium did not answer")
            chunk = os.read(self._read, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self._id += 1
        message: dict[str, Any] = {"id": self._id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        deadline = time.time() + 60
        while True:
            reply = self._message(deadline)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply["result"]
                return result
            self.events.append(reply)

    def wait_for(self, event: str, timeout: float = 60) -> None:
        deadline = time.time() + timeout
        while not any(e.get("method") == event for e in self.events):
            self.events.append(self._message(deadline))

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, TimeoutError, OSError):
            self.send("Browser.close")
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        os.close(self._write)
        os.close(self._read)


def _colourful(image: Image.Image) -> float:
    """Share of pixels with visible colour (a chart's lines), not white, grey or black."""
    rgb = np.asarray(image.convert("RGB"), dtype=int)
    spread = rgb.max(axis=2) - rgb.min(axis=2)
    return float((spread > 60).mean())


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium (.ci/run)")
def test_chromium_renders_the_page_with_every_chart(
    written: tuple[dict[str, Any], Path], tmp_path: Path
) -> None:
    _, directory = written
    browser = DevTools(str(shutil.which("chromium")), tmp_path / "profile")
    try:
        target = browser.send("Target.createTarget", url="about:blank")["targetId"]
        session = browser.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        browser.send("Page.enable", session)
        browser.send("Emulation.setDeviceMetricsOverride", session, width=1300, height=900,
                     deviceScaleFactor=1, mobile=False)  # fmt: skip
        browser.send("Page.navigate", session, url=(directory / HTML_FILE).resolve().as_uri())
        browser.wait_for("Page.loadEventFired")
        state = json.loads(
            browser.send("Runtime.evaluate", session, expression=IMAGES, returnByValue=True)[
                "result"
            ]["value"]
        )
        height = int(state["height"])
        shot = browser.send(
            "Page.captureScreenshot", session, format="png", captureBeyondViewport=True,
            clip={"x": 0, "y": 0, "width": 1300, "height": height, "scale": 1},
        )  # fmt: skip
    finally:
        browser.close()
    (tmp_path / "page.png").write_bytes(base64.b64decode(shot["data"]))
    page = Image.open(io.BytesIO(base64.b64decode(shot["data"])))
    images = state["images"]
    assert [i["alt"] for i in images] == [
        "Portfolio value of every contender as growth of 1", "Drawdown from the running peak, "
        "same lines as above", "Training and validation curves per model and fold",
    ]  # fmt: skip
    assert state["resources"] == []  # nothing fetched: the page is self-contained
    for image in images:
        assert image["complete"] and image["width"] > 0, f"broken image: {image['alt']}"
        r = image["rect"]
        assert r["width"] > 300 and r["height"] > 200, f"not shown: {image['alt']}"
        box = (int(r["x"]), int(r["y"]), int(r["x"] + r["width"]), int(r["y"] + r["height"]))
        assert _colourful(page.crop(box)) > 0.002, f"no chart drawn in {image['alt']}"
    # and the rest of the page (verdicts, tables) is there too: text, not an empty canvas
    assert page.size[1] == height > 2000
    top = np.asarray(page.convert("RGB").crop((0, 0, 1300, 400)), dtype=int)
    assert (top.max(axis=2) < 100).mean() > 0.01  # dark text
    red = (abs(top - [0xC0, 0x39, 0x2B]).sum(axis=2) < 30).sum()  # a "no" verdict's border
    assert red > 100
