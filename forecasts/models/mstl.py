"""`mstl`: adapter to statsforecast's MSTL (daily and weekly seasonality, AutoETS trend) for comparison."""

from __future__ import annotations

import numpy as np

from forecasts.errors import ForecastError
from forecasts.models.base import Model
from forecasts.panel import Horizon, Series


class Mstl(Model):
    """statsforecast MSTL on the last `train_weeks` weeks of the slot series (closed slots as zeros)."""

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
        slots = y.shape[1]
        for i in range(days):  # gaps and event days: the same day a week earlier (or later), else zeros
            if not np.isfinite(y[i]).all() or excluded[i]:
                src = next((j for j in (i - 7, i + 7, i - 14, i + 14) if 0 <= j < days and np.isfinite(y[j]).all()), None)
                y[i] = y[src] if src is not None else 0.0
        self.slots_ = slots
        model = models.MSTL(season_length=[slots, 7 * slots], trend_forecaster=models.AutoETS(model=self.trend_model))
        self.model_ = model.fit(np.nan_to_num(y.ravel()))

    def _predict(self, horizon: Horizon, gap_days: int) -> np.ndarray:
        steps = (gap_days + horizon.n_days) * self.slots_
        mean = np.asarray(self.model_.predict(h=steps)["mean"], dtype=float)
        return mean[gap_days * self.slots_ :].reshape(horizon.n_days, self.slots_)


def _statsforecast_models():
    try:
        from statsforecast import models
    except ImportError as exc:
        raise ForecastError(
            "model 'mstl' needs the optional statsforecast package: pip install 'staffing-planner[statsforecast]'"
        ) from exc
    return models
