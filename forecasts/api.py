"""The two public entry points: forecast a date range, and backtest models on a history."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from forecasts import aht, calibration, intervals
from forecasts.backtest import Progress, run_backtest, winners
from forecasts.calendar import weekdays_of
from forecasts.errors import BacktestSkipWarning, ForecastError, ForecastWarning, HistoryGapWarning
from forecasts.models import MODEL_NAMES, MODELS, make_model
from forecasts.panel import day_range, to_frame
from forecasts.prepare import Prepared, prepare
from forecasts.spec import ForecastSpec

COLUMNS = ["interval_start", "channel", "offered", "aht_s", "offered_lo", "offered_hi"]
DAILY_COLUMNS = ["date", "channel", "offered", "offered_lo", "offered_hi"]


@dataclass
class ForecastTables:
    """A forecast per slot (COLUMNS) and per day (DAILY_COLUMNS), the model chosen per channel, and the warnings issued."""

    slots: pd.DataFrame
    daily: pd.DataFrame
    models: dict[str, str]
    warnings: list[ForecastWarning] = field(default_factory=list)
    day_dispersion: dict[str, float] = field(default_factory=dict)  # negative binomial k of daily totals per channel


def forecast(
    history: pd.DataFrame,
    start: dt.date | str,
    weeks: int,
    model: str = "seasonal",
    spec: ForecastSpec | None = None,
) -> pd.DataFrame:
    """Contacts per slot and channel for `weeks` weeks from `start`: the DESIGN.md forecast table (COLUMNS).

    `model` is one of seasonal, mean4, naive, mstl or auto (per channel, the lowest backtest WAPE);
    the chosen model per channel is in `result.attrs["models"]`. aht_s is NaN for a channel whose
    history has no handle times and whose spec gives no aht_s.
    """
    return forecast_tables(history, start, weeks, model, spec).slots


def forecast_tables(
    history: pd.DataFrame,
    start: dt.date | str,
    weeks: int,
    model: str = "seasonal",
    spec: ForecastSpec | None = None,
) -> ForecastTables:
    """The slot and daily forecast tables; each daily interval comes from daily totals, not from summed slot bounds.

    The daily range is a negative binomial interval around the day's total whose dispersion is
    measured on held-out days. Gaps in the history are issued as HistoryGapWarning (and listed).
    """
    spec = spec or ForecastSpec()
    _check_request(model, weeks, spec.interval_level)
    prep = prepare(history, spec)
    issued = _gap_warnings(prep)
    start_day = _start_day(start, prep, spec.max_gap_weeks)
    chosen = _choose_models(prep, model)
    n_days = 7 * weeks
    slots = prep.panel.slots_per_day
    out = {name: np.zeros((len(prep.channels), n_days, slots)) for name in COLUMNS[2:]}
    daily = {name: np.zeros((len(prep.channels), n_days)) for name in DAILY_COLUMNS[2:]}
    k_day = {}
    for i, ch in enumerate(prep.channels):
        series = prep.series[ch]
        horizon = prep.horizon(ch, start_day, n_days)
        mean = make_model(chosen[ch]).fit(series).predict(horizon)
        k = calibration.dispersion(chosen[ch], series, prep, ch)
        k_day[ch] = float(k.day)
        mean *= prep.event_factor(ch, start_day, n_days)[:, None]
        lo, hi = intervals.count_interval(mean, k.slot, spec.interval_level)
        out["offered"][i], out["offered_lo"][i], out["offered_hi"][i] = mean, lo, hi
        out["aht_s"][i] = _aht(prep, i, ch, horizon.holiday, start_day, n_days)
        day_mean = mean.sum(axis=1)
        day_lo, day_hi = intervals.count_interval(day_mean, k.day, spec.interval_level)
        daily["offered"][i], daily["offered_lo"][i], daily["offered_hi"][i] = day_mean, day_lo, day_hi
    frame = to_frame(start_day, prep.panel.slot_minutes, prep.channels, out)[COLUMNS]
    frame.attrs["models"] = dict(chosen)
    return ForecastTables(frame, _daily_frame(start_day, prep.channels, daily), dict(chosen), issued, k_day)


def backtest(
    history: pd.DataFrame,
    weeks: int = 8,
    horizon_weeks: int = 1,
    models: Sequence[str] = ("seasonal", "mean4", "naive"),
    spec: ForecastSpec | None = None,
    on_progress: Progress | None = None,
) -> pd.DataFrame:
    """Rolling-origin scores per model and channel (SCORE_COLUMNS): wape, mase, bias and interval coverages as fractions.

    Models the history is too short for are skipped (BacktestSkipWarning; `result.attrs["skipped"]`).
    """
    spec = spec or ForecastSpec()
    models = list(dict.fromkeys(models))
    for name in models:
        if name == "auto":
            raise ForecastError("'auto' picks a model by backtest; list the models to compare, e.g. seasonal,mean4,naive")
        make_model(name)
    if not models:
        raise ForecastError(f"give at least one model to backtest: {', '.join(MODELS)}")
    return run_backtest(prepare(history, spec), models, weeks, horizon_weeks, on_progress)


def _check_request(model: str, weeks: int, level: float) -> None:
    if model not in MODEL_NAMES:
        raise ForecastError(f"unknown model {model!r}; choose one of {', '.join(MODEL_NAMES)}")
    if not isinstance(weeks, int | np.integer) or weeks < 1:
        raise ForecastError(f"weeks must be a whole number ≥ 1, got {weeks!r}")
    if not 0 < level < 1:
        raise ForecastError(f"interval level must be between 0 and 1 (e.g. 0.8), got {level}")


def _start_day(start: dt.date | str, prep: Prepared, max_gap_weeks: int) -> np.datetime64:
    try:
        day = np.datetime64(pd.Timestamp(start).date(), "D")
    except (ValueError, TypeError) as exc:
        raise ForecastError(f"start {start!r} is not a date (YYYY-MM-DD)") from exc
    last = np.datetime64(prep.last_day, "D")
    first_ok = last + np.timedelta64(1, "D")
    if day < first_ok:
        raise ForecastError(
            f"start {day} is inside the history, which runs to {prep.last_day}; forecasts begin after it: use {first_ok} or later"
        )
    if day > first_ok + np.timedelta64(7 * max_gap_weeks, "D"):
        raise ForecastError(
            f"start {day} is more than {max_gap_weeks} weeks after the history ends ({prep.last_day}); "
            "give a more recent history or an earlier start"
        )
    return day


def _choose_models(prep: Prepared, model: str) -> dict[str, str]:
    if model != "auto":
        return {ch: model for ch in prep.channels}
    n = prep.panel.n_days
    origins = prep.spec.auto_origins
    candidates = [m for m in prep.spec.auto_models if make_model(m).min_history_days + 7 * origins <= n]
    if not candidates:
        return {ch: "seasonal" for ch in prep.channels}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BacktestSkipWarning)
        return winners(run_backtest(prep, candidates, origins, 1, coverage=False))


def _gap_warnings(prep: Prepared) -> list[ForecastWarning]:
    """One HistoryGapWarning per channel whose open slots lack rows, issued and returned."""
    issued: list[ForecastWarning] = []
    for ch in prep.channels:
        gaps = prep.gaps[ch]
        if gaps.missing_slots:
            issued.append(HistoryGapWarning(ch, gaps.missing_slots, gaps.missing_days, prep.panel.slot_minutes))
            warnings.warn(issued[-1], stacklevel=3)
    return issued


def _daily_frame(day0: np.datetime64, channels: list[str], columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """Long daily table (DAILY_COLUMNS, date as datetime.date) from [channel, day] arrays, sorted by date then channel."""
    n_ch, n_days = columns["offered"].shape
    frame = pd.DataFrame({
        "date": np.tile(day_range(day0, n_days).astype(dt.date), n_ch),
        "channel": np.repeat(np.array(channels, dtype=object), n_days),
        **{name: arr.reshape(-1) for name, arr in columns.items()},
    })
    return frame.sort_values(["date", "channel"], kind="stable").reset_index(drop=True)[DAILY_COLUMNS]


def _aht(prep: Prepared, i: int, channel: str, holiday: np.ndarray, day0: np.datetime64, n_days: int) -> np.ndarray:
    panel = prep.panel
    table = aht.fit_aht(
        None if panel.aht_s is None else panel.aht_s[i],
        None if panel.aht_weight is None else panel.aht_weight[i],
        weekdays_of(panel.day0, panel.n_days),
        prep.series[channel].holiday,
        prep.spec.aht_s.get(channel),
    )
    return aht.predict_aht(table, weekdays_of(day0, n_days), holiday, panel.slots_per_day)
