"""Interval calibration: the over-dispersion of a model's errors on held-out days, per slot and per day."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from forecasts import intervals
from forecasts.errors import ForecastError
from forecasts.models import Model, make_model
from forecasts.panel import Series
from forecasts.prepare import Prepared

CALIBRATION_DAYS = 14  # held-out days that measure the over-dispersion of the intervals
MIN_CALIBRATION_DAYS = 7
FALLBACK_DISPERSION = 0.05  # when the history is too short to hold out a week


@dataclass(frozen=True)
class Dispersion:
    """Negative binomial k (Var = μ + kμ²) of slot counts and of daily totals."""

    slot: float
    day: float


def dispersion(name: str, series: Series, prep: Prepared, channel: str,
               fit: Callable[[int], Model] | None = None) -> Dispersion:
    """k of slot counts and of daily totals from the model fitted without the last CALIBRATION_DAYS days of series.

    A history too short for that holds out fewer days, at least MIN_CALIBRATION_DAYS (else FALLBACK_DISPERSION).
    Only observed open slots count; a day counts toward the daily k when all its open slots were observed.
    `fit(n_days)` may supply the model fitted on the first n_days days (a backtest reuses its fits).
    """
    # a short history holds out fewer days (at least a week) so the model can still be fitted on the rest
    hold = min(CALIBRATION_DAYS, series.n_days - make_model(name).min_history_days)
    if hold < MIN_CALIBRATION_DAYS:
        return Dispersion(FALLBACK_DISPERSION, FALLBACK_DISPERSION)
    cut = series.n_days - hold
    try:
        model = fit(cut) if fit is not None else make_model(name).fit(series.head(cut))
    except ForecastError:
        return Dispersion(FALLBACK_DISPERSION, FALLBACK_DISPERSION)
    day0 = series.day0 + np.timedelta64(cut, "D")
    horizon = prep.horizon(channel, day0, hold)
    mean = model.predict(horizon)
    actual = series.y[cut:]
    observed = series.observed[cut:] & ~series.excluded[cut:, None]
    ok = horizon.open & observed
    k_slot = intervals.dispersion(actual[ok], mean[ok]) if ok.any() else FALLBACK_DISPERSION
    days = horizon.open.any(axis=1) & (observed | ~horizon.open).all(axis=1)
    if days.sum() < 3:
        return Dispersion(k_slot, max(k_slot, FALLBACK_DISPERSION))
    day_actual = np.where(horizon.open, actual, 0.0)[days].sum(axis=1)
    day_mean = mean[days].sum(axis=1)
    return Dispersion(k_slot, intervals.dispersion(day_actual, day_mean))
