"""`planner forecast` / `planner backtest` and the config → forecast spec translation."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from forecasts import synthetic
from planner.cli.app import main
from planner.cli.common import STATE
from planner.config import load_config
from planner.errors import RequestError
from planner.forecasting import first_day_after, forecast_stage, spec_from_config

START = "2026-11-23"


@pytest.fixture(scope="module")
def history_csv(tmp_path_factory):
    """Six weeks of the four-channel synthetic site (15-minute slots), as a planner would export it."""
    path = tmp_path_factory.mktemp("hist") / "history.csv"
    synthetic.generate(synthetic.four_channel_site(weeks=6), seed=3).to_csv(path, index=False)
    return path


def run(argv: list[str]) -> int:
    try:
        main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    finally:
        STATE.quiet = False
    return 0


def test_forecast_without_config(history_csv, tmp_path, capsys):
    out = tmp_path / "forecast.csv"
    assert run(["forecast", "--history", str(history_csv), "--start", START, "--weeks", "2", "--out", str(out)]) == 0
    fc = pd.read_csv(out, parse_dates=["interval_start"])
    assert list(fc.columns) == ["interval_start", "channel", "offered", "aht_s", "offered_lo", "offered_hi"]
    assert len(fc) == 4 * 14 * 96 and fc.notna().all().all()
    assert "Wrote" in capsys.readouterr().out


def test_forecast_with_demo_config(history_csv, tmp_path, demo_config_path):
    out = tmp_path / "forecast.csv"
    argv = ["--quiet", "forecast", "--history", str(history_csv), "--config", str(demo_config_path), "--start", START,
            "--weeks", "1", "--out", str(out)]
    assert run(argv) == 0
    fc = pd.read_csv(out, parse_dates=["interval_start"])
    t = fc["interval_start"]
    voice = fc[fc["channel"] == "voice"]
    late = voice[(voice["interval_start"].dt.hour >= 20) | (voice["interval_start"].dt.hour < 8)]
    assert (late["offered"] == 0).all()  # the config's voice hours, not the history's
    email_night = fc[(fc["channel"] == "email") & (t.dt.hour == 3)]
    assert (email_night["offered"] > 0).any()  # deferred contacts arrive around the clock


def test_config_campaign_lifts_its_channels_and_dates(history_csv, demo_config_path):
    cfg = load_config(demo_config_path)
    hist = pd.read_csv(history_csv, parse_dates=["interval_start"])
    with_event = forecast_stage(cfg, hist, dt.date(2026, 11, 23), 1)
    without = forecast_stage(cfg.model_copy(update={"forecast": cfg.forecast.model_copy(update={"events": []})}), hist,
                             dt.date(2026, 11, 23), 1)
    ratio = with_event["offered"] / without["offered"].where(without["offered"] > 0)
    # Black Friday offer: chat and social +50% from Friday 27 to Monday 30 November
    dates = with_event["interval_start"].dt.date.isin([dt.date(2026, 11, d) for d in (27, 28, 29)])
    channels = with_event["channel"].isin(["chat", "social"])
    assert ratio[dates & channels].dropna().round(9).eq(1.5).all() and ratio[dates & channels].notna().sum() > 0
    assert ratio[~dates | ~channels].dropna().round(9).eq(1.0).all()


def test_spec_from_config(demo_config_path):
    cfg = load_config(demo_config_path)
    spec = spec_from_config(cfg)
    assert spec.slot_minutes == 15 and spec.channels == ("voice", "chat", "email", "social")
    assert set(spec.open_hours) == {"voice", "chat"}  # deferred channels: arrivals inferred from the history
    assert spec.open_hours["voice"](dt.date(2026, 11, 29)) == (600, 960)  # Sunday
    assert spec.open_hours["voice"](dt.date(2026, 12, 25)) is None  # Christmas: closed
    assert spec.holidays_country == "GB" and spec.interval_level == 0.8
    assert [e.name for e in spec.events][-1] == "Black Friday offer" and spec.events[-1].factor == 1.5
    assert spec.events[-1].channels == ("chat", "social")


def test_backtest_cli(history_csv, tmp_path, capsys):
    out = tmp_path / "backtest.csv"
    argv = ["backtest", "--history", str(history_csv), "--weeks", "2", "--models", "seasonal,mean4,naive", "--out", str(out)]
    assert run(argv) == 0
    scores = pd.read_csv(out)
    assert list(scores.columns) == ["model", "channel", "wape", "mase", "bias", "origins", "slot_coverage",
                                    "daily_coverage", "days"]
    assert len(scores) == 12 and (scores["origins"] == 2).all()
    printed = capsys.readouterr().out
    assert "★" in printed and "WAPE" in printed


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "2026-11-01"], "inside the history"),
        (["--start", START, "--model", "prophet"], "unknown model 'prophet'; choose one of seasonal, mean4, naive, mstl, auto"),
        (["--start", "23/11/2026"], "not a date"),
    ],
)
def test_forecast_bad_requests_exit_2(history_csv, tmp_path, capsys, args, message):
    out = tmp_path / "f.csv"
    assert run(["forecast", "--history", str(history_csv), "--out", str(out), *args]) == 2
    err = capsys.readouterr().err
    assert message in " ".join(err.split()) and "Traceback" not in err
    assert not out.exists()


def test_history_too_short_exits_2(tmp_path, capsys):
    path = tmp_path / "short.csv"
    synthetic.generate(synthetic.four_channel_site(weeks=2), seed=1).to_csv(path, index=False)
    assert run(["forecast", "--history", str(path), "--start", START, "--model", "mean4", "--out", str(tmp_path / "f.csv")]) == 2
    assert "needs at least 22 days" in " ".join(capsys.readouterr().err.split())
    assert run(["backtest", "--history", str(path), "--weeks", "8", "--models", "seasonal,mean4",
                "--out", str(tmp_path / "b.csv")]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "too few to backtest any of seasonal, mean4" in err and "'seasonal' needs at least 21 days" in err
    assert "--weeks" not in err  # fewer origins cannot help: one origin is already too many


def test_missing_history_is_a_request_error(tmp_path):
    with pytest.raises(RequestError):
        forecast_stage(None, pd.DataFrame({"interval_start": [], "channel": [], "offered": []}), dt.date(2026, 1, 1), 1)


def test_first_day_after(history_csv):
    hist = pd.read_csv(history_csv, parse_dates=["interval_start"])
    assert first_day_after(hist) == dt.date(2026, 11, 23)
