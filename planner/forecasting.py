"""The forecast stage of the planner: site config → forecasts.ForecastSpec, and the two calls the pipeline makes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

import forecasts
from planner.calendar import day_window
from planner.config import Config
from planner.errors import RequestError
from planner.io.tables import read_table
from planner.io.validation import Checker, Col


def spec_from_config(config: Config | None, model_choices: Sequence[str] | None = None) -> forecasts.ForecastSpec:
    """The forecast spec a config implies (slot length, channels, open hours, holidays, events, interval level).

    Without a config everything is inferred from the history. Immediate channels follow the
    configured opening hours (holidays applied); deferred channels (email, social) take arrivals
    around the clock, so their arriving slots are inferred from the history.
    """
    if config is None:
        return forecasts.ForecastSpec()
    hours = {ch.name: _hours_fn(config, ch.name) for ch in config.channels if ch.kind == "immediate"}
    holidays = config.site.holidays
    fs = config.forecast
    events = tuple(
        forecasts.EventSpec(
            name=e.name,
            start=e.start,
            end=e.end,
            factor=e.factor,
            channels=None if e.channels == "all" else tuple(e.channels),
            ramp_days=e.ramp_days,
            decay_days=e.decay_days,
        )
        for e in fs.events
    )
    return forecasts.ForecastSpec(
        slot_minutes=config.site.slot_minutes,
        channels=tuple(config.channel_names),
        open_hours=hours,
        holidays_country=holidays.country if holidays else None,
        holidays_subdivision=holidays.subdivision if holidays else None,
        events=events,
        interval_level=fs.interval_level,
        aht_s={ch.name: ch.aht_s for ch in config.channels},
        history_weeks=fs.history_weeks,
        **({"auto_models": tuple(model_choices)} if model_choices else {}),
    )


def forecast_stage(
    config: Config | None,
    history: pd.DataFrame,
    start: dt.date,
    weeks: int = 1,
    model: str | None = None,
) -> pd.DataFrame:
    """Forecast table (interval_start, channel, offered, aht_s, offered_lo, offered_hi) for `weeks` weeks from start.

    The model defaults to the config's forecast.model (else 'seasonal'); bad requests raise RequestError.
    aht_s is empty for a channel without handle times in the history when no config gives one.
    """
    return forecast_tables_stage(config, history, start, weeks, model).slots


def forecast_tables_stage(
    config: Config | None,
    history: pd.DataFrame,
    start: dt.date,
    weeks: int = 1,
    model: str | None = None,
) -> forecasts.ForecastTables:
    """The slot forecast and the daily one (date, channel, offered, offered_lo, offered_hi), as forecast_stage.

    Gaps in the history are issued as forecasts.HistoryGapWarning (a Python warning the CLI prints).
    """
    name = model or (config.forecast.model if config is not None else "seasonal")
    try:
        return forecasts.forecast_tables(history, start, weeks, model=name, spec=spec_from_config(config))
    except forecasts.ForecastError as exc:
        raise RequestError(str(exc)) from exc


def daily_path(forecast_path: str | Path) -> Path:
    """Where the daily forecast goes beside a slot forecast file: forecast.csv → forecast_daily.csv."""
    path = Path(forecast_path)
    return path.with_name(f"{path.stem}_daily{path.suffix}")


DAILY_CONTRACT = [
    Col("date", "date"),
    Col("channel", "str"),
    Col("offered", "float", min=0),
    Col("offered_lo", "float", min=0),
    Col("offered_hi", "float", min=0),
]


def read_forecast_daily(path: str | Path) -> pd.DataFrame:
    """Read and validate a daily forecast file (date, channel, offered, offered_lo, offered_hi; contacts per day)."""
    df, lines = read_table(path)
    chk = Checker(df, path, lines)
    chk.require_columns(DAILY_CONTRACT, "daily forecast")
    out = chk.parse(DAILY_CONTRACT)
    chk.add((out["offered_lo"] > out["offered_hi"]).to_numpy(dtype=bool), "offered_lo", out["offered_lo"],
            "offered_lo ≤ offered_hi")
    chk.raise_if_any("daily forecast")
    return out


def backtest_stage(
    config: Config | None,
    history: pd.DataFrame,
    weeks: int | None = None,
    horizon_weeks: int | None = None,
    models: Sequence[str] = ("seasonal", "mean4", "naive"),
    on_progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Backtest table (forecasts.SCORE_COLUMNS); weeks/horizon default to the config's forecast settings.

    Models the history is too short for are skipped with a forecasts.BacktestSkipWarning.
    """
    fs = config.forecast if config is not None else None
    weeks = weeks if weeks is not None else (fs.backtest_weeks if fs else 8)
    horizon_weeks = horizon_weeks if horizon_weeks is not None else (fs.horizon_weeks if fs else 1)
    try:
        return forecasts.backtest(history, weeks, horizon_weeks, models=tuple(models), spec=spec_from_config(config),
                                  on_progress=on_progress)
    except forecasts.ForecastError as exc:
        raise RequestError(str(exc)) from exc


def first_day_after(history: pd.DataFrame) -> dt.date:
    """The day after the history's last interval: the earliest start a forecast accepts."""
    if history.empty:
        raise RequestError("the history is empty")
    return (pd.Timestamp(history["interval_start"].max()).normalize() + pd.Timedelta(days=1)).date()


def winners(scores: pd.DataFrame) -> dict[str, str]:
    """Per channel, the model with the lowest WAPE in a backtest table."""
    return forecasts.backtest_winners(scores)


def _hours_fn(config: Config, channel: str) -> Callable[[dt.date], tuple[int, int] | None]:
    def hours(day: dt.date) -> tuple[int, int] | None:
        return day_window(config, day, channel)

    return hours
