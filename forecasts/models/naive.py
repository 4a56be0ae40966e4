"""The planner's usual baselines: copy last week (`naive`) and average the last four weeks (`mean4`)."""

from __future__ import annotations

import numpy as np

from forecasts.models.base import Model
from forecasts.panel import Horizon, Series


class SeasonalMean(Model):
    """Mean of the same slot over the last `weeks` same-weekday days that have data (weeks=1: seasonal naive)."""

    def __init__(self, weeks: int = 4) -> None:
        self.weeks = weeks
        self.name = "naive" if weeks == 1 else f"mean{weeks}"
        # the oldest of the weeks may be partial (a history ending on a Friday has four Mondays in 26 days)
        self.min_history_days = max(7, 7 * weeks - 6)

    def _fit(self, series: Series) -> None:
        self.by_phase_ = _last_weeks_mean(series.y, series.open, series.excluded, self.weeks)

    def _predict(self, horizon: Horizon, gap_days: int) -> np.ndarray:
        phase = (self.n_days_ + gap_days + np.arange(horizon.n_days)) % 7
        return self.by_phase_[phase]


def Naive() -> SeasonalMean:  # noqa: N802 - a named constructor reads like the other model classes
    """Seasonal naive: the same slot one week earlier."""
    return SeasonalMean(weeks=1)


def _last_weeks_mean(y: np.ndarray, open_: np.ndarray, excluded: np.ndarray, weeks: int) -> np.ndarray:
    """Slot means [phase, slot] over the last `weeks` same-weekday days with data; phase = day index mod 7.

    Event days are skipped while enough other days remain."""
    n_days, slots = y.shape
    out = np.zeros((7, slots))
    has_data = np.isfinite(y).all(axis=1) & open_.any(axis=1)
    for k in range(7):
        day = n_days - 1 - k  # the last day whose weekday is (last weekday - k)
        candidates = np.arange(day, -1, -7)
        usable = candidates[has_data[candidates] & ~excluded[candidates]]
        if len(usable) < weeks:
            usable = candidates[has_data[candidates]]
        chosen = usable[:weeks]
        if len(chosen):
            out[(n_days - 1 - k) % 7] = y[chosen].mean(axis=0)
    return out
