"""Forecast accuracy over open slots: WAPE, bias (both as fractions of actual volume) and MASE."""

from __future__ import annotations

import numpy as np


def wape(actual: np.ndarray, forecast: np.ndarray) -> float:
    """Weighted absolute percentage error: Σ|f − a| / Σa (a fraction; NaN when there is no volume)."""
    total = float(np.sum(actual))
    return float(np.sum(np.abs(forecast - actual))) / total if total > 0 else float("nan")


def bias(actual: np.ndarray, forecast: np.ndarray) -> float:
    """Signed error Σ(f − a) / Σa: positive when the forecast is too high."""
    total = float(np.sum(actual))
    return float(np.sum(forecast - actual)) / total if total > 0 else float("nan")


def seasonal_naive_scale(y: np.ndarray, open_: np.ndarray, lag_days: int = 7, window_days: int = 56) -> float:
    """Mean absolute week-on-week change of y [day, slot] over open slots of the last window_days (the MASE scale)."""
    y, open_ = y[-window_days - lag_days :], open_[-window_days - lag_days :]
    cur, prev = y[lag_days:], y[:-lag_days]
    ok = open_[lag_days:] & open_[:-lag_days] & np.isfinite(cur) & np.isfinite(prev)
    return float(np.mean(np.abs(cur[ok] - prev[ok]))) if ok.any() else float("nan")
