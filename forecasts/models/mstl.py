"""`mstl`: adapter to statsforecast's MSTL (daily and weekly seasonality, AutoETS trend) for comparison."""

from __future__ import annotations

import numpy as np

from forecasts.errors import ForecastError
from forecasts.models.base import Model
from forecasts.panel import Horizon, Series

MAX_SLOTS_PER_DAY = 96  # STL cost grows with the period: short slots are fitted as 15-minute blocks
# Evaluate the STL loess smoothers every few points and interpolate, as R's stl() does by default
# (statsmodels defaults to every point, ten times slower on a weekly period of 672 slots).
STL_JUMPS = {"seasonal_jump": 2, "trend_jump": 20, "low_pass_jump": 10}


class Mstl(Model):
    """statsforecast MSTL on the last `train_weeks` weeks of the slot series (closed slots as zeros).

    Slots shorter than 15 minutes are summed into 15-minute blocks for MSTL and split back by each
    block's recent share per sub-slot.
    """

    name = "mstl"
    min_history_days = 21

    def __init__(self, train_weeks: int = 8, trend_model: str = "ZZN") -> None:
        self.train_weeks = train_weeks
        self.trend_model = trend_model

    def _fit(self, series: Series) -> None:
        models = _statsforecast_models()
        days = min(series.n_days, 7 * self.train_weeks)
        y = np.where(series.open, series.y, 0.0)[-days:].copy()
        excluded = series.excluded[-days:]
        for i in range(days):  # gaps and event days: the same day a week earlier (or later), else zeros
            if not np.isfinite(y[i]).all() or excluded[i]:
                near = [j for j in (i - 7, i + 7, i - 14, i + 14) if 0 <= j < days]
                src = next((j for j in near if np.isfinite(y[j]).all() and not excluded[j]), None)
                y[i] = y[src] if src is not None else 0.0
        slots = y.shape[1]
        self.slots_ = slots
        self.block_ = _block_size(slots)
        blocks = y.reshape(days, slots // self.block_, self.block_)
        totals = blocks.sum(axis=2)
        recent = blocks[-28:].sum(axis=0)
        norm = recent.sum(axis=1, keepdims=True)
        self.split_ = np.where(norm > 0, recent / np.where(norm > 0, norm, 1), 1.0 / self.block_)
        period = totals.shape[1]
        model = models.MSTL(season_length=[period, 7 * period], trend_forecaster=models.AutoETS(model=self.trend_model),
                            stl_kwargs=dict(STL_JUMPS))
        self.model_ = model.fit(totals.ravel())

    def _predict(self, horizon: Horizon, gap_days: int) -> np.ndarray:
        period = self.slots_ // self.block_
        steps = (gap_days + horizon.n_days) * period
        mean = np.asarray(self.model_.predict(h=steps)["mean"], dtype=float)
        blocks = mean[gap_days * period :].reshape(horizon.n_days, period, 1) * self.split_[None, :, :]
        return blocks.reshape(horizon.n_days, self.slots_)


def _block_size(slots: int) -> int:
    """Sub-slots per MSTL block: the smallest divisor of slots giving at most MAX_SLOTS_PER_DAY blocks a day."""
    for size in range(1, slots + 1):
        if slots % size == 0 and slots // size <= MAX_SLOTS_PER_DAY:
            return size
    return slots


def _statsforecast_models():
    try:
        from statsforecast import models
    except ImportError as exc:
        raise ForecastError(
            "model 'mstl' needs the optional statsforecast package: pip install 'staffing-planner[statsforecast]'"
        ) from exc
    return models
