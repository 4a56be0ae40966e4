"""The two public entry points: forecast a date range, and backtest models on a history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from forecasts import aht, intervals
from forecasts.backtest import Progress, run_backtest, winners
from forecasts.calendar import weekdays_of
from forecasts.errors import ForecastError
from forecasts.models import MODEL_NAMES, MODELS, make_model
from forecasts.panel import Series, to_frame
from forecasts.prepare import Prepared, prepare
from forecasts.spec import ForecastSpec

COLUMNS = ["interval_start", "channel", "offered", "aht_s", "offered_lo", "offered_hi"]
CALIBRATION_DAYS = 14  # held-out days that measure the over-dispersion of the intervals
FALLBACK_DISPERSION = 0.05


def forecast(
    history: pd.DataFrame,
    start: dt.date | str,
    weeks: int,
    model: str = "seasonal",
    spec: ForecastSpec | None = None,
) -> pd.DataFrame:
    """Contacts per slot and channel for `weeks` weeks from `start`: the DESIGN.md forecast table (COLUMNS).

    `model` is one of seasonal, mean4, naive, mstl or auto (per channel, the lowest backtest WAPE);
    the chosen model per channel is in `result.attrs["models"]`.
    """
    spec = spec or ForecastSpec()
    _check_request(model, weeks, spec.interval_level)
    prep = prepare(history, spec)
    start_day = _start_day(start, prep, spec.max_gap_weeks)
    chosen = _choose_models(prep, model)
    n_days = 7 * weeks
    slots = prep.panel.slots_per_day
    out = {name: np.zeros((len(prep.channels), n_days, slots)) for name in COLUMNS[2:]}
    for i, ch in enumerate(prep.channels):
        series = prep.series[ch]
        horizon = prep.horizon(ch, start_day, n_days)
        mean = make_model(chosen[ch]).fit(series).predict(horizon)
        k = _dispersion(chosen[ch], series, prep, ch)
        mean *= prep.event_factor(ch, start_day, n_days)[:, None]
        lo, hi = intervals.count_interval(mean, k, spec.interval_level)
        out["offered"][i], out["offered_lo"][i], out["offered_hi"][i] = mean, lo, hi
        out["aht_s"][i] = _aht(prep, i, ch, horizon.holiday, start_day, n_days)
    frame = to_frame(start_day, prep.panel.slot_minutes, prep.channels, out)[COLUMNS]
    frame.attrs["models"] = dict(chosen)
    return frame


def backtest(
    history: pd.DataFrame,
    weeks: int = 8,
    horizon_weeks: int = 1,
    models: Sequence[str] = ("seasonal", "mean4", "naive"),
    spec: ForecastSpec | None = None,
    on_progress: Progress | None = None,
) -> pd.DataFrame:
    """Rolling-origin scores per model and channel: columns model, channel, wape, mase, bias (fractions), origins."""
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
    return winners(run_backtest(prep, candidates, origins, 1))


def _dispersion(name: str, series: Series, prep: Prepared, channel: str) -> float:
    """Over-dispersion of the model's errors over the last CALIBRATION_DAYS days when fitted without them."""
    cut = series.n_days - CALIBRATION_DAYS
    try:
        model = make_model(name).fit(series.head(cut))
    except ForecastError:
        return FALLBACK_DISPERSION
    day0 = series.day0 + np.timedelta64(cut, "D")
    horizon = prep.horizon(channel, day0, CALIBRATION_DAYS)
    mean = model.predict(horizon)
    actual = series.y[cut:]
    ok = horizon.open & np.isfinite(actual) & ~series.excluded[cut:, None]
    return intervals.dispersion(actual[ok], mean[ok]) if ok.any() else FALLBACK_DISPERSION


def _aht(prep: Prepared, i: int, channel: str, holiday: np.ndarray, day0: np.datetime64, n_days: int) -> np.ndarray:
    panel = prep.panel
    table = aht.fit_aht(
        None if panel.aht_s is None else panel.aht_s[i],
        None if panel.aht_weight is None else panel.aht_weight[i],
        weekdays_of(panel.day0, panel.n_days),
        prep.series[channel].holiday,
        prep.spec.aht_s.get(channel),
        channel,
    )
    return aht.predict_aht(table, weekdays_of(day0, n_days), holiday, panel.slots_per_day)
